//! Client-side rate limiting, on tokio's paused clock.
//!
//! Times are recorded by a middleware (which runs right before each request
//! goes out) on tokio's clock, which the limiter also uses; the server counts
//! the requests it received.

mod common;

use std::time::Duration;

use common::*;
use make_runtime::{Client, Plan, RateLimit};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The largest number of times in any half-open window `[t, t + window)`.
fn max_in_window(times: &[tokio::time::Instant], window: Duration) -> usize {
    times
        .iter()
        .map(|&start| {
            times
                .iter()
                .filter(|&&t| t >= start && t < start + window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(start_paused = true)]
async fn per_minute_60_with_120_concurrent_calls_from_clones() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    // Pending timeouts would fire spuriously on the paused clock while the
    // runtime waits for the (real) network, so they are disabled here.
    let client: Client = builder(&server)
        .rate_limit(RateLimit::per_minute(60))
        .disable_timeouts()
        .with(recorder.clone())
        .build()
        .unwrap();

    let real_start = std::time::Instant::now();
    let tasks: Vec<_> = (0..120)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.request(&LIST_CONNECTIONS).send_empty().await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }

    assert_eq!(
        received(&server).await.len(),
        120,
        "the server saw every call"
    );
    let times = recorder.times();
    assert_eq!(times.len(), 120);
    let in_window = max_in_window(&times, Duration::from_secs(60));
    assert!(in_window <= 60, "{in_window} requests in one 60 s window");
    assert_eq!(in_window, 60, "the limit is used, not undershot");
    // evenly spaced: one request per second, so about two minutes in all
    let span = *times.last().unwrap() - times[0];
    assert!(span >= Duration::from_secs(119), "{span:?}");
    assert!(span < Duration::from_secs(125), "{span:?}");
    assert!(
        real_start.elapsed() < Duration::from_secs(30),
        "paused clock, fast test"
    );
}

#[tokio::test(start_paused = true)]
async fn retries_also_wait_for_the_limiter() {
    let server = MockServer::start().await;
    respond_in_turn(
        &server,
        "GET",
        vec![
            ResponseTemplate::new(429).insert_header("retry-after", "0"),
            ResponseTemplate::new(200),
        ],
    )
    .await;
    let recorder = Recorder::default();
    let client: Client = builder(&server)
        .rate_limit(RateLimit::plan(Plan::Core))
        .disable_timeouts()
        .with(recorder.clone())
        .build()
        .unwrap();
    client
        .request(&LIST_CONNECTIONS)
        .send_empty()
        .await
        .unwrap();
    let times = recorder.times();
    assert_eq!(times.len(), 2);
    assert!(
        times[1] - times[0] >= Duration::from_secs(1),
        "{:?}",
        times[1] - times[0]
    );
}
