//! Retries: 429 with Retry-After, 503, idempotency, timeouts.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use make_runtime::{Client, Error, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fast(server: &MockServer) -> Client {
    builder(server)
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn retry_after_is_honoured_on_429() {
    let server = MockServer::start().await;
    let times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    Mock::given(method("GET"))
        .respond_with(move |_: &wiremock::Request| {
            let mut times = t.lock().unwrap();
            times.push(Instant::now());
            if times.len() == 1 {
                ResponseTemplate::new(429)
                    .insert_header("retry-after", "2")
                    .set_body_json(json!({"message": "Requests limit for organization exceeded, please try again later."}))
            } else {
                ResponseTemplate::new(200).set_body_json(json!({"ok": true}))
            }
        })
        .mount(&server)
        .await;
    let v: Value = client(&server)
        .request(&LIST_CONNECTIONS)
        .send_json()
        .await
        .unwrap();
    assert_eq!(v, json!({"ok": true}));
    let times = times.lock().unwrap();
    assert_eq!(times.len(), 2, "exactly two requests");
    let gap = times[1] - times[0];
    assert!(
        gap >= Duration::from_secs(2),
        "second request after {gap:?}"
    );
    assert!(gap < Duration::from_secs(4), "second request after {gap:?}");
}

#[tokio::test]
async fn post_answered_503_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("unavailable"))
        .mount(&server)
        .await;
    let err = fast(&server)
        .request(&CREATE_CONNECTION)
        .json(&json!({"a": 1}))
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn post_answered_429_is_retried_with_the_same_body() {
    let server = MockServer::start().await;
    respond_in_turn(
        &server,
        "POST",
        vec![
            ResponseTemplate::new(429).insert_header("retry-after", "0"),
            ResponseTemplate::new(200),
        ],
    )
    .await;
    fast(&server)
        .request(&CREATE_CONNECTION)
        .json(&json!({"a": 1}))
        .send_empty()
        .await
        .unwrap();
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].body, reqs[1].body);
    assert_eq!(reqs[1].body, br#"{"a":1}"#);
    assert_eq!(
        reqs[1].headers.get("content-type").unwrap(),
        "application/json"
    );
}

#[tokio::test]
async fn get_answered_503_three_times_then_200_makes_four_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([1, 2])))
        .mount(&server)
        .await;
    let v: Vec<u32> = fast(&server)
        .request(&LIST_CONNECTIONS)
        .send_json()
        .await
        .unwrap();
    assert_eq!(v, vec![1, 2]);
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn gives_up_after_max_attempts_with_the_last_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "message": "Requests limit for organization exceeded, please try again later."
        })))
        .mount(&server)
        .await;
    let c: Client = builder(&server)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(3)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let err = c.request(&LIST_CONNECTIONS).send_empty().await.unwrap_err();
    assert_eq!(received(&server).await.len(), 3);
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert!(err.to_string().contains("rate limit"), "{err}");

    let none: Client = builder(&server)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    none.request(&LIST_CONNECTIONS)
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    fast(&server)
        .request(&LIST_CONNECTIONS)
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn timeouts_retry_get_but_not_post() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .mount(&server)
        .await;
    let c: Client = builder(&server)
        .timeout(Duration::from_millis(100))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let err = c
        .request(&CREATE_CONNECTION)
        .send_empty()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);
    let err = c.request(&LIST_CONNECTIONS).send_empty().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn streaming_body_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    static PUT: make_runtime::Operation = make_runtime::Operation {
        name: "blobs.put",
        method: make_runtime::Method::PUT,
        path: "/blob",
        scopes: &[],
    };
    let stream = futures::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from_static(
        b"abc",
    ))]);
    let err = fast(&server)
        .request(&PUT)
        .body_stream(reqwest::Body::wrap_stream(stream), "text/plain")
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].body, b"abc");
}

