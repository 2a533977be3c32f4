//! Lists the hooks (webhooks and mailhooks) of one Make team and, under each,
//! the items waiting in its queue:
//!
//! ```text
//! hook<TAB>id<TAB>name<TAB>queueCount/queueLimit
//! item<TAB>hookId<TAB>itemId<TAB>created<TAB>size in bytes
//! ```
//!
//! ```text
//! MAKE_API_TOKEN=... MAKE_ZONE=eu1 MAKE_TEAM_ID=35 cargo run -p make-examples --bin hooks-queue
//! ```
//!
//! - `MAKE_API_TOKEN` (required): an API token with the `hooks:read` scope.
//! - `MAKE_TEAM_ID` (required): the numeric ID of the team.
//! - `MAKE_ZONE`, `MAKE_ENVIRONMENT_URL`, `MAKE_BASE_URL`: where the API is,
//!   as for `list-connections` (default zone `eu1`).
//!
//! A hook's queue is read to its end, page by page
//! (`client.hooks().incomings().list(hook).stream()`); a hook whose
//! `queueCount` is 0 is not asked for its queue. Missing values print as `-`.
//! The items' data (the payloads received) is not printed: it can be large
//! and personal; `client.hooks().incomings().get(hook, item)` reads one.
//!
//! Exits with 0 on success, 1 when an API call fails, 2 when the settings
//! are missing or invalid.

use std::process::ExitCode;

use make_client::{Client, Error, TryStreamExt};

const PROGRAM: &str = "hooks-queue";

/// Reads the settings; an error names the variable to fix.
fn settings() -> Result<(Client, i64), String> {
    let token = make_examples::api_token(&["hooks:read"])?;
    let team_id = make_examples::required_id("MAKE_TEAM_ID", "team", 35)?;
    Ok((make_examples::client(token)?, team_id))
}

/// A value, or `-` when Make sent none.
fn or_dash(value: Option<impl ToString>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// Prints the hooks and their queues.
async fn print_hooks(client: &Client, team_id: i64) -> Result<(), Error> {
    let hooks = client.hooks().list(team_id).send().await?.hooks;
    for hook in hooks {
        let name = hook.name.as_deref().unwrap_or("-");
        println!(
            "hook\t{}\t{name}\t{}/{}",
            or_dash(hook.id),
            or_dash(hook.queue_count),
            or_dash(hook.queue_limit)
        );
        let Some(hook_id) = hook.id else { continue };
        if hook.queue_count == Some(0) {
            continue;
        }
        let mut items = std::pin::pin!(client.hooks().incomings().list(hook_id).stream());
        while let Some(item) = items.try_next().await? {
            println!(
                "item\t{hook_id}\t{}\t{}\t{}",
                or_dash(item.id),
                or_dash(item.created),
                or_dash(item.size)
            );
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let (client, team_id) = match settings() {
        Ok(settings) => settings,
        Err(message) => return make_examples::settings_failed(PROGRAM, &message),
    };
    match print_hooks(&client, team_id).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => make_examples::api_failed(PROGRAM, e),
    }
}
