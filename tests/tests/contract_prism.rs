//! Contract tests: every operation of both generated clients is called, with random valid
//! arguments, against Prism (`prism mock --dynamic`), which validates each request against
//! the merged OpenAPI document `cargo xtask codegen` writes to `generated/openapi/` and
//! answers with a response freshly generated from its schemas.
//!
//! A call passes when Prism routed it to the operation the client meant (a response header
//! the harness adds to a copy of the document names it), accepted it (no 422 validation
//! error, no 404/405 route miss, no violation reported in `sl-violations`), and the client
//! decoded the response into the generated type without losing anything the document
//! describes (the decoded value, serialized again, equals Prism's body restricted to the
//! documented properties).
//!
//! Prism is pinned in `tests/contract/package.json` with its lockfile and installed with
//! `npm ci` when `tests/contract/node_modules` lacks it, once per run. It runs with
//! `tests/contract/prism-fixes.cjs` preloaded, which fixes three Prism bugs (two hid query
//! parameter mistakes, one crashed Prism on some valid requests; see that file). The `contract_detects_*` tests prove that the
//! harness fails when the client and the document disagree.
//!
//! Values come from a seeded RNG; the seed is printed and in every failure message.
//! `CONTRACT_SEED=<seed>` replays a run (Prism's responses too: each request carries a
//! `Prefer: seed=...` derived from it); `CONTRACT_ROUNDS=<n>` sets the rounds per
//! operation (default 25).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::future::Future;
use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use academy_client::models::{
    AttachWebhookBody, Condition, Filter, FilterTerm, OpenUploadSlotBody,
};
use make_client::models::{
    CreateConnectionBody, CreateDataStoreBody, GetConnectionDetailsCol, ListConnectionsCol,
    ListDataStoresCol, ListDataStoresSortBy, RenameConnectionBody, RenameConnectionCol,
    VerifyConnectionScopedBody,
};
use make_client::{chrono, Error, RetryPolicy, SortDir};
use make_runtime::reqwest_middleware::reqwest::{Request, Response};
use make_runtime::reqwest_middleware::{Middleware, Next};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// Rounds per operation when `CONTRACT_ROUNDS` is not set.
const DEFAULT_ROUNDS: usize = 25;
/// How long Prism may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// The response header the harness adds to every operation of its copy of the document.
const OPERATION_HEADER: &str = "x-contract-operation";

// ------------------------------------------------------------------ seed, rounds

/// The run's seed: `CONTRACT_SEED` or a fresh one, printed once.
fn seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| {
        let seed = match std::env::var("CONTRACT_SEED") {
            Ok(s) => s
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("CONTRACT_SEED must be a u64, got `{s}`")),
            Err(_) => rand::random(),
        };
        eprintln!(
            "contract tests: seed {seed} (replay with CONTRACT_SEED={seed} \
             cargo test -p make-tests --test contract_prism)"
        );
        seed
    })
}

fn rounds() -> usize {
    match std::env::var("CONTRACT_ROUNDS") {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("CONTRACT_ROUNDS must be a number, got `{s}`")),
        Err(_) => DEFAULT_ROUNDS,
    }
}

// ------------------------------------------------------------------ installing Prism

fn contract_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("contract")
}

fn merged_document(api: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generated/openapi")
        .join(format!("{api}.json"))
}

