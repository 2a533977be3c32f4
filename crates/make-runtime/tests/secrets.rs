//! The token never shows up in Debug output, errors or tracing.

mod common;

use common::*;
use make_runtime::{Client, Operation, RateLimit, Token};
use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn token_is_in_no_debug_output_and_no_tracing_event() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"message": "Permission denied", "code": "SC403"})),
        )
        .mount(&server)
        .await;

    let builder = builder(&server)
        .scopes(["connections:read"])
        .rate_limit(RateLimit::per_minute(6000))
        .retry_policy(
            make_runtime::RetryPolicy::default().base_delay(std::time::Duration::from_millis(1)),
        );
    let builder_debug = format!("{builder:?}");
    let client: Client = builder.build().unwrap();
    let err = client
        .request(&GET_CONNECTION)
        .path_param("connectionId", "conn-4242")
        .header("x-private", "header-value-99")
        .send_empty()
        .await
        .unwrap_err();

    let request_debug = format!(
        "{:?}",
        client
            .request(&GET_CONNECTION)
            .header("x-private", "header-value-99")
    );
    let debug = format!(
        "{builder_debug} {client:?} {client:#?} {err:?} {err} {:?} {}",
        Token::from("secret-token"),
        Token::from("secret-token"),
    );
    assert!(!debug.contains("secret-token"), "{debug}");
    assert!(
        !request_debug.contains("header-value-99"),
        "{request_debug}"
    );
    assert!(!err.to_string().contains("secret-token"));

    let logs = buffer.contents();
    if std::env::var_os("SHOW_LOGS").is_some() {
        eprintln!("{logs}");
    }
    // the capture works and has the span fields
    assert!(logs.contains("make_request"), "{logs}");
    assert!(
        logs.contains("operation=\"connections.get\"")
            || logs.contains("operation=connections.get"),
        "{logs}"
    );
    assert!(
        logs.contains("/connections/{connectionId}"),
        "path template: {logs}"
    );
    assert!(logs.contains("status=403"), "{logs}");
    assert!(logs.contains("attempt=2"), "{logs}");
    assert!(logs.contains("retrying"), "{logs}");
    // and nothing secret or request-specific
    assert!(!logs.contains("secret-token"), "{logs}");
    assert!(
        !logs.contains("conn-4242"),
        "filled path must not be traced: {logs}"
    );
    assert!(!logs.contains("header-value-99"), "{logs}");
}

#[test]
fn operations_and_api_info_are_const_constructible() {
    const OP: Operation = Operation {
        name: "x.y",
        method: make_runtime::Method::GET,
        path: "/x",
        scopes: &[],
    };
    assert_eq!(OP.name, "x.y");
    assert_eq!(TEST_API.auth_prefix, "Token ");
}
