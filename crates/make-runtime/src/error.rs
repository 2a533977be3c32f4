//! Errors returned by the runtime and Make's error body.
//!
//! Every failure of a call is an [`Error`]; the variants say whether the
//! request was never sent ([`Error::MissingScope`], [`Error::InvalidRequest`],
//! [`Error::Config`]), failed on the way to or from Make ([`Error::Timeout`],
//! [`Error::Transport`]), was refused by Make with its JSON error body
//! ([`Error::Api`], carrying an [`ApiError`] and its [`ErrorCode`]), was
//! answered with some other non-2xx body ([`Error::Status`]), or succeeded
//! with a body that did not decode ([`Error::Decode`]).

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use http::StatusCode;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How many characters of a response body errors keep.
pub(crate) const BODY_START_CHARS: usize = 200;

/// An error from a Make API call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client was built with [`ClientBuilder::scopes`](crate::ClientBuilder::scopes)
    /// and they do not include every scope the operation requires. Nothing was sent.
    #[error(
        "{operation}: the client's token scopes lack {}, which this operation requires; \
         create a token with these scopes and list them in ClientBuilder::scopes",
        .missing.join(", ")
    )]
    MissingScope {
        /// The operation name, e.g. `connections.list`.
        operation: &'static str,
        /// The required scopes that the client does not have.
        missing: Vec<String>,
    },

    /// The client settings are invalid (bad base URL, `http://` without
    /// `allow_insecure_http()`, a token that cannot be sent in a header...).
    #[error("invalid Make client configuration: {0}")]
    Config(String),

    /// The request could not be built (body failed to serialize, a path
    /// placeholder left unfilled, an invalid header...). Nothing was sent.
    #[error("{operation}: could not build the request: {message}")]
    InvalidRequest {
        /// The operation name.
        operation: &'static str,
        /// What was wrong.
        message: String,
    },

    /// The request timed out (after any retries the policy allowed).
    #[error(
        "{operation}: the request to the Make API timed out; retry later or raise \
         ClientBuilder::timeout"
    )]
    Timeout {
        /// The operation name.
        operation: &'static str,
    },

    /// The request failed below HTTP (connection refused, TLS, DNS, a
    /// middleware error, a response body that broke off...), after any
    /// retries the policy allowed. A POST or PATCH that failed this way after
    /// it was sent may have been carried out.
    #[error("{operation}: the connection to the Make API failed: {}", chain(.source.as_ref()))]
    Transport {
        /// The operation name.
        operation: &'static str,
        /// The underlying error.
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },

    /// Make answered with a non-2xx status and its JSON error body.
    #[error(
        "{operation}: HTTP {status}: {}{}{}",
        .error.summary(), hint(*.status, .required_scopes), wait(*.retry_after)
    )]
    Api {
        /// The operation name.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// Make's error body (boxed to keep `Error` small).
        error: Box<ApiError>,
        /// The scopes the operation requires (shown for 403).
        required_scopes: &'static [&'static str],
        /// How long the response's `Retry-After` asked to wait, if it had one.
        retry_after: Option<Duration>,
    },

    /// A non-2xx response whose body is not Make's error JSON (for example
    /// an HTML page from a proxy).
    #[error(
        "{operation}: HTTP {status}{}: {}{}",
        .content_type.as_deref().map(|c| format!(" ({c})")).unwrap_or_default(),
        if .body_start.is_empty() { "empty body" } else { .body_start.as_str() },
        wait(*.retry_after)
    )]
    Status {
        /// The operation name.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// How long the response's `Retry-After` asked to wait, if it had one.
        retry_after: Option<Duration>,
        /// The response `Content-Type`, if any.
        content_type: Option<String>,
        /// The first ~200 characters of the body.
        body_start: String,
    },

    /// A paginated list could not be walked to its end: the server does not honour
    /// `pg[offset]` (it echoed another offset, or answered with the previous page again). The
    /// items yielded before this error are the list's first items, none repeated.
    #[error("{operation}: {message}")]
    Pagination {
        /// The operation name.
        operation: &'static str,
        /// What the server did.
        message: String,
    },

    /// A 2xx response whose body did not decode into the expected type.
    #[error(
        "{operation}: could not decode the HTTP {status} response at `{path}`: {message}; \
         the body starts with: {body_start}"
    )]
    Decode {
        /// The operation name.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The JSON path that failed, e.g. `connections[3].id` (`.` for the root).
        path: String,
        /// The decoder's message.
        message: String,
        /// The first ~200 characters of the body.
        body_start: String,
    },
}

fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = e.source();
    }
    out
}

fn hint(status: StatusCode, scopes: &[&str]) -> String {
    match status {
        StatusCode::FORBIDDEN if !scopes.is_empty() => {
            format!("; this operation requires scopes: {}", scopes.join(", "))
        }
        StatusCode::TOO_MANY_REQUESTS => {
            "; the organization's API rate limit was exceeded (set ClientBuilder::rate_limit \
             to your plan)"
                .to_owned()
        }
        _ => String::new(),
    }
}

fn wait(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(d) if d.subsec_millis() == 0 => format!(" (the server asks to retry after {} s)", d.as_secs()),
        Some(d) => format!(" (the server asks to retry after {:.1} s)", d.as_secs_f64()),
        None => String::new(),
    }
}

impl Error {
    /// How long the server asked to wait before a new attempt (its `Retry-After`), for
    /// errors that come from a response that had one. The client already waited and
    /// retried when the policy allowed it; a value here means it did not (attempts used
    /// up, or a longer wait than
    /// [`RetryPolicy::max_retry_after`](crate::RetryPolicy::max_retry_after)).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api { retry_after, .. } | Error::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The HTTP status, for errors that come from a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::Status { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Make's error body, for [`Error::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Make's error code (e.g. [`ErrorCode::Im005`]), when the body had one.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.api_error().and_then(|e| e.code.as_ref())
    }

    /// A short, stable name of the variant (e.g. `api`, `timeout`), for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::MissingScope { .. } => "missing_scope",
            Error::Config(_) => "config",
            Error::InvalidRequest { .. } => "invalid_request",
            Error::Timeout { .. } => "timeout",
            Error::Transport { .. } => "transport",
            Error::Api { .. } => "api",
            Error::Status { .. } => "status",
            Error::Decode { .. } => "decode",
            Error::Pagination { .. } => "pagination",
        }
    }

    /// The operation the error belongs to (none for [`Error::Config`]).
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::MissingScope { operation, .. }
            | Error::InvalidRequest { operation, .. }
            | Error::Timeout { operation }
            | Error::Transport { operation, .. }
            | Error::Api { operation, .. }
            | Error::Status { operation, .. }
            | Error::Decode { operation, .. }
            | Error::Pagination { operation, .. } => Some(operation),
            Error::Config(_) => None,
        }
    }
}

/// Make's JSON error body, e.g.
/// `{"detail": "Access denied.", "message": "Permission denied", "code": "SC403"}`, or for a
/// validation error
/// `{"message": "Validation failed", "suberrors": [{"message": "Name is required"}]}`.
///
/// Decoding is tolerant: extra fields are ignored, a numeric `code` is kept as
/// [`ErrorCode::Other`], a non-string `detail`/`message` is kept as its JSON
/// text, and `suberrors` may be a list of objects or strings, or one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct ApiError {
    /// The detailed explanation.
    #[serde(
        default,
        deserialize_with = "lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub detail: Option<String>,
    /// The short message, e.g. `Permission denied`.
    #[serde(
        default,
        deserialize_with = "lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub message: Option<String>,
    /// The error code, e.g. `SC403` or `IM005`.
    #[serde(
        default,
        deserialize_with = "lenient_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub code: Option<ErrorCode>,
    /// The field-level messages Make sends with a validation error, in its order.
    #[serde(
        default,
        deserialize_with = "lenient_suberrors",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub suberrors: Vec<SubError>,
}

/// One entry of [`ApiError::suberrors`]: a field-level message of a validation error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct SubError {
    /// What is wrong, e.g. `Missing value of required parameter 'accountType'.`.
    #[serde(
        default,
        deserialize_with = "lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub message: Option<String>,
    /// Any other fields the entry carried, kept as sent.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl SubError {
    /// Its message, or its JSON text when it has none.
    fn text(&self) -> String {
        match &self.message {
            Some(m) => m.clone(),
            None => serde_json::Value::Object(self.other.clone()).to_string(),
        }
    }
}

