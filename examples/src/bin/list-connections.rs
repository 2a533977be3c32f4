//! Lists the connections of one Make team, one line per connection:
//! `id<TAB>name<TAB>accountName`.
//!
//! ```text
//! MAKE_API_TOKEN=... MAKE_ZONE=eu1 MAKE_TEAM_ID=35 cargo run -p make-examples --bin list-connections
//! ```
//!
//! - `MAKE_API_TOKEN` (required): an API token with the `connections:read` scope.
//! - `MAKE_TEAM_ID` (required): the numeric ID of the team.
//! - `MAKE_ZONE` (optional, default `eu1`): `eu1`, `eu2`, `us1`, `us2`, `celonis-eu1`, `celonis-us1`.
//! - `MAKE_ENVIRONMENT_URL` (optional): the root URL of a private instance,
//!   e.g. `https://development.make.cloud`; used instead of `MAKE_ZONE`.
//! - `MAKE_BASE_URL` (local testing only): a full base URL such as a mock
//!   server's; `http://` is accepted only for `127.0.0.1` and `localhost`.
//!
//! Exits with 0 on success, 1 when the API call fails, 2 when the settings
//! are missing or invalid.

use std::process::ExitCode;
use std::str::FromStr;

use make_client::{Client, Zone};

/// A non-empty environment variable.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Whether `url` is a plain-HTTP URL of this machine.
fn is_local_http(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://127.0.0.1")
        .or_else(|| url.strip_prefix("http://localhost"));
    rest.is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
}

/// Reads the settings; an error names the variable to fix.
fn settings() -> Result<(Client, i64), String> {
    let token = var("MAKE_API_TOKEN").ok_or(
        "MAKE_API_TOKEN is not set: set it to a Make API token with the connections:read scope",
    )?;
    let team = var("MAKE_TEAM_ID")
        .ok_or("MAKE_TEAM_ID is not set: set it to the numeric ID of the team, e.g. 35")?;
    let team_id = team
        .trim()
        .parse()
        .map_err(|_| format!("MAKE_TEAM_ID must be an integer team ID such as 35, not `{team}`"))?;
    let builder = Client::builder(token);
    let (builder, from) = if let Some(url) = var("MAKE_BASE_URL") {
        let insecure = is_local_http(&url);
        let builder = if insecure {
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
    let client = builder.build().map_err(|e| format!("{from}: {e}"))?;
    Ok((client, team_id))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (client, team_id) = match settings() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("list-connections: {message}");
            return ExitCode::from(2);
        }
    };
    match client.connections().list(team_id).send().await {
        Ok(response) => {
            for c in response.connections {
                let id = c.id.map_or_else(|| "-".to_owned(), |id| id.to_string());
                let name = c.name.as_deref().unwrap_or("-");
                println!("{id}\t{name}\t{}", c.account_name.as_deref().unwrap_or("-"));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("list-connections: {e}");
            ExitCode::FAILURE
        }
    }
}
