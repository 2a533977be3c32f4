//! End-to-end tests of the generated `make-client` Connections operations
//! against a local HTTP server (wiremock): what goes on the wire (method,
//! path, query pairs, auth header, JSON body) and how the documented
//! responses and Make's error bodies decode.

use make_client::models::{
    Connection, ConnectionDetails, ConnectionScope, CreateConnectionBody, GetConnectionDetailsCol,
    ListConnectionsCol, Metadata, MetadataType, RenameConnectionBody, RenameConnectionCol,
    VerifyConnectionScopedBody,
};
use make_client::{Client, Error, ErrorCode, RetryPolicy, Scope, Zone};
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
    raw_query: Option<String>,
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
            raw_query: req.url.query().map(str::to_owned),
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

fn assert_slack(c: &Connection) {
    assert_eq!(c.id, Some(7));
    assert_eq!(c.name.as_deref(), Some("Slack (ops)"));
    assert_eq!(c.account_name.as_deref(), Some("slack"));
    assert_eq!(c.account_label.as_deref(), Some("Slack"));
    assert_eq!(c.package_name.as_deref(), Some("slack-pkg"));
    let expire = c.expire.expect("expire decodes");
    assert_eq!(expire.to_rfc3339(), "2026-03-31T12:30:00+00:00");
    assert_eq!(
        c.metadata,
        Some(Metadata {
            value: Some("ops@example.com".into()),
            type_: Some(MetadataType::Email),
        })
    );
    assert_eq!(c.team_id, Some(35));
    assert_eq!(c.theme.as_deref(), Some("#4a154b"));
    assert_eq!(c.upgradeable, Some(false));
    assert_eq!(c.scopes_cnt, Some(2));
    assert_eq!(c.scoped, Some(true));
    assert_eq!(c.account_type.as_deref(), Some("oauth"));
    assert_eq!(c.editable, Some(true));
    assert_eq!(c.uid.as_deref(), Some("U012AB3CD"));
    assert_eq!(c.connected_system_id.as_deref(), Some("sys-42"));
    assert_eq!(c.organization_id, Some(11));
}

// ---------------------------------------------------------- the operations

#[tokio::test]
async fn list_sends_team_id_only_by_default() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "GET",
        "/connections",
        200,
        json!({"connections": [slack_json()]}),
    )
    .await;

    let res = client(&server).connections().list(35).send().await.unwrap();

    let seen = only_request(&server).await;
    assert_request(&seen, "GET", "/connections", &[("teamId", "35")], None);
    assert_eq!(seen.content_type, None);
    let connections = res.connections;
    assert_eq!(connections.len(), 1);
    assert_slack(&connections[0]);
}

#[tokio::test]
async fn list_sends_types_scope_checks_and_cols_in_order() {
    let server = MockServer::start().await;
    let gmail = json!({
        "id": 8, "name": "Gmail", "accountName": "gmail",
        "packageName": null, "metadata": {"value": "x", "type": "string"}
    });
    mount_json(
        &server,
        "GET",
        "/connections",
        200,
        json!({"connections": [slack_json(), gmail]}),
    )
    .await;

    let res = client(&server)
        .connections()
        .list(35)
        .types(["slack", "gmail"])
        .cols([ListConnectionsCol::Id, ListConnectionsCol::Name])
        .connection_type("slack", ["chat:write"])
        .send()
        .await
        .unwrap();

    let seen = only_request(&server).await;
    // send() emits teamId, type[], the per-type scope checks, then cols[],
    // whatever order the setters were called in.
    assert_request(
        &seen,
        "GET",
        "/connections",
        &[
            ("teamId", "35"),
            ("type[]", "slack"),
            ("type[]", "gmail"),
            ("slack[]", "chat:write"),
            ("cols[]", "id"),
            ("cols[]", "name"),
        ],
        None,
    );
    let raw = seen.raw_query.unwrap();
    assert_eq!(
        raw,
        "teamId=35&type%5B%5D=slack&type%5B%5D=gmail&slack%5B%5D=chat%3Awrite&cols%5B%5D=id&cols%5B%5D=name"
    );
    assert!(!raw.contains("connectionType"), "{raw}");
    assert!(
        !seen.query.iter().any(|(k, _)| k.contains('<')),
        "{:?}",
        seen.query
    );

    let connections = res.connections;
    assert_eq!(connections.len(), 2);
    assert_slack(&connections[0]);
    assert_eq!(connections[1].id, Some(8));
    assert_eq!(connections[1].package_name, None, "null decodes as None");
    assert_eq!(
        connections[1].metadata.as_ref().unwrap().type_,
        Some(MetadataType::String)
    );
    assert_eq!(connections[1].expire, None);
}