#[tokio::test]
async fn a_streamed_response_is_retried_until_it_starts_and_read_once() {
    // A 429 and a 503 before the stream starts are retried like any other GET; the 200's
    // stream is handed over as it is, and not asked for again.
    let server = MockServer::start().await;
    respond_in_turn(
        &server,
        "GET",
        vec![
            ResponseTemplate::new(429).insert_header("retry-after", "0"),
            ResponseTemplate::new(503),
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string("event: step\ndata: 1\n\nevent: done\ndata: 2\n\n"),
        ],
    )
    .await;
    let stream = fast(&server).request(&LIST_CONNECTIONS).send_stream().await;
    let body = make_runtime::read_stream(stream).await.unwrap();
    assert_eq!(&body[..], b"event: step\ndata: 1\n\nevent: done\ndata: 2\n\n");
    assert_eq!(received(&server).await.len(), 3);

    // An error that outlasts the retries is the last attempt's, decoded.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"message": "Service down", "code": "SC503"})))
        .mount(&server)
        .await;
    let err = match fast(&server).request(&LIST_CONNECTIONS).send_stream().await {
        Ok(_) => panic!("a stream from a 503"),
        Err(e) => e,
    };
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&server).await.len(), RetryPolicy::default().attempts() as usize);
}

/// A client whose attempts are timed by a middleware on tokio's clock (paused in these tests;
/// timeouts disabled since they would fire while the runtime waits for the real network).
fn timed(server: &MockServer, recorder: &Recorder, policy: RetryPolicy) -> Client {
    builder(server)
        .disable_timeouts()
        .retry_policy(policy)
        .with(recorder.clone())
        .build()
        .unwrap()
}

fn rate_limited(retry_after: &str) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("retry-after", retry_after)
        .set_body_json(json!({"message": "Requests limit for organization exceeded, please try again later."}))
}

#[tokio::test(start_paused = true)]
async fn retry_after_60_is_waited_in_full_with_the_default_policy() {
    let server = MockServer::start().await;
    respond_in_turn(
        &server,
        "GET",
        vec![
            rate_limited("60"),
            ResponseTemplate::new(200).set_body_json(json!({"ok": true})),
        ],
    )
    .await;
    let recorder = Recorder::default();
    let start = tokio::time::Instant::now();
    let v: Value = timed(&server, &recorder, RetryPolicy::default())
        .request(&LIST_CONNECTIONS)
        .send_json()
        .await
        .unwrap();
    assert_eq!(v, json!({"ok": true}));
    let times = recorder.times();
    assert_eq!(times.len(), 2);
    assert_eq!(times[0], start);
    // The default backoff cap (30 s) does not shorten the server's 60 s.
    assert!(
        times[1] - times[0] >= Duration::from_secs(60),
        "retried after {:?}",
        times[1] - times[0]
    );
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_beyond_max_retry_after_fails_at_once_carrying_the_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(rate_limited("600"))
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    let start = tokio::time::Instant::now();
    let err = timed(&server, &recorder, RetryPolicy::default())
        .request(&LIST_CONNECTIONS)
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(start.elapsed(), Duration::ZERO, "no wait at all");
    assert_eq!(received(&server).await.len(), 1, "no early retry");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(600)));
    assert!(err.to_string().contains("retry after 600 s"), "{err}");

    // A policy that allows it waits the 600 s.
    let recorder = Recorder::default();
    let err = timed(
        &server,
        &recorder,
        RetryPolicy::default()
            .max_attempts(2)
            .max_retry_after(Duration::from_secs(600)),
    )
    .request(&LIST_CONNECTIONS)
    .send_empty()
    .await
    .unwrap_err();
    let times = recorder.times();
    assert_eq!(times.len(), 2);
    assert!(times[1] - times[0] >= Duration::from_secs(600));
    // Attempts used up: the error still says how long the server asked for.
    assert_eq!(err.retry_after(), Some(Duration::from_secs(600)));
}