fn program(name: &str) -> String {
    if cfg!(windows) && name == "npm" {
        "npm.cmd".to_owned()
    } else {
        name.to_owned()
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

/// The Prism version `tests/contract/package.json` pins.
fn pinned_version(dir: &Path) -> Result<String, String> {
    let manifest = read_json(&dir.join("package.json"))?;
    manifest
        .pointer("/devDependencies/@stoplight~1prism-cli")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "tests/contract/package.json does not pin @stoplight/prism-cli".to_owned())
}

/// The Prism version installed in `node_modules`, if the installation is complete.
fn installed_version(node_modules: &Path) -> Option<String> {
    // npm writes `.package-lock.json` last, and `.bin/prism` is what we run.
    if !node_modules.join(".package-lock.json").is_file()
        || !node_modules.join(".bin/prism").exists()
    {
        return None;
    }
    let manifest = read_json(&node_modules.join("@stoplight/prism-cli/package.json")).ok()?;
    manifest.get("version")?.as_str().map(str::to_owned)
}

/// `tests/contract/node_modules/.bin/prism`, installing it first when it is missing or is
/// not the pinned version. Once per test binary; see [`install_prism`].
fn prism_bin() -> PathBuf {
    static INSTALLED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match INSTALLED.get_or_init(install_prism) {
        Ok(bin) => bin.clone(),
        Err(e) => panic!("{e}"),
    }
}

/// Runs `npm ci` in a private staging folder and renames its `node_modules` into place,
/// so an interrupted install never leaves a half-filled `tests/contract/node_modules` and
/// two test processes installing at once do not trample each other (the second rename
/// fails and the winner's installation is used).
fn install_prism() -> Result<PathBuf, String> {
    let dir = contract_dir();
    let pinned = pinned_version(&dir)?;
    let node_modules = dir.join("node_modules");
    let bin = node_modules.join(".bin/prism");
    if installed_version(&node_modules).as_deref() == Some(pinned.as_str()) {
        return Ok(bin);
    }
    let started = Instant::now();
    eprintln!(
        "contract tests: installing @stoplight/prism-cli {pinned} with `npm ci` into {}",
        node_modules.display()
    );
    let staging = dir.join(format!(".npm-ci-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging)
        .map_err(|e| format!("cannot create {}: {e}", staging.display()))?;
    for file in ["package.json", "package-lock.json"] {
        fs::copy(dir.join(file), staging.join(file))
            .map_err(|e| format!("cannot copy tests/contract/{file}: {e}"))?;
    }
    let output = Command::new(program("npm"))
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&staging)
        .stdin(Stdio::null())
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let _ = fs::remove_dir_all(&staging);
            return Err(format!(
                "`npm` was not found on PATH ({e}). The contract tests \
                 (tests/tests/contract_prism.rs) run the generated clients against Prism, \
                 which they install from npm (`npm ci --prefix tests/contract`): install \
                 Node.js 20 or later with npm (https://nodejs.org) and run the tests again."
            ));
        }
        Err(e) => return Err(format!("could not run `npm ci`: {e}")),
    };
    if !output.status.success() {
        let _ = fs::remove_dir_all(&staging);
        return Err(format!(
            "`npm ci` in {} failed ({}):\n{}{}",
            staging.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    if installed_version(&node_modules).as_deref() == Some(pinned.as_str()) {
        // Another test process installed it meanwhile: use that one.
        let _ = fs::remove_dir_all(&staging);
        return Ok(bin);
    }
    if node_modules.exists() {
        // Missing its last files or another version: move it away, then delete it.
        let old = dir.join(format!(".npm-old-{}", std::process::id()));
        if fs::rename(&node_modules, &old).is_ok() {
            let _ = fs::remove_dir_all(&old);
        }
    }
    let renamed = fs::rename(staging.join("node_modules"), &node_modules);
    let _ = fs::remove_dir_all(&staging);
    match installed_version(&node_modules) {
        Some(v) if v == pinned => {
            eprintln!(
                "contract tests: Prism {pinned} installed in {:.1}s",
                started.elapsed().as_secs_f64()
            );
            Ok(bin)
        }
        found => Err(format!(
            "after `npm ci`, {} holds Prism {found:?}, not {pinned} (rename: {renamed:?})",
            node_modules.display()
        )),
    }
}

// ------------------------------------------------------------------ running Prism

/// A running `prism mock --dynamic` on a loopback port, killed on drop.
struct Prism {
    child: Child,
    base_url: String,
    /// Scratch folder: the document Prism serves and its log.
    dir: PathBuf,
    log: PathBuf,
    /// The document Prism serves (with the operation header added).
    document: Value,
}

impl Prism {
    /// Starts Prism on a copy of `generated/openapi/<api>.json`, changed by `mutate`, with
    /// a response header naming the operation added to every response.
    fn start(api: &str, mutate: impl FnOnce(&mut Value)) -> Prism {
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let bin = prism_bin();
        let mut document = read_json(&merged_document(api)).unwrap_or_else(|e| panic!("{e}"));
        mutate(&mut document);
        tag_operations(&mut document);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("contract-prism")
            .join(format!(
                "{api}-{}-{}",
                std::process::id(),
                STARTED.fetch_add(1, Ordering::Relaxed)
            ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        let document_path = dir.join(format!("{api}.json"));
        fs::write(
            &document_path,
            serde_json::to_vec_pretty(&document).unwrap(),
        )
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", document_path.display()));
        let log = dir.join("prism.log");
        let fixes = contract_dir().join("prism-fixes.cjs");

        for attempt in 1..=3 {
            let port = free_port();
            let out = File::create(&log)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
            let err = out.try_clone().expect("clone the log file handle");
            let spawned = Command::new(program("node"))
                .arg("--require")
                .arg(&fixes)
                .arg(&bin)
                .args(["mock", "--dynamic", "--host", "127.0.0.1", "--port"])
                .arg(port.to_string())
                .arg(&document_path)
                .env("FORCE_COLOR", "0")
                .env("NO_COLOR", "1")
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn();
            let mut child = match spawned {
                Ok(child) => child,
                Err(e) if e.kind() == ErrorKind::NotFound => panic!(
                    "`node` was not found on PATH; the contract tests run Prism with Node.js \
                     (20 or later): install it from https://nodejs.org ({e})"
                ),
                Err(e) => panic!("could not start Prism ({}): {e}", bin.display()),
            };
            match wait_until_listening(&mut child, port, &log) {
                Ok(()) => {
                    return Prism {
                        child,
                        base_url: format!("http://127.0.0.1:{port}"),
                        dir,
                        log,
                        document,
                    };
                }
                Err(problem) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let output = fs::read_to_string(&log).unwrap_or_default();
                    if attempt < 3 && output.contains("EADDRINUSE") {
                        continue; // another process took the port first
                    }
                    panic!(
                        "Prism did not start for {api}: {problem}\n\
                         command: node --require {} {} mock --dynamic --host 127.0.0.1 --port {port} {}\n\
                         --- Prism's output (stdout and stderr) ---\n{output}",
                        fixes.display(),
                        bin.display(),
                        document_path.display()
                    );
                }
            }
        }
        unreachable!("the last attempt panics")
    }

    /// The last `lines` lines Prism logged.
    fn log_tail(&self, lines: usize) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Every `METHOD /path` of the document.
    fn operations(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (path, item) in self.document["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("path item").keys() {
                if is_method(method) {
                    out.insert(format!("{} {path}", method.to_uppercase()));
                }
            }
        }
        out
    }

    /// The `application/json` schema of the operation's 200 response.
    fn response_schema(&self, operation: &str) -> Option<&Value> {
        let (method, path) = operation.split_once(' ').expect("METHOD /path");
        self.document["paths"][path][method.to_lowercase()]["responses"]["200"]["content"]
            ["application/json"]
            .get("schema")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "Prism's document and log are kept in {}",
                self.dir.display()
            );
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn is_method(key: &str) -> bool {
    matches!(
        key,
        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
    )
}

/// Adds a required response header `x-contract-operation: METHOD /path` to every response
/// of every operation, so the harness sees which operation Prism routed a request to.
/// Request validation and response bodies are unaffected.
fn tag_operations(document: &mut Value) {
    for (path, item) in document["paths"].as_object_mut().expect("paths") {
        for (method, operation) in item.as_object_mut().expect("path item") {
            if !is_method(method) {
                continue;
            }
            let name = format!("{} {path}", method.to_uppercase());
            for response in operation["responses"]
                .as_object_mut()
                .expect("responses")
                .values_mut()
            {
                let headers = response
                    .as_object_mut()
                    .expect("response object")
                    .entry("headers")
                    .or_insert_with(|| json!({}));
                headers[OPERATION_HEADER] =
                    json!({"required": true, "schema": {"type": "string", "enum": [name]}});
            }
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Polls until Prism logs that it listens on `port` and accepts a connection there.
fn wait_until_listening(child: &mut Child, port: u16, log: &Path) -> Result<(), String> {
    let deadline = Instant::now() + START_TIMEOUT;
    let ready = format!("Prism is listening on http://127.0.0.1:{port}");
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Err(format!("Prism exited ({status}) before listening")),
            Ok(None) => {}
            Err(e) => return Err(format!("cannot poll Prism's process: {e}")),
        }
        let logged = fs::read_to_string(log).is_ok_and(|text| text.contains(&ready));
        if logged && TcpStream::connect_timeout(&addr, Duration::from_millis(250)).is_ok() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("not listening on {addr} after {START_TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ------------------------------------------------------------------ recording exchanges

/// One request as it went out and Prism's answer.
#[derive(Debug, Clone)]
struct Exchange {
    request: String,
    request_headers: String,
    request_body: Option<Vec<u8>>,
    status: u16,
    content_type: Option<String>,
    operation: Option<String>,
    violations: Option<String>,
    body: Vec<u8>,
}

impl Exchange {
    fn json_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl std::fmt::Display for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "  request:  {}", self.request)?;
        writeln!(f, "  headers:  {}", self.request_headers)?;
        if let Some(body) = &self.request_body {
            writeln!(
                f,
                "  body:     {}",
                shorten(&String::from_utf8_lossy(body), 1500)
            )?;
        }
        writeln!(
            f,
            "  response: {} {} (routed to: {}){}",
            self.status,
            self.content_type.as_deref().unwrap_or("no content type"),
            self.operation.as_deref().unwrap_or("-"),
            self.violations
                .as_deref()
                .map(|v| format!("\n  sl-violations: {v}"))
                .unwrap_or_default()
        )?;
        write!(
            f,
            "  body:     {}",
            shorten(&String::from_utf8_lossy(&self.body), 3000)
        )
    }
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}… ({} bytes)", &text[..i], text.len()),
        None => text.to_owned(),
    }
}

/// A middleware that records every exchange and gives Prism a seed for each response
/// (`Prefer: seed=N`, drawn from the run's seed) so a run replays exactly.
#[derive(Clone)]
struct Recorder(Arc<Mutex<RecorderState>>);

struct RecorderState {
    rng: StdRng,
    exchanges: Vec<Exchange>,
}

impl Recorder {
    fn new(seed: u64) -> Recorder {
        Recorder(Arc::new(Mutex::new(RecorderState {
            rng: StdRng::seed_from_u64(seed),
            exchanges: Vec::new(),
        })))
    }

    fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut self.0.lock().unwrap().exchanges)
    }

    async fn run(
        &self,
        mut req: Request,
        ext: &mut http::Extensions,
        next: Next<'_>,
    ) -> make_runtime::reqwest_middleware::Result<Response> {
        let response_seed: u32 = self.0.lock().unwrap().rng.gen();
        req.headers_mut().insert(
            "prefer",
            http::HeaderValue::from_str(&format!("seed={response_seed}")).unwrap(),
        );
        let request = format!("{} {}", req.method(), req.url());
        let request_headers = req
            .headers()
            .iter()
            .map(|(k, v)| format!("{k}: {}", String::from_utf8_lossy(v.as_bytes())))
            .collect::<Vec<_>>()
            .join("; ");
        let request_body = req.body().and_then(|b| b.as_bytes()).map(<[u8]>::to_vec);
        let response = match next.run(req, ext).await {
            Ok(response) => response,
            Err(e) => {
                // Recorded too, so a failure report shows the request that broke the connection.
                self.0.lock().unwrap().exchanges.push(Exchange {
                    request,
                    request_headers,
                    request_body,
                    status: 0,
                    content_type: None,
                    operation: None,
                    violations: None,
                    body: format!("no response: {e}").into_bytes(),
                });
                return Err(e);
            }
        };
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        let header = |name: &str| {
            headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        self.0.lock().unwrap().exchanges.push(Exchange {
            request,
            request_headers,
            request_body,
            status: status.as_u16(),
            content_type: header("content-type"),
            operation: header(OPERATION_HEADER),
            violations: header("sl-violations"),
            body: body.to_vec(),
        });
        let mut rebuilt = http::Response::builder().status(status).version(version);
        *rebuilt.headers_mut().expect("valid parts") = headers;
        Ok(Response::from(rebuilt.body(body).expect("valid parts")))
    }
}

impl Middleware for Recorder {
    fn handle<'a, 'b, 'c, 'd>(
        &'a self,
        req: Request,
        ext: &'b mut http::Extensions,
        next: Next<'c>,
    ) -> Pin<Box<dyn Future<Output = make_runtime::reqwest_middleware::Result<Response>> + Send + 'd>>
    where
        'a: 'd,
        'b: 'd,
        'c: 'd,
        Self: 'd,
    {
        Box::pin(self.run(req, ext, next))
    }
}

// ------------------------------------------------------------------ one API against Prism

/// Prism for one API, the recorder the clients send through, and the calls made.
struct Session {
    api: &'static str,
    seed: u64,
    prism: Prism,
    recorder: Recorder,
    calls: BTreeMap<String, usize>,
    started: Instant,
}

impl Session {
    fn start(api: &'static str, seed: u64, mutate: impl FnOnce(&mut Value)) -> Session {
        let started = Instant::now();
        let prism = Prism::start(api, mutate);
        eprintln!(
            "contract tests: Prism for {api} listening on {} after {:.1}s",
            prism.base_url,
            started.elapsed().as_secs_f64()
        );
        Session {
            api,
            seed,
            prism,
            // Prism's seeds come from their own stream, so argument values do not depend
            // on how many requests were sent.
            recorder: Recorder::new(seed ^ 0x5eed_5eed_5eed_5eed),
            calls: BTreeMap::new(),
            started,
        }
    }

    fn make_client(&self) -> make_client::Client {
        make_client::Client::builder("contract-token")
            .base_url(&self.prism.base_url)
            .allow_insecure_http()
            .retry_policy(RetryPolicy::none())
            .with(self.recorder.clone())
            .build()
            .expect("a valid client")
    }

    fn academy_client(&self) -> academy_client::Client {
        academy_client::Client::builder("contract-token")
            .base_url(&self.prism.base_url)
            .allow_insecure_http()
            .retry_policy(RetryPolicy::none())
            .with(self.recorder.clone())
            .build()
            .expect("a valid client")
    }

    /// Sends one call; returns its result and the one exchange it made.
    async fn send<T>(
        &mut self,
        fut: impl Future<Output = Result<T, Error>>,
    ) -> (Result<T, Error>, Exchange) {
        let result = fut.await;
        let mut exchanges = self.recorder.take();
        if exchanges.len() != 1 {
            let result = result.as_ref().map(|_| "ok");
            panic!(
                "[{}] expected one request per call, saw {}: {result:?}\n{}",
                self.api,
                exchanges.len(),
                exchanges
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        (result, exchanges.remove(0))
    }

    fn fail(&self, operation: &str, round: usize, problem: &str, exchange: &Exchange) -> ! {
        panic!(
            "[{api}] {operation}, round {round}: {problem}\n{exchange}\n\
             seed {seed}: replay with CONTRACT_SEED={seed} CONTRACT_ROUNDS={rounds} \
             cargo test -p make-tests --test contract_prism\n\
             --- Prism's log (last lines) ---\n{log}",
            api = self.api,
            seed = self.seed,
            rounds = rounds().max(round + 1),
            log = self.prism.log_tail(25),
        )
    }

    /// Sends a call that must succeed: Prism routed it to `operation`, accepted it and
    /// reported no violation, and the client decoded the response.
    async fn accepted<T>(
        &mut self,
        operation: &str,
        round: usize,
        fut: impl Future<Output = Result<T, Error>>,
    ) -> (T, Exchange) {
        let (result, exchange) = self.send(fut).await;
        if exchange.status == 0 {
            self.fail(
                operation,
                round,
                "no response: Prism closed the connection (crashed?)",
                &exchange,
            );
        }
        if exchange.operation.as_deref() != Some(operation) {
            self.fail(
                operation,
                round,
                "Prism routed the request to another operation",
                &exchange,
            );
        }
        let value = match result {
            Ok(value) => value,
            Err(e) => self.fail(
                operation,
                round,
                &format!("the call failed: {e}"),
                &exchange,
            ),
        };
        if !(200..300).contains(&exchange.status) {
            self.fail(operation, round, "not a 2xx response", &exchange);
        }
        if exchange.violations.is_some() {
            self.fail(operation, round, "Prism reported violations", &exchange);
        }
        *self.calls.entry(operation.to_owned()).or_default() += 1;
        (value, exchange)
    }

    /// [`Self::accepted`], and the decoded value, serialized again, equals Prism's JSON
    /// body restricted to what the document describes: nothing was lost or misnamed.
    async fn json<T: Serialize>(
        &mut self,
        operation: &str,
        round: usize,
        fut: impl Future<Output = Result<T, Error>>,
    ) -> T {
        let (value, exchange) = self.accepted(operation, round, fut).await;
        if let Err(problem) = self.decoded_faithfully(operation, &value, &exchange) {
            self.fail(operation, round, &problem, &exchange);
        }
        value
    }

    /// Whether `value`, serialized again, equals Prism's JSON body where the document
    /// describes it.
    fn decoded_faithfully<T: Serialize>(
        &self,
        operation: &str,
        value: &T,
        exchange: &Exchange,
    ) -> Result<(), String> {
        let schema = self
            .prism
            .response_schema(operation)
            .ok_or("the document has no JSON 200 response")?;
        let sent = exchange.json_body().ok_or("Prism's body is not JSON")?;
        let document = &self.prism.document;
        let expected = project(document, schema, &sent);
        let decoded = project(document, schema, &serde_json::to_value(value).unwrap());
        if expected == decoded {
            Ok(())
        } else {
            Err(format!(
                "the decoded value differs from Prism's body (documented properties only)\n\
                 Prism:   {expected}\ndecoded: {decoded}"
            ))
        }
    }

    /// [`Self::accepted`] for a binary response: the bytes are Prism's body.
    async fn bytes(
        &mut self,
        operation: &str,
        round: usize,
        fut: impl Future<Output = Result<make_client::Bytes, Error>>,
    ) {
        let (value, exchange) = self.accepted(operation, round, fut).await;
        if value.as_ref() != exchange.body.as_slice() {
            self.fail(
                operation,
                round,
                "the returned bytes differ from Prism's body",
                &exchange,
            );
        }
        if exchange.content_type.as_deref() != Some("application/octet-stream") {
            self.fail(
                operation,
                round,
                "expected an application/octet-stream response",
                &exchange,
            );
        }
    }

    /// [`Self::accepted`] for an operation documented without a response body.
    async fn empty(
        &mut self,
        operation: &str,
        round: usize,
        fut: impl Future<Output = Result<(), Error>>,
    ) {
        let ((), exchange) = self.accepted(operation, round, fut).await;
        if !exchange.body.is_empty() {
            self.fail(operation, round, "expected no response body", &exchange);
        }
    }

    /// Every operation of the document was called at least `rounds` times, and nothing else.
    fn assert_every_operation_called(&self, rounds: usize) {
        let documented = self.prism.operations();
        let called: BTreeSet<String> = self.calls.keys().cloned().collect();
        let missing: Vec<_> = documented.difference(&called).collect();
        let unknown: Vec<_> = called.difference(&documented).collect();
        assert!(
            missing.is_empty() && unknown.is_empty(),
            "[{}] operations never called: {missing:?}; called but not documented: {unknown:?}",
            self.api
        );
        let few: Vec<_> = self.calls.iter().filter(|(_, n)| **n < rounds).collect();
        assert!(
            few.is_empty(),
            "[{}] called fewer than {rounds} times: {few:?}",
            self.api
        );
        let total: usize = self.calls.values().sum();
        eprintln!(
            "contract tests: {}: {} operations, {rounds} rounds, {total} calls accepted by Prism \
             and decoded, in {:.1}s (seed {})",
            self.api,
            documented.len(),
            self.started.elapsed().as_secs_f64(),
            self.seed
        );
    }
}

// ------------------------------------------------------------------ comparing decoded values

fn resolve<'a>(document: &'a Value, mut schema: &'a Value) -> &'a Value {
    while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let pointer = reference.strip_prefix('#').expect("a local $ref");
        schema = document
            .pointer(pointer)
            .unwrap_or_else(|| panic!("unresolvable $ref {reference}"));
    }
    schema
}

/// The properties an object schema documents (through `allOf` too) and whether it allows
/// others.
fn object_shape<'a>(
    document: &'a Value,
    schema: &'a Value,
    props: &mut Map<String, Value>,
) -> bool {
    let schema = resolve(document, schema);
    let mut open =
        matches!(schema.get("additionalProperties"), Some(v) if v != &Value::Bool(false));
    if let Some(own) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in own {
            props.insert(k.clone(), v.clone());
        }
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        open |= object_shape(document, part, props);
    }
    open
}

/// `value` restricted to what `schema` documents, in a canonical form: undocumented
/// properties of closed objects dropped (Prism adds random ones), empty arrays dropped
/// (the models read a missing list as empty and do not write empty lists), `null` members
/// dropped (an optional field that is `None` is written as absent), `date-time`
/// strings as UTC RFC 3339.
fn project(document: &Value, schema: &Value, value: &Value) -> Value {
    let schema = resolve(document, schema);
    match value {
        Value::Object(map) => {
            let mut props = Map::new();
            let open = object_shape(document, schema, &mut props);
            let mut out = Map::new();
            for (k, v) in map {
                match props.get(k) {
                    Some(sub) => {
                        out.insert(k.clone(), project(document, sub, v));
                    }
                    None if open => {
                        out.insert(k.clone(), v.clone());
                    }
                    None => {}
                }
            }
            out.retain(|_, v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()));
            Value::Object(out)
        }
        Value::Array(items) => match schema.get("items") {
            Some(item) => Value::Array(items.iter().map(|v| project(document, item, v)).collect()),
            None => value.clone(),
        },
        Value::String(s) if schema.get("format").and_then(Value::as_str) == Some("date-time") => {
            match chrono::DateTime::parse_from_rfc3339(s) {
                Ok(t) => Value::String(
                    t.with_timezone(&chrono::Utc)
                        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                ),
                Err(_) => value.clone(),
            }
        }
        _ => value.clone(),
    }
}

// ------------------------------------------------------------------ random valid values

/// Random values that the documents accept. Round 0 leaves every optional parameter
/// unset, round 1 sets them all, later rounds flip a coin for each.
struct Gen {
    rng: StdRng,
    round: usize,
}

/// Characters for free text: letters, digits, every ASCII punctuation mark (reserved in
/// URLs or not), spaces and non-ASCII.
const TEXT_CHARS: &[char] = &[
    'a', 'b', 'c', 'x', 'y', 'z', 'A', 'Q', 'Z', '0', '1', '9', ' ', '!', '"', '#', '$', '%', '&',
    '\'', '(', ')', '*', '+', ',', '-', '.', '/', ':', ';', '<', '=', '>', '?', '@', '[', '\\',
    ']', '^', '_', '`', '{', '|', '}', '~', 'é', 'ß', 'Ж', '日', '本', '🦀', '\u{a0}',
];

/// The App Academy paths whose first segment is fixed (`/files/{id}`, `/recordTypes/{name}`,
/// `/webhooks/{id}`, ...): a record type with one of these names is a different operation
/// of the API itself (`GET /files/x` is Download file), whatever the server, so record
/// operations never use them.
const RESERVED_FIRST_SEGMENTS: &[&str] = &["files", "recordTypes", "webhooks"];

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen {
            rng: StdRng::seed_from_u64(seed),
            round: 0,
        }
    }

    /// Whether to set an optional parameter this round.
    fn set(&mut self) -> bool {
        match self.round {
            0 => false,
            1 => true,
            _ => self.rng.gen_bool(0.5),
        }
    }

    fn opt<T>(&mut self, make: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.set() {
            Some(make(self))
        } else {
            None
        }
    }

    /// Any integer: small, negative or at the edges of `i64`.
    fn int(&mut self) -> i64 {
        match self.rng.gen_range(0..5) {
            0 => self.rng.gen_range(0..1000),
            1 => self.rng.gen_range(-1000..0),
            2 => [i64::MIN, i64::MAX, 0, -1, 1][self.rng.gen_range(0..5)],
            _ => self.rng.gen(),
        }
    }

    /// An integer `>= 0`.
    fn non_negative(&mut self) -> i64 {
        match self.rng.gen_range(0..3) {
            0 => 0,
            1 => self.rng.gen_range(1..1000),
            _ => self.rng.gen_range(0..=i64::MAX),
        }
    }

    /// Free text, possibly empty.
    fn text(&mut self) -> String {
        let len = self.rng.gen_range(0..16);
        (0..len)
            .map(|_| TEXT_CHARS[self.rng.gen_range(0..TEXT_CHARS.len())])
            .collect()
    }

    /// Non-empty text usable as one path segment (the client refuses ``, `.` and `..`).
    fn segment(&mut self) -> String {
        loop {
            let s = self.text();
            if !s.is_empty() && s != "." && s != ".." {
                return s;
            }
        }
    }

    /// A record type name: a path segment that is not one of the API's fixed ones.
    fn record_type(&mut self) -> String {
        loop {
            let s = if self.rng.gen_bool(0.3) {
                ["movie", "organization", "person"][self.rng.gen_range(0..3)].to_owned()
            } else {
                self.segment()
            };
            if !RESERVED_FIRST_SEGMENTS.contains(&s.as_str()) {
                return s;
            }
        }
    }

    /// A lowercase ASCII word.
    fn word(&mut self) -> String {
        let len = self.rng.gen_range(1..10);
        (0..len)
            .map(|_| self.rng.gen_range(b'a'..=b'z') as char)
            .collect()
    }

    /// A header value: visible ASCII, non-empty.
    fn header_value(&mut self) -> String {
        let len = self.rng.gen_range(1..24);
        (0..len)
            .map(|_| self.rng.gen_range(0x21u8..=0x7e) as char)
            .collect()
    }

    fn texts(&mut self, max: usize) -> Vec<String> {
        let n = self.rng.gen_range(0..=max);
        (0..n).map(|_| self.text()).collect()
    }

    /// Some of `all`, each at most once, in random order (possibly none).
    fn subset<T: Clone>(&mut self, all: &[T]) -> Vec<T> {
        let mut out: Vec<T> = all
            .iter()
            .filter(|_| self.rng.gen_bool(0.4))
            .cloned()
            .collect();
        for i in (1..out.len()).rev() {
            out.swap(i, self.rng.gen_range(0..=i));
        }
        out
    }

    fn pick<T: Clone>(&mut self, all: &[T]) -> T {
        all[self.rng.gen_range(0..all.len())].clone()
    }

    /// Any JSON value.
    fn json(&mut self, depth: u32) -> Value {
        match self.rng.gen_range(0..if depth == 0 { 6 } else { 8 }) {
            0 => Value::Null,
            1 => Value::Bool(self.rng.gen()),
            2 => json!(self.int()),
            3 => json!(self.rng.gen_range(-1.0e9..1.0e9)),
            4 | 5 => Value::String(self.text()),
            6 => Value::Array(
                (0..self.rng.gen_range(0..4))
                    .map(|_| self.json(depth - 1))
                    .collect(),
            ),
            _ => Value::Object(self.object(depth - 1, &[]).into_iter().collect()),
        }
    }

    /// A JSON object whose keys are none of `avoid` (the documented property names a
    /// body's `extra` map must not repeat).
    fn object(&mut self, depth: u32, avoid: &[&str]) -> BTreeMap<String, Value> {
        let n = self.rng.gen_range(0..5);
        let mut map = BTreeMap::new();
        for _ in 0..n {
            let key = self.text();
            if !avoid.contains(&key.as_str()) {
                let value = self.json(depth);
                map.insert(key, value);
            }
        }
        map
    }

    /// One byte: the docs allow at most one byte per upload request.
    fn chunk(&mut self) -> Vec<u8> {
        vec![self.rng.gen()]
    }

    fn condition(&mut self) -> Condition {
        // `minProperties: 2`: the property and at least one operator.
        loop {
            let c = Condition {
                property: self.text(),
                starts_with: self.maybe_text(),
                ends_with: self.maybe_text(),
                contains: self.maybe_text(),
                equals_to: self.maybe_text(),
            };
            if c.starts_with.is_some()
                || c.ends_with.is_some()
                || c.contains.is_some()
                || c.equals_to.is_some()
            {
                return c;
            }
        }
    }

    fn maybe_text(&mut self) -> Option<String> {
        self.rng.gen_bool(0.5).then(|| self.text())
    }

    /// A filter with nested filters and conditions, `depth` levels at most.
    fn filter(&mut self, depth: u32) -> Filter {
        let terms = |g: &mut Gen| -> Vec<FilterTerm> {
            let n = g.rng.gen_range(0..=3);
            (0..n)
                .map(|_| {
                    if depth > 0 && g.rng.gen_bool(0.3) {
                        FilterTerm::Filter(g.filter(depth - 1))
                    } else {
                        FilterTerm::Condition(g.condition())
                    }
                })
                .collect()
        };
        Filter {
            and: terms(self),
            or: terms(self),
        }
    }
}