impl ApiError {
    /// Parses a response body as Make's error body; `None` unless it is a
    /// JSON object with at least one of `detail`, `message`, `code` or a
    /// non-empty `suberrors`.
    pub fn from_body(body: &[u8]) -> Option<ApiError> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        if !value.is_object() {
            return None;
        }
        let err: ApiError = serde_json::from_value(value).ok()?;
        (err.detail.is_some()
            || err.message.is_some()
            || err.code.is_some()
            || !err.suberrors.is_empty())
        .then_some(err)
    }

    /// `message (CODE): detail [suberror; suberror]`, leaving out the parts that are missing.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        if let Some(m) = &self.message {
            s.push_str(m);
        }
        if let Some(c) = &self.code {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push('(');
            s.push_str(c.as_str());
            s.push(')');
            if self.message.is_none() {
                if let Some(d) = c.description() {
                    s.push(' ');
                    s.push_str(d);
                }
            }
        }
        if let Some(d) = &self.detail {
            if !s.is_empty() {
                s.push_str(": ");
            }
            s.push_str(d);
        }
        if !self.suberrors.is_empty() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push('[');
            let texts: Vec<String> = self.suberrors.iter().map(SubError::text).collect();
            s.push_str(&texts.join("; "));
            s.push(']');
        }
        s
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}

/// `suberrors` as a list; a single entry (object or string) is a list of one, a string entry
/// is its message, and anything else is kept as its JSON text.
fn lenient_suberrors<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<SubError>, D::Error> {
    use serde_json::Value;
    let entry = |v: Value| -> Option<SubError> {
        match v {
            Value::Null => None,
            Value::Object(map) => Some(
                serde_json::from_value(Value::Object(map.clone())).unwrap_or(SubError {
                    message: None,
                    other: map,
                }),
            ),
            other => Some(SubError {
                message: value_to_string(other),
                other: serde_json::Map::new(),
            }),
        }
    };
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items.into_iter().filter_map(entry).collect(),
        Some(v) => entry(v).into_iter().collect(),
        None => Vec::new(),
    })
}

fn value_to_string(v: serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<serde_json::Value>::deserialize(d)?.and_then(value_to_string))
}

fn lenient_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ErrorCode>, D::Error> {
    Ok(Option::<serde_json::Value>::deserialize(d)?
        .and_then(value_to_string)
        .map(|s| s.parse().unwrap_or_else(|e: Infallible| match e {})))
}

/// A Make error code. Unknown codes are kept in [`ErrorCode::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `SC403`: Permission denied (the token lacks a scope or the user lacks rights).
    Sc403,
    /// `IM001`: Access Denied.
    Im001,
    /// `IM002`: Insufficient Rights.
    Im002,
    /// `IM003`: Storage Not Enough Space.
    Im003,
    /// `IM004`: Confirmation Required (repeat the call with `confirmed=true`).
    Im004,
    /// `IM005`: Invalid Input Parameters.
    Im005,
    /// `IM011`: Entity Limit Exceeded.
    Im011,
    /// `IM016`: Action is not possible due to dependencies.
    Im016,
    /// `IM102`: Invalid Credentials.
    Im102,
    /// A code this crate does not know, kept verbatim.
    Other(String),
}

impl ErrorCode {
    /// The code as sent on the wire, e.g. `SC403`.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::Sc403 => "SC403",
            ErrorCode::Im001 => "IM001",
            ErrorCode::Im002 => "IM002",
            ErrorCode::Im003 => "IM003",
            ErrorCode::Im004 => "IM004",
            ErrorCode::Im005 => "IM005",
            ErrorCode::Im011 => "IM011",
            ErrorCode::Im016 => "IM016",
            ErrorCode::Im102 => "IM102",
            ErrorCode::Other(s) => s,
        }
    }

    /// What the code means according to Make's documentation (`None` for
    /// [`ErrorCode::Other`]).
    pub fn description(&self) -> Option<&'static str> {
        Some(match self {
            ErrorCode::Sc403 => "Permission denied",
            ErrorCode::Im001 => "Access Denied",
            ErrorCode::Im002 => "Insufficient Rights",
            ErrorCode::Im003 => "Storage Not Enough Space",
            ErrorCode::Im004 => "Confirmation Required",
            ErrorCode::Im005 => "Invalid Input Parameters",
            ErrorCode::Im011 => "Entity Limit Exceeded",
            ErrorCode::Im016 => "Action is not possible due to dependencies",
            ErrorCode::Im102 => "Invalid Credentials",
            ErrorCode::Other(_) => return None,
        })
    }
}

impl FromStr for ErrorCode {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "SC403" => ErrorCode::Sc403,
            "IM001" => ErrorCode::Im001,
            "IM002" => ErrorCode::Im002,
            "IM003" => ErrorCode::Im003,
            "IM004" => ErrorCode::Im004,
            "IM005" => ErrorCode::Im005,
            "IM011" => ErrorCode::Im011,
            "IM016" => ErrorCode::Im016,
            "IM102" => ErrorCode::Im102,
            other => ErrorCode::Other(other.to_owned()),
        })
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(s.parse().unwrap_or_else(|e: Infallible| match e {}))
    }
}

