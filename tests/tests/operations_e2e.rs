//! Every operation of every generated client, end to end against a local HTTP server
//! (wiremock), from data: no test here names an operation.
//!
//! For each operation of each API's catalogue, arguments are generated (from the merged
//! document's schemas, kept to what the catalogue's input schema accepts, and in some rounds
//! from the input schema alone), sent through the catalogue's `call`, and the request the
//! server received is checked against the merged OpenAPI document: method, path with every
//! parameter filled, exactly the query pairs of the arguments under the document's names
//! (Make's `name[]` form for arrays), header parameters, auth, and the body. The server answers
//! with a body generated from the documented response (with undocumented properties, as the
//! live API sends), which must decode without losing a documented property; `decode_response`
//! must agree with `call`. Table tests over every operation cover what is not about one
//! operation: invalid arguments refused before sending, missing scopes, and Make's error
//! bodies as typed errors.
//!
//! `E2E_SEED=<seed>` replays a run; `E2E_ROUNDS=<n>` sets the rounds per operation.

mod support;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use make_runtime::catalogue::CatalogueError;
use make_runtime::{Error, ErrorCode, RetryPolicy};
use serde_json::{json, Value};
use support::apis::{self, Client, Op, APIS};
use support::operation::{self, Wire};
use support::schema::{Gen, Text};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Rounds per operation when `E2E_ROUNDS` is not set: round 0 sets no optional argument,
/// round 1 all of them, later rounds some; odd rounds from 3 on draw from the input schema.
const DEFAULT_ROUNDS: usize = 6;

fn seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| {
        let seed = match std::env::var("E2E_SEED") {
            Ok(s) => s.trim().parse().unwrap_or_else(|_| panic!("E2E_SEED must be a u64, got `{s}`")),
            Err(_) => rand::random(),
        };
        eprintln!("operations e2e: seed {seed} (replay with E2E_SEED={seed})");
        seed
    })
}

fn rounds() -> usize {
    std::env::var("E2E_ROUNDS").map_or(DEFAULT_ROUNDS, |s| s.trim().parse().unwrap_or_else(|_| panic!("E2E_ROUNDS must be a number, got `{s}`")))
}

/// The answer the server gives next.
#[derive(Clone, Default)]
struct Reply(Arc<Mutex<(u16, String, Vec<u8>)>>);

impl Respond for Reply {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let (status, content_type, body) = self.0.lock().unwrap().clone();
        let template = ResponseTemplate::new(status);
        if content_type.is_empty() {
            template
        } else {
            template.set_body_raw(body, &content_type)
        }
    }
}

/// One API's server, client and the requests seen so far.
struct Harness {
    api: &'static str,
    document: Value,
    server: MockServer,
    reply: Reply,
    client: Client,
    seen: usize,
}

impl Harness {
    async fn start(api: &'static str) -> Harness {
        Self::with_client(api, |b| b).await
    }

    async fn with_client(
        api: &'static str,
        configure: impl FnOnce(make_runtime::ClientBuilder<make_runtime::Client>) -> make_runtime::ClientBuilder<make_runtime::Client>,
    ) -> Harness {
        let server = MockServer::start().await;
        let reply = Reply::default();
        Mock::given(wiremock::matchers::any()).respond_with(reply.clone()).mount(&server).await;
        let client = Client::build(api, |b| b);
        let mut h = Harness { api, document: apis::document(api), server, reply, client, seen: 0 };
        h.set_client(configure);
        h
    }

    /// Sends the next calls through a client set up by `configure`, to the same server.
    fn set_client(&mut self, configure: impl FnOnce(make_runtime::ClientBuilder<make_runtime::Client>) -> make_runtime::ClientBuilder<make_runtime::Client>) {
        let uri = self.server.uri();
        self.client = Client::build(self.api, |b| configure(b.base_url(uri).allow_insecure_http().retry_policy(RetryPolicy::none())));
    }

    /// Calls `op` with `args` while the server answers `status`, `content_type`, `body`; returns
    /// the result and the request the server received, if one was sent.
    async fn exchange(&mut self, op: &Op, args: Value, status: u16, content_type: &str, body: &[u8]) -> (Result<Value, CatalogueError>, Option<Wire>) {
        *self.reply.0.lock().unwrap() = (status, content_type.to_owned(), body.to_vec());
        let result = self.client.call(op.id, args).await;
        let requests = self.server.received_requests().await.expect("recording is on");
        let new = &requests[self.seen..];
        self.seen = requests.len();
        assert!(new.len() <= 1, "[{}] {}: {} requests for one call", self.api, op.id, new.len());
        let wire = new.first().map(|r| Wire {
            method: r.method.as_str().to_owned(),
            path: r.url.path().to_owned(),
            query: r.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect(),
            raw_query: r.url.query().map(str::to_owned),
            headers: r.headers.iter().map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect(),
            body: r.body.clone(),
        });
        (result, wire)
    }
}

