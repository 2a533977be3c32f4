//! Runtime overhead of the generated client, measured with criterion. `cargo xtask bench` runs
//! one group per invocation (`cargo bench -p make-benches --bench runtime -- '^call/'`), many
//! short rounds, with the order of the variants reversed every other round
//! (`MAKE_BENCHES_REVERSE=1`), and reads criterion's estimates after each round.
//!
//! - `call/generated` vs `call/hand_written`: `client.connections().list(35).send()` against
//!   the same request written with reqwest + serde_json, both to a loopback hyper server
//!   answering a 10-connection page. The generated client is built as a user would:
//!   `Client::builder(token).base_url(..)` with default settings, plus `allow_insecure_http()`
//!   for the plain-HTTP loopback server; the hand-written one uses `reqwest::Client::new()`.
//!   `call/hand_written_timeouts` is the hand-written call on a reqwest client with the generated
//!   client's default timeouts (60 s request, 10 s connect), which splits the difference into
//!   the cost of those settings and the cost of the runtime itself.
//!   `call/runtime_plain_decode` sends the same request through the generated client's runtime
//!   (`client.runtime().request(..).send_bytes()`) and decodes with plain
//!   `serde_json::from_slice`, which splits the rest into the runtime's request path and its
//!   decoding (`send_json` decodes through `serde_path_to_error` to report the failing field).
//! - `call_cpu/*`: the same four calls, timed in CPU time of the whole process (client, tokio
//!   workers and server) instead of wall time, which a loaded machine disturbs far less.
//! - `decode_10k/generated` vs `decode_10k/hand_written`: `serde_json::from_slice` of a
//!   10,000-connection response into `make_client::models::ListConnectionsResponse` or into
//!   the hand-written struct.
//! - `exact_text/*`: 10,000 ids of 21 digits read into `String` fields under the decoding
//!   policy (JSON numbers, kept digit for digit), by a plain visitor (numbers, digits lost), and
//!   by plain serde from JSON strings (the reference).

use std::hint::black_box;

use criterion::Criterion;
use make_benches::{connections_json, hand, process_cpu_time, serve, TEAM_ID, TOKEN};

/// Connections in the page both clients fetch.
const PAGE: usize = 10;
/// Connections in the decoded response.
const BIG: usize = 10_000;

/// The operation the generated `connections().list()` sends, for `call/runtime_plain_decode`.
static LIST_CONNECTIONS: make_runtime::Operation =
    make_runtime::Operation { name: "connections.list", method: make_runtime::Method::GET, path: "/connections", scopes: &["connections:read"] };

/// The variants in registration order, reversed when `MAKE_BENCHES_REVERSE` is set.
fn ordered<'a>(names: &[&'a str]) -> Vec<&'a str> {
    let mut names = names.to_vec();
    if std::env::var_os("MAKE_BENCHES_REVERSE").is_some() {
        names.reverse();
    }
    names
}

/// The ways of making the same call.
#[derive(Debug, Clone, Copy)]
enum Variant {
    Generated,
    HandWritten,
    HandWrittenTimeouts,
    RuntimePlainDecode,
}

