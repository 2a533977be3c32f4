//! Make's column selection on the wire: `cols[]` repeated once per column, and the all-columns
//! value `*` that every generated `cols[]` parameter also offers as `all_cols()`.

use make_client::models::ListConnectionsCol;
use make_client::{Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder("secret-token").base_url(server.uri()).allow_insecure_http().retry_policy(RetryPolicy::none()).build().unwrap()
}

async fn sent_cols(server: &MockServer) -> Vec<Vec<String>> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .map(|r| r.url.query_pairs().filter(|(k, _)| k == "cols[]").map(|(_, v)| v.into_owned()).collect())
        .collect()
}

#[tokio::test]
async fn all_cols_sends_the_star_and_replaces_chosen_columns() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/connections"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"connections": [{"id": 1, "name": "a", "someUndocumentedColumn": true}]})))
        .mount(&server)
        .await;
    let c = client(&server);
    c.connections().list(35).cols([ListConnectionsCol::Id, ListConnectionsCol::Name]).send().await.unwrap();
    let listed = c.connections().list(35).cols([ListConnectionsCol::Id]).all_cols().send().await.unwrap();
    assert_eq!(listed.connections.len(), 1);
    assert_eq!(sent_cols(&server).await, [vec!["id".to_string(), "name".into()], vec!["*".into()]]);
    let raw = server.received_requests().await.unwrap()[1].url.query().unwrap_or_default().to_string();
    assert!(raw.contains("cols%5B%5D=") && !raw.contains("cols[]"), "brackets are percent-encoded: {raw}");
}