/// The first [`BODY_START_CHARS`] characters of a body (lossy UTF-8), with
/// `…` when cut.
pub(crate) fn body_start(body: &[u8]) -> String {
    let head = &body[..body.len().min(BODY_START_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let truncated = head.len() < body.len() || text.chars().nth(BODY_START_CHARS).is_some();
    let mut out: String = text.chars().take(BODY_START_CHARS).collect();
    if truncated {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_make_error_body() {
        let e = ApiError::from_body(
            br#"{"detail":"Access denied.","message":"Permission denied","code":"SC403","extra":1}"#,
        )
        .unwrap();
        assert_eq!(e.code, Some(ErrorCode::Sc403));
        assert_eq!(e.summary(), "Permission denied (SC403): Access denied.");
    }

    #[test]
    fn tolerant_codes_and_fields() {
        let e = ApiError::from_body(br#"{"code": 42, "detail": ["a"]}"#).unwrap();
        assert_eq!(e.code, Some(ErrorCode::Other("42".into())));
        assert_eq!(e.detail.as_deref(), Some(r#"["a"]"#));
        let e = ApiError::from_body(br#"{"code":"XY999"}"#).unwrap();
        assert_eq!(e.code, Some(ErrorCode::Other("XY999".into())));
        assert!(ApiError::from_body(br#"{"foo":"bar"}"#).is_none());
        assert!(ApiError::from_body(b"<html>").is_none());
        assert!(ApiError::from_body(b"[1]").is_none());
    }

    #[test]
    fn suberrors_are_kept_and_shown() {
        let e = ApiError::from_body(
            br#"{"detail":"Validation failed for 2 parameter(s).","message":"Invalid input parameters","code":"IM005",
                "suberrors":[{"message":"Missing value of required parameter 'accountType'.","field":"accountType"},
                             {"message":"Name is too long"}]}"#,
        )
        .unwrap();
        assert_eq!(e.suberrors.len(), 2);
        assert_eq!(e.suberrors[0].other["field"], "accountType");
        assert_eq!(
            e.to_string(),
            "Invalid input parameters (IM005): Validation failed for 2 parameter(s). \
             [Missing value of required parameter 'accountType'.; Name is too long]"
        );
        // Round trip keeps every field.
        let back = serde_json::to_value(&e).unwrap();
        assert_eq!(back["suberrors"][0]["field"], "accountType");
        assert_eq!(serde_json::from_value::<ApiError>(back).unwrap(), e);
    }

    #[test]
    fn suberrors_without_code_or_message_still_decode() {
        let e = ApiError::from_body(br#"{"suberrors":[{"message":"Name is required"},"Email is invalid",null,{"path":"x"},7]}"#)
            .unwrap();
        assert_eq!(e.code, None);
        assert_eq!(
            e.summary(),
            r#"[Name is required; Email is invalid; {"path":"x"}; 7]"#
        );
        let e = ApiError::from_body(br#"{"message":"Validation failed","suberrors":{"message":"one"}}"#).unwrap();
        assert_eq!(e.summary(), "Validation failed [one]");
        assert!(ApiError::from_body(br#"{"suberrors":[]}"#).is_none());
        assert!(ApiError::from_body(br#"{"message":"x","suberrors":"weird"}"#).unwrap().suberrors[0].message.as_deref() == Some("weird"));
    }

    #[test]
    fn error_code_round_trip() {
        for code in [
            "SC403", "IM001", "IM002", "IM003", "IM004", "IM005", "IM011", "IM016", "IM102", "ZZ1",
        ] {
            let c: ErrorCode = code.parse().unwrap();
            assert_eq!(c.to_string(), code);
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{code}\""));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), c);
        }
        assert_eq!(
            ErrorCode::Im004.description(),
            Some("Confirmation Required")
        );
    }

    #[test]
    fn body_start_truncates_on_char_boundary() {
        let body = "é".repeat(300);
        let s = body_start(body.as_bytes());
        assert_eq!(s.chars().count(), BODY_START_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(body_start(b"short"), "short");
    }

    #[test]
    fn error_is_send_sync_static() {
        fn assert<T: Send + Sync + 'static>() {}
        assert::<Error>();
    }
}
