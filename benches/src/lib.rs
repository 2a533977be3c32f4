//! Support for the criterion benchmarks in `benches/runtime.rs` (run them with
//! `cargo xtask bench`, which reads criterion's estimates and writes BENCHMARKS.md).
//!
//! - [`hand`]: what a user would write by hand with reqwest + serde_json instead of the
//!   generated client: one struct per object, the same field types where they matter
//!   (`Option<i64>`, `Option<String>`, `chrono` date-times), and one `async fn` for the call.
//! - [`serve`]: a minimal HTTP/1.1 server on loopback (hyper) that answers
//!   `GET /api/v2/connections?teamId=35` with a fixed JSON body, so both clients pay exactly the
//!   same server cost.
//! - [`connections_json`]: a deterministic, realistic `List connections` response.
//! - [`exact`]: three ways of reading an id into a `String` field, for the `exact_text` group.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// The token both clients send.
pub const TOKEN: &str = "bench-token";

/// The team both clients ask for.
pub const TEAM_ID: i64 = 35;

/// Hand-written types and call, as a user without the generated client would write them.
pub mod hand {
    use serde::Deserialize;

    /// A connection object of the `List connections` response.
    #[derive(Debug, Clone, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Connection {
        /// `id`
        pub id: Option<i64>,
        /// `name`
        pub name: Option<String>,
        /// `accountName`
        pub account_name: Option<String>,
        /// `accountLabel`
        pub account_label: Option<String>,
        /// `packageName`
        pub package_name: Option<String>,
        /// `expire`
        pub expire: Option<chrono::DateTime<chrono::Utc>>,
        /// `metadata`
        pub metadata: Option<Metadata>,
        /// `teamId`
        pub team_id: Option<i64>,
        /// `theme`
        pub theme: Option<String>,
        /// `upgradeable`
        pub upgradeable: Option<bool>,
        /// `scopesCnt`
        pub scopes_cnt: Option<i64>,
        /// `scoped`
        pub scoped: Option<bool>,
        /// `accountType`
        pub account_type: Option<String>,
        /// `editable`
        pub editable: Option<bool>,
        /// `uid`
        pub uid: Option<String>,
        /// `connectedSystemId`
        pub connected_system_id: Option<String>,
        /// `organizationId`
        pub organization_id: Option<i64>,
    }

    /// `metadata` of a connection (the `type` kept as a plain string).
    #[derive(Debug, Clone, Deserialize)]
    pub struct Metadata {
        /// `value`
        pub value: Option<String>,
        /// `type`
        #[serde(rename = "type")]
        pub type_: Option<String>,
    }

    /// The `List connections` response.
    #[derive(Debug, Clone, Deserialize)]
    pub struct ListConnections {
        /// `connections`
        #[serde(default)]
        pub connections: Vec<Connection>,
    }

    /// `GET {base}/connections?teamId=..` with the token, decoded with `Response::json`.
    pub async fn list_connections(client: &reqwest::Client, base_url: &str, token: &str, team_id: i64) -> Result<ListConnections, reqwest::Error> {
        client
            .get(format!("{base_url}/connections"))
            .query(&[("teamId", team_id)])
            .header(reqwest::header::AUTHORIZATION, format!("Token {token}"))
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    }
}

/// A `List connections` response body with `n` connections, every field set as Make sends it.
pub fn connections_json(n: usize) -> Vec<u8> {
    let connections: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "id": 4_000_000 + i,
                "name": format!("My Google connection {i}"),
                "accountName": "google",
                "accountLabel": "Google",
                "packageName": null,
                "expire": format!("2026-{:02}-{:02}T10:{:02}:00.000Z", 1 + i % 12, 1 + i % 28, i % 60),
                "metadata": {"value": format!("user{i}@example.com"), "type": if i % 3 == 0 { "string" } else { "email" }},
                "teamId": 35,
                "theme": "#4285f4",
                "upgradeable": i % 2 == 0,
                "scopesCnt": 3,
                "scoped": true,
                "accountType": "oauth",
                "editable": false,
                "uid": format!("{:016x}", i * 7919),
                "connectedSystemId": null,
                "organizationId": 11
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "connections": connections })).expect("JSON serializes")
}