#[tokio::test]
async fn list_scope_checks_for_several_types_and_repeated_setters() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "GET",
        "/connections",
        200,
        json!({"connections": []}),
    )
    .await;

    let res = client(&server)
        .connections()
        .list(1)
        .connection_type("slack", ["chat:write", "channels:read"])
        .connection_type("google", ["https://www.googleapis.com/auth/gmail.readonly"])
        // `types` and `cols` replace an earlier call; `connection_type` appends.
        .types(["ignored"])
        .types(["slack", "google"])
        .cols([ListConnectionsCol::Scoped])
        .send()
        .await
        .unwrap();

    assert_eq!(res.connections, vec![]);
    let seen = only_request(&server).await;
    assert_request(
        &seen,
        "GET",
        "/connections",
        &[
            ("teamId", "1"),
            ("type[]", "slack"),
            ("type[]", "google"),
            ("slack[]", "chat:write"),
            ("slack[]", "channels:read"),
            ("google[]", "https://www.googleapis.com/auth/gmail.readonly"),
            ("cols[]", "scoped"),
        ],
        None,
    );
}

#[tokio::test]
async fn create_sends_team_id_and_body_with_extra_fields() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "POST",
        "/connections",
        200,
        json!({"connection": slack_json()}),
    )
    .await;

    let mut body = CreateConnectionBody {
        account_name: Some("Slack (ops)".into()),
        account_type: Some("slack".into()),
        scopes: vec!["chat:write".into(), "channels:read".into()],
        ..Default::default()
    };
    body.extra.insert("clientId".into(), json!("abc"));
    body.extra.insert("clientSecret".into(), json!("shh"));
    let res = client(&server)
        .connections()
        .create(35, body)
        .send()
        .await
        .unwrap();

    let seen = only_request(&server).await;
    assert_request(
        &seen,
        "POST",
        "/connections",
        &[("teamId", "35")],
        Some(json!({
            "accountName": "Slack (ops)",
            "accountType": "slack",
            "scopes": ["chat:write", "channels:read"],
            "clientId": "abc",
            "clientSecret": "shh"
        })),
    );
    assert_slack(&res.connection.expect("connection"));
}

#[tokio::test]
async fn list_updatable_parameters() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "GET",
        "/connections/7/editable-data-schema",
        200,
        json!({"editableParameters": ["apiKey", "subdomain"]}),
    )
    .await;

    let res = client(&server)
        .connections()
        .list_updatable_parameters(7)
        .send()
        .await
        .unwrap();

    let seen = only_request(&server).await;
    assert_request(
        &seen,
        "GET",
        "/connections/7/editable-data-schema",
        &[],
        None,
    );
    assert_eq!(seen.raw_query, None);
    assert_eq!(
        res.editable_parameters,
        vec!["apiKey".to_owned(), "subdomain".to_owned()]
    );
}

#[tokio::test]
async fn update_sends_an_arbitrary_json_map() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "POST",
        "/connections/7/set-data",
        200,
        json!({"changed": true}),
    )
    .await;

    let body = json!({
        "apiKey": "new-key",
        "subdomain": "acme",
        "retries": 3,
        "options": {"sandbox": false, "regions": ["eu", "us"]},
        "note": null
    });
    let map = serde_json::from_value(body.clone()).unwrap();
    let res = client(&server)
        .connections()
        .update(7, map)
        .send()
        .await
        .unwrap();

    let seen = only_request(&server).await;
    assert_request(&seen, "POST", "/connections/7/set-data", &[], Some(body));
    assert_eq!(res.changed, Some(true));
}

#[tokio::test]
async fn get_decodes_scopes_and_flattened_connection_fields() {
    let server = MockServer::start().await;
    let mut details = slack_json();
    details["scopes"] = json!([
        {"id": "chat:write", "name": "Send messages", "account": "slack"},
        {"id": "channels:read", "name": "View channels", "account": "slack"}
    ]);
    mount_json(
        &server,
        "GET",
        "/connections/7",
        200,
        json!({"connection": details}),
    )
    .await;

    let res = client(&server)
        .connections()
        .get(7)
        .cols([
            GetConnectionDetailsCol::Id,
            GetConnectionDetailsCol::Scopes,
            GetConnectionDetailsCol::OrganizationId,
        ])
        .send()
        .await
        .unwrap();

    let seen = only_request(&server).await;
    assert_request(
        &seen,
        "GET",
        "/connections/7",
        &[
            ("cols[]", "id"),
            ("cols[]", "scopes"),
            ("cols[]", "organizationId"),
        ],
        None,
    );
    let ConnectionDetails { connection, scopes } = res.connection.expect("connection");
    assert_slack(&connection);
    assert_eq!(
        scopes,
        vec![
            ConnectionScope {
                id: Some("chat:write".into()),
                name: Some("Send messages".into()),
                account: Some("slack".into()),
            },
            ConnectionScope {
                id: Some("channels:read".into()),
                name: Some("View channels".into()),
                account: Some("slack".into()),
            },
        ]
    );
}

