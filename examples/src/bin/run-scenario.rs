//! Runs a Make scenario once, waits for that execution to finish and prints
//! its final status: `executionId<TAB>STATUS`, then the execution's outputs
//! as one line of JSON when it has any.
//!
//! ```text
//! MAKE_API_TOKEN=... MAKE_ZONE=eu1 MAKE_SCENARIO_ID=925 cargo run -p make-examples --bin run-scenario
//! ```
//!
//! - `MAKE_API_TOKEN` (required): an API token with the `scenarios:run` scope
//!   (to start the run) and the `scenarios:read` scope (to read its status).
//! - `MAKE_SCENARIO_ID` (required): the numeric ID of the scenario.
//! - `MAKE_SCENARIO_INPUT` (optional): the scenario's inputs as a JSON object,
//!   e.g. `{"email": "ada@example.com"}`.
//! - `MAKE_RESPONSIVE` (optional, default `false`): `true` runs in Make's
//!   responsive mode, where Make answers the run request only once the
//!   execution has finished (or its own wait ran out), with its status and
//!   outputs.
//! - `MAKE_POLL_INTERVAL_SECS` (optional, default 2): the seconds between two
//!   status requests; decimals such as `0.5` are allowed.
//! - `MAKE_TIME_LIMIT_SECS` (optional, default 300): how long to wait in all,
//!   counted from the run request.
//! - `MAKE_ZONE`, `MAKE_ENVIRONMENT_URL`, `MAKE_BASE_URL`: where the API is,
//!   as for `list-connections` (default zone `eu1`).
//!
//! When the run's answer carries the execution's outcome (`status` 1 success,
//! 2 success with warnings, 3 failed: a responsive run that finished), that is
//! the final status and the answer's `outputs` are printed: a success needs no
//! other request; for a warning or a failure the execution's details are read
//! once, only for the error that describes it (the run's answer has none).
//! The outcome decides the exit code even when that error cannot be read.
//!
//! Otherwise the status comes from
//! `GET /scenarios/{scenarioId}/executions/{executionId}`, asked at once and
//! then every poll interval. `SUCCESS`, `WARNING` and `ERROR` are final;
//! `RUNNING`, and any status Make may add, is waited on.
//!
//! Exits with
//! - 0 when the execution finished with `SUCCESS`, or with `WARNING` (the
//!   warning is printed on stderr);
//! - 1 when an API call fails;
//! - 2 when the settings are missing or invalid;
//! - 3 when the execution finished with `ERROR` (its error is printed on
//!   stderr);
//! - 4 when the time limit passed before the execution finished. The last
//!   status seen is printed; the execution is not stopped and goes on in Make.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

use make_client::models::{
    ExecutionStatus, GetScenarioExecutionDetailsResponse, GetScenarioExecutionDetailsResponseError,
    RunScenarioBody,
};
use make_client::serde_json::Value;
use make_client::Client;
use tokio::time::{sleep_until, timeout_at, Instant};

const PROGRAM: &str = "run-scenario";

/// The exit code of an execution that finished with `ERROR`.
const EXIT_EXECUTION_FAILED: u8 = 3;

/// The exit code when the time limit passed first.
const EXIT_TIME_LIMIT: u8 = 4;

/// What the environment asks for.
struct Settings {
    client: Client,
    scenario_id: i64,
    input: Option<BTreeMap<String, Value>>,
    responsive: bool,
    poll_interval: Duration,
    time_limit: Duration,
}

/// Reads the settings; an error names the variable to fix.
fn settings() -> Result<Settings, String> {
    let token = make_examples::api_token(&["scenarios:run", "scenarios:read"])?;
    let scenario_id = make_examples::required_id("MAKE_SCENARIO_ID", "scenario", 925)?;
    let input = make_examples::json_object("MAKE_SCENARIO_INPUT")?;
    let responsive = flag("MAKE_RESPONSIVE")?;
    let poll_interval = seconds("MAKE_POLL_INTERVAL_SECS", 2.0)?;
    let time_limit = seconds("MAKE_TIME_LIMIT_SECS", 300.0)?;
    Ok(Settings {
        client: make_examples::client(token)?,
        scenario_id,
        input,
        responsive,
        poll_interval,
        time_limit,
    })
}

/// An optional `true`/`false` variable, `false` when not set.
fn flag(name: &str) -> Result<bool, String> {
    let Some(text) = make_examples::var(name) else {
        return Ok(false);
    };
    match text.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("{name} must be `true` or `false`, not `{text}`")),
    }
}

/// An optional positive number of seconds.
fn seconds(name: &str, default: f64) -> Result<Duration, String> {
    let Some(text) = make_examples::var(name) else {
        return Ok(Duration::from_secs_f64(default));
    };
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| {
            format!("{name} must be a positive number of seconds such as 2 or 0.5, not `{text}`")
        })
}

/// How a finished execution ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    Warning,
    Error,
}