/// CPU time consumed so far by the whole process (every thread: the benchmark, the tokio
/// workers and the in-process server), from `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`. Unlike
/// wall time it does not grow while other processes hold the CPUs.
pub fn process_cpu_time() -> std::time::Duration {
    let t = nix::time::clock_gettime(nix::time::ClockId::CLOCK_PROCESS_CPUTIME_ID).expect("the process CPU clock is readable");
    std::time::Duration::new(u64::try_from(t.tv_sec()).unwrap_or(0), u32::try_from(t.tv_nsec()).unwrap_or(0))
}

/// A running loopback server; it stops when the runtime that spawned it shuts down.
#[derive(Debug, Clone)]
pub struct Server {
    /// Its address.
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT/api/v2`, the API base URL both clients are given.
    pub base_url: String,
}

/// Serves `body` as `application/json` to `GET /api/v2/connections?teamId=35` carrying the
/// bench token, and 404 to anything else. Must be called inside a tokio runtime.
pub async fn serve(body: Vec<u8>) -> std::io::Result<Server> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let body = Bytes::from(body);
    let auth = format!("Token {TOKEN}");
    let query = format!("teamId={TEAM_ID}");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            let (body, auth, query) = (body.clone(), auth.clone(), query.clone());
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                    let ok = req.uri().path() == "/api/v2/connections"
                        && req.uri().query() == Some(query.as_str())
                        && req.headers().get("authorization").is_some_and(|v| v.as_bytes() == auth.as_bytes());
                    let response = if ok {
                        Response::builder().header("content-type", "application/json").body(Full::new(body.clone()))
                    } else {
                        Response::builder().status(StatusCode::NOT_FOUND).body(Full::new(Bytes::new()))
                    };
                    async move { Ok::<_, Infallible>(response.expect("a valid response")) }
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    Ok(Server { addr, base_url: format!("http://{addr}/api/v2") })
}

/// Three ways of reading a connection id into a `String` field (group `exact_text`):
/// `make_decode::lenient` (the decoding policy: a JSON number kept as its exact text through
/// serde_json's raw-value request), a plain `deserialize_any` visitor (takes numbers too, but
/// serde_json gives it an `f64` beyond `u64`: digits are lost), and plain serde on ids sent as
/// strings (what the docs promise; the reference).
pub mod exact {
    use std::fmt;

    use serde::Deserialize;

    /// An id read under the decoding policy.
    #[derive(Debug, Deserialize)]
    pub struct Policy {
        /// `id`
        pub id: i64,
        /// `uid`
        #[serde(deserialize_with = "make_decode::lenient")]
        pub uid: String,
    }

    /// An id read by a plain visitor.
    #[derive(Debug, Deserialize)]
    pub struct Visitor {
        /// `id`
        pub id: i64,
        /// `uid`
        #[serde(deserialize_with = "any_text")]
        pub uid: String,
    }

    /// An id sent as a string, read by plain serde.
    #[derive(Debug, Deserialize)]
    pub struct Plain {
        /// `id`
        pub id: i64,
        /// `uid`
        pub uid: String,
    }

    fn any_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_owned())
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
                Ok(v.to_string())
            }
        }
        d.deserialize_any(V)
    }

    /// `n` items whose `uid` is a 21-digit JSON number (`quoted`: a JSON string).
    pub fn items_json(n: usize, quoted: bool) -> Vec<u8> {
        let items: Vec<String> = (0..n)
            .map(|i| {
                let uid = format!("{}", 100_000_000_000_000_000_000u128 + i as u128 * 7919);
                if quoted {
                    format!(r#"{{"id":{i},"uid":"{uid}"}}"#)
                } else {
                    format!(r#"{{"id":{i},"uid":{uid}}}"#)
                }
            })
            .collect();
        format!("[{}]", items.join(",")).into_bytes()
    }
}
