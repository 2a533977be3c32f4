//! Runs the `hooks-queue` binary against a local mock of the Make API: the
//! hooks of a team and each queue read to its last page, API errors and
//! settings errors.

mod common;

use std::process::Output;

use common::{assert_exit, assert_settings_error, make_error, requests, stdout};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BIN: &str = env!("CARGO_BIN_EXE_hooks-queue");

/// A hook as `GET /hooks` lists it, with the fields and nulls Make sends.
fn hook(id: Value, name: &str, queue_count: Value, type_name: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "teamId": 35,
        "udid": "4t8wq2m1xk9vj3rc7n5yb0hd6fzs2pla",
        "type": if type_name == "mail" { "mail" } else { "web" },
        "packageName": null,
        "theme": "#c73a63",
        "flags": {},
        "editable": true,
        "queueCount": queue_count,
        "queueLimit": 10000,
        "enabled": true,
        "gone": false,
        "typeName": type_name,
        "data": {"headers": false, "method": false, "stringify": false, "ip": null, "udt": null},
        "scenarioId": null,
        "url": "https://hook.eu1.make.com/4t8wq2m1xk9vj3rc7n5yb0hd6fzs2pla"
    })
}

async fn mount_hooks(server: &MockServer, hooks: Vec<Value>) {
    Mock::given(method("GET"))
        .and(path("/hooks"))
        .and(query_param("teamId", "35"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"hooks": hooks})))
        .mount(server)
        .await;
}

/// Answers the queue page of `hook` at `offset` with `items`.
async fn mount_queue(server: &MockServer, hook: u32, offset: u64, items: Vec<Value>) {
    Mock::given(method("GET"))
        .and(path(format!("/hooks/{hook}/incomings")))
        .and(query_param("pg[offset]", offset.to_string()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "incomings": items,
            "pg": {"sortBy": "created", "sortDir": "asc", "limit": 100, "offset": offset}
        })))
        .mount(server)
        .await;
}

/// `n` queue items numbered from `from`.
fn items(from: u64, n: u64) -> Vec<Value> {
    (from..from + n)
        .map(|i| {
            json!({
                "id": format!("q{i}"),
                "scope": "hook",
                "size": 500 + i,
                "created": "2026-04-22T12:12:24.532Z",
                "data": {"order": i}
            })
        })
        .collect()
}

/// The queue request of `hook` for the page at `offset`.
fn queue(hook: u32, offset: u64) -> (String, Option<Value>) {
    (
        format!("GET /hooks/{hook}/incomings?pg[offset]={offset}&pg[limit]=100"),
        None,
    )
}

async fn run(server: &MockServer) -> Output {
    common::run_against(BIN, server, &[("MAKE_TEAM_ID", "35")]).await
}

#[tokio::test]
async fn lists_the_hooks_and_every_page_of_their_queues() {
    let server = MockServer::start().await;
    mount_hooks(
        &server,
        vec![
            // An ID as a numeric string, as Make sometimes sends it.
            hook(
                json!("72801"),
                "Orders webhook",
                json!(2),
                "gateway-webhook",
            ),
            hook(json!(58), "Idle webhook", json!(0), "gateway-webhook"),
            hook(json!(91), "Support mailhook", json!("103"), "mail"),
        ],
    )
    .await;
    mount_queue(
        &server,
        72801,
        0,
        vec![
            json!({"id": 3252, "scope": "hook", "size": "761", "created": null, "data": {"order": 1}}),
            json!({"id": "c01262d4f7ac", "scope": "hook", "size": 1486,
                   "created": "2026-04-22T12:12:24.532Z", "data": null, "labels": []}),
        ],
    )
    .await;
    mount_queue(&server, 91, 0, items(0, 100)).await;
    mount_queue(&server, 91, 100, items(100, 3)).await;

    let out = run(&server).await;

    assert_exit(&out, 0, &[]);
    assert_eq!(common::stderr(&out), "");
    let printed = stdout(&out);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(
        lines[..5],
        [
            "hook\t72801\tOrders webhook\t2/10000",
            "item\t72801\t3252\t-\t761",
            "item\t72801\tc01262d4f7ac\t2026-04-22T12:12:24.532Z\t1486",
            "hook\t58\tIdle webhook\t0/10000",
            "hook\t91\tSupport mailhook\t103/10000",
        ]
    );
    assert_eq!(lines.len(), 5 + 103, "{printed}");
    assert_eq!(lines[5], "item\t91\tq0\t2026-04-22T12:12:24.532Z\t500");
    assert_eq!(lines[107], "item\t91\tq102\t2026-04-22T12:12:24.532Z\t602");
    // The empty queue of hook 58 is not asked for.
    assert_eq!(
        requests(&server).await,
        vec![
            ("GET /hooks?teamId=35".to_owned(), None),
            queue(72801, 0),
            queue(91, 0),
            queue(91, 100),
        ]
    );
}

#[tokio::test]
async fn a_team_without_hooks_prints_nothing() {
    let server = MockServer::start().await;
    mount_hooks(&server, vec![]).await;

    let out = run(&server).await;

    assert_exit(&out, 0, &[]);
    assert_eq!(stdout(&out), "");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_refused_hook_list_exits_1() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/hooks"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(make_error("Permission denied", "SC403")),
        )
        .mount(&server)
        .await;

    let out = run(&server).await;

    assert_exit(
        &out,
        1,
        &[
            "hooks.list",
            "403",
            "Permission denied",
            "SC403",
            "hooks:read",
        ],
    );
    assert_eq!(stdout(&out), "");
}

#[tokio::test]
async fn a_failed_queue_exits_1_after_its_hook() {
    let server = MockServer::start().await;
    mount_hooks(
        &server,
        vec![
            hook(json!(61), "Gone webhook", json!(4), "gateway-webhook"),
            hook(json!(62), "Next webhook", json!(1), "gateway-webhook"),
        ],
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/hooks/61/incomings"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(make_error("Hook not found.", "IM005")),
        )
        .mount(&server)
        .await;

    let out = run(&server).await;

    assert_exit(&out, 1, &["hooks.incomings.list", "404", "Hook not found."]);
    assert_eq!(stdout(&out), "hook\t61\tGone webhook\t4/10000\n");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn settings_errors_name_the_variable() {
    let out = common::run(BIN, &[]).await;
    assert_settings_error(&out, &["MAKE_API_TOKEN is not set", "the hooks:read scope"]);

    let out = common::run(BIN, &[("MAKE_API_TOKEN", "t")]).await;
    assert_settings_error(&out, &["MAKE_TEAM_ID is not set"]);

    let out = common::run(BIN, &[("MAKE_API_TOKEN", "t"), ("MAKE_TEAM_ID", "ops")]).await;
    assert_settings_error(&out, &["MAKE_TEAM_ID must be an integer team ID", "ops"]);
}
