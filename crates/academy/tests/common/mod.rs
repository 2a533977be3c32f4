//! Helpers shared by the integration tests.
#![allow(dead_code)]

use wiremock::{MockServer, Request};

/// A client for the mock server: token `tok`, plain HTTP, no retries.
pub fn client(server: &MockServer) -> app_academy::Client {
    app_academy::Client::builder("tok")
        .base_url(server.uri())
        .allow_insecure_http()
        .retry_policy(app_academy::RetryPolicy::none())
        .build()
        .expect("client")
}

/// The value of header `name`, if present and ASCII.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Every received request, in order.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// Asserts that every request carried the token as-is in `authorization`.
pub fn assert_token(requests: &[Request]) {
    for r in requests {
        assert_eq!(
            header(r, "authorization"),
            Some("tok"),
            "{} {}",
            r.method,
            r.url
        );
    }
}