// ------------------------------------------------------------------ the APIs, every operation

#[tokio::test]
async fn make_api_v2_every_operation_against_prism() {
    let seed = seed();
    let rounds = rounds();
    let mut s = Session::start("make-api-v2", seed, |_| {});
    let client = s.make_client();
    let mut g = Gen::new(seed);

    let list_cols = [
        ListConnectionsCol::Id,
        ListConnectionsCol::Name,
        ListConnectionsCol::AccountName,
        ListConnectionsCol::AccountLabel,
        ListConnectionsCol::PackageName,
        ListConnectionsCol::Expire,
        ListConnectionsCol::Metadata,
        ListConnectionsCol::TeamId,
        ListConnectionsCol::Theme,
        ListConnectionsCol::Upgradeable,
        ListConnectionsCol::ScopesCnt,
        ListConnectionsCol::Scoped,
        ListConnectionsCol::AccountType,
        ListConnectionsCol::Editable,
        ListConnectionsCol::Uid,
        ListConnectionsCol::ConnectedSystemId,
        ListConnectionsCol::OrganizationId,
    ];
    let get_cols = [
        GetConnectionDetailsCol::Id,
        GetConnectionDetailsCol::Name,
        GetConnectionDetailsCol::AccountName,
        GetConnectionDetailsCol::AccountLabel,
        GetConnectionDetailsCol::PackageName,
        GetConnectionDetailsCol::Expire,
        GetConnectionDetailsCol::Metadata,
        GetConnectionDetailsCol::TeamId,
        GetConnectionDetailsCol::Theme,
        GetConnectionDetailsCol::Upgradeable,
        GetConnectionDetailsCol::ScopesCnt,
        GetConnectionDetailsCol::Scoped,
        GetConnectionDetailsCol::AccountType,
        GetConnectionDetailsCol::Editable,
        GetConnectionDetailsCol::Uid,
        GetConnectionDetailsCol::Scopes,
        GetConnectionDetailsCol::ConnectedSystemId,
        GetConnectionDetailsCol::OrganizationId,
    ];
    let rename_cols = [
        RenameConnectionCol::Id,
        RenameConnectionCol::Name,
        RenameConnectionCol::AccountName,
        RenameConnectionCol::AccountLabel,
        RenameConnectionCol::PackageName,
        RenameConnectionCol::Expire,
        RenameConnectionCol::Metadata,
        RenameConnectionCol::TeamId,
        RenameConnectionCol::Theme,
        RenameConnectionCol::Upgradeable,
        RenameConnectionCol::ScopesCnt,
        RenameConnectionCol::Scoped,
        RenameConnectionCol::AccountType,
        RenameConnectionCol::Editable,
        RenameConnectionCol::Uid,
    ];
    let store_cols = [
        ListDataStoresCol::Id,
        ListDataStoresCol::Name,
        ListDataStoresCol::Records,
        ListDataStoresCol::Size,
        ListDataStoresCol::MaxSize,
        ListDataStoresCol::TeamId,
        ListDataStoresCol::DatastructureId,
    ];
    let sort_by = [
        ListDataStoresSortBy::Id,
        ListDataStoresSortBy::Name,
        ListDataStoresSortBy::Records,
        ListDataStoresSortBy::Size,
        ListDataStoresSortBy::MaxSize,
    ];

    for round in 0..rounds {
        g.round = round;

        // GET /connections: teamId, type[], <connectionType>[] (names chosen at run time),
        // cols[].
        let mut call = client.connections().list(g.int());
        if g.set() {
            call = call.types(g.texts(3));
        }
        if g.set() {
            for _ in 0..g.rng.gen_range(1..=2) {
                // `app…[]` cannot collide with the documented `type[]` or `cols[]`.
                let name = format!("app{}", g.word());
                let scopes = g.texts(3);
                call = call.connection_type(name, scopes);
            }
        }
        if g.set() {
            call = call.cols(g.subset(&list_cols));
        }
        s.json("GET /connections", round, call.send()).await;

        // POST /connections: teamId and a body with extra properties
        // (`additionalProperties: {}`).
        let body = CreateConnectionBody {
            account_name: g.opt(Gen::text),
            account_type: g.opt(Gen::word),
            scopes: g.texts(3),
            extra: if g.set() {
                g.object(2, &["accountName", "accountType", "scopes"])
            } else {
                BTreeMap::new()
            },
        };
        s.json(
            "POST /connections",
            round,
            client.connections().create(g.int(), body).send(),
        )
        .await;

        s.json(
            "GET /connections/{connectionId}/editable-data-schema",
            round,
            client
                .connections()
                .list_updatable_parameters(g.int())
                .send(),
        )
        .await;

        // POST /connections/{connectionId}/set-data: a free-form object body.
        let body = g.object(2, &[]);
        s.json(
            "POST /connections/{connectionId}/set-data",
            round,
            client.connections().update(g.int(), body).send(),
        )
        .await;

        let mut call = client.connections().get(g.int());
        if g.set() {
            call = call.cols(g.subset(&get_cols));
        }
        s.json("GET /connections/{connectionId}", round, call.send())
            .await;

        let mut call = client.connections().delete(g.int());
        if g.set() {
            call = call.confirmed(g.rng.gen());
        }
        s.json("DELETE /connections/{connectionId}", round, call.send())
            .await;

        let body = RenameConnectionBody {
            name: g.opt(Gen::text),
        };
        let mut call = client.connections().rename(g.int(), body);
        if g.set() {
            call = call.cols(g.subset(&rename_cols));
        }
        s.json("PATCH /connections/{connectionId}", round, call.send())
            .await;

        s.json(
            "POST /connections/{connectionId}/test",
            round,
            client.connections().verify(g.int()).send(),
        )
        .await;

        let body = VerifyConnectionScopedBody { scope: g.texts(3) };
        s.json(
            "POST /connections/{connectionId}/scoped",
            round,
            client.connections().verify_scoped(g.int(), body).send(),
        )
        .await;

        // GET /data-stores: teamId, cols[], pg[sortBy], pg[offset], pg[sortDir], pg[limit].
        let mut call = client.data_stores().list(g.int());
        if g.set() {
            call = call.cols(g.subset(&store_cols));
        }
        if g.set() {
            call = call.sort_by(g.pick(&sort_by));
        }
        if g.set() {
            call = call.offset(g.int());
        }
        if g.set() {
            call = call.sort_dir(g.pick(&[SortDir::Asc, SortDir::Desc]));
        }
        if g.set() {
            call = call.limit(g.int());
        }
        s.json("GET /data-stores", round, call.send()).await;

        let body = CreateDataStoreBody {
            name: g.text(),
            team_id: g.int(),
            datastructure_id: g.opt(Gen::int),
            max_size_mb: g.int(),
        };
        s.json(
            "POST /data-stores",
            round,
            client.data_stores().create(body).send(),
        )
        .await;
    }
    s.assert_every_operation_called(rounds);
}

