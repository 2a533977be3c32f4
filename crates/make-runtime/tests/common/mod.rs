//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use make_runtime::reqwest_middleware::{Middleware, Next, Result};
use make_runtime::{ApiInfo, Client, ClientBuilder, Method, Operation};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub static TEST_API: ApiInfo = ApiInfo {
    name: "make-api-v2",
    auth_header: "Authorization",
    auth_prefix: "Token ",
    default_base_url: "https://eu1.make.com/api/v2",
    user_agent: "make-runtime-tests/0.0.1",
};

pub static GET_CONNECTION: Operation = Operation {
    name: "connections.get",
    method: Method::GET,
    path: "/connections/{connectionId}",
    scopes: &["connections:read"],
};

pub static LIST_CONNECTIONS: Operation = Operation {
    name: "connections.list",
    method: Method::GET,
    path: "/connections",
    scopes: &["connections:read"],
};

pub static CREATE_CONNECTION: Operation = Operation {
    name: "connections.create",
    method: Method::POST,
    path: "/connections",
    scopes: &["connections:write"],
};

pub fn builder(server: &MockServer) -> ClientBuilder<Client> {
    ClientBuilder::<Client>::new("secret-token", &TEST_API)
        .base_url(server.uri())
        .allow_insecure_http()
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client builds")
}

/// Answers `method` requests with `responses` in turn: each but the last once, the last from
/// then on.
pub async fn respond_in_turn(server: &MockServer, method: &str, responses: Vec<ResponseTemplate>) {
    let last = responses.len().saturating_sub(1);
    for (i, response) in responses.into_iter().enumerate() {
        let mock = Mock::given(wiremock::matchers::method(method)).respond_with(response);
        let mock = if i < last { mock.up_to_n_times(1) } else { mock };
        mock.mount(server).await;
    }
}

pub async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// A `Write` into a shared buffer, for capturing tracing output.
#[derive(Clone, Default)]
pub struct Buffer(pub Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    pub fn contents(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Records the tokio time at which each attempt is sent.
#[derive(Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<tokio::time::Instant>>>);

impl Recorder {
    async fn run(
        &self,
        req: reqwest::Request,
        ext: &mut http::Extensions,
        next: Next<'_>,
    ) -> Result<reqwest::Response> {
        self.0.lock().unwrap().push(tokio::time::Instant::now());
        next.run(req, ext).await
    }
    pub fn times(&self) -> Vec<tokio::time::Instant> {
        let mut t = self.0.lock().unwrap().clone();
        t.sort();
        t
    }
}

impl Middleware for Recorder {
    fn handle<'a, 'b, 'c, 'd>(
        &'a self,
        req: reqwest::Request,
        ext: &'b mut http::Extensions,
        next: Next<'c>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<reqwest::Response>> + Send + 'd>>
    where
        'a: 'd,
        'b: 'd,
        'c: 'd,
        Self: 'd,
    {
        Box::pin(self.run(req, ext, next))
    }
}
