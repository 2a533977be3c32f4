//! The settings the example binaries share: reading `MAKE_*` environment
//! variables, choosing where the API is (zone, private instance or a local
//! mock) and building the [`Client`].
//!
//! Every function here returns `Err(message)` with a message that names the
//! variable to fix; a binary prints it with [`settings_failed`] and exits with
//! [`EXIT_SETTINGS`]. The variables every binary reads:
//!
//! - `MAKE_API_TOKEN` (required): a Make API token with the scopes the binary
//!   names.
//! - `MAKE_ZONE` (optional, default `eu1`): `eu1`, `eu2`, `us1`, `us2`,
//!   `celonis-eu1`, `celonis-us1`.
//! - `MAKE_ENVIRONMENT_URL` (optional): the root URL of a private instance,
//!   e.g. `https://development.make.cloud`; used instead of `MAKE_ZONE`.
//! - `MAKE_BASE_URL` (local testing only): a full base URL such as a mock
//!   server's; `http://` is accepted only for `127.0.0.1` and `localhost`.
//!
//! ```no_run
//! # fn settings() -> Result<(make_client::Client, i64), String> {
//! let token = make_examples::api_token(&["hooks:read"])?;
//! let team_id = make_examples::required_id("MAKE_TEAM_ID", "team", 35)?;
//! let client = make_examples::client(token)?;
//! # Ok((client, team_id))
//! # }
//! ```

use std::collections::BTreeMap;
use std::fmt::Display;
use std::process::ExitCode;
use std::str::FromStr;

use make_client::serde_json::{self, Value};
use make_client::{Client, Zone};

/// The exit code when an API call fails.
pub const EXIT_API: u8 = 1;

/// The exit code when a setting is missing or invalid.
pub const EXIT_SETTINGS: u8 = 2;

/// A non-empty environment variable (blank counts as not set).
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A required variable; `what` completes "set it to ..." when it is not set.
pub fn required(name: &str, what: &str) -> Result<String, String> {
    var(name).ok_or_else(|| format!("{name} is not set: set it to {what}"))
}

/// A required integer ID of a `thing` ("team", "data store"...), with an
/// `example` value for the messages.
pub fn required_id(name: &str, thing: &str, example: i64) -> Result<i64, String> {
    let value = required(
        name,
        &format!("the numeric ID of the {thing}, e.g. {example}"),
    )?;
    value.trim().parse().map_err(|_| {
        format!("{name} must be an integer {thing} ID such as {example}, not `{value}`")
    })
}

/// `MAKE_API_TOKEN`; the message of a missing token lists the `scopes` the
/// binary needs.
pub fn api_token(scopes: &[&str]) -> Result<String, String> {
    required(
        "MAKE_API_TOKEN",
        &format!("a Make API token with {}", scope_phrase(scopes)),
    )
}

/// "the a:read scope", "the a:read and b:write scopes", "the a, b and c scopes".
fn scope_phrase(scopes: &[&str]) -> String {
    match scopes {
        [] => "any scope".to_owned(),
        [one] => format!("the {one} scope"),
        [init @ .., last] => format!("the {} and {last} scopes", init.join(", ")),
    }
}

/// An optional variable holding a JSON object, such as `{"name": "Ada"}`.
pub fn json_object(name: &str) -> Result<Option<BTreeMap<String, Value>>, String> {
    let Some(text) = var(name) else {
        return Ok(None);
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(Some(map.into_iter().collect())),
        Ok(other) => Err(format!(
            "{name} must be a JSON object such as {{\"name\": \"Ada\"}}, not {}",
            json_kind(&other)
        )),
        Err(e) => Err(format!("{name} is not valid JSON: {e}")),
    }
}

/// "an array", "a string"...: what a JSON value is, for messages.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether `url` is a plain-HTTP URL of this machine.
fn is_local_http(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://127.0.0.1")
        .or_else(|| url.strip_prefix("http://localhost"));
    rest.is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
}

/// Builds the client for `token`, pointed at `MAKE_BASE_URL`, else
/// `MAKE_ENVIRONMENT_URL`, else `MAKE_ZONE` (default `eu1`).
pub fn client(token: String) -> Result<Client, String> {
    let builder = Client::builder(token);
    let (builder, from) = if let Some(url) = var("MAKE_BASE_URL") {
        let builder = if is_local_http(&url) {
            builder.allow_insecure_http()
        } else {
            builder
        };
        (builder.base_url(url), "MAKE_BASE_URL")
    } else if let Some(url) = var("MAKE_ENVIRONMENT_URL") {
        (builder.environment_url(url), "MAKE_ENVIRONMENT_URL")
    } else {
        let zone = var("MAKE_ZONE").map_or(Ok(Zone::default()), |z| Zone::from_str(z.trim()));
        let zone = zone.map_err(|e| format!("MAKE_ZONE is invalid: {e}"))?;
        (builder.base_url(zone), "MAKE_ZONE")
    };
    builder.build().map_err(|e| format!("{from}: {e}"))
}

/// Prints `program: message` on stderr and returns [`EXIT_SETTINGS`].
pub fn settings_failed(program: &str, message: &str) -> ExitCode {
    eprintln!("{program}: {message}");
    ExitCode::from(EXIT_SETTINGS)
}

/// Prints `program: error` on stderr and returns [`EXIT_API`].
pub fn api_failed(program: &str, error: impl Display) -> ExitCode {
    eprintln!("{program}: {error}");
    ExitCode::from(EXIT_API)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_http_is_only_this_machine() {
        for url in [
            "http://127.0.0.1",
            "http://127.0.0.1:8080",
            "http://localhost/api/v2",
        ] {
            assert!(is_local_http(url), "{url}");
        }
        for url in [
            "https://127.0.0.1",
            "http://localhost.example.com",
            "http://127.0.0.10",
            "http://example.com/http://localhost",
        ] {
            assert!(!is_local_http(url), "{url}");
        }
    }

    #[test]
    fn scope_phrases() {
        assert_eq!(scope_phrase(&["a:read"]), "the a:read scope");
        assert_eq!(
            scope_phrase(&["a:read", "a:write"]),
            "the a:read and a:write scopes"
        );
        assert_eq!(scope_phrase(&["a", "b", "c"]), "the a, b and c scopes");
    }

    #[test]
    fn json_kinds_name_the_value() {
        assert_eq!(json_kind(&serde_json::json!([1])), "an array");
        assert_eq!(json_kind(&serde_json::json!("x")), "a string");
        assert_eq!(json_kind(&serde_json::json!(null)), "null");
    }
}