#[tokio::test]
async fn app_academy_v3_every_operation_against_prism() {
    let seed = seed();
    let rounds = rounds();
    let mut s = Session::start("app-academy-v3", seed, |_| {});
    let client = s.academy_client();
    let mut g = Gen::new(seed.wrapping_add(1));

    for round in 0..rounds {
        g.round = round;

        // Files
        let mut call = client.files().list();
        if g.set() {
            call = call.parent(g.text());
        }
        if g.set() {
            call = call.page(g.int());
        }
        s.json("GET /files", round, call.send()).await;
        s.bytes(
            "GET /files/{id}",
            round,
            client.files().download(g.segment()).send(),
        )
        .await;
        s.empty(
            "DELETE /files/{id}",
            round,
            client.files().delete(g.segment()).send(),
        )
        .await;

        // Record types
        s.json(
            "GET /recordTypes",
            round,
            client.record_types().list().send(),
        )
        .await;
        s.json(
            "GET /recordTypes/{name}",
            round,
            client.record_types().get(g.segment()).send(),
        )
        .await;

        // Records: a filter body (`additionalProperties: false`, `oneOf`, `minProperties`)
        // and free-form record bodies (`additionalProperties: true`).
        let filter = g.filter(2);
        let mut call = client.records().query(g.record_type(), filter);
        if g.set() {
            call = call.offset(g.non_negative());
        }
        s.json("POST /{recordType}/query", round, call.send()).await;
        s.json(
            "GET /{recordType}/{id}",
            round,
            client.records().get(g.record_type(), g.segment()).send(),
        )
        .await;
        s.empty(
            "DELETE /{recordType}/{id}",
            round,
            client.records().delete(g.record_type(), g.segment()).send(),
        )
        .await;
        let body = g.object(2, &[]);
        s.json(
            "PATCH /{recordType}/{id}",
            round,
            client
                .records()
                .update(g.record_type(), g.segment(), body)
                .send(),
        )
        .await;
        let body = g.object(2, &[]);
        s.json(
            "POST /{recordType}",
            round,
            client.records().create(g.record_type(), body).send(),
        )
        .await;

        // Uploads: JSON, then header parameters with one-byte binary bodies.
        let body = OpenUploadSlotBody {
            path: format!("/{}/{}", g.word(), g.word()),
            file_name: g.text(),
        };
        s.json(
            "POST /files/upload/openSlot",
            round,
            client.uploads().open_slot(body).send(),
        )
        .await;
        let session = g.header_value();
        s.json(
            "POST /files/upload/start",
            round,
            client.uploads().start(session.clone(), g.chunk()).send(),
        )
        .await;
        let offset = g.rng.gen_range(0..=3);
        s.json(
            "POST /files/upload/append",
            round,
            client
                .uploads()
                .append_chunk(session.clone(), offset, g.chunk())
                .send(),
        )
        .await;
        s.json(
            "POST /files/upload/finish",
            round,
            client.uploads().finish(session, g.chunk()).send(),
        )
        .await;

        // Webhooks
        let body = AttachWebhookBody {
            url: format!("https://{}.example/{}", g.word(), g.word()),
            secret_key: g.text(),
            record_type: g.word(),
        };
        s.json(
            "POST /webhooks",
            round,
            client.webhooks().attach(body).send(),
        )
        .await;
        s.empty(
            "DELETE /webhooks/{id}",
            round,
            client.webhooks().detach(g.segment()).send(),
        )
        .await;
    }
    s.assert_every_operation_called(rounds);
}

