//! Runs the `data-store-records` binary against a local mock of the Make API:
//! the write (new record or by key), the list read to its last page, API
//! errors and settings errors.

mod common;

use std::process::Output;

use common::{assert_exit, assert_settings_error, make_error, requests, stdout};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BIN: &str = env!("CARGO_BIN_EXE_data-store-records");

const DATA: &str = r#"{"name": "Ada Lovelace", "visits": 3, "vip": true}"#;

/// Answers the list page at `offset` with `records` and Make's other fields.
async fn mount_page(server: &MockServer, offset: u64, records: Vec<Value>, echo: Value) {
    Mock::given(method("GET"))
        .and(path("/data-stores/12/data"))
        .and(query_param("pg[offset]", offset.to_string()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "records": records,
            "spec": [
                {"name": "name", "label": "Name", "type": "text", "default": null, "required": true},
                {"name": "visits", "label": "Visits", "type": "number", "default": null, "required": false}
            ],
            "strict": false,
            "count": 103,
            "pg": echo
        })))
        .mount(server)
        .await;
}

/// `n` records numbered from `from`, keys like Make's (hex strings).
fn records(from: u64, n: u64) -> Vec<Value> {
    (from..from + n)
        .map(|i| json!({"key": format!("a{i:05x}"), "data": {"name": format!("Customer {i}"), "visits": i}}))
        .collect()
}

/// The list request for the page at `offset`, as [`requests`] shows it.
fn list(offset: u64) -> (String, Option<Value>) {
    (
        format!("GET /data-stores/12/data?pg[limit]=100&pg[offset]={offset}"),
        None,
    )
}

async fn run(server: &MockServer, vars: &[(&str, &str)]) -> Output {
    let mut all = vec![("MAKE_DATA_STORE_ID", "12"), ("MAKE_RECORD_DATA", DATA)];
    all.extend_from_slice(vars);
    common::run_against(BIN, server, &all).await
}

#[tokio::test]
async fn adds_a_record_and_lists_every_page() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/data-stores/12/data"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "key": "8c1f03d2e6b7",
            "data": {"name": "Ada Lovelace", "visits": 3, "vip": true},
            "labels": []
        })))
        .mount(&server)
        .await;
    mount_page(
        &server,
        0,
        records(0, 100),
        json!({"limit": 100, "offset": 0}),
    )
    .await;
    let mut last = records(100, 2);
    // A key sent as a number, and a record without data.
    last.push(json!({"key": 8675309, "data": null}));
    mount_page(&server, 100, last, json!({"limit": 100, "offset": 100})).await;

    let out = run(&server, &[]).await;

    assert_exit(
        &out,
        0,
        &[
            "wrote record 8c1f03d2e6b7 to data store 12",
            "103 records in data store 12",
        ],
    );
    let printed = stdout(&out);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 103, "{printed}");
    assert_eq!(lines[0], r#"a00000	{"name":"Customer 0","visits":0}"#);
    assert_eq!(lines[100], r#"a00064	{"name":"Customer 100","visits":100}"#);
    assert_eq!(lines[102], "8675309\tnull");
    assert_eq!(
        requests(&server).await,
        vec![
            (
                "POST /data-stores/12/data".to_owned(),
                Some(json!({"data": {"name": "Ada Lovelace", "visits": 3, "vip": true}}))
            ),
            list(0),
            list(100),
        ]
    );
}

#[tokio::test]
async fn with_a_key_the_record_is_replaced_under_that_key() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/data-stores/12/data/ada-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "key": "ada-1",
            "data": {"name": "Ada Lovelace", "visits": 3, "vip": true}
        })))
        .mount(&server)
        .await;
    mount_page(
        &server,
        0,
        vec![json!({"key": "ada-1", "data": {"name": "Ada Lovelace", "visits": 3, "vip": true}})],
        json!({"limit": 100, "offset": 0}),
    )
    .await;

    let out = run(&server, &[("MAKE_RECORD_KEY", "ada-1")]).await;

    assert_exit(&out, 0, &["wrote record ada-1", "1 records"]);
    assert_eq!(
        stdout(&out),
        "ada-1\t{\"name\":\"Ada Lovelace\",\"vip\":true,\"visits\":3}\n"
    );
    // The PUT body is the data itself; a short page ends the list.
    assert_eq!(
        requests(&server).await,
        vec![
            (
                "PUT /data-stores/12/data/ada-1".to_owned(),
                Some(json!({"name": "Ada Lovelace", "visits": 3, "vip": true}))
            ),
            list(0),
        ]
    );
}

#[tokio::test]
async fn a_refused_write_exits_1_and_lists_nothing() {
    let server = MockServer::start().await;
    let mut error = make_error("Validation failed", "IM007");
    error["suberrors"] = json!([{"message": "Field visits must be a number."}]);
    Mock::given(method("POST"))
        .and(path("/data-stores/12/data"))
        .respond_with(ResponseTemplate::new(400).set_body_json(error))
        .mount(&server)
        .await;

    let out = run(&server, &[]).await;

    assert_exit(
        &out,
        1,
        &[
            "data_stores.data.create_record",
            "400",
            "Validation failed",
            "Field visits must be a number.",
        ],
    );
    assert_eq!(stdout(&out), "");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_failed_page_exits_1_after_the_records_read_so_far() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/data-stores/12/data"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": "k9", "data": {}})))
        .mount(&server)
        .await;
    mount_page(
        &server,
        0,
        records(0, 100),
        json!({"limit": 100, "offset": 0}),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/data-stores/12/data"))
        .and(query_param("pg[offset]", "100"))
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
            "data_stores.data.list_records",
            "403",
            "Permission denied",
            "datastores:read",
        ],
    );
    assert_eq!(stdout(&out).lines().count(), 100);
    assert!(!common::stderr(&out).contains("records in data store"));
}

#[tokio::test]
async fn settings_errors_name_the_variable() {
    let out = common::run(BIN, &[]).await;
    assert_settings_error(
        &out,
        &[
            "MAKE_API_TOKEN is not set",
            "datastores:write and datastores:read scopes",
        ],
    );

    let out = common::run(BIN, &[("MAKE_API_TOKEN", "t")]).await;
    assert_settings_error(&out, &["MAKE_DATA_STORE_ID is not set"]);

    let out = common::run(
        BIN,
        &[("MAKE_API_TOKEN", "t"), ("MAKE_DATA_STORE_ID", "x12")],
    )
    .await;
    assert_settings_error(
        &out,
        &["MAKE_DATA_STORE_ID must be an integer data store ID", "x12"],
    );

    let base = [("MAKE_API_TOKEN", "t"), ("MAKE_DATA_STORE_ID", "12")];
    let out = common::run(BIN, &base).await;
    assert_settings_error(&out, &["MAKE_RECORD_DATA is not set", "JSON object"]);

    let mut vars = base.to_vec();
    vars.push(("MAKE_RECORD_DATA", r#""Ada""#));
    let out = common::run(BIN, &vars).await;
    assert_settings_error(
        &out,
        &["MAKE_RECORD_DATA must be a JSON object", "not a string"],
    );
}
