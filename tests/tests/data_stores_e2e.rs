//! The generated pagination: `data_stores().list(team).limit(n).stream()` walks every page of a
//! list with Make's `pg[offset]`/`pg[limit]`, in order, and stops after a page shorter than the
//! limit the server echoes (not the one asked for), or fails if the offset is ignored; `send()`
//! takes one page. Also the typed `pg[sortDir]` and `cols[]` parameters on the wire.

use futures::{StreamExt, TryStreamExt};
use make_client::models::{CreateDataStoreBody, ListDataStoresCol, ListDataStoresSortBy};
use make_client::{Client, RetryPolicy, SortDir};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder("secret-token").base_url(server.uri()).allow_insecure_http().retry_policy(RetryPolicy::none()).build().unwrap()
}

/// Serves `total` data stores, honouring `pg[offset]` and `pg[limit]` like Make does: at most
/// `cap` items per page, echoing the limit it applied.
struct Pages {
    total: i64,
    cap: i64,
    ignore_offset: bool,
}

impl Pages {
    fn new(total: i64) -> Self {
        Pages { total, cap: 10_000, ignore_offset: false }
    }
}

impl Respond for Pages {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let q: Vec<(String, String)> = req.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let get = |name: &str| q.iter().find(|(k, _)| k == name).map(|(_, v)| v.parse::<i64>().unwrap());
        let offset = if self.ignore_offset { 0 } else { get("pg[offset]").unwrap_or(0) };
        let limit = get("pg[limit]").unwrap_or(10).min(self.cap);
        let items: Vec<Value> = (offset..(offset + limit).min(self.total))
            .map(|i| json!({"id": i, "name": format!("store {i}"), "records": 0, "size": "0", "maxSize": "1048576", "teamId": 35}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"dataStores": items, "pg": {"limit": limit, "offset": offset, "sortBy": "name", "sortDir": "asc"}}))
    }
}

fn pairs(req: &Request) -> Vec<(String, String)> {
    req.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

#[tokio::test]
async fn stream_walks_2500_items_in_three_pages_of_1000() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/data-stores")).respond_with(Pages::new(2500)).mount(&server).await;

    let items: Vec<_> = client(&server).data_stores().list(35).limit(1000).stream().try_collect().await.unwrap();

    assert_eq!(items.len(), 2500);
    assert!(items.iter().enumerate().all(|(i, s)| s.id == Some(i as i64)), "items out of order");
    let requests = server.received_requests().await.unwrap();
    let offsets: Vec<Vec<(String, String)>> = requests.iter().map(pairs).collect();
    let expect = |offset: &str| {
        vec![("teamId".to_string(), "35".to_string()), ("pg[offset]".into(), offset.into()), ("pg[limit]".into(), "1000".into())]
    };
    assert_eq!(offsets, vec![expect("0"), expect("1000"), expect("2000")]);
}

#[tokio::test]
async fn stream_with_a_limit_above_the_server_cap_yields_every_item() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/data-stores")).respond_with(Pages { cap: 1000, ..Pages::new(2500) }).mount(&server).await;
    let items: Vec<_> = client(&server).data_stores().list(35).limit(5000).stream().try_collect().await.unwrap();
    assert_eq!(items.len(), 2500);
    assert!(items.iter().enumerate().all(|(i, s)| s.id == Some(i as i64)), "items out of order or repeated");
    let offsets: Vec<String> = server.received_requests().await.unwrap().iter().map(|r| pairs(r)[1].1.clone()).collect();
    assert_eq!(offsets, ["0", "1000", "2000"]);
}

