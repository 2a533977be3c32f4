//! What goes on the wire: auth, query, path, headers, body.

mod common;

use common::*;
use make_runtime::{Client, ClientBuilder, Error, Method, Operation};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn sends_token_user_agent_and_decodes_json() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/connections/42"))
        .and(header("authorization", "Token secret-token"))
        .and(header("user-agent", "make-runtime-tests/0.0.1"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"connection": {"id": 42}})))
        .expect(1)
        .mount(&server)
        .await;
    let v: Value = client(&server)
        .request(&GET_CONNECTION)
        .path_param("connectionId", 42)
        .send_json()
        .await
        .unwrap();
    assert_eq!(v, json!({"connection": {"id": 42}}));
}

#[tokio::test]
async fn empty_auth_prefix_sends_raw_token_and_user_agent_override() {
    static RAW: make_runtime::ApiInfo = make_runtime::ApiInfo {
        name: "academy",
        auth_header: "x-api-key",
        auth_prefix: "",
        default_base_url: "https://academy.make.com/api",
        user_agent: "x/1",
    };
    let server = MockServer::start().await;
    Mock::given(header("x-api-key", "raw-token"))
        .and(header("user-agent", "custom/2"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let c: Client = ClientBuilder::new("raw-token", &RAW)
        .base_url(server.uri())
        .allow_insecure_http()
        .user_agent("custom/2")
        .build()
        .unwrap();
    c.request(&LIST_CONNECTIONS).send_empty().await.unwrap();
}

#[tokio::test]
async fn query_pairs_in_order_with_arrays_and_brackets_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let none: Option<bool> = None;
    let empty: Vec<String> = Vec::new();
    let _: Value = client(&server)
        .request(&LIST_CONNECTIONS)
        .query("teamId", 35)
        .query_array("type[]", ["a", "b"])
        .query_opt("confirmed", none)
        .query_opt("pg[sortDir]", Some(make_runtime::SortDir::Desc))
        .query_array("cols[]", &empty)
        .query("q", "a b&c")
        .send_json()
        .await
        .unwrap();
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].url.query(),
        Some("teamId=35&type%5B%5D=a&type%5B%5D=b&pg%5BsortDir%5D=desc&q=a+b%26c")
    );
    let pairs: Vec<(String, String)> = reqs[0]
        .url
        .query_pairs()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    assert_eq!(pairs[1], ("type[]".to_owned(), "a".to_owned()));
    assert_eq!(pairs[2], ("type[]".to_owned(), "b".to_owned()));
}

#[tokio::test]
async fn path_params_are_one_encoded_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let _: Value = client(&server)
        .request(&GET_CONNECTION)
        .path_param("connectionId", "a/b c?d#e%f")
        .send_json()
        .await
        .unwrap();
    let reqs = received(&server).await;
    assert_eq!(reqs[0].url.path(), "/connections/a%2Fb%20c%3Fd%23e%25f");
    assert_eq!(reqs[0].url.query(), None);
}

#[tokio::test]
async fn several_parameters_in_one_segment_are_each_encoded_and_the_text_between_kept() {
    static REPORT: Operation = Operation {
        name: "reports.get",
        method: Method::GET,
        path: "/reports/{year}-{month}.{format}/{a}{b}",
        scopes: &[],
    };
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let c = client(&server);
    let fill = |a: &'static str, b: &'static str| {
        c.request(&REPORT)
            .path_param("year", 2026)
            .path_param("month", 3)
            .path_param("format", "c/sv")
            .path_param("a", a)
            .path_param("b", b)
    };
    let _: Value = fill(".", "x").send_json().await.unwrap();
    let reqs = received(&server).await;
    assert_eq!(reqs[0].url.path(), "/reports/2026-3.c%2Fsv/.x");
    // Parameters that fill a whole segment with `.`, `..` or nothing are refused.
    for (a, b) in [(".", ""), ("", ".."), ("", "")] {
        let err = fill(a, b).send_empty().await.unwrap_err();
        assert!(matches!(&err, Error::InvalidRequest { message, .. } if message.contains("{a}{b}")), "{err}");
    }
}