#[tokio::test]
async fn get_without_cols_sends_no_query() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "GET",
        "/connections/7",
        200,
        json!({"connection": slack_json()}),
    )
    .await;

    let res = client(&server).connections().get(7).send().await.unwrap();

    let seen = only_request(&server).await;
    assert_request(&seen, "GET", "/connections/7", &[], None);
    assert_eq!(seen.raw_query, None);
    let details = res.connection.unwrap();
    assert_eq!(details.scopes, vec![]);
    assert_slack(&details.connection);
}

#[tokio::test]
async fn delete_sends_confirmed() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "DELETE",
        "/connections/7",
        200,
        json!({"connection": 7}),
    )
    .await;

    let res = client(&server)
        .connections()
        .delete(7)
        .confirmed(true)
        .send()
        .await
        .unwrap();

    let seen = only_request(&server).await;
    assert_request(
        &seen,
        "DELETE",
        "/connections/7",
        &[("confirmed", "true")],
        None,
    );
    assert_eq!(res.connection, Some(7));
}

#[tokio::test]
async fn delete_without_confirmed_sends_no_query() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "DELETE",
        "/connections/9",
        200,
        json!({"connection": 9}),
    )
    .await;

    let res = client(&server)
        .connections()
        .delete(9)
        .send()
        .await
        .unwrap();

    let seen = only_request(&server).await;
    assert_request(&seen, "DELETE", "/connections/9", &[], None);
    assert_eq!(res.connection, Some(9));
}

#[tokio::test]
async fn rename_sends_patch_with_cols_and_name() {
    let server = MockServer::start().await;
    let mut renamed = slack_json();
    renamed["name"] = json!("Slack (renamed)");
    mount_json(
        &server,
        "PATCH",
        "/connections/7",
        200,
        json!({"connection": renamed}),
    )
    .await;

    let body = RenameConnectionBody {
        name: Some("Slack (renamed)".into()),
    };
    let res = client(&server)
        .connections()
        .rename(7, body)
        .cols([RenameConnectionCol::Name, RenameConnectionCol::Expire])
        .send()
        .await
        .unwrap();

    let seen = only_request(&server).await;
    assert_request(
        &seen,
        "PATCH",
        "/connections/7",
        &[("cols[]", "name"), ("cols[]", "expire")],
        Some(json!({"name": "Slack (renamed)"})),
    );
    let connection = res.connection.unwrap();
    assert_eq!(connection.name.as_deref(), Some("Slack (renamed)"));
    assert_eq!(connection.id, Some(7));
}

#[tokio::test]
async fn verify_sends_post_without_body() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "POST",
        "/connections/7/test",
        200,
        json!({"verified": true}),
    )
    .await;

    let res = client(&server)
        .connections()
        .verify(7)
        .send()
        .await
        .unwrap();

    let seen = only_request(&server).await;
    assert_request(&seen, "POST", "/connections/7/test", &[], None);
    assert_eq!(seen.content_type, None);
    assert_eq!(res.verified, Some(true));
}

#[tokio::test]
async fn verify_scoped_sends_scope_list() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "POST",
        "/connections/7/scoped",
        200,
        json!({"connection": {"scoped": false}}),
    )
    .await;

    let body = VerifyConnectionScopedBody {
        scope: vec!["chat:write".into(), "users:read".into()],
    };
    let res = client(&server)
        .connections()
        .verify_scoped(7, body)
        .send()
        .await
        .unwrap();

    let seen = only_request(&server).await;
    assert_request(
        &seen,
        "POST",
        "/connections/7/scoped",
        &[],
        Some(json!({"scope": ["chat:write", "users:read"]})),
    );
    assert_eq!(res.connection.unwrap().scoped, Some(false));
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
        json!({"connection": {"id": 7, "scopes": [{"id": 5}]}}),
    )
    .await;
    let err = client(&server)
        .connections()
        .get(7)
        .send()
        .await
        .unwrap_err();
    assert_eq!(decode_path(&err).0, "connection.scopes[0].id");

    // A field of the flattened `Connection` is reported at `connection` only:
    // `#[serde(flatten)]` hides the field name from the path, but the
    // message still shows the offending value and the expected type.
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
    assert!(path.starts_with("connection"), "{path}");
    assert!(
        message.contains("\"seven\"") && message.contains("integer"),
        "{message}"
    );
}

