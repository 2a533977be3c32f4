//! Runs the `list-connections` binary: settings errors (exit 2), a listing
//! from a local mock of the Make API (exit 0) and an API error (exit 1).

use std::process::{Command, Output};

use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const VARS: [&str; 5] = [
    "MAKE_API_TOKEN",
    "MAKE_ZONE",
    "MAKE_ENVIRONMENT_URL",
    "MAKE_TEAM_ID",
    "MAKE_BASE_URL",
];

/// Runs the binary with only the given `MAKE_*` variables set.
async fn run(vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_list-connections"));
    for var in VARS {
        cmd.env_remove(var);
    }
    cmd.envs(vars.iter().copied());
    tokio::task::spawn_blocking(move || cmd.output().expect("the binary runs"))
        .await
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Asserts a settings error: exit code 2, nothing on stdout, no panic, and
/// stderr containing every one of `needles`.
fn assert_settings_error(out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(stdout(out), "");
    assert!(!err.contains("panicked"), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "`{needle}` not in: {err}");
    }
}

#[tokio::test]
async fn without_settings_it_names_the_token_variable() {
    let out = run(&[]).await;
    assert_settings_error(&out, &["MAKE_API_TOKEN", "is not set"]);
}

#[tokio::test]
async fn missing_or_invalid_team_id() {
    let out = run(&[("MAKE_API_TOKEN", "t")]).await;
    assert_settings_error(&out, &["MAKE_TEAM_ID", "is not set"]);

    let out = run(&[("MAKE_API_TOKEN", "t"), ("MAKE_TEAM_ID", "team-35")]).await;
    assert_settings_error(&out, &["MAKE_TEAM_ID", "integer", "team-35"]);
}

#[tokio::test]
async fn unknown_zone() {
    let out = run(&[
        ("MAKE_API_TOKEN", "t"),
        ("MAKE_TEAM_ID", "35"),
        ("MAKE_ZONE", "mars1"),
    ])
    .await;
    assert_settings_error(&out, &["MAKE_ZONE", "mars1", "eu1"]);
}

#[tokio::test]
async fn plain_http_is_refused_for_remote_hosts() {
    for url in ["http://example.com/api/v2", "http://localhost.example.com"] {
        let out = run(&[
            ("MAKE_API_TOKEN", "t"),
            ("MAKE_TEAM_ID", "35"),
            ("MAKE_BASE_URL", url),
        ])
        .await;
        assert_settings_error(&out, &["MAKE_BASE_URL", "https://"]);
    }
    let out = run(&[
        ("MAKE_API_TOKEN", "t"),
        ("MAKE_TEAM_ID", "35"),
        ("MAKE_ENVIRONMENT_URL", "http://make.internal.example"),
    ])
    .await;
    assert_settings_error(&out, &["MAKE_ENVIRONMENT_URL", "https://"]);
}

#[tokio::test]
async fn lists_the_connections_of_the_team() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/connections"))
        .and(query_param("teamId", "35"))
        .and(header("authorization", "Token test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "connections": [
                {"id": 7, "name": "Slack (ops)", "accountName": "slack", "teamId": 35},
                {"id": 8, "name": "Gmail", "accountName": "google-email", "teamId": 35},
                {"id": 9, "accountName": "http"}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let out = run(&[
        ("MAKE_API_TOKEN", "test-token"),
        ("MAKE_TEAM_ID", "35"),
        ("MAKE_BASE_URL", &server.uri()),
    ])
    .await;

    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "7\tSlack (ops)\tslack\n8\tGmail\tgoogle-email\n9\t-\thttp\n"
    );
    assert_eq!(stderr(&out), "");
}

#[tokio::test]
async fn api_errors_are_printed_and_exit_1() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/connections"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "detail": "Access denied.",
            "message": "Permission denied",
            "code": "SC403"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let out = run(&[
        ("MAKE_API_TOKEN", "test-token"),
        ("MAKE_TEAM_ID", "35"),
        ("MAKE_BASE_URL", &server.uri()),
    ])
    .await;

    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert_eq!(stdout(&out), "");
    assert!(!err.contains("panicked"), "{err}");
    for needle in [
        "connections.list",
        "403",
        "Permission denied",
        "SC403",
        "connections:read",
    ] {
        assert!(err.contains(needle), "`{needle}` not in: {err}");
    }
    assert!(
        !err.contains("test-token"),
        "the token must not be printed: {err}"
    );
}