#[tokio::test]
async fn base_url_path_is_kept() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v2/connections/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let c: Client = builder(&server)
        .environment_url(format!("{}/", server.uri()))
        .build()
        .unwrap();
    assert_eq!(c.base_url(), format!("{}/api/v2", server.uri()));
    let v: Value = c
        .request(&GET_CONNECTION)
        .path_param("connectionId", 7)
        .send_json()
        .await
        .unwrap();
    assert_eq!(v["ok"], true);
}

#[tokio::test]
async fn json_body_headers_and_text() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connections"))
        .and(header("content-type", "application/json"))
        .and(header("session-id", "s-1"))
        .and(query_param("teamId", "35"))
        .and(body_json(json!({"accountName": "x", "scopes": [1, 2]})))
        .respond_with(ResponseTemplate::new(201).set_body_string("created"))
        .expect(1)
        .mount(&server)
        .await;
    let text = client(&server)
        .request(&CREATE_CONNECTION)
        .query("teamId", 35)
        .header("session-id", "s-1")
        .json(&json!({"accountName": "x", "scopes": [1, 2]}))
        .send_text()
        .await
        .unwrap();
    assert_eq!(text, "created");
}

#[tokio::test]
async fn bytes_body_and_send_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("content-type", "application/octet-stream"))
        .respond_with(|req: &wiremock::Request| {
            ResponseTemplate::new(200).set_body_bytes(req.body.clone())
        })
        .expect(1)
        .mount(&server)
        .await;
    let out = client(&server)
        .request(&CREATE_CONNECTION)
        .bytes(vec![1u8, 2, 3], "application/octet-stream")
        .send_bytes()
        .await
        .unwrap();
    assert_eq!(&out[..], &[1, 2, 3]);
}