// ------------------------------------------------------------------ the harness can fail

/// The parameter `name` of `METHOD path` in `document`.
fn parameter<'a>(document: &'a mut Value, method: &str, path: &str, name: &str) -> &'a mut Value {
    document["paths"][path][method]["parameters"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("{method} {path} has parameters"))
        .iter_mut()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{method} {path} has a parameter `{name}`"))
}

/// Prism's validation messages in a 422 body.
fn validation_messages(exchange: &Exchange) -> Vec<String> {
    exchange
        .json_body()
        .and_then(|b| b.get("validation").cloned())
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(|v| {
            format!(
                "{} ({})",
                v["message"].as_str().unwrap_or("?"),
                v["location"]
            )
        })
        .collect()
}

/// Asserts Prism refused the call with a 422 whose validation mentions `needle`.
fn assert_rejected<T: std::fmt::Debug>(
    result: &Result<T, Error>,
    exchange: &Exchange,
    needle: &str,
) {
    let messages = validation_messages(exchange);
    assert!(
        matches!(result, Err(Error::Api { status, .. } | Error::Status { status, .. }) if status.as_u16() == 422),
        "expected the client to report Prism's 422, got {result:?}\n{exchange}"
    );
    assert!(
        messages.iter().any(|m| m.contains(needle)),
        "expected a validation message mentioning {needle:?}, got {messages:?}\n{exchange}"
    );
}