impl Outcome {
    /// The outcome an execution's status stands for; `None` while it runs
    /// (and for a status this program does not know).
    fn of_status(status: &ExecutionStatus) -> Option<Self> {
        match status {
            ExecutionStatus::Success => Some(Self::Success),
            ExecutionStatus::Warning => Some(Self::Warning),
            ExecutionStatus::Error => Some(Self::Error),
            // `Running`, and `Other` for a status Make may add.
            _ => None,
        }
    }

    /// The outcome of the `status` a run answers with in responsive mode: 1,
    /// 2 or 3; `None` for any other number.
    fn of_run_status(status: i64) -> Option<Self> {
        match status {
            1 => Some(Self::Success),
            2 => Some(Self::Warning),
            3 => Some(Self::Error),
            _ => None,
        }
    }

    /// The execution status this outcome is printed as.
    fn status(self) -> ExecutionStatus {
        match self {
            Self::Success => ExecutionStatus::Success,
            Self::Warning => ExecutionStatus::Warning,
            Self::Error => ExecutionStatus::Error,
        }
    }
}

/// `name: message (module M, app A)`, with what Make sent of it.
fn describe(error: &GetScenarioExecutionDetailsResponseError) -> String {
    let mut text = match (error.name.as_deref(), error.message.as_deref()) {
        (Some(name), Some(message)) => format!("{name}: {message}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => "no error detail".to_owned(),
    };
    if let Some(module) = &error.cause_module {
        let name = module.name.as_deref().unwrap_or("-");
        let app = module.app_name.as_deref().unwrap_or("-");
        text.push_str(&format!(" (module {name}, app {app})"));
    }
    text
}

/// Outputs worth printing: not missing, `null` or an empty object or array.
fn printable(outputs: Option<Value>) -> Option<Value> {
    outputs.filter(|o| match o {
        Value::Null => false,
        Value::Object(map) => !map.is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => true,
    })
}

/// The outputs of an execution's details, as JSON.
fn details_outputs(details: &GetScenarioExecutionDetailsResponse) -> Option<Value> {
    let outputs = details.outputs.clone()?;
    Some(Value::Object(outputs.into_iter().collect()))
}

/// Prints how execution `execution_id` ended: `id<TAB>STATUS` and its outputs
/// on stdout, a warning or error on stderr (`error` describes it, `None` when
/// Make sent no description); returns the exit code.
fn finish(
    execution_id: &str,
    outcome: Outcome,
    outputs: Option<Value>,
    error: Option<String>,
) -> ExitCode {
    println!("{execution_id}\t{}", outcome.status());
    if let Some(outputs) = printable(outputs) {
        println!("{outputs}");
    }
    match outcome {
        Outcome::Success => ExitCode::SUCCESS,
        Outcome::Warning => {
            let detail = error.map(|e| format!(": {e}")).unwrap_or_default();
            eprintln!("{PROGRAM}: execution {execution_id} finished with warnings{detail}");
            ExitCode::SUCCESS
        }
        Outcome::Error => {
            let detail = error.unwrap_or_else(|| "Make sent no error detail".to_owned());
            eprintln!("{PROGRAM}: execution {execution_id} failed: {detail}");
            ExitCode::from(EXIT_EXECUTION_FAILED)
        }
    }
}

/// The error that describes a finished execution and its outputs, read once
/// from its details within the time limit. When they cannot be read, the
/// error says why.
async fn error_and_outputs(
    client: &Client,
    scenario_id: i64,
    execution_id: &str,
    deadline: Instant,
) -> (Option<String>, Option<Value>) {
    let request = client
        .scenarios()
        .logs()
        .get_execution_status(scenario_id, execution_id)
        .send();
    match timeout_at(deadline, request).await {
        Ok(Ok(details)) => (
            details.error.as_ref().map(describe),
            details_outputs(&details),
        ),
        Ok(Err(e)) => (Some(format!("its error could not be read: {e}")), None),
        Err(_) => (
            Some("the time limit passed before its error was read".to_owned()),
            None,
        ),
    }
}

/// A duration in seconds as a person would write it: `300 s`, `0.5 s`.
fn secs(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match settings() {
        Ok(settings) => settings,
        Err(message) => return make_examples::settings_failed(PROGRAM, &message),
    };
    let Settings {
        client,
        scenario_id,
        ..
    } = &settings;
    let deadline = Instant::now() + settings.time_limit;
    let limit = format!(
        "the time limit of {} (MAKE_TIME_LIMIT_SECS)",
        secs(settings.time_limit)
    );

    let body = RunScenarioBody {
        data: settings.input.clone(),
        responsive: Some(settings.responsive),
        callback_url: None,
    };
    let run = client.scenarios().run(*scenario_id, body).send();
    let run = match timeout_at(deadline, run).await {
        Err(_) => {
            eprintln!(
                "{PROGRAM}: {limit} passed before Make answered the run request of scenario \
                 {scenario_id}; an execution may have started"
            );
            return ExitCode::from(EXIT_TIME_LIMIT);
        }
        Ok(Err(e)) => return make_examples::api_failed(PROGRAM, e),
        Ok(Ok(response)) => response,
    };
    let execution_id = match run.execution_id {
        Some(id) if !id.trim().is_empty() => id,
        _ => {
            return make_examples::api_failed(
                PROGRAM,
                "scenarios.run: the response names no executionId, so the execution \
                 cannot be followed",
            )
        }
    };
    eprintln!("{PROGRAM}: scenario {scenario_id} started execution {execution_id}");

    // A responsive run that finished answers with its outcome and outputs.
    if let Some(outcome) = run.status.and_then(Outcome::of_run_status) {
        if outcome == Outcome::Success {
            return finish(&execution_id, outcome, run.outputs, None);
        }
        let (error, outputs) =
            error_and_outputs(client, *scenario_id, &execution_id, deadline).await;
        return finish(&execution_id, outcome, run.outputs.or(outputs), error);
    }

    let logs = client.scenarios().logs();
    loop {
        let poll = logs
            .get_execution_status(*scenario_id, execution_id.as_str())
            .send();
        let details = match timeout_at(deadline, poll).await {
            Err(_) => {
                eprintln!(
                    "{PROGRAM}: {limit} passed while reading the status of execution \
                     {execution_id}; it was not stopped"
                );
                return ExitCode::from(EXIT_TIME_LIMIT);
            }
            Ok(Err(e)) => return make_examples::api_failed(PROGRAM, e),
            Ok(Ok(details)) => details,
        };
        if let Some(outcome) = details.status.as_ref().and_then(Outcome::of_status) {
            let error = details.error.as_ref().map(describe);
            return finish(&execution_id, outcome, details_outputs(&details), error);
        }
        let status = details.status.as_ref().map_or("-", ExecutionStatus::as_str);
        let next = Instant::now() + settings.poll_interval;
        if next >= deadline {
            println!("{execution_id}\t{status}");
            eprintln!(
                "{PROGRAM}: execution {execution_id} is still {status}: {limit} leaves no time \
                 for another status request; it was not stopped"
            );
            return ExitCode::from(EXIT_TIME_LIMIT);
        }
        sleep_until(next).await;
    }
}

#[cfg(test)]
mod tests {
    use make_client::serde_json::json;

    use super::*;

    #[test]
    fn final_statuses() {
        assert_eq!(
            Outcome::of_status(&ExecutionStatus::Success),
            Some(Outcome::Success)
        );
        assert_eq!(
            Outcome::of_status(&ExecutionStatus::Warning),
            Some(Outcome::Warning)
        );
        assert_eq!(
            Outcome::of_status(&ExecutionStatus::Error),
            Some(Outcome::Error)
        );
        for running in [
            ExecutionStatus::Running,
            ExecutionStatus::Other("QUEUED".into()),
            ExecutionStatus::Other(String::new()),
        ] {
            assert_eq!(Outcome::of_status(&running), None, "{running}");
        }
        for outcome in [Outcome::Success, Outcome::Warning, Outcome::Error] {
            assert_eq!(Outcome::of_status(&outcome.status()), Some(outcome));
        }
    }

    #[test]
    fn run_statuses() {
        assert_eq!(Outcome::of_run_status(1), Some(Outcome::Success));
        assert_eq!(Outcome::of_run_status(2), Some(Outcome::Warning));
        assert_eq!(Outcome::of_run_status(3), Some(Outcome::Error));
        for other in [0, 4, -1] {
            assert_eq!(Outcome::of_run_status(other), None, "{other}");
        }
    }

    #[test]
    fn empty_outputs_are_not_printed() {
        for empty in [None, Some(Value::Null), Some(json!({})), Some(json!([]))] {
            assert_eq!(printable(empty.clone()), None, "{empty:?}");
        }
        for full in [json!({"ok": true}), json!([1]), json!("done"), json!(0)] {
            assert_eq!(printable(Some(full.clone())), Some(full));
        }
    }

    #[test]
    fn errors_are_described_with_what_make_sent() {
        let mut error = GetScenarioExecutionDetailsResponseError {
            name: Some("DataError".into()),
            message: Some("Missing value of required parameter 'to'.".into()),
            ..Default::default()
        };
        assert_eq!(
            describe(&error),
            "DataError: Missing value of required parameter 'to'."
        );
        error.cause_module = Some(make_client::models::CauseModule {
            name: Some("Send an email".into()),
            app_name: None,
        });
        assert_eq!(
            describe(&error),
            "DataError: Missing value of required parameter 'to'. (module Send an email, app -)"
        );
        assert_eq!(
            describe(&GetScenarioExecutionDetailsResponseError::default()),
            "no error detail"
        );
    }

    #[test]
    fn seconds_read_as_people_write_them() {
        assert_eq!(secs(Duration::from_secs(300)), "300 s");
        assert_eq!(secs(Duration::from_millis(500)), "0.5 s");
    }
}