/// Arguments drawn from the catalogue's input schema alone (what a tool caller would send),
/// with the round's rule for optional arguments.
fn arguments_from_input_schema(gen: &mut Gen, document: &Value, op: &Op, round: usize) -> Value {
    let doc_op = operation::doc_operation(document, op);
    let input = &op.input_schema;
    let required: Vec<&str> = input["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let location = |name: &str| {
        doc_op["parameters"].as_array().into_iter().flatten().find(|p| p["name"] == name).and_then(|p| p["in"].as_str()).unwrap_or("body").to_owned()
    };
    let mut args = serde_json::Map::new();
    for (name, schema) in input["properties"].as_object().into_iter().flatten() {
        let set = required.contains(&name.as_str()) || match round {
            0 => false,
            1 => true,
            _ => gen.coin(0.5),
        };
        if set {
            let text = match location(name).as_str() {
                "path" => Text::Segment,
                "header" => Text::Header,
                _ => Text::Free,
            };
            args.insert(name.clone(), gen.value(input, schema, 3, text));
        }
    }
    Value::Object(args)
}

#[tokio::test]
async fn every_operation_sends_what_the_document_says_and_decodes_the_response() {
    let seed = seed();
    let rounds = rounds();
    let mut failures = Vec::new();
    let mut calls = 0usize;
    let started = Instant::now();
    for (i, api) in APIS.iter().enumerate() {
        let mut h = Harness::start(api).await;
        let mut gen = Gen::new(seed.wrapping_add(i as u64));
        gen.reserved_segments = operation::literal_segments(&h.document);
        for op in apis::operations(api) {
            for round in 0..rounds {
                let args = if round >= 3 && round % 2 == 1 {
                    arguments_from_input_schema(&mut gen, &h.document, &op, round)
                } else {
                    operation::arguments(&mut gen, &h.document, &op, round)
                };
                let (status, content) = operation::success_response(&h.document, &op);
                let body = operation::response_body(&mut gen, &h.document, &content);
                let ct = content.as_ref().map_or("", |(ct, _)| ct.as_str());
                let (result, wire) = h.exchange(&op, args.clone(), status, ct, &body).await;
                calls += 1;
                let problem = match (result, wire) {
                    (_, None) => Some("nothing was sent".to_owned()),
                    (Err(e), Some(w)) => Some(format!("the call failed: {e}\n{w}")),
                    (Ok(decoded), Some(w)) => operation::check_request(&h.document, &op, &args, &w)
                        .map_err(|e| format!("{e}\n{w}"))
                        .and_then(|()| operation::check_response(&h.document, &content, &body, &decoded))
                        .and_then(|()| match apis::decode_response(api, op.id, status, ct, &body) {
                            Ok(v) if v == decoded => Ok(()),
                            Ok(v) => Err(format!("decode_response gave {v}, call gave {decoded}")),
                            Err(e) => Err(format!("decode_response failed: {e}")),
                        })
                        .err(),
                };
                if let Some(problem) = problem {
                    failures.push(format!("[{api}] {} ({}), round {round}: {problem}\n  arguments: {args}", op.id, op.key()));
                    break; // one failure per operation is enough to read
                }
            }
        }
    }
    let per_100 = started.elapsed().as_secs_f64() * 100.0 / calls.max(1) as f64 * rounds as f64;
    eprintln!("operations e2e: {calls} calls in {:.2}s ({per_100:.2}s per 100 operations at {rounds} rounds)", started.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "{} operation(s) failed (E2E_SEED={seed}):\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn every_api_has_a_catalogue_under_test() {
    apis::every_api_is_listed();
}

/// Each catalogue lists exactly the document's operations, and says of each what the document
/// says: `find` maps `METHOD /path` to it, its input schema has one property per parameter
/// (wire name) and the body, the document's required ones required, scopes and hints as the
/// document has them.
#[test]
fn catalogues_agree_with_the_documents() {
    let mut problems = Vec::new();
    for api in APIS {
        let document = apis::document(api);
        let ops = apis::operations(api);
        let listed: Vec<String> = {
            let mut k: Vec<String> = ops.iter().map(Op::key).collect();
            k.sort();
            k
        };
        if listed != apis::document_operations(&document) {
            problems.push(format!("[{api}] the catalogue lists {listed:?}, the document {:?}", apis::document_operations(&document)));
        }
        let ids: Vec<&str> = ops.iter().map(|o| o.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        if ids != sorted {
            problems.push(format!("[{api}] ids not sorted or not unique: {ids:?}"));
        }
        for op in &ops {
            let doc_op = operation::doc_operation(&document, op);
            if apis::find(api, &op.method.to_lowercase(), op.path) != Some(op.id) {
                problems.push(format!("[{api}] find({}) does not give {}", op.key(), op.id));
            }
            let mut want: Vec<(String, bool)> = operation::params(doc_op)
                .into_iter()
                .map(|p| {
                    let name = p["name"].as_str().unwrap_or_default().to_owned();
                    let required = p["required"] == true && operation::placeholder(&name).is_none();
                    (name, required)
                })
                .collect();
            if doc_op.get("requestBody").is_some() {
                // A body the type can default (every field optional, a map) may be left out.
                let required = op.input_schema["required"].as_array().is_some_and(|r| r.iter().any(|k| k == operation::body_key(doc_op)));
                want.push((operation::body_key(doc_op).to_owned(), required));
            }
            want.sort();
            let mut have: Vec<(String, bool)> = op.input_schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| (k.clone(), op.input_schema["required"].as_array().is_some_and(|r| r.iter().any(|x| x == k))))
                .collect();
            have.sort();
            if have != want {
                problems.push(format!("[{api}] {}: input schema properties {have:?}, document {want:?}", op.id));
            }
            let mut scopes: Vec<&str> = doc_op["security"].as_array().into_iter().flatten().filter_map(Value::as_object).flat_map(|m| m.values()).filter_map(Value::as_array).flatten().filter_map(Value::as_str).collect();
            scopes.sort();
            scopes.dedup();
            let mut have_scopes = op.scopes.to_vec();
            have_scopes.sort();
            if have_scopes != scopes {
                problems.push(format!("[{api}] {}: scopes {have_scopes:?}, document {scopes:?}", op.id));
            }
            let deprecated = doc_op["deprecated"] == true;
            if op.read_only != matches!(op.method, "GET" | "HEAD") || op.destructive != (op.method == "DELETE") || op.deprecated != deprecated {
                problems.push(format!("[{api}] {}: hints read_only={} destructive={} deprecated={} do not fit {} (deprecated: {deprecated})", op.id, op.read_only, op.destructive, op.deprecated, op.key()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Arguments that do not fit an operation are refused before anything is sent, naming the
/// argument: an unknown one, a missing required one, one of the wrong type; and an unknown id.
#[tokio::test]
async fn invalid_arguments_are_refused_before_sending() {
    let mut problems = Vec::new();
    for api in APIS {
        let mut h = Harness::start(api).await;
        let mut gen = Gen::new(seed());
        gen.reserved_segments = operation::literal_segments(&h.document);
        for op in apis::operations(api) {
            let good = operation::arguments(&mut gen, &h.document, &op, 1);
            let mut cases: Vec<(String, Value, String)> = Vec::new();
            let mut unknown = good.clone();
            unknown["no such argument"] = json!(1);
            cases.push(("an unknown argument".into(), unknown, "`no such argument`".into()));
            for name in op.input_schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                let mut missing = good.clone();
                missing.as_object_mut().unwrap().remove(name);
                cases.push((format!("without `{name}`"), missing, format!("`{name}`")));
            }
            if let Some((name, _)) = good.as_object().unwrap().iter().find(|(_, v)| !v.is_array() && !v.is_object()) {
                let mut wrong = good.clone();
                wrong[name.as_str()] = json!([{"not": "a scalar"}]);
                cases.push((format!("`{name}` of the wrong type"), wrong, format!("`{name}")));
            }
            cases.push(("an array instead of an object".into(), json!([]), "object".into()));
            for (what, args, needle) in cases {
                let (result, wire) = h.exchange(&op, args, 200, "application/json", b"{}").await;
                match (result, wire) {
                    (Err(e @ CatalogueError::InvalidArguments { .. }), None) if e.to_string().contains(&needle) && e.to_string().contains(op.id) => {}
                    (result, wire) => problems.push(format!("[{api}] {} {what}: expected InvalidArguments naming {needle} and nothing sent, got {result:?}, sent {wire:?}", op.id)),
                }
            }
        }
        match h.client.call("no.such_operation", json!({})).await {
            Err(CatalogueError::UnknownOperation(id)) if id == "no.such_operation" => {}
            other => problems.push(format!("[{api}] an unknown id gave {other:?}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A client that declares its token's scopes refuses, before sending, every operation that
/// needs a scope it lacks, naming the missing scopes; with the scopes, the call is sent.
#[tokio::test]
async fn declared_scopes_refuse_operations_before_sending() {
    let mut problems = Vec::new();
    let mut gen = Gen::new(seed());
    for api in APIS {
        let mut h = Harness::start(api).await;
        let document = h.document.clone();
        gen.reserved_segments = operation::literal_segments(&document);
        let all = apis::operations(api);
        for op in all.iter().filter(|o| !o.scopes.is_empty()) {
            let args = operation::arguments(&mut gen, &document, op, 0);
            let others: Vec<&str> = all.iter().flat_map(|o| o.scopes.iter().copied()).filter(|s| !op.scopes.contains(s)).collect();
            h.set_client(|b| b.scopes(others.clone()));
            let (result, wire) = h.exchange(op, args.clone(), 200, "application/json", b"{}").await;
            match (&result, &wire) {
                (Err(CatalogueError::Call(Error::MissingScope { operation, missing })), None) if *operation == op.id && missing.iter().map(String::as_str).eq(op.scopes.iter().copied()) => {}
                _ => problems.push(format!("[{api}] {} without {:?}: expected MissingScope and nothing sent, got {result:?}, sent {}", op.id, op.scopes, wire.is_some())),
            }
            h.set_client(|b| b.scopes(op.scopes.to_vec()));
            let (status, content) = operation::success_response(&document, op);
            let body = operation::response_body(&mut gen, &document, &content);
            let (_, wire) = h.exchange(op, args, status, content.as_ref().map_or("", |c| c.0.as_str()), &body).await;
            if wire.is_none() {
                problems.push(format!("[{api}] {} with its scopes {:?} was not sent", op.id, op.scopes));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Make's error bodies and other failures become the client's typed errors for every
/// operation, through `call` and `decode_response` alike.
#[tokio::test]
async fn error_responses_are_typed_errors_for_every_operation() {
    struct Case {
        status: u16,
        content_type: &'static str,
        body: &'static str,
        check: fn(&Error) -> bool,
    }
    let cases = [
        Case {
            status: 403,
            content_type: "application/json",
            body: r#"{"detail":"Access denied.","message":"Permission denied","code":"SC403"}"#,
            check: |e| e.code() == Some(&ErrorCode::Sc403) && e.status().map(|s| s.as_u16()) == Some(403) && e.to_string().contains("Permission denied"),
        },
        Case {
            status: 400,
            content_type: "application/json",
            body: r#"{"detail":"Validation failed for 1 parameter(s).","message":"Invalid input parameters","code":"IM005","suberrors":[{"message":"Missing value."}]}"#,
            check: |e| {
                e.code() == Some(&ErrorCode::Im005)
                    && e.api_error().and_then(|a| a.suberrors.first()).and_then(|s| s.message.as_deref()) == Some("Missing value.")
                    && e.to_string().contains("[Missing value.]")
            },
        },
        Case {
            status: 404,
            content_type: "application/json",
            body: r#"{"detail":"Not found.","message":"Not found","code":"XX999"}"#,
            check: |e| e.code() == Some(&ErrorCode::Other("XX999".into())) && e.to_string().contains("XX999"),
        },
        Case {
            status: 502,
            content_type: "text/html",
            body: "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
            check: |e| matches!(e, Error::Status { status, content_type, body_start, .. } if status.as_u16() == 502 && content_type.as_deref() == Some("text/html") && body_start.starts_with("<html><head><title>502")),
        },
    ];
    let mut problems = Vec::new();
    let mut gen = Gen::new(seed());
    for api in APIS {
        let mut h = Harness::start(api).await;
        gen.reserved_segments = operation::literal_segments(&h.document);
        for op in apis::operations(api) {
            for case in &cases {
                let args = operation::arguments(&mut gen, &h.document, &op, 0);
                let (result, wire) = h.exchange(&op, args, case.status, case.content_type, case.body.as_bytes()).await;
                // A 403 names the scopes the operation requires.
                let names_scopes = |e: &Error| case.status != 403 || op.scopes.iter().all(|s| e.to_string().contains(s));
                let through_call = match &result {
                    Err(CatalogueError::Call(e)) => (case.check)(e) && e.operation() == Some(op.id) && names_scopes(e),
                    _ => false,
                };
                let decoded = apis::decode_response(api, op.id, case.status, case.content_type, case.body.as_bytes());
                let through_decode = matches!(&decoded, Err(CatalogueError::Call(e)) if (case.check)(e));
                if !through_call || !through_decode || wire.is_none() {
                    problems.push(format!("[{api}] {} answered {} {}: call gave {result:?}, decode_response gave {decoded:?}", op.id, case.status, case.body));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checks above can fail: for every parameter of every operation, a copy of the document
/// with that parameter renamed makes the wire check fail (the unchanged document passes), and
/// for every property of every JSON response object, a server that sends it under another name
/// makes the response check fail (unless the object keeps undocumented properties).
#[tokio::test]
async fn the_checks_fail_when_client_and_document_disagree() {
    let mut problems = Vec::new();
    let mut gen = Gen::new(seed());
    for api in APIS {
        let mut h = Harness::start(api).await;
        gen.reserved_segments = operation::literal_segments(&h.document);
        let document = h.document.clone();
        for op in apis::operations(api) {
            let doc_op = operation::doc_operation(&document, &op).clone();
            let (status, content) = operation::success_response(&document, &op);
            let ct = content.as_ref().map_or("", |(ct, _)| ct.as_str());
            for (i, p) in doc_op["parameters"].as_array().into_iter().flatten().enumerate() {
                if operation::ignored_header(p) {
                    continue; // not sent: OpenAPI ignores it
                }
                let name = p["name"].as_str().unwrap_or_default();
                let sent = |v: &Value| v.get(name).is_some_and(|v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()) && v.as_object().is_none_or(|m| m.values().any(|v| v.as_array().is_some_and(|a| !a.is_empty()))));
                let Some(args) = (0..100).map(|_| operation::arguments(&mut gen, &document, &op, 1)).find(sent) else {
                    problems.push(format!("[{api}] {}: no arguments that send `{name}`", op.id));
                    continue;
                };
                let body = operation::response_body(&mut gen, &document, &content);
                let (mut result, mut wire) = h.exchange(&op, args.clone(), status, ct, &body).await;
                // The client retries nothing here: a pooled connection the server closed just
                // then (a transport error, nothing received) is tried once more.
                if wire.is_none() && matches!(result, Err(CatalogueError::Call(Error::Transport { .. }))) {
                    (result, wire) = h.exchange(&op, args.clone(), status, ct, &body).await;
                }
                let Some(wire) = wire else {
                    problems.push(format!("[{api}] {}: nothing was sent for {args}: {result:?}", op.id));
                    continue;
                };
                let mut changed = document.clone();
                changed["paths"][op.path][op.method.to_lowercase()]["parameters"][i]["name"] = json!(format!("{name}_renamed"));
                if let Err(e) = operation::check_request(&document, &op, &args, &wire) {
                    problems.push(format!("[{api}] {}: the unchanged document fails: {e}", op.id));
                }
                if operation::check_request(&changed, &op, &args, &wire).is_ok() {
                    problems.push(format!("[{api}] {}: renaming `{name}` in the document goes unnoticed", op.id));
                }
            }
            let Some((ct, schema)) = content.clone().filter(|(ct, _)| operation::is_json(ct)) else { continue };
            let resolved = support::schema::resolve(&document, &schema);
            if resolved.get("additionalProperties").is_some_and(|a| a != &json!(false)) {
                continue; // an open object keeps a renamed property among its others: nothing is lost
            }
            let properties: Vec<String> = resolved["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
            for property in properties {
                let renamed = format!("{property}_renamed");
                let mut changed = document.clone();
                let target = support::schema::resolve(&document, &schema).clone();
                let mut target = target;
                let value = target["properties"].as_object_mut().unwrap().remove(&property).unwrap();
                target["properties"][&renamed] = value;
                if let Some(required) = target["required"].as_array_mut() {
                    required.retain(|r| r != &json!(property));
                }
                let changed_content = Some((ct.clone(), target.clone()));
                changed["x-changed"] = json!(true);
                let Some(body) = (0..100).map(|_| operation::response_body(&mut gen, &changed, &changed_content)).find(|b| serde_json::from_slice::<Value>(b).is_ok_and(|v| v.get(&renamed).is_some_and(|v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))))
                else {
                    continue; // a property the generator never fills (an empty list)
                };
                let args = operation::arguments(&mut gen, &document, &op, 0);
                let (result, _) = h.exchange(&op, args, status, &ct, &body).await;
                // An error is fine too: a required property missing fails the decoding itself.
                if let Ok(decoded) = result {
                    if operation::check_response(&changed, &changed_content, &body, &decoded).is_ok() {
                        problems.push(format!("[{api}] {}: a response property `{property}` sent as `{renamed}` goes unnoticed", op.id));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