impl Variant {
    const NAMES: [&'static str; 4] = ["generated", "hand_written", "hand_written_timeouts", "runtime_plain_decode"];

    fn from_name(name: &str) -> Self {
        match name {
            "generated" => Variant::Generated,
            "hand_written" => Variant::HandWritten,
            "hand_written_timeouts" => Variant::HandWrittenTimeouts,
            _ => Variant::RuntimePlainDecode,
        }
    }
}

/// The clients, built once.
struct Clients {
    base_url: String,
    generated: make_client::Client,
    handmade: reqwest::Client,
    handmade_timeouts: reqwest::Client,
}

impl Clients {
    /// One call; returns the number of connections received.
    async fn call(&self, variant: Variant) -> usize {
        match variant {
            Variant::Generated => self.generated.connections().list(TEAM_ID).send().await.expect("the generated call").connections.len(),
            Variant::HandWritten => hand::list_connections(&self.handmade, &self.base_url, TOKEN, TEAM_ID).await.expect("the hand-written call").connections.len(),
            Variant::HandWrittenTimeouts => {
                hand::list_connections(&self.handmade_timeouts, &self.base_url, TOKEN, TEAM_ID).await.expect("the hand-written call").connections.len()
            }
            Variant::RuntimePlainDecode => {
                let bytes = self
                    .generated
                    .runtime()
                    .request(&LIST_CONNECTIONS)
                    .query("teamId", TEAM_ID)
                    .header("accept", "application/json")
                    .send_bytes()
                    .await
                    .expect("the runtime call");
                serde_json::from_slice::<make_client::models::ListConnectionsResponse>(&bytes).expect("decodes").connections.len()
            }
        }
    }
}

fn call(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime");
    let server = rt.block_on(serve(connections_json(PAGE))).expect("a loopback server");
    let clients = Clients {
        generated: make_client::Client::builder(TOKEN).base_url(&server.base_url).allow_insecure_http().build().expect("a client"),
        handmade: reqwest::Client::new(),
        // The generated client's default transport settings (60 s request and 10 s connect
        // timeouts), to tell the cost of those settings from the cost of the runtime.
        handmade_timeouts: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .connect_timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("a reqwest client"),
        base_url: server.base_url.clone(),
    };
    // Every variant must work and see the same data before anything is timed.
    for name in Variant::NAMES {
        assert_eq!(rt.block_on(clients.call(Variant::from_name(name))), PAGE, "{name}");
    }
    let clients = &clients;

    let mut group = c.benchmark_group("call");
    for name in ordered(&Variant::NAMES) {
        let variant = Variant::from_name(name);
        group.bench_function(name, |bench| bench.to_async(&rt).iter(|| async move { black_box(clients.call(variant).await) }));
    }
    group.finish();

    let mut group = c.benchmark_group("call_cpu");
    for name in ordered(&Variant::NAMES) {
        let variant = Variant::from_name(name);
        group.bench_function(name, |bench| {
            bench.to_async(&rt).iter_custom(|iters| async move {
                let start = process_cpu_time();
                for _ in 0..iters {
                    black_box(clients.call(variant).await);
                }
                process_cpu_time().saturating_sub(start)
            })
        });
    }
    group.finish();
}

fn decode(c: &mut Criterion) {
    let json = connections_json(BIG);
    let a: make_client::models::ListConnectionsResponse = serde_json::from_slice(&json).expect("generated types decode");
    let b: hand::ListConnections = serde_json::from_slice(&json).expect("hand-written types decode");
    assert_eq!((a.connections.len(), b.connections.len()), (BIG, BIG));

    let mut group = c.benchmark_group("decode_10k");
    group.sample_size(10);
    for name in ordered(&["generated", "hand_written"]) {
        match name {
            "generated" => group.bench_function(name, |bench| {
                bench.iter(|| black_box(serde_json::from_slice::<make_client::models::ListConnectionsResponse>(black_box(&json)).expect("decodes")))
            }),
            _ => group.bench_function(name, |bench| bench.iter(|| black_box(serde_json::from_slice::<hand::ListConnections>(black_box(&json)).expect("decodes")))),
        };
    }
    group.finish();
}

/// Reading 10,000 ids of 21 digits into `String` fields (see `make_benches::exact`).
fn exact_text(c: &mut Criterion) {
    use make_benches::exact::{items_json, Plain, Policy, Visitor};
    let numbers = items_json(BIG, false);
    let strings = items_json(BIG, true);
    let first = serde_json::from_slice::<Vec<Policy>>(&numbers).expect("decodes");
    assert_eq!(first[0].uid, "100000000000000000000", "the policy keeps every digit");
    let mut group = c.benchmark_group("exact_text");
    group.sample_size(10);
    for name in ordered(&["policy", "hand_written", "visitor"]) {
        match name {
            "policy" => group.bench_function(name, |b| b.iter(|| black_box(serde_json::from_slice::<Vec<Policy>>(black_box(&numbers)).expect("decodes")))),
            "visitor" => group.bench_function(name, |b| b.iter(|| black_box(serde_json::from_slice::<Vec<Visitor>>(black_box(&numbers)).expect("decodes")))),
            _ => group.bench_function(name, |b| b.iter(|| black_box(serde_json::from_slice::<Vec<Plain>>(black_box(&strings)).expect("decodes")))),
        };
    }
    group.finish();
}

fn main() {
    // What `criterion_group!` + `criterion_main!` expand to, without their undocumented `pub fn`.
    let mut criterion = Criterion::default().configure_from_args();
    call(&mut criterion);
    decode(&mut criterion);
    exact_text(&mut criterion);
    criterion.final_summary();
}
