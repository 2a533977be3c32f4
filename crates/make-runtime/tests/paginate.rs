//! Pagination against a mock list endpoint.

mod common;

use common::*;
use futures::{StreamExt, TryStreamExt};
use make_runtime::{paginate, Client, Error, Page, SortDir};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[derive(Debug, Deserialize)]
struct ListResponse {
    connections: Vec<Conn>,
    pg: Option<Pg>,
}

/// Make's `pg` echo; the numbers arrive as JSON numbers or numeric strings.
#[derive(Debug, Deserialize)]
struct Pg {
    limit: Option<serde_json::Value>,
    offset: Option<serde_json::Value>,
}

fn number(v: &Option<serde_json::Value>) -> Option<u64> {
    match v.as_ref()? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
struct Conn {
    id: u64,
}

fn query_number(req: &Request, name: &str) -> Option<u64> {
    req.url
        .query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.parse::<u64>().unwrap())
}

/// A list of 2,500 connections served by a server that applies at most `cap` items per page
/// and echoes the offset and limit it applied, the limit as a numeric string (as Make
/// sometimes sends numbers).
fn capped_server(cap: u64) -> impl Fn(&Request) -> ResponseTemplate {
    move |req: &Request| {
        let offset = query_number(req, "pg[offset]").unwrap_or(0);
        let limit = query_number(req, "pg[limit]").unwrap_or(10).min(cap);
        let items: Vec<_> = (offset..(offset + limit).min(2500))
            .map(|id| json!({"id": id, "name": format!("c{id}")}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "connections": items,
            "pg": {"offset": offset, "limit": limit.to_string(), "sortDir": "asc"}
        }))
    }
}

fn serve_2500(req: &Request) -> ResponseTemplate {
    capped_server(10_000)(req)
}

fn list(
    client: &Client,
    start: u64,
    page: u64,
) -> impl futures::Stream<Item = Result<Conn, make_runtime::Error>> {
    let client = client.clone();
    paginate(LIST_CONNECTIONS.name, start, page, move |offset, limit| {
        let client = client.clone();
        async move {
            let response: ListResponse = client
                .request(&LIST_CONNECTIONS)
                .query("teamId", 1)
                .query("pg[offset]", offset)
                .query("pg[limit]", limit)
                .query("pg[sortDir]", SortDir::Asc)
                .send_json()
                .await?;
            let pg = response.pg.as_ref();
            Ok(Page::new(response.connections)
                .echoed_limit(pg.and_then(|pg| number(&pg.limit)))
                .echoed_offset(pg.and_then(|pg| number(&pg.offset))))
        }
    })
}

#[tokio::test]
async fn walks_2500_items_in_pages_of_1000() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(serve_2500)
        .mount(&server)
        .await;
    let items: Vec<Conn> = list(&client(&server), 0, 1000).try_collect().await.unwrap();
    assert_eq!(items.len(), 2500);
    assert!(
        items.iter().enumerate().all(|(i, c)| c.id == i as u64),
        "in order"
    );
    let reqs = received(&server).await;
    let offsets: Vec<String> = reqs
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "pg[offset]")
                .unwrap()
                .1
                .into_owned()
        })
        .collect();
    assert_eq!(offsets, ["0", "1000", "2000"]);
    assert!(reqs[0]
        .url
        .query()
        .unwrap()
        .contains("pg%5Boffset%5D=0&pg%5Blimit%5D=1000&pg%5BsortDir%5D=asc"));
}

#[tokio::test]
async fn stops_on_error_after_yielding_it_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(serve_2500)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"message": "bad", "code": "IM005"})),
        )
        .mount(&server)
        .await;
    let results: Vec<_> = list(&client(&server), 0, 1000).collect().await;
    assert_eq!(results.len(), 1001);
    assert!(results[..1000].iter().all(Result::is_ok));
    assert_eq!(
        results[1000].as_ref().unwrap_err().code(),
        Some(&make_runtime::ErrorCode::Im005)
    );
    assert_eq!(received(&server).await.len(), 2);
}

fn offsets(reqs: &[wiremock::Request]) -> Vec<u64> {
    reqs.iter()
        .map(|r| query_number(r, "pg[offset]").unwrap())
        .collect()
}

#[tokio::test]
async fn a_page_size_above_the_server_cap_still_yields_every_item() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(capped_server(1000))
        .mount(&server)
        .await;
    let items: Vec<Conn> = list(&client(&server), 0, 5000).try_collect().await.unwrap();
    assert_eq!(items.len(), 2500);
    assert!(items.iter().enumerate().all(|(i, c)| c.id == i as u64));
    let reqs = received(&server).await;
    // Three pages of at most 1000; the third (500 < 1000 granted) is the last.
    assert_eq!(offsets(&reqs), [0, 1000, 2000]);
    assert!(reqs.iter().all(|r| query_number(r, "pg[limit]") == Some(5000)));
}

#[tokio::test]
async fn a_short_page_without_an_echo_is_followed_by_one_more_request() {
    let server = MockServer::start().await;
    // Caps at 1000 and echoes nothing: only an empty page proves the end.
    Mock::given(method("GET"))
        .respond_with(|req: &Request| {
            let offset = query_number(req, "pg[offset]").unwrap();
            let items: Vec<_> = (offset..(offset + 1000).min(2500))
                .map(|id| json!({"id": id}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({"connections": items}))
        })
        .mount(&server)
        .await;
    let items: Vec<Conn> = list(&client(&server), 0, 5000).try_collect().await.unwrap();
    assert_eq!(items.len(), 2500);
    assert_eq!(offsets(&received(&server).await), [0, 1000, 2000, 2500]);
}

/// A server that ignores `pg[offset]` and always answers with the first page.
fn offset_ignoring_server(echo_offset: bool) -> impl Fn(&Request) -> ResponseTemplate {
    move |req: &Request| {
        let limit = query_number(req, "pg[limit]").unwrap();
        let items: Vec<_> = (0..limit).map(|id| json!({"id": id})).collect();
        let mut pg = json!({"limit": limit});
        if echo_offset {
            pg["offset"] = json!(0);
        }
        ResponseTemplate::new(200).set_body_json(json!({"connections": items, "pg": pg}))
    }
}

#[tokio::test]
async fn a_server_that_ignores_the_offset_ends_the_stream_with_an_error() {
    for echo_offset in [false, true] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(offset_ignoring_server(echo_offset))
            .mount(&server)
            .await;
        let results: Vec<Result<Conn, Error>> = list(&client(&server), 0, 100).collect().await;
        // The first page once, then the error, then the end: nothing repeated, no endless loop.
        assert_eq!(results.len(), 101, "echo_offset={echo_offset}");
        assert!(results[..100].iter().all(Result::is_ok));
        let err = results[100].as_ref().unwrap_err();
        assert!(matches!(err, Error::Pagination { .. }), "{err}");
        assert_eq!(err.operation(), Some("connections.list"));
        assert!(err.to_string().contains("pg[offset]"), "{err}");
        assert_eq!(received(&server).await.len(), 2);
    }
}
