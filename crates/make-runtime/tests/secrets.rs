//! The token never shows up in Debug output, errors or tracing.

mod common;

use common::*;
use make_runtime::{Client, ClientBuilder, Credentials, CredentialsKind, Operation, RateLimit, Token};
use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Held by every test that sends requests, so that tracing callsites are first met while the
/// capturing subscriber of a tracing test is in place, never concurrently with one.
static TRACING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Captures every tracing event and span of this thread, at TRACE level, until the guard drops.
/// Call it while holding [`TRACING`].
fn capture_traces() -> (Buffer, tracing::subscriber::DefaultGuard) {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    // Tests of one binary run on parallel threads; a callsite first met on a thread without a
    // subscriber can cache "never" for the whole process: rebuild the interest cache now that
    // this thread's subscriber is in place.
    tracing::callsite::rebuild_interest_cache();
    (buffer, guard)
}

#[tokio::test]
async fn token_is_in_no_debug_output_and_no_tracing_event() {
    let _serial = TRACING.lock().await;
    let (buffer, _guard) = capture_traces();

    let server = MockServer::start().await;
    respond_in_turn(
        &server,
        "GET",
        vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(403)
                .set_body_json(json!({"message": "Permission denied", "code": "SC403"})),
        ],
    )
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

    // A streamed call is traced in the same span, with its outcome.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("data: 1\n\n"))
        .mount(&server)
        .await;
    // (a client without the read-only scope list, since this operation writes)
    let writer: Client = common::builder(&server).build().unwrap();
    let streamed = writer.request(&CREATE_CONNECTION).send_stream().await;
    assert_eq!(&make_runtime::read_stream(streamed).await.unwrap()[..], b"data: 1\n\n");

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
    assert!(
        logs.contains("operation=\"connections.create\"") || logs.contains("operation=connections.create"),
        "the streamed call's span: {logs}"
    );
    assert!(logs.contains("status=200"), "{logs}");
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

fn authorization(req: &wiremock::Request) -> &str {
    req.headers.get("authorization").unwrap().to_str().unwrap()
}

#[tokio::test]
async fn oauth_access_token_is_sent_as_bearer_and_never_printed_or_traced() {
    let _serial = TRACING.lock().await;
    let (buffer, _guard) = capture_traces();

    let server = MockServer::start().await;
    respond_in_turn(
        &server,
        "GET",
        vec![
            ResponseTemplate::new(429).insert_header("retry-after", "0"),
            ResponseTemplate::new(401).set_body_json(json!({"message": "Invalid credentials", "code": "IM102"})),
        ],
    )
    .await;

    let credentials = Credentials::oauth_access_token("oauth-access-7f3a");
    let builder = ClientBuilder::<Client>::new(credentials.clone(), &TEST_API)
        .base_url(server.uri())
        .allow_insecure_http();
    let builder_debug = format!("{builder:?}");
    let client: Client = builder.build().unwrap();
    assert_eq!(client.credentials_kind(), CredentialsKind::OAuthAccessToken);
    let err = client
        .request(&LIST_CONNECTIONS)
        .send_empty()
        .await
        .unwrap_err();

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2, "the 429 was retried");
    for req in &reqs {
        assert_eq!(authorization(req), "Bearer oauth-access-7f3a");
    }

    let shown = format!(
        "{credentials} {credentials:?} {credentials:#?} {builder_debug} {client:?} {client:#?} {err} {err:?}"
    );
    assert!(shown.contains("OAuthAccessToken(***)"), "{shown}");
    assert!(!shown.contains("oauth-access-7f3a"), "{shown}");
    let logs = buffer.contents();
    assert!(logs.contains("make_request") && logs.contains("retrying"), "{logs}");
    assert!(!logs.contains("oauth-access-7f3a"), "{logs}");
}

#[tokio::test]
async fn credentials_can_be_overridden_per_client_handle_and_per_request() {
    // Its requests would register the runtime's callsites while a tracing test runs.
    let _serial = TRACING.lock().await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    // The client's own API token.
    let client = client(&server);
    client.request(&LIST_CONNECTIONS).send_empty().await.unwrap();
    // One request for user A, with A's OAuth token.
    client
        .request(&LIST_CONNECTIONS)
        .credentials(Credentials::oauth_access_token("user-a-token"))
        .send_empty()
        .await
        .unwrap();
    // A handle acting for user B (shares the pool and limiter), and the client again.
    let for_b = client.with_credentials(Credentials::api_token("user-b-token"));
    for_b.request(&LIST_CONNECTIONS).send_empty().await.unwrap();
    client.request(&LIST_CONNECTIONS).send_empty().await.unwrap();

    let seen: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| authorization(r).to_owned())
        .collect();
    assert_eq!(
        seen,
        [
            "Token secret-token",
            "Bearer user-a-token",
            "Token user-b-token",
            "Token secret-token"
        ]
    );
    // Credentials that cannot be sent fail before anything is sent, naming no secret.
    let err = client
        .request(&LIST_CONNECTIONS)
        .credentials(Credentials::oauth_access_token("bad\ntoken"))
        .send_empty()
        .await
        .unwrap_err();
    assert!(matches!(err, make_runtime::Error::Config(_)), "{err}");
    assert!(!err.to_string().contains("bad\ntoken"));
    assert_eq!(received(&server).await.len(), 4);
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
