//! Error mapping: Make's error body, other bodies, decode errors, scopes, config.

mod common;

use common::*;
use make_runtime::{Client, ClientBuilder, Error, ErrorCode, RetryPolicy};
use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn make_error_body_becomes_api_error_and_403_names_scopes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "detail": "Access denied.", "message": "Permission denied", "code": "SC403", "suberrors": []
        })))
        .mount(&server)
        .await;
    let err = client(&server)
        .request(&LIST_CONNECTIONS)
        .send_json::<Value>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::FORBIDDEN));
    assert_eq!(err.code(), Some(&ErrorCode::Sc403));
    assert_eq!(
        err.api_error().unwrap().detail.as_deref(),
        Some("Access denied.")
    );
    assert!(matches!(
        &err,
        Error::Api {
            required_scopes: &["connections:read"],
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "connections.list: HTTP 403 Forbidden: Permission denied (SC403): Access denied.; \
         this operation requires scopes: connections:read"
    );
}

#[tokio::test]
async fn unknown_code_is_kept_and_known_im_codes_parse() {
    let server = MockServer::start().await;
    respond_in_turn(
        &server,
        "POST",
        vec![
            ResponseTemplate::new(400).set_body_json(json!({"message": "Odd", "code": "IM999"})),
            ResponseTemplate::new(400).set_body_json(json!({
                "detail": "Validation failed", "message": "Invalid Input Parameters", "code": "IM005"
            })),
        ],
    )
    .await;
    let c = client(&server);
    let err = c
        .request(&CREATE_CONNECTION)
        .json(&json!({}))
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::Other("IM999".into())));
    assert_eq!(
        err.to_string(),
        "connections.create: HTTP 400 Bad Request: Odd (IM999)"
    );
    let err = c
        .request(&CREATE_CONNECTION)
        .json(&json!({}))
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::Im005));
    assert!(!err.to_string().contains("requires scopes"), "{err}");
}

#[tokio::test]
async fn html_502_becomes_status_error_with_body_start() {
    let server = MockServer::start().await;
    let page = format!(
        "<html><body><h1>502 Bad Gateway</h1>{}</body></html>",
        "x".repeat(500)
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(page.clone(), "text/html"))
        .mount(&server)
        .await;
    let err = client(&server)
        .request(&CREATE_CONNECTION)
        .send_empty()
        .await
        .unwrap_err();
    match &err {
        Error::Status {
            operation,
            status,
            content_type,
            body_start,
            retry_after: None,
        } => {
            assert_eq!(*operation, "connections.create");
            assert_eq!(status.as_u16(), 502);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert!(body_start.starts_with("<html><body><h1>502 Bad Gateway</h1>"));
            assert!(body_start.chars().count() <= 201, "{}", body_start.len());
        }
        other => panic!("expected Status, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.starts_with("connections.create: HTTP 502 Bad Gateway (text/html): <html>"),
        "{msg}"
    );
    assert_eq!(err.api_error(), None);
}

#[tokio::test]
async fn bad_2xx_json_names_the_failing_path() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: u64,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        items: Vec<Item>,
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"items": [{"id": 1}, {"id": "two"}]})),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .request(&LIST_CONNECTIONS)
        .send_json::<Page>()
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            path,
            message,
            body_start,
            status,
            ..
        } => {
            assert_eq!(path, "items[1].id");
            assert!(message.contains("invalid type"), "{message}");
            assert!(body_start.starts_with(r#"{"items""#), "{body_start}");
            assert_eq!(status.as_u16(), 200);
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(err.to_string().contains("`items[1].id`"), "{err}");
}

#[tokio::test]
async fn missing_scope_sends_nothing() {
    let server = MockServer::start().await;
    let c: Client = builder(&server)
        .scopes(["connections:write", "scenarios:read"])
        .build()
        .unwrap();
    let err = c.request(&LIST_CONNECTIONS).send_empty().await.unwrap_err();
    match &err {
        Error::MissingScope { operation, missing } => {
            assert_eq!(*operation, "connections.list");
            assert_eq!(missing, &vec!["connections:read".to_owned()]);
        }
        other => panic!("expected MissingScope, got {other:?}"),
    }
    assert!(err.to_string().contains("connections:read"));
    assert!(received(&server).await.is_empty());

    // with the scope present the call goes through
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    c.request(&CREATE_CONNECTION).send_empty().await.unwrap();
}

#[test]
fn http_url_is_refused_without_allow_insecure_http() {
    let err = ClientBuilder::<Client>::new("secret-token", &TEST_API)
        .base_url("http://eu1.make.com/api/v2")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("http://") && m.contains("allow_insecure_http")),
        "{err}"
    );
    assert!(ClientBuilder::<Client>::new("secret-token", &TEST_API)
        .base_url("http://eu1.make.com/api/v2")
        .allow_insecure_http()
        .build()
        .is_ok());
}

#[tokio::test]
async fn connection_refused_is_transport_error() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c: Client = ClientBuilder::new("secret-token", &TEST_API)
        .base_url(format!("http://127.0.0.1:{port}"))
        .allow_insecure_http()
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .base_delay(std::time::Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let err = c.request(&LIST_CONNECTIONS).send_empty().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                operation: "connections.list",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("connections.list: the connection to the Make API failed"),
        "{err}"
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn timeout_is_reported() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_millis(500)))
        .mount(&server)
        .await;
    let c: Client = builder(&server)
        .timeout(std::time::Duration::from_millis(100))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.request(&LIST_CONNECTIONS).send_empty().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                operation: "connections.list"
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn validation_error_with_suberrors_and_no_code_is_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "suberrors": [
                {"message": "Value must not be empty.", "path": "name"},
                {"message": "Value is not a valid e-mail address.", "path": "email"}
            ]
        })))
        .mount(&server)
        .await;
    let err = client(&server)
        .request(&CREATE_CONNECTION)
        .json(&json!({"name": ""}))
        .send_empty()
        .await
        .unwrap_err();
    let api = err.api_error().expect("decoded as Make's error body");
    assert_eq!(err.code(), None);
    let messages: Vec<_> = api.suberrors.iter().map(|s| s.message.as_deref()).collect();
    assert_eq!(
        messages,
        [
            Some("Value must not be empty."),
            Some("Value is not a valid e-mail address.")
        ]
    );
    assert_eq!(api.suberrors[1].other["path"], "email");
    assert_eq!(
        err.to_string(),
        "connections.create: HTTP 422 Unprocessable Entity: [Value must not be empty.; \
         Value is not a valid e-mail address.]"
    );
}
