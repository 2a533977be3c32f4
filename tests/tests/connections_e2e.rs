//! What the data-driven tests of every operation (operations_e2e.rs, contract_prism.rs) do not
//! say about the Connections models and the servers, against a local HTTP server (wiremock):
//! unknown enum values kept, date-times normalized to UTC, decode errors naming the JSON path,
//! and base URLs from zones and environment URLs.

use make_client::models::MetadataType;
use make_client::{Client, Error, RetryPolicy, Zone};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---------------------------------------------------------------- helpers

fn client(server: &MockServer) -> Client {
    Client::builder("secret-token")
        .base_url(server.uri())
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Answers `METHOD PATH` (any query) with `status` and a JSON body.
async fn mount_json(server: &MockServer, verb: &str, route: &str, status: u16, body: Value) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

/// What the server saw of one request.
#[derive(Debug)]
struct Seen {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    authorization: Option<String>,
    content_type: Option<String>,
    body: Option<Value>,
}

fn header(req: &wiremock::Request, name: &str) -> Option<String> {
    req.headers
        .get(name)
        .map(|v| v.to_str().expect("ASCII header").to_owned())
}

async fn received(server: &MockServer) -> Vec<Seen> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .iter()
        .map(|req| Seen {
            method: req.method.as_str().to_owned(),
            path: req.url.path().to_owned(),
            query: req
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            authorization: header(req, "authorization"),
            content_type: header(req, "content-type"),
            body: (!req.body.is_empty())
                .then(|| serde_json::from_slice(&req.body).expect("the body is JSON")),
        })
        .collect()
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Seen {
    let mut all = received(server).await;
    assert_eq!(all.len(), 1, "expected exactly one request: {all:#?}");
    all.remove(0)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Asserts the parts every request shares, and the body when there is one.
fn assert_request(
    seen: &Seen,
    verb: &str,
    route: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
) {
    assert_eq!(seen.method, verb, "{seen:#?}");
    assert_eq!(seen.path, route, "{seen:#?}");
    assert_eq!(seen.query, pairs(query), "{seen:#?}");
    assert_eq!(seen.authorization.as_deref(), Some("Token secret-token"));
    match body {
        Some(expected) => {
            assert_eq!(seen.content_type.as_deref(), Some("application/json"));
            assert_eq!(seen.body.as_ref(), Some(&expected));
        }
        None => assert_eq!(seen.body, None, "no body expected: {seen:#?}"),
    }
}

/// A connection object as the docs describe it, every field set.
fn slack_json() -> Value {
    json!({
        "id": 7,
        "name": "Slack (ops)",
        "accountName": "slack",
        "accountLabel": "Slack",
        "packageName": "slack-pkg",
        "expire": "2026-03-31T12:30:00.000Z",
        "metadata": {"value": "ops@example.com", "type": "email"},
        "teamId": 35,
        "theme": "#4a154b",
        "upgradeable": false,
        "scopesCnt": 2,
        "scoped": true,
        "accountType": "oauth",
        "editable": true,
        "uid": "U012AB3CD",
        "connectedSystemId": "sys-42",
        "organizationId": 11
    })
}

// ------------------------------------------------------------- decoding

#[tokio::test]
async fn unknown_metadata_type_decodes_to_other() {
    let server = MockServer::start().await;
    let mut c = slack_json();
    c["metadata"] = json!({"value": "+420 123 456 789", "type": "phone"});
    mount_json(
        &server,
        "GET",
        "/connections",
        200,
        json!({"connections": [c]}),
    )
    .await;

    let res = client(&server).connections().list(35).send().await.unwrap();

    let metadata = res.connections[0].metadata.clone().unwrap();
    assert_eq!(metadata.value.as_deref(), Some("+420 123 456 789"));
    assert_eq!(metadata.type_, Some(MetadataType::Other("phone".into())));
    assert_eq!(metadata.type_.unwrap().as_str(), "phone");
}

#[tokio::test]
async fn expire_with_an_offset_is_normalized_to_utc() {
    let server = MockServer::start().await;
    let mut c = slack_json();
    c["expire"] = json!("2026-03-31T14:30:00+02:00");
    mount_json(
        &server,
        "GET",
        "/connections",
        200,
        json!({"connections": [c]}),
    )
    .await;

    let res = client(&server).connections().list(35).send().await.unwrap();

    let expire = res.connections[0].expire.unwrap();
    assert_eq!(expire.to_rfc3339(), "2026-03-31T12:30:00+00:00");
}

#[tokio::test]
async fn wrong_typed_field_is_a_decode_error_naming_the_path() {
    let server = MockServer::start().await;
    let mut bad = slack_json();
    bad["id"] = json!("seven");
    mount_json(
        &server,
        "GET",
        "/connections",
        200,
        json!({"connections": [bad]}),
    )
    .await;

    let err = client(&server)
        .connections()
        .list(35)
        .send()
        .await
        .unwrap_err();

    match &err {
        Error::Decode {
            operation,
            status,
            path,
            body_start,
            ..
        } => {
            assert_eq!(*operation, "connections.list");
            assert_eq!(status.as_u16(), 200);
            assert_eq!(path, "connections[0].id");
            assert!(body_start.starts_with("{\"connections\""), "{body_start}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert_eq!(err.kind(), "decode");
    let shown = err.to_string();
    assert!(shown.contains("connections[0].id"), "{shown}");
}

/// The decode path of the first failing field, for a `send()` error.
fn decode_path(err: &Error) -> (&str, &str) {
    match err {
        Error::Decode { path, message, .. } => (path, message),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_expire_is_a_decode_error_at_that_field() {
    let server = MockServer::start().await;
    let mut bad = slack_json();
    bad["expire"] = json!("tomorrow");
    mount_json(
        &server,
        "GET",
        "/connections",
        200,
        json!({"connections": [bad]}),
    )
    .await;

    let err = client(&server)
        .connections()
        .list(35)
        .send()
        .await
        .unwrap_err();

    assert_eq!(decode_path(&err).0, "connections[0].expire");
}

#[tokio::test]
async fn details_decode_errors_point_into_the_connection() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "GET",
        "/connections/7",
        200,
        json!({"connection": {"id": 7, "scopes": [{"id": {"nested": true}}]}}),
    )
    .await;
    let err = client(&server)
        .connections()
        .get(7)
        .send()
        .await
        .unwrap_err();
    assert_eq!(decode_path(&err).0, "connection.scopes[0].id");

    // A field of the connection merged in from the `allOf` base is named in
    // full: the fields are merged, not `#[serde(flatten)]`ed.
    let server = MockServer::start().await;
    let mut bad = slack_json();
    bad["id"] = json!("seven");
    mount_json(
        &server,
        "GET",
        "/connections/7",
        200,
        json!({"connection": bad}),
    )
    .await;
    let err = client(&server)
        .connections()
        .get(7)
        .send()
        .await
        .unwrap_err();
    let (path, message) = decode_path(&err);
    assert_eq!(path, "connection.id");
    assert!(
        message.contains("\"seven\"") && message.contains("integer"),
        "{message}"
    );

    // The case: a bad `uid` deep in a details response.
    let server = MockServer::start().await;
    let mut bad = slack_json();
    bad["uid"] = json!({"not": "a uid"});
    mount_json(&server, "GET", "/connections/7", 200, json!({"connection": bad})).await;
    let err = client(&server).connections().get(7).send().await.unwrap_err();
    assert_eq!(decode_path(&err).0, "connection.uid");
}

// ----------------------------------------------------- servers and zones

#[tokio::test]
async fn environment_url_appends_the_api_path() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "POST",
        "/api/v2/connections/3/test",
        200,
        json!({"verified": false}),
    )
    .await;
    let client = Client::builder("secret-token")
        .environment_url(server.uri())
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(
        client.runtime().base_url(),
        format!("{}/api/v2", server.uri())
    );

    let res = client.connections().verify(3).send().await.unwrap();

    assert_eq!(res.verified, Some(false));
    let seen = only_request(&server).await;
    assert_request(&seen, "POST", "/api/v2/connections/3/test", &[], None);
}

#[test]
fn zone_parses_names_and_urls() {
    assert_eq!("eu1".parse::<Zone>().unwrap(), Zone::Eu1);
    assert_eq!("US2".parse::<Zone>().unwrap(), Zone::Us2);
    assert_eq!("celonis-us1".parse::<Zone>().unwrap(), Zone::CelonisUs1);
    assert_eq!("Celonis_EU1".parse::<Zone>().unwrap(), Zone::CelonisEu1);
    assert_eq!(
        "https://us1.make.com/api/v2".parse::<Zone>().unwrap(),
        Zone::Us1
    );
    assert_eq!(
        "https://eu2.make.com/api/v2/".parse::<Zone>().unwrap(),
        Zone::Eu2
    );
    for zone in Zone::ALL {
        assert_eq!(zone.url().parse::<Zone>().unwrap(), zone);
        assert_eq!(zone.to_string().parse::<Zone>().unwrap(), zone);
    }
}

#[test]
fn zone_rejects_unknown_values() {
    for bad in [
        "mars1",
        "",
        "https://eu3.make.com/api/v2",
        "https://eu1.make.com",
    ] {
        match bad.parse::<Zone>() {
            Err(Error::Config(message)) => {
                assert!(message.contains(&format!("`{bad}`")), "{message}");
                assert!(message.contains("eu1"), "{message}");
            }
            other => panic!("{bad:?}: expected Error::Config, got {other:?}"),
        }
    }
}

#[test]
fn zone_default_and_urls() {
    assert_eq!(Zone::default(), Zone::Eu1);
    assert_eq!(
        Zone::CelonisUs1.url(),
        "https://us1.make.celonis.com/api/v2"
    );
    assert_eq!(Zone::Eu1.url(), "https://eu1.make.com/api/v2");
    assert_eq!(Zone::ALL.len(), 6);
    assert_eq!(Zone::Us2.description(), "US2 production zone");

    let client = Client::builder("t").base_url(Zone::Us1).build().unwrap();
    assert_eq!(client.runtime().base_url(), "https://us1.make.com/api/v2");
    let client = Client::new("t").unwrap();
    assert_eq!(client.runtime().base_url(), Zone::default().url());
}