/// The brief's check: a query parameter renamed in (a copy of) the document makes the
/// client's call fail. `teamID` differs from `teamId` only in case, which stock Prism
/// ignores (fixed by prism-fixes.cjs); `team_id` is an ordinary rename.
#[tokio::test]
async fn contract_detects_a_renamed_query_parameter() {
    let mut s = Session::start("make-api-v2", seed(), |doc| {
        parameter(doc, "get", "/connections", "teamId")["name"] = json!("teamID");
        parameter(doc, "post", "/connections", "teamId")["name"] = json!("team_id");
    });
    let client = s.make_client();

    let (result, exchange) = s.send(client.connections().list(35).send()).await;
    assert_rejected(&result, &exchange, "required property 'teamid'");
    assert_eq!(
        exchange.operation.as_deref(),
        None,
        "a 422 comes from the validator"
    );

    let body = CreateConnectionBody::default();
    let (result, exchange) = s.send(client.connections().create(35, body).send()).await;
    assert_rejected(&result, &exchange, "required property 'team_id'");

    // The same parameter where the document was not changed: accepted, so the
    // rejections above are the renames'.
    s.json("GET /data-stores", 0, client.data_stores().list(35).send())
        .await;
}

/// Wrong values in bracketed parameters are caught: stock Prism never validated `pg[...]`
/// and `cols[]`, and checked only the last value of a repeated parameter (both fixed by
/// prism-fixes.cjs).
#[tokio::test]
async fn contract_detects_bad_values_in_bracketed_query_parameters() {
    let mut s = Session::start("make-api-v2", seed(), |doc| {
        parameter(doc, "get", "/data-stores", "pg[sortDir]")["schema"]["enum"] =
            json!(["ascending", "descending"]);
        let cols = parameter(doc, "get", "/connections/{connectionId}", "cols[]");
        let values = cols["schema"]["items"]["enum"].as_array_mut().unwrap();
        values.retain(|v| v != "id");
    });
    let client = s.make_client();

    let call = client.data_stores().list(1).sort_dir(SortDir::Asc);
    let (result, exchange) = s.send(call.send()).await;
    assert_rejected(&result, &exchange, "pg[sortdir]");

    let call = client
        .connections()
        .get(1)
        .cols([GetConnectionDetailsCol::Id, GetConnectionDetailsCol::Name]);
    let (result, exchange) = s.send(call.send()).await;
    assert_rejected(&result, &exchange, "cols[]");

    // Controls: the same calls with values the changed document still allows.
    s.json("GET /data-stores", 0, client.data_stores().list(1).send())
        .await;
    let call = client
        .connections()
        .get(1)
        .cols([GetConnectionDetailsCol::Name]);
    s.json("GET /connections/{connectionId}", 0, call.send())
        .await;
}