#[tokio::test]
async fn stream_from_a_server_that_ignores_the_offset_ends_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/data-stores")).respond_with(Pages { ignore_offset: true, ..Pages::new(2500) }).mount(&server).await;
    let results: Vec<_> = client(&server).data_stores().list(35).limit(100).stream().collect().await;
    assert_eq!(results.len(), 101, "one page, then the error");
    let err = results[100].as_ref().unwrap_err();
    assert_eq!(err.kind(), "pagination", "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn stream_of_an_exact_multiple_asks_once_more_and_stops_on_the_empty_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/data-stores")).respond_with(Pages::new(200)).mount(&server).await;
    let items: Vec<_> = client(&server).data_stores().list(35).limit(100).stream().try_collect().await.unwrap();
    assert_eq!(items.len(), 200);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn send_takes_one_page_with_typed_sorting_and_columns() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/data-stores")).respond_with(Pages::new(50)).mount(&server).await;
    let page = client(&server)
        .data_stores()
        .list(35)
        .sort_dir(SortDir::Desc)
        .sort_by(ListDataStoresSortBy::Name)
        .cols([ListDataStoresCol::Id, ListDataStoresCol::Name])
        .offset(10)
        .limit(5)
        .send()
        .await
        .unwrap();
    assert_eq!(page.data_stores.len(), 5);
    assert_eq!(page.data_stores[0].id, Some(10));
    assert_eq!(page.pg.unwrap().offset, Some(10));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    // Brackets are percent-encoded on the wire, as Make's docs ask.
    assert_eq!(
        requests[0].url.query(),
        Some("teamId=35&cols%5B%5D=id&cols%5B%5D=name&pg%5BsortBy%5D=name&pg%5Boffset%5D=10&pg%5BsortDir%5D=desc&pg%5Blimit%5D=5")
    );
}

#[tokio::test]
async fn stream_stops_on_the_first_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/data-stores"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"detail": "Access denied.", "message": "Permission denied", "code": "SC403"})))
        .mount(&server)
        .await;
    let result: Result<Vec<_>, _> = client(&server).data_stores().list(35).stream().try_collect().await;
    let err = result.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert!(err.to_string().contains("datastores:read"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn create_sends_the_required_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/data-stores"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"dataStore": {"id": 20024, "name": "Customers", "teamId": 123, "datastructureId": 1234, "records": 0, "size": "0", "maxSize": "1048576"}})))
        .mount(&server)
        .await;
    let body = CreateDataStoreBody { name: "Customers".into(), team_id: 123, max_size_mb: 1, datastructure_id: Some(1234) };
    let created = client(&server).data_stores().create(body).send().await.unwrap();
    assert_eq!(created.data_store.unwrap().id, Some(20024));
    let requests = server.received_requests().await.unwrap();
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(sent, json!({"name": "Customers", "teamId": 123, "datastructureId": 1234, "maxSizeMB": 1}));
}

#[test]
fn id_like_integers_accept_numeric_strings_as_the_overview_shows() {
    // Make's overview shows `"teamId": "123"` in the create response and `35` in the list.
    let created: make_client::models::CreateDataStoreResponse = serde_json::from_value(
        json!({"dataStore": {"id": 20024, "name": "Customers", "teamId": "123", "datastructureId": 1234, "records": 0, "size": "0", "maxSize": "1048576"}}),
    )
    .unwrap();
    let store = created.data_store.unwrap();
    assert_eq!((store.id, store.team_id), (Some(20024), Some(123)));
    assert_eq!(serde_json::to_value(&store).unwrap()["teamId"], json!(123), "re-encoded as a number");
    let err = serde_json::from_value::<make_client::models::DataStore>(json!({"teamId": "twelve"})).unwrap_err();
    assert!(err.to_string().contains("expected an integer"), "{err}");
    let none: make_client::models::DataStore = serde_json::from_value(json!({"teamId": null})).unwrap();
    assert_eq!(none.team_id, None);
}

#[tokio::test]
async fn oauth_access_token_and_per_request_credentials() {
    use make_client::Credentials;
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/data-stores")).respond_with(Pages::new(3)).mount(&server).await;
    let client = Client::builder(Credentials::oauth_access_token("app-user-1")).base_url(server.uri()).allow_insecure_http().build().unwrap();
    client.data_stores().list(35).send().await.unwrap();
    // One request for another user, then a handle for a third one; the client is unchanged.
    client.data_stores().list(35).credentials(Credentials::oauth_access_token("app-user-2")).send().await.unwrap();
    let user_3 = client.with_credentials(Credentials::api_token("api-token-3"));
    let _: Vec<_> = user_3.data_stores().list(35).stream().try_collect().await.unwrap();
    client.data_stores().list(35).send().await.unwrap();
    let seen: Vec<String> =
        server.received_requests().await.unwrap().iter().map(|r| r.headers.get("authorization").unwrap().to_str().unwrap().to_owned()).collect();
    assert_eq!(seen, ["Bearer app-user-1", "Bearer app-user-2", "Token api-token-3", "Bearer app-user-1"]);
    assert!(!format!("{client:?} {user_3:?}").contains("app-user"), "{client:?}");
}
