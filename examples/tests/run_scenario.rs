//! Runs the `run-scenario` binary against a local mock of the Make API: the
//! run request and the status polls on the wire, the exit code of each way an
//! execution ends, the time limit, API errors and settings errors.

mod common;

use std::process::Output;
use std::time::Duration;

use common::{assert_exit, assert_settings_error, make_error, requests, stdout};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BIN: &str = env!("CARGO_BIN_EXE_run-scenario");

/// The run request of scenario 925 is answered with `body`.
async fn mount_run(server: &MockServer, body: Value) {
    Mock::given(method("POST"))
        .and(path("/scenarios/925/run"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

/// The next `times` status requests of `execution` are answered with `body`
/// (mount in the order the answers should come).
async fn mount_status(server: &MockServer, execution: &str, body: Value, times: u64) {
    Mock::given(method("GET"))
        .and(path(format!("/scenarios/925/executions/{execution}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .up_to_n_times(times)
        .mount(server)
        .await;
}

/// A status answer of a running execution, with the nulls Make sends.
fn running() -> Value {
    json!({"status": "RUNNING", "outputs": null, "error": null})
}

/// Runs against `server` with scenario 925 and a short poll interval.
async fn run(server: &MockServer, vars: &[(&str, &str)]) -> Output {
    let mut all = vec![
        ("MAKE_SCENARIO_ID", "925"),
        ("MAKE_POLL_INTERVAL_SECS", "0.05"),
    ];
    all.extend_from_slice(vars);
    common::run_against(BIN, server, &all).await
}

/// `n` status requests of `execution`, as [`requests`] shows them.
fn polls(execution: &str, n: usize) -> Vec<(String, Option<Value>)> {
    let line = format!("GET /scenarios/925/executions/{execution}");
    vec![(line, None); n]
}

#[tokio::test]
async fn runs_waits_for_success_and_prints_the_outputs() {
    let server = MockServer::start().await;
    let execution = "9f1c3e0b7a2d4c68b5e4a1d2c3b4a5f6";
    mount_run(
        &server,
        json!({"executionId": execution, "status": null, "labels": []}),
    )
    .await;
    mount_status(&server, execution, running(), 2).await;
    mount_status(
        &server,
        execution,
        json!({
            "status": "SUCCESS",
            "outputs": {"rowsWritten": 3, "sheet": "Orders 2026"},
            "error": null,
            "finishedAt": "2026-03-02T09:14:05.120Z"
        }),
        1,
    )
    .await;

    let out = run(
        &server,
        &[(
            "MAKE_SCENARIO_INPUT",
            r#"{"customer": "Ada", "orderIds": [7, 8]}"#,
        )],
    )
    .await;

    assert_exit(
        &out,
        0,
        &["started execution 9f1c3e0b7a2d4c68b5e4a1d2c3b4a5f6"],
    );
    assert_eq!(
        stdout(&out),
        format!("{execution}\tSUCCESS\n{{\"rowsWritten\":3,\"sheet\":\"Orders 2026\"}}\n")
    );
    let mut expected = vec![(
        "POST /scenarios/925/run".to_owned(),
        Some(json!({"data": {"customer": "Ada", "orderIds": [7, 8]}, "responsive": false})),
    )];
    expected.extend(polls(execution, 3));
    assert_eq!(requests(&server).await, expected);
}

#[tokio::test]
async fn a_responsive_success_is_read_from_the_run_answer_alone() {
    let server = MockServer::start().await;
    // Make sends the ID as a number here, the outcome as 1 (success) and the
    // scenario's outputs; no status request is needed.
    mount_run(
        &server,
        json!({
            "executionId": 48213,
            "status": 1,
            "outputs": {"orderId": "A-1042", "total": 129.5, "lines": [{"sku": "KB-7", "qty": 2}]},
            "labels": []
        }),
    )
    .await;

    let out = run(&server, &[("MAKE_RESPONSIVE", "true")]).await;

    assert_exit(&out, 0, &["started execution 48213"]);
    assert_eq!(
        stdout(&out),
        "48213\tSUCCESS\n{\"orderId\":\"A-1042\",\"total\":129.5,\"lines\":[{\"sku\":\"KB-7\",\"qty\":2}]}\n"
    );
    assert_eq!(
        requests(&server).await,
        vec![(
            "POST /scenarios/925/run".to_owned(),
            Some(json!({"responsive": true})),
        )]
    );
}

#[tokio::test]
async fn a_responsive_success_without_outputs_prints_only_the_status() {
    let server = MockServer::start().await;
    mount_run(
        &server,
        json!({"executionId": "a81d5c3e07f64b2991c4e6f8d2b0a735", "status": 1, "outputs": null}),
    )
    .await;

    let out = run(&server, &[("MAKE_RESPONSIVE", "true")]).await;

    assert_exit(&out, 0, &[]);
    assert_eq!(stdout(&out), "a81d5c3e07f64b2991c4e6f8d2b0a735\tSUCCESS\n");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_responsive_failure_reads_the_details_once_for_its_error() {
    let server = MockServer::start().await;
    // Status 3 (failed), here as a numeric string, and no outputs: the run's
    // answer has no error, so the details are read once for it.
    mount_run(
        &server,
        json!({"executionId": "c39e7b1f5a2d4e8c9b06f3a1d7e2c458", "status": "3"}),
    )
    .await;
    mount_status(
        &server,
        "c39e7b1f5a2d4e8c9b06f3a1d7e2c458",
        json!({
            "status": "ERROR",
            "outputs": null,
            "error": {
                "name": "RuntimeError",
                "message": "[404] The requested record was not found.",
                "causeModule": {"name": "Get a record", "appName": "airtable"}
            }
        }),
        1,
    )
    .await;

    let out = run(&server, &[("MAKE_RESPONSIVE", "true")]).await;

    assert_exit(
        &out,
        3,
        &[
            "execution c39e7b1f5a2d4e8c9b06f3a1d7e2c458 failed: RuntimeError: [404] The requested \
           record was not found. (module Get a record, app airtable)",
        ],
    );
    assert_eq!(stdout(&out), "c39e7b1f5a2d4e8c9b06f3a1d7e2c458\tERROR\n");
    let mut expected = vec![(
        "POST /scenarios/925/run".to_owned(),
        Some(json!({"responsive": true})),
    )];
    expected.extend(polls("c39e7b1f5a2d4e8c9b06f3a1d7e2c458", 1));
    assert_eq!(requests(&server).await, expected);
}

#[tokio::test]
async fn a_responsive_warning_keeps_the_run_s_outputs_and_exits_0() {
    let server = MockServer::start().await;
    mount_run(
        &server,
        json!({"executionId": "w8", "status": 2, "outputs": {"sent": 2}}),
    )
    .await;
    mount_status(
        &server,
        "w8",
        json!({
            "status": "WARNING",
            "outputs": {"sent": 2},
            "error": {"name": "RateLimitError", "message": "2 of 3 messages sent.", "causeModule": null}
        }),
        1,
    )
    .await;

    let out = run(&server, &[("MAKE_RESPONSIVE", "true")]).await;

    assert_exit(
        &out,
        0,
        &["execution w8 finished with warnings: RateLimitError: 2 of 3 messages sent."],
    );
    assert_eq!(stdout(&out), "w8\tWARNING\n{\"sent\":2}\n");
    assert_eq!(requests(&server).await.len(), 1 + 1);
}

#[tokio::test]
async fn a_responsive_outcome_stands_when_its_error_cannot_be_read() {
    let server = MockServer::start().await;
    mount_run(&server, json!({"executionId": "f3", "status": 3})).await;
    Mock::given(method("GET"))
        .and(path("/scenarios/925/executions/f3"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(make_error("Execution not found.", "IM005")),
        )
        .mount(&server)
        .await;

    let out = run(&server, &[("MAKE_RESPONSIVE", "true")]).await;

    assert_exit(
        &out,
        3,
        &[
            "execution f3 failed: its error could not be read",
            "Execution not found.",
        ],
    );
    assert_eq!(stdout(&out), "f3\tERROR\n");
}

#[tokio::test]
async fn a_run_answer_without_an_outcome_is_followed_by_status_requests() {
    // A responsive run whose wait ran out on Make's side answers without an
    // outcome (here a null status); so does a status this program does not
    // know. Both are followed as usual.
    for run_answer in [
        json!({"executionId": "r5", "status": null, "outputs": null}),
        json!({"executionId": "r5", "status": 7, "outputs": {"partial": true}}),
    ] {
        let server = MockServer::start().await;
        mount_run(&server, run_answer.clone()).await;
        mount_status(&server, "r5", running(), 1).await;
        mount_status(
            &server,
            "r5",
            json!({"status": "SUCCESS", "outputs": {"done": true}, "error": null}),
            1,
        )
        .await;

        let out = run(&server, &[("MAKE_RESPONSIVE", "true")]).await;

        assert_exit(&out, 0, &[]);
        assert_eq!(
            stdout(&out),
            "r5\tSUCCESS\n{\"done\":true}\n",
            "{run_answer}"
        );
        assert_eq!(requests(&server).await.len(), 1 + 2, "{run_answer}");
    }
}

#[tokio::test]
async fn an_execution_that_ends_in_error_exits_3_with_its_error() {
    let server = MockServer::start().await;
    mount_run(&server, json!({"executionId": "e41d"})).await;
    mount_status(&server, "e41d", running(), 1).await;
    mount_status(
        &server,
        "e41d",
        json!({
            "status": "ERROR",
            "outputs": null,
            "error": {
                "name": "DataError",
                "message": "Missing value of required parameter 'to'.",
                "causeModule": {"name": "Send an email", "appName": "email"},
                "moduleId": 4
            }
        }),
        1,
    )
    .await;

    let out = run(&server, &[]).await;

    assert_exit(
        &out,
        3,
        &["execution e41d failed: DataError: Missing value of required parameter 'to'. (module Send an email, app email)"],
    );
    assert_eq!(stdout(&out), "e41d\tERROR\n");
    assert_eq!(requests(&server).await.len(), 1 + 2);
}

#[tokio::test]
async fn a_warning_is_a_success_with_the_warning_on_stderr() {
    let server = MockServer::start().await;
    mount_run(&server, json!({"executionId": "w7"})).await;
    mount_status(
        &server,
        "w7",
        json!({
            "status": "WARNING",
            "outputs": {"sent": 2},
            "error": {"name": "RateLimitError", "message": "2 of 3 messages sent.", "causeModule": null}
        }),
        1,
    )
    .await;

    let out = run(&server, &[]).await;

    assert_exit(
        &out,
        0,
        &["execution w7 finished with warnings: RateLimitError: 2 of 3 messages sent."],
    );
    assert_eq!(stdout(&out), "w7\tWARNING\n{\"sent\":2}\n");
}

#[tokio::test]
async fn an_unknown_status_keeps_waiting() {
    let server = MockServer::start().await;
    mount_run(&server, json!({"executionId": "q2"})).await;
    mount_status(&server, "q2", running(), 1).await;
    // A status Make may add, and none at all, are waited on like RUNNING.
    mount_status(
        &server,
        "q2",
        json!({"status": "QUEUED", "outputs": null, "error": null, "position": 3}),
        1,
    )
    .await;
    mount_status(&server, "q2", json!({"status": null}), 1).await;
    mount_status(
        &server,
        "q2",
        json!({"status": "SUCCESS", "outputs": {}, "error": null}),
        1,
    )
    .await;

    let out = run(&server, &[]).await;

    assert_exit(&out, 0, &[]);
    assert_eq!(stdout(&out), "q2\tSUCCESS\n");
    assert_eq!(requests(&server).await.len(), 1 + 4);
}

#[tokio::test]
async fn the_time_limit_ends_the_wait_with_exit_4() {
    let server = MockServer::start().await;
    mount_run(&server, json!({"executionId": "slow1"})).await;
    mount_status(&server, "slow1", running(), 1000).await;

    // A time limit shorter than the poll interval leaves room for the first
    // status request only, however fast or slow the machine is.
    let out = run(
        &server,
        &[
            ("MAKE_POLL_INTERVAL_SECS", "120"),
            ("MAKE_TIME_LIMIT_SECS", "60"),
        ],
    )
    .await;

    assert_exit(
        &out,
        4,
        &[
            "execution slow1 is still RUNNING",
            "the time limit of 60 s (MAKE_TIME_LIMIT_SECS) leaves no time for another status request",
            "not stopped",
        ],
    );
    assert_eq!(stdout(&out), "slow1\tRUNNING\n");
    let mut expected = vec![(
        "POST /scenarios/925/run".to_owned(),
        Some(json!({"responsive": false})),
    )];
    expected.extend(polls("slow1", 1));
    assert_eq!(requests(&server).await, expected);
}

#[tokio::test]
async fn the_time_limit_also_bounds_the_run_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/scenarios/925/run"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"executionId": "late"}))
                .set_delay(Duration::from_secs(30)),
        )
        .mount(&server)
        .await;

    let out = run(
        &server,
        &[("MAKE_RESPONSIVE", "true"), ("MAKE_TIME_LIMIT_SECS", "0.3")],
    )
    .await;

    // Exit 4 and no status request show the limit ended the wait: had the
    // binary waited for the answer, it would have asked for the status (no
    // mock answers it: a 404, exit 1).
    assert_exit(
        &out,
        4,
        &["0.3 s (MAKE_TIME_LIMIT_SECS) passed before Make answered the run request of scenario 925"],
    );
    assert_eq!(stdout(&out), "");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_refused_run_exits_1_with_make_s_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/scenarios/925/run"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(make_error("Permission denied", "SC403")),
        )
        .mount(&server)
        .await;

    let out = run(&server, &[]).await;

    assert_exit(
        &out,
        1,
        &[
            "scenarios.run",
            "403",
            "Permission denied",
            "SC403",
            "scenarios:run",
        ],
    );
    assert_eq!(stdout(&out), "");
    // No status request follows a failed run.
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_failed_status_request_exits_1() {
    let server = MockServer::start().await;
    mount_run(&server, json!({"executionId": "gone1"})).await;
    Mock::given(method("GET"))
        .and(path("/scenarios/925/executions/gone1"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(make_error("Execution not found.", "IM005")),
        )
        .mount(&server)
        .await;

    let out = run(&server, &[]).await;

    assert_exit(
        &out,
        1,
        &[
            "scenarios.logs.get_execution_status",
            "404",
            "Execution not found.",
            "IM005",
        ],
    );
    assert_eq!(stdout(&out), "");
}

#[tokio::test]
async fn a_run_answer_without_execution_id_exits_1() {
    let server = MockServer::start().await;
    mount_run(&server, json!({"executionId": null, "status": null})).await;

    let out = run(&server, &[]).await;

    assert_exit(&out, 1, &["scenarios.run", "no executionId"]);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn settings_errors_name_the_variable() {
    let bin = |vars: &'static [(&'static str, &'static str)]| common::run(BIN, vars);

    let out = bin(&[]).await;
    assert_settings_error(
        &out,
        &[
            "MAKE_API_TOKEN is not set",
            "scenarios:run and scenarios:read scopes",
        ],
    );

    let out = bin(&[("MAKE_API_TOKEN", "t")]).await;
    assert_settings_error(&out, &["MAKE_SCENARIO_ID is not set"]);

    let out = bin(&[("MAKE_API_TOKEN", "t"), ("MAKE_SCENARIO_ID", "my-scenario")]).await;
    assert_settings_error(
        &out,
        &["MAKE_SCENARIO_ID must be an integer", "my-scenario"],
    );

    let base = [("MAKE_API_TOKEN", "t"), ("MAKE_SCENARIO_ID", "925")];
    for (var, value, needles) in [
        (
            "MAKE_SCENARIO_INPUT",
            "{name: 1}",
            &["MAKE_SCENARIO_INPUT is not valid JSON"][..],
        ),
        (
            "MAKE_SCENARIO_INPUT",
            "[1, 2]",
            &["MAKE_SCENARIO_INPUT must be a JSON object", "not an array"],
        ),
        (
            "MAKE_RESPONSIVE",
            "yes",
            &["MAKE_RESPONSIVE must be `true` or `false`", "yes"],
        ),
        (
            "MAKE_POLL_INTERVAL_SECS",
            "0",
            &["MAKE_POLL_INTERVAL_SECS must be a positive number"],
        ),
        (
            "MAKE_TIME_LIMIT_SECS",
            "5m",
            &["MAKE_TIME_LIMIT_SECS must be a positive number", "5m"],
        ),
        ("MAKE_ZONE", "mars1", &["MAKE_ZONE", "mars1"]),
    ] {
        let mut vars = base.to_vec();
        vars.push((var, value));
        let out = common::run(BIN, &vars).await;
        assert_settings_error(&out, needles);
    }
}