#[tokio::test]
async fn send_stream_sends_the_credentials_and_yields_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connections"))
        .and(header("authorization", "Token secret-token"))
        .and(header("accept", "text/event-stream"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string("data: one\n\ndata: two\n\n"),
        )
        .expect(1)
        .mount(&server)
        .await;
    // Per-request credentials replace the client's on a stream too.
    Mock::given(method("POST"))
        .and(path("/connections"))
        .and(header("authorization", "Bearer user-access"))
        .respond_with(ResponseTemplate::new(200).set_body_string("data: three\n\n"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let stream = c
        .request(&CREATE_CONNECTION)
        .header("accept", "text/event-stream")
        .send_stream()
        .await;
    let body = make_runtime::read_stream(stream).await.unwrap();
    assert_eq!(&body[..], b"data: one\n\ndata: two\n\n");
    let stream = c
        .request(&CREATE_CONNECTION)
        .credentials(make_runtime::Credentials::oauth_access_token("user-access"))
        .send_stream()
        .await;
    let body = make_runtime::read_stream(stream).await.unwrap();
    assert_eq!(&body[..], b"data: three\n\n");
}

#[tokio::test]
async fn invalid_requests_are_not_sent() {
    let server = MockServer::start().await;
    let c = client(&server);

    // placeholder left unfilled
    let err = c.request(&GET_CONNECTION).send_empty().await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { operation: "connections.get", message } if message.contains("connectionId")),
        "{err}"
    );
    // unknown path parameter
    let err = c
        .request(&LIST_CONNECTIONS)
        .path_param("nope", 1)
        .send_empty()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err}");
    // `..` would address another resource
    let err = c
        .request(&GET_CONNECTION)
        .path_param("connectionId", "..")
        .send_empty()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err}");
    // body that fails to serialize
    let mut bad = std::collections::HashMap::new();
    bad.insert((1, 2), 3);
    let err = c
        .request(&CREATE_CONNECTION)
        .json(&bad)
        .send_empty()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { message, .. } if message.contains("serialize")),
        "{err}"
    );
    // invalid header value
    let err = c
        .request(&LIST_CONNECTIONS)
        .header("x-a", "a\nb")
        .send_empty()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err}");

    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn middleware_runs_and_authorization_is_still_sent() {
    use make_runtime::reqwest_middleware::{Middleware, Next, Result};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    struct Tag(Arc<AtomicUsize>);
    impl Tag {
        async fn run(
            &self,
            mut req: reqwest::Request,
            ext: &mut http::Extensions,
            next: Next<'_>,
        ) -> Result<reqwest::Response> {
            self.0.fetch_add(1, Ordering::SeqCst);
            // middleware never sees the token
            assert!(req.headers().get("authorization").is_none());
            req.headers_mut().insert("x-tag", "1".parse().unwrap());
            next.run(req, ext).await
        }
    }
    impl Middleware for Tag {
        fn handle<'a, 'b, 'c, 'd>(
            &'a self,
            req: reqwest::Request,
            ext: &'b mut http::Extensions,
            next: Next<'c>,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<reqwest::Response>> + Send + 'd>,
        >
        where
            'a: 'd,
            'b: 'd,
            'c: 'd,
            Self: 'd,
        {
            Box::pin(self.run(req, ext, next))
        }
    }

    let server = MockServer::start().await;
    Mock::given(header("authorization", "Token secret-token"))
        .and(header("x-tag", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let count = Arc::new(AtomicUsize::new(0));
    let c: Client = builder(&server).with(Tag(count.clone())).build().unwrap();
    let v: Vec<u8> = c.request(&LIST_CONNECTIONS).send_json().await.unwrap();
    assert!(v.is_empty());
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn clones_share_settings() {
    static DELETE: Operation = Operation {
        name: "connections.delete",
        method: Method::DELETE,
        path: "/connections/{connectionId}",
        scopes: &["connections:write"],
    };
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let c2 = c.clone();
    assert_eq!(c.base_url(), c2.base_url());
    c2.request(&DELETE)
        .path_param("connectionId", 1)
        .send_empty()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_empty_200_decodes_as_null_or_as_an_empty_object() {
    #[derive(serde::Deserialize, Debug, PartialEq, Default)]
    struct AllOptional {
        id: Option<i64>,
    }
    #[derive(serde::Deserialize, Debug)]
    struct NeedsId {
        #[allow(dead_code)]
        id: i64,
    }
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let c = client(&server);
    let unit: () = c.request(&GET_CONNECTION).path_param("connectionId", 1).send_json().await.unwrap();
    assert_eq!(unit, ());
    let opt: Option<Value> = c.request(&GET_CONNECTION).path_param("connectionId", 1).send_json().await.unwrap();
    assert_eq!(opt, None);
    let obj: AllOptional = c.request(&GET_CONNECTION).path_param("connectionId", 1).send_json().await.unwrap();
    assert_eq!(obj, AllOptional::default());
    let err = c.request(&GET_CONNECTION).path_param("connectionId", 1).send_json::<NeedsId>().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err}");
}

/// A one-connection HTTP server that answers with a chunked `text/event-stream` body: each
/// `(delay_ms, data)` chunk is written after its delay; then the body ends, unless `stall_ms`
/// is set, in which case the server goes quiet that long first.
async fn chunked_server(chunks: Vec<(u64, &'static str)>, stall_ms: Option<u64>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = vec![0u8; 4096];
        let _ = socket.read(&mut head).await;
        let start = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(start.as_bytes()).await.unwrap();
        for (delay, data) in chunks {
            tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
            let chunk = format!("{:x}\r\n{data}\r\n", data.len());
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
        }
        if let Some(stall) = stall_ms {
            tokio::time::sleep(std::time::Duration::from_millis(stall)).await;
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
    });
    url
}

fn streaming_client(url: &str, timeout_ms: u64) -> Client {
    ClientBuilder::<Client>::new("secret-token", &TEST_API)
        .base_url(url)
        .allow_insecure_http()
        .timeout(std::time::Duration::from_millis(timeout_ms))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_stream_outlives_the_timeout_while_chunks_keep_coming() {
    // Fifteen chunks 100 ms apart: 1.5 s in all, longer than the 1 s timeout, but never a
    // tenth of it between two chunks.
    let chunks = (0..15).map(|_| (100, "data: tick\n\n")).collect();
    let url = chunked_server(chunks, None).await;
    let stream = streaming_client(&url, 1_000).request(&CREATE_CONNECTION).send_stream().await;
    let body = make_runtime::read_stream(stream).await.unwrap();
    assert_eq!(body.len(), 15 * "data: tick\n\n".len());
}

#[tokio::test]
async fn a_stalled_stream_yields_one_timeout_and_ends() {
    use futures::StreamExt;
    let url = chunked_server(vec![(0, "data: first\n\n")], Some(3_000)).await;
    let mut stream = streaming_client(&url, 300).request(&CREATE_CONNECTION).send_stream().await.unwrap();
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
        assert!(items.len() < 10, "the stream goes on after its error: {items:?}");
    }
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(&items[0].as_ref().unwrap()[..], b"data: first\n\n");
    assert!(matches!(items[1], Err(Error::Timeout { .. })), "{:?}", items[1]);
}

#[tokio::test]
async fn a_whole_body_still_has_the_total_timeout() {
    // The same chunks read whole: the 1 s total is over before the 1.5 s body is.
    let chunks = (0..15).map(|_| (100, "data: tick\n\n")).collect();
    let url = chunked_server(chunks, None).await;
    let client = ClientBuilder::<Client>::new("secret-token", &TEST_API)
        .base_url(&url)
        .allow_insecure_http()
        .timeout(std::time::Duration::from_millis(1_000))
        .retry_policy(make_runtime::RetryPolicy::default().max_attempts(1))
        .build()
        .unwrap();
    let err = client.request(&CREATE_CONNECTION).send_bytes().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
}

#[tokio::test]
async fn a_page_must_hold_its_list() {
    #[derive(Debug, serde::Deserialize)]
    struct Listing {
        // `null` is no items, as in the generated models.
        #[serde(default)]
        connections: Option<Vec<Value>>,
    }
    let server = MockServer::start().await;
    let c = client(&server);
    let json_body = |body: &str| ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "application/json");
    for (body, holds) in [
        (r#"{"connections": [{"id": 1}], "pg": {"offset": 0}}"#, Some(1)),
        (r#"{"pg": {"offset": 4}, "connections": []}"#, Some(0)),
        (r#"{"connections": null}"#, Some(0)),
        ("", None),
        ("  \n", None),
        ("[]", None),
        (r#"{"message": "Access denied", "code": "SC403"}"#, None),
        (r#"{"appConnections": [{"id": 1}]}"#, None),
        (r#"{"nested": {"connections": []}}"#, None),
    ] {
        server.reset().await;
        Mock::given(method("GET")).respond_with(json_body(body)).mount(&server).await;
        let page = c.request(&LIST_CONNECTIONS).send_page::<Listing>("connections").await;
        match (holds, page) {
            (Some(n), Ok(page)) => assert_eq!(page.connections.map_or(0, |c| c.len()), n, "{body}"),
            (None, Err(Error::Decode { message, .. })) => assert!(message.contains("`connections`"), "{body}: {message}"),
            (want, got) => panic!("{body:?}: expected {want:?} items, got {got:?}"),
        }
        // The same body through `send_json` is read as documented (an empty body as `{}`).
        let plain = c.request(&LIST_CONNECTIONS).send_json::<Listing>().await;
        assert!(plain.is_ok() || body.starts_with('['), "{body}: {plain:?}");
    }
    // Broken JSON is reported where it breaks, as by `send_json`.
    server.reset().await;
    Mock::given(method("GET")).respond_with(json_body(r#"{"connections": [{"id": 1}, {"id"#)).mount(&server).await;
    let err = c.request(&LIST_CONNECTIONS).send_page::<Listing>("connections").await.unwrap_err();
    assert!(matches!(&err, Error::Decode { path, .. } if path.starts_with("connections")), "{err}");
}
