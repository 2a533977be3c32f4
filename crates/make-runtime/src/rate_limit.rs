//! Client-side rate limiting to stay within the organization's API quota.
//!
//! Make limits API calls per organization and minute, by plan (Core 60,
//! Pro 120, Teams 240, Enterprise 1000) and answers 429 beyond that.
//! [`RateLimit`] makes a client (and all its clones, which share one limiter)
//! wait before each attempt, retries included, so that it never sends more
//! than `n` requests in any 60-second window.
//!
//! The limiter is a [`governor`] GCRA limiter with a burst of 1 that
//! replenishes one request every `60 s / n` (plus 1 ms, so that even a closed
//! 60 s window holds at most `n` requests): requests are spaced evenly
//! rather than sent in a burst of `n` followed by a pause. A burst of `n`
//! would allow up to `2n - 1` requests in some 60 s windows (a full burst at
//! the end of one refill period followed by refills); a burst of 1 makes any
//! half-open 60 s window contain at most `n` requests. Its clock is tokio's
//! (`tokio::time::Instant`), so waiting uses `tokio::time::sleep` and follows
//! tokio's paused test clock.

use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::Quota;

/// Make's organization plans and their API rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Plan {
    /// Core: 60 requests per minute.
    Core,
    /// Pro: 120 requests per minute.
    Pro,
    /// Teams: 240 requests per minute.
    Teams,
    /// Enterprise: 1000 requests per minute.
    Enterprise,
}

impl Plan {
    /// The plan's API limit in requests per minute.
    pub fn requests_per_minute(self) -> u32 {
        match self {
            Plan::Core => 60,
            Plan::Pro => 120,
            Plan::Teams => 240,
            Plan::Enterprise => 1000,
        }
    }
}

/// A client-side limit on requests per minute.
///
/// Check your organization's limit with `GET /organizations/{organizationId}`
/// (`license.apiLimit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    per_minute: u32,
}

impl RateLimit {
    /// At most `n` requests in any 60-second window. `0` is rejected by
    /// [`ClientBuilder::build`](crate::ClientBuilder::build).
    pub fn per_minute(n: u32) -> Self {
        RateLimit { per_minute: n }
    }

    /// The limit of a Make plan.
    pub fn plan(plan: Plan) -> Self {
        RateLimit::per_minute(plan.requests_per_minute())
    }

    /// The configured requests per minute.
    pub fn requests_per_minute(&self) -> u32 {
        self.per_minute
    }

    pub(crate) fn quota(&self) -> Option<Quota> {
        let n = NonZeroU32::new(self.per_minute)?;
        // One extra millisecond per period so that even a closed 60 s window
        // (both ends included) holds at most `n` requests.
        let period = Duration::from_secs(60) / n.get() + Duration::from_millis(1);
        Some(Quota::with_period(period)?.allow_burst(NonZeroU32::MIN))
    }
}

/// A governor clock reading `tokio::time::Instant`, as time elapsed since
/// the limiter was created.
#[derive(Debug, Clone)]
pub(crate) struct TokioClock {
    start: tokio::time::Instant,
}

impl Clock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

type Governor =
    governor::RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;

/// The shared limiter of a client.
pub(crate) struct Limiter {
    limit: RateLimit,
    clock: TokioClock,
    governor: Governor,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Option<Limiter> {
        let clock = TokioClock {
            start: tokio::time::Instant::now(),
        };
        let governor = governor::RateLimiter::direct_with_clock(limit.quota()?, clock.clone());
        Some(Limiter {
            limit,
            clock,
            governor,
        })
    }

    /// Waits until one more request may be sent, and takes it.
    pub(crate) async fn acquire(&self) {
        loop {
            match self.governor.check() {
                Ok(()) => return,
                Err(not_until) => {
                    let wait = not_until.wait_time_from(self.clock.now());
                    tracing::debug!(
                        wait_ms = wait.as_millis() as u64,
                        "waiting for the client rate limit"
                    );
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter")
            .field("per_minute", &self.limit.per_minute)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans() {
        assert_eq!(RateLimit::plan(Plan::Core).requests_per_minute(), 60);
        assert_eq!(RateLimit::plan(Plan::Pro).requests_per_minute(), 120);
        assert_eq!(RateLimit::plan(Plan::Teams).requests_per_minute(), 240);
        assert_eq!(
            RateLimit::plan(Plan::Enterprise).requests_per_minute(),
            1000
        );
        assert!(RateLimit::per_minute(0).quota().is_none());
        assert!(Limiter::new(RateLimit::per_minute(0)).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn spaces_requests_evenly() {
        let limiter = Limiter::new(RateLimit::per_minute(60)).unwrap();
        let start = tokio::time::Instant::now();
        let mut times = Vec::new();
        for _ in 0..5 {
            limiter.acquire().await;
            times.push(start.elapsed());
        }
        let expected: Vec<_> = (0..5).map(|i| Duration::from_millis(1001 * i)).collect();
        assert_eq!(times, expected, "one request per 1.001 s for 60/min");
    }
}