/// A renamed header parameter is caught, and so is a moved path even where Prism routes
/// the request elsewhere instead of answering 404: `DELETE /webhooks/x` then matches
/// `DELETE /{recordType}/{id}`, which only the operation header reveals.
#[tokio::test]
async fn contract_detects_a_renamed_header_and_a_moved_path() {
    let mut s = Session::start("app-academy-v3", seed(), |doc| {
        parameter(doc, "post", "/files/upload/append", "offset")["name"] = json!("chunk-offset");
        let paths = doc["paths"].as_object_mut().unwrap();
        let detach = paths.remove("/webhooks/{id}").unwrap();
        paths.insert("/hooks/{id}".to_owned(), detach);
    });
    let client = s.academy_client();

    let (result, exchange) = s
        .send(client.uploads().append_chunk("s1", 1, vec![7]).send())
        .await;
    assert_rejected(&result, &exchange, "required property 'chunk-offset'");
    s.json(
        "POST /files/upload/start",
        0,
        client.uploads().start("s1", vec![7]).send(),
    )
    .await;

    let (result, exchange) = s.send(client.webhooks().detach("hook-1").send()).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(
        exchange.operation.as_deref(),
        Some("DELETE /{recordType}/{id}"),
        "Prism routes the moved operation's request to another one\n{exchange}"
    );
}

/// A property the generated type names differently from the document is caught: the
/// decoded value lacks what Prism sent (every optional property is always generated).
#[tokio::test]
async fn contract_detects_a_renamed_response_property() {
    let mut s = Session::start("make-api-v2", seed(), |doc| {
        let connection = &mut doc["paths"]["/connections/{connectionId}"]["get"]["responses"]
            ["200"]["content"]["application/json"]["schema"]["properties"]["connection"]["allOf"]
            [0]["properties"];
        let account = connection
            .as_object_mut()
            .unwrap()
            .remove("accountName")
            .unwrap();
        connection["account_name"] = account;
    });
    let client = s.make_client();
    let (value, exchange) = s
        .accepted(
            "GET /connections/{connectionId}",
            0,
            client.connections().get(7).send(),
        )
        .await;
    let problem = s
        .decoded_faithfully("GET /connections/{connectionId}", &value, &exchange)
        .expect_err("the renamed property is lost in decoding");
    assert!(problem.contains("account_name"), "{problem}");
    assert_eq!(
        value.connection.and_then(|c| c.connection.account_name),
        None
    );

    // Unchanged operations still decode faithfully.
    s.json("GET /connections", 0, client.connections().list(7).send())
        .await;
}
