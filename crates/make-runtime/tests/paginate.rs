//! Pagination against a mock list endpoint.

mod common;

use common::*;
use futures::{StreamExt, TryStreamExt};
use make_runtime::{paginate, Client, SortDir};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[derive(Debug, Deserialize)]
struct Page {
    connections: Vec<Conn>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Conn {
    id: u64,
}

fn serve_2500(req: &Request) -> ResponseTemplate {
    let get = |k: &str| {
        req.url
            .query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.parse::<u64>().unwrap())
    };
    let offset = get("pg[offset]").unwrap_or(0);
    let limit = get("pg[limit]").unwrap_or(10_000);
    let items: Vec<_> = (offset..(offset + limit).min(2500))
        .map(|id| json!({"id": id}))
        .collect();
    ResponseTemplate::new(200)
        .set_body_json(json!({"connections": items, "pg": {"offset": offset, "limit": limit}}))
}

fn list(
    client: &Client,
    start: u64,
    page: u64,
) -> impl futures::Stream<Item = Result<Conn, make_runtime::Error>> {
    let client = client.clone();
    paginate(start, page, move |offset, limit| {
        let client = client.clone();
        async move {
            let page: Page = client
                .request(&LIST_CONNECTIONS)
                .query("teamId", 1)
                .query("pg[offset]", offset)
                .query("pg[limit]", limit)
                .query("pg[sortDir]", SortDir::Asc)
                .send_json()
                .await?;
            Ok(page.connections)
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