// ---------------------------------------------------------------- errors

#[tokio::test]
async fn forbidden_is_an_api_error_naming_the_required_scope() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "GET",
        "/connections",
        403,
        json!({"detail": "Access denied.", "message": "Permission denied", "code": "SC403"}),
    )
    .await;

    let err = client(&server)
        .connections()
        .list(35)
        .send()
        .await
        .unwrap_err();

    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.code(), Some(&ErrorCode::Sc403));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.operation(), Some("connections.list"));
    let api = err.api_error().unwrap();
    assert_eq!(api.detail.as_deref(), Some("Access denied."));
    assert_eq!(api.message.as_deref(), Some("Permission denied"));
    let shown = err.to_string();
    assert!(shown.contains("connections:read"), "{shown}");
    assert!(shown.contains("Permission denied"), "{shown}");
    assert!(shown.contains("SC403"), "{shown}");
    assert_eq!(received(&server).await.len(), 1, "a 403 is not retried");
}

#[tokio::test]
async fn bad_request_carries_im005() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "POST",
        "/connections",
        400,
        json!({
            "detail": "Validation failed for 1 parameter(s).",
            "message": "Invalid input parameters",
            "code": "IM005",
            "suberrors": [{"message": "Missing value of required parameter 'accountType'."}]
        }),
    )
    .await;

    let err = client(&server)
        .connections()
        .create(35, CreateConnectionBody::default())
        .send()
        .await
        .unwrap_err();

    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.code(), Some(&ErrorCode::Im005));
    let suberrors = &err.api_error().unwrap().suberrors;
    assert_eq!(suberrors[0].message.as_deref(), Some("Missing value of required parameter 'accountType'."));
    assert!(err.to_string().contains("[Missing value of required parameter 'accountType'.]"), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let seen = only_request(&server).await;
    assert_request(
        &seen,
        "POST",
        "/connections",
        &[("teamId", "35")],
        Some(json!({})),
    );
}

#[tokio::test]
async fn unknown_error_code_is_kept() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "GET",
        "/connections/7",
        404,
        json!({"detail": "Connection not found.", "message": "Not found", "code": "XX999"}),
    )
    .await;

    let err = client(&server)
        .connections()
        .get(7)
        .send()
        .await
        .unwrap_err();

    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.code(), Some(&ErrorCode::Other("XX999".into())));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(err.to_string().contains("XX999"), "{err}");
}

#[tokio::test]
async fn html_bad_gateway_is_a_status_error_with_the_body_start() {
    let server = MockServer::start().await;
    let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    Mock::given(method("GET"))
        .and(path("/connections"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html, "text/html"))
        .mount(&server)
        .await;

    let err = client(&server)
        .connections()
        .list(35)
        .send()
        .await
        .unwrap_err();

    match &err {
        Error::Status {
            status,
            content_type,
            body_start,
            ..
        } => {
            assert_eq!(status.as_u16(), 502);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert_eq!(body_start, html);
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
    assert_eq!(err.code(), None);
    let shown = err.to_string();
    assert!(shown.contains("502"), "{shown}");
    assert!(
        shown.contains("<html><head><title>502 Bad Gateway"),
        "{shown}"
    );
    assert_eq!(
        received(&server).await.len(),
        1,
        "RetryPolicy::none() sends once"
    );
}

// ---------------------------------------------------------------- scopes

#[tokio::test]
async fn declared_scopes_refuse_write_operations_before_sending() {
    let server = MockServer::start().await;
    mount_json(
        &server,
        "GET",
        "/connections",
        200,
        json!({"connections": []}),
    )
    .await;
    mount_json(
        &server,
        "POST",
        "/connections",
        200,
        json!({"connection": slack_json()}),
    )
    .await;
    let client = Client::builder("t")
        .scopes([Scope::ConnectionsRead])
        .base_url(server.uri())
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    let err = client
        .connections()
        .create(35, CreateConnectionBody::default())
        .send()
        .await
        .unwrap_err();

    match &err {
        Error::MissingScope { operation, missing } => {
            assert_eq!(*operation, "connections.create");
            assert_eq!(missing, &["connections:write".to_owned()]);
        }
        other => panic!("expected Error::MissingScope, got {other:?}"),
    }
    assert!(err.to_string().contains("connections:write"), "{err}");
    assert!(received(&server).await.is_empty(), "nothing may be sent");

    let res = client.connections().list(35).send().await.unwrap();
    assert_eq!(res.connections, vec![]);
    let seen = only_request(&server).await;
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("GET", "/connections")
    );
    assert_eq!(seen.authorization.as_deref(), Some("Token t"));
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
