//! What the tests of the example binaries share: running a binary with only
//! the `MAKE_*` variables a test sets, its output, and the requests a mock
//! server received.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::process::{Command, Output};

use serde_json::Value;
use wiremock::MockServer;

/// The token the tests send; it must never be printed.
pub const TOKEN: &str = "test-token";

/// Runs the binary at `bin` with no inherited `MAKE_*` variable and `vars` set.
pub async fn run(bin: &str, vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(bin);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("MAKE_") {
            cmd.env_remove(name);
        }
    }
    cmd.envs(vars.iter().copied());
    tokio::task::spawn_blocking(move || cmd.output().expect("the binary runs"))
        .await
        .unwrap()
}

/// Runs `bin` against `server` with the test token and `vars`.
pub async fn run_against(bin: &str, server: &MockServer, vars: &[(&str, &str)]) -> Output {
    let uri = server.uri();
    let mut all = vec![("MAKE_API_TOKEN", TOKEN), ("MAKE_BASE_URL", uri.as_str())];
    all.extend_from_slice(vars);
    run(bin, &all).await
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Asserts the exit code, that nothing panicked or printed the token, and
/// that stderr contains every one of `needles`.
pub fn assert_exit(out: &Output, code: i32, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {err}",
        stdout(out)
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains(TOKEN), "the token must not be printed: {err}");
    for needle in needles {
        assert!(err.contains(needle), "`{needle}` not in: {err}");
    }
}

/// Asserts a settings error: exit code 2, nothing on stdout, and stderr
/// containing every one of `needles`.
pub fn assert_settings_error(out: &Output, needles: &[&str]) {
    assert_exit(out, 2, needles);
    assert_eq!(stdout(out), "");
}

/// The requests `server` received, in order, as `METHOD /path?query` (the
/// query decoded, so `pg[offset]=0` reads as such) and the JSON body, if any.
/// Asserts that each carried the test token.
pub async fn requests(server: &MockServer) -> Vec<(String, Option<Value>)> {
    let received = server.received_requests().await.expect("recording is on");
    received
        .iter()
        .map(|r| {
            let auth = r.headers.get("authorization").map(|v| v.to_str().unwrap());
            assert_eq!(auth, Some(format!("Token {TOKEN}").as_str()), "{}", r.url);
            let query: Vec<String> = r
                .url
                .query_pairs()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let mut line = format!("{} {}", r.method, r.url.path());
            if !query.is_empty() {
                line = format!("{line}?{}", query.join("&"));
            }
            let body = (!r.body.is_empty())
                .then(|| serde_json::from_slice(&r.body).expect("request bodies are JSON"));
            (line, body)
        })
        .collect()
}

/// Make's error body, as it sends it with a 4xx.
pub fn make_error(message: &str, code: &str) -> Value {
    serde_json::json!({
        "detail": format!("{message} (detail)"),
        "message": message,
        "code": code,
        "suberrors": null
    })
}
