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

use make_client::Client;

const PROGRAM: &str = "list-connections";

/// Reads the settings; an error names the variable to fix.
fn settings() -> Result<(Client, i64), String> {
    let token = make_examples::api_token(&["connections:read"])?;
    let team_id = make_examples::required_id("MAKE_TEAM_ID", "team", 35)?;
    Ok((make_examples::client(token)?, team_id))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (client, team_id) = match settings() {
        Ok(settings) => settings,
        Err(message) => return make_examples::settings_failed(PROGRAM, &message),
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
        Err(e) => make_examples::api_failed(PROGRAM, e),
    }
}
