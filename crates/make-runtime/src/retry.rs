//! When and how long to wait before retrying a failed attempt.
//!
//! [`RetryPolicy`] retries on HTTP 429 and 503, connection failures and
//! timeouts with exponential backoff and full jitter, and waits as long as the
//! server's `Retry-After` (delta seconds or HTTP date) asks when it sends one.
//! Methods that are not idempotent (POST, PATCH) are retried only when it is
//! safe: on 429 and on connection failures where nothing was sent.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method, StatusCode};
use rand::Rng;

/// Retry settings for every call made by a client.
///
/// The default is 4 attempts in total, 500 ms base delay, 30 s maximum
/// backoff, and server-asked waits of up to 120 s.
///
/// The delay before retry `n` (1-based) is a random duration between zero and
/// `min(max_delay, base_delay * 2^(n-1))` ("full jitter"), unless the response
/// carried `Retry-After`. A `Retry-After` is honoured in full, never cut to
/// `max_delay`: retrying earlier than the server asked is certain to be refused
/// again (Make's rate limit counts per minute, so a 429 may ask for 60 s). When
/// it asks for more than [`max_retry_after`](Self::max_retry_after), the call
/// is not retried: it fails at once with the response's error, and
/// [`Error::retry_after`](crate::Error::retry_after) tells the caller how long
/// the server asked to wait.
///
/// What is retried:
/// - idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS, TRACE): HTTP 429,
///   HTTP 503, connection and other transport errors, timeouts;
/// - other methods (POST, PATCH): HTTP 429 and connection failures where no
///   byte was sent, never 503 or timeouts (the server may have acted);
/// - a request with a streaming body is never retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// An HTTP status (429 and 503 are the retryable ones).
    Status(StatusCode),
    /// The connection could not be established; nothing was sent.
    Connect,
    /// The request timed out.
    Timeout,
    /// Another transport error after the connection was made.
    Transport,
    /// An error that is never retried (e.g. from a user middleware).
    Fatal,
}

impl RetryPolicy {
    /// No retries: every call makes exactly one attempt.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Total number of attempts, including the first (0 is taken as 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Base of the exponential backoff.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Upper bound of the computed backoff (not of a wait the server asks for
    /// with `Retry-After`).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` the client waits for before retrying (default
    /// 120 s). A response asking for longer ends the call at once with its
    /// error, carrying the time asked for
    /// ([`Error::retry_after`](crate::Error::retry_after)).
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// The configured total number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether `failure` of a `method` request may be retried at all.
    pub(crate) fn is_retryable(method: &Method, failure: Failure) -> bool {
        let idempotent = matches!(
            *method,
            Method::GET
                | Method::HEAD
                | Method::PUT
                | Method::DELETE
                | Method::OPTIONS
                | Method::TRACE
        );
        match failure {
            Failure::Status(StatusCode::TOO_MANY_REQUESTS) | Failure::Connect => true,
            Failure::Status(StatusCode::SERVICE_UNAVAILABLE)
            | Failure::Timeout
            | Failure::Transport => idempotent,
            Failure::Status(_) | Failure::Fatal => false,
        }
    }

    /// The delay before the retry that follows failed attempt `attempt`
    /// (1-based), given the wait the server asked for with `Retry-After`;
    /// `None` when the server asked for longer than `max_retry_after` (no retry).
    pub(crate) fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if let Some(asked) = retry_after {
            return (asked <= self.max_retry_after).then_some(asked);
        }
        let exp = attempt.saturating_sub(1).min(31);
        let cap = self
            .base_delay
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Some(Duration::ZERO);
        }
        Some(Duration::from_nanos(rand::thread_rng().gen_range(0..=nanos)))
    }
}

/// Parses `Retry-After` as delta seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(1e9)));
        }
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn retryability() {
        let r = |m: Method, f| RetryPolicy::is_retryable(&m, f);
        assert!(r(
            Method::GET,
            Failure::Status(StatusCode::SERVICE_UNAVAILABLE)
        ));
        assert!(r(Method::GET, Failure::Timeout));
        assert!(r(Method::DELETE, Failure::Transport));
        assert!(r(
            Method::POST,
            Failure::Status(StatusCode::TOO_MANY_REQUESTS)
        ));
        assert!(r(Method::POST, Failure::Connect));
        assert!(!r(
            Method::POST,
            Failure::Status(StatusCode::SERVICE_UNAVAILABLE)
        ));
        assert!(!r(Method::PATCH, Failure::Timeout));
        assert!(!r(Method::POST, Failure::Transport));
        assert!(!r(
            Method::GET,
            Failure::Status(StatusCode::INTERNAL_SERVER_ERROR)
        ));
        assert!(!r(Method::GET, Failure::Status(StatusCode::BAD_REQUEST)));
    }

    #[test]
    fn backoff_is_bounded_full_jitter() {
        let p = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350));
        for _ in 0..200 {
            assert!(p.delay(1, None).unwrap() <= Duration::from_millis(100));
            assert!(p.delay(2, None).unwrap() <= Duration::from_millis(200));
            assert!(p.delay(3, None).unwrap() <= Duration::from_millis(350));
            assert!(p.delay(40, None).unwrap() <= Duration::from_millis(350));
        }
        assert_eq!(RetryPolicy::none().attempts(), 1);
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
    }

    #[test]
    fn retry_after_is_waited_in_full_or_not_at_all() {
        let p = RetryPolicy::default();
        let secs = |s| Some(Duration::from_secs(s));
        // Above the 30 s backoff cap, below the 120 s wait limit: waited in full.
        assert_eq!(p.delay(1, secs(60)), secs(60));
        assert_eq!(p.delay(3, secs(120)), secs(120));
        assert_eq!(p.delay(1, secs(121)), None);
        let p = p.max_retry_after(Duration::from_secs(600)).max_delay(Duration::from_secs(1));
        assert_eq!(p.delay(1, secs(600)), secs(600));
        assert_eq!(p.delay(1, Some(Duration::ZERO)), Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_seconds_and_date() {
        let mut h = HeaderMap::new();
        h.insert(http::header::RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(http::header::RETRY_AFTER, HeaderValue::from_static("1.5"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(1500)));
        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
        h.insert(
            http::header::RETRY_AFTER,
            HeaderValue::from_str(&date).unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(
            d > Duration::from_secs(8) && d <= Duration::from_secs(10),
            "{d:?}"
        );
        h.insert(
            http::header::RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(http::header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }
}
