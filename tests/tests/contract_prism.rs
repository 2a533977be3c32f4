//! Contract tests: every operation of every generated client is called through its catalogue,
//! with arguments generated from the merged OpenAPI document, against Prism
//! (`prism mock --dynamic`), which validates each request against that document and answers
//! with a response freshly generated from its schemas. No test here names an operation: a new
//! page or API is covered as soon as it is generated.
//!
//! A call passes when Prism routed it to the operation meant (a response header the harness
//! adds to a copy of the document names it), accepted it (no 422 validation error, no 404/405
//! route miss, no violation reported in `sl-violations`), and the client decoded the response
//! without losing anything the document describes (the decoded value equals Prism's body
//! restricted to the documented properties). The `contract_detects_*` tests prove that the
//! harness fails when client and document disagree, for every operation: a renamed required
//! parameter, a moved path, values outside a narrowed enum, a renamed response property.
//!
//! Prism is pinned in `tests/contract/package.json` with its lockfile and installed with
//! `npm ci` when `tests/contract/node_modules` lacks it, once per run. It runs with
//! `tests/contract/prism-fixes.cjs` preloaded, which fixes three Prism bugs (two hid query
//! parameter mistakes, one crashed Prism on some valid requests; see that file).
//!
//! Values come from a seeded RNG; the seed is printed and in every failure message.
//! `CONTRACT_SEED=<seed>` replays a run (Prism's responses too: each request carries a
//! `Prefer: seed=...` derived from it); `CONTRACT_ROUNDS=<n>` sets the rounds per operation.

mod support;

use std::collections::BTreeMap;
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

use make_runtime::catalogue::CatalogueError;
use make_runtime::reqwest_middleware::reqwest::{Request, Response};
use make_runtime::reqwest_middleware::{Middleware, Next};
use make_runtime::{Error, RetryPolicy};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use support::apis::{self, Client, Op, APIS};
use support::operation;
use support::schema::{resolve, Gen};

/// Rounds per operation when `CONTRACT_ROUNDS` is not set. Round 0 sets no optional argument,
/// round 1 sets all, later rounds some; the wiremock tests (operations_e2e) cover more rounds.
const DEFAULT_ROUNDS: usize = 4;
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
            Ok(s) => s.trim().parse().unwrap_or_else(|_| panic!("CONTRACT_SEED must be a u64, got `{s}`")),
            Err(_) => rand::random(),
        };
        eprintln!("contract tests: seed {seed} (replay with CONTRACT_SEED={seed} cargo test -p make-tests --test contract_prism)");
        seed
    })
}

fn rounds() -> usize {
    match std::env::var("CONTRACT_ROUNDS") {
        Ok(s) => s.trim().parse().unwrap_or_else(|_| panic!("CONTRACT_ROUNDS must be a number, got `{s}`")),
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

/// Adds a required response header `x-contract-operation: METHOD /path` to every response
/// of every operation, so the harness sees which operation Prism routed a request to.
/// Request validation and response bodies are unaffected.
fn tag_operations(document: &mut Value) {
    for (path, item) in document["paths"].as_object_mut().expect("paths") {
        for (method, operation) in item.as_object_mut().expect("path item") {
            if !apis::is_method(method) {
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

/// Prism for one API, its original document, the client that sends through the recorder, and
/// the calls accepted so far.
struct Session {
    api: &'static str,
    seed: u64,
    prism: Prism,
    /// The document as generated (arguments are drawn from it, not from Prism's changed copy).
    document: Value,
    recorder: Recorder,
    client: Client,
    gen: Gen,
    calls: BTreeMap<&'static str, usize>,
    started: Instant,
}

impl Session {
    fn start(api: &'static str, seed: u64, mutate: impl FnOnce(&mut Value)) -> Session {
        let started = Instant::now();
        let prism = Prism::start(api, mutate);
        eprintln!("contract tests: Prism for {api} listening on {} after {:.1}s", prism.base_url, started.elapsed().as_secs_f64());
        // Prism's seeds come from their own stream, so argument values do not depend on how
        // many requests were sent.
        let recorder = Recorder::new(seed ^ 0x5eed_5eed_5eed_5eed);
        let base_url = prism.base_url.clone();
        let with = recorder.clone();
        let client = Client::build(api, move |b| b.base_url(base_url).allow_insecure_http().retry_policy(RetryPolicy::none()).with(with));
        let document = apis::document(api);
        let mut gen = Gen::new(seed ^ fnv(api));
        gen.reserved_segments = operation::literal_segments(&document);
        Session { api, seed, prism, document, recorder, client, gen, calls: BTreeMap::new(), started }
    }

    /// Calls `op` with `args`; returns the result and the one exchange it made.
    async fn send(&mut self, op: &Op, args: Value) -> (Result<Value, CatalogueError>, Exchange) {
        let result = self.client.call(op.id, args).await;
        let mut exchanges = self.recorder.take();
        if exchanges.len() != 1 {
            panic!(
                "[{}] {}: expected one request per call, saw {}: {result:?}\n{}",
                self.api,
                op.id,
                exchanges.len(),
                exchanges.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
            );
        }
        (result, exchanges.remove(0))
    }

    fn report(&self, op: &Op, round: usize, problem: &str, args: &Value, exchange: &Exchange) -> String {
        format!(
            "[{api}] {id} ({key}), round {round}: {problem}\n  arguments: {args}\n{exchange}\n\
             seed {seed}: replay with CONTRACT_SEED={seed} CONTRACT_ROUNDS={rounds} cargo test -p make-tests --test contract_prism\n\
             --- Prism's log (last lines) ---\n{log}",
            api = self.api,
            id = op.id,
            key = op.key(),
            seed = self.seed,
            rounds = rounds().max(round + 1),
            log = self.prism.log_tail(25),
        )
    }

    /// Calls `op` once with generated arguments; the call must pass (see the module docs).
    async fn check(&mut self, op: &Op, round: usize) -> Result<(), String> {
        let args = operation::arguments(&mut self.gen, &self.document, op, round);
        let (result, exchange) = self.send(op, args.clone()).await;
        let problem = if exchange.status == 0 {
            Some("no response: Prism closed the connection (crashed?)".to_owned())
        } else if exchange.operation.as_deref().is_none_or(|routed| !same_route(routed, &op.key())) {
            Some("Prism routed the request to another operation".to_owned())
        } else if exchange.violations.as_deref().is_some_and(|v| !only_deprecation_warnings(v)) {
            Some("Prism reported violations".to_owned())
        } else {
            match &result {
                Err(e) => Some(format!("the call failed: {e}")),
                Ok(decoded) => {
                    let (status, content) = operation::success_response(&self.document, op);
                    if exchange.status != status {
                        Some(format!("status {} instead of the documented {status}", exchange.status))
                    } else {
                        operation::check_response(&self.document, &content, &exchange.body, decoded).err()
                    }
                }
            }
        };
        match problem {
            Some(p) => Err(self.report(op, round, &p, &args, &exchange)),
            None => {
                *self.calls.entry(op.id).or_default() += 1;
                Ok(())
            }
        }
    }
}

/// A stable hash of a name, to give each API its own stream of values.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// Whether Prism's `routed` operation is `wanted` or one it cannot tell apart: the same method
/// on the same path template up to parameter names. Make documents such operations
/// (`.../modules/{name}/{SDK_moduleVisibility}` and `.../{SDK_moduleArchiveStatus}`); the server
/// tells them apart by the value, a router cannot.
fn same_route(routed: &str, wanted: &str) -> bool {
    let shape = |key: &str| -> Vec<String> {
        key.split(['/', ' ']).map(|s| if s.starts_with('{') && s.ends_with('}') { "{}".to_owned() } else { s.to_owned() }).collect()
    };
    routed == wanted || shape(routed) == shape(wanted)
}

/// Whether Prism's `sl-violations` are only warnings that a deprecated parameter was sent: the
/// catalogue sends every documented parameter, deprecated ones included, and that is allowed.
fn only_deprecation_warnings(violations: &str) -> bool {
    serde_json::from_str::<Vec<Value>>(violations)
        .is_ok_and(|v| v.iter().all(|x| x["severity"] == "Warning" && x["code"] == "deprecated"))
}

/// Runs `f` for every API at once (one Prism each) and fails with every problem found.
async fn for_every_api<F, Fut>(f: F)
where
    F: Fn(&'static str) -> Fut,
    Fut: Future<Output = Vec<String>> + Send + 'static,
{
    let tasks: Vec<_> = APIS.iter().map(|api| tokio::spawn(f(api))).collect();
    let mut problems = Vec::new();
    for task in tasks {
        match task.await {
            Ok(p) => problems.extend(p),
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n\n{}", problems.len(), problems.join("\n\n"));
}

// ------------------------------------------------------------------ every operation

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_of_every_api_against_prism() {
    let seed = seed();
    let rounds = rounds();
    for_every_api(move |api| async move {
        let mut s = Session::start(api, seed, |_| {});
        let ops = apis::operations(api);
        let mut problems = Vec::new();
        let calling = Instant::now();
        for op in &ops {
            for round in 0..rounds {
                if let Err(p) = s.check(op, round).await {
                    problems.push(p);
                    break; // one failure per operation is enough to read
                }
            }
        }
        let total: usize = s.calls.values().sum();
        let seconds = calling.elapsed().as_secs_f64();
        eprintln!(
            "contract tests: {api}: {} operations, {rounds} rounds, {total} calls accepted by Prism and decoded in {seconds:.1}s \
             ({:.1}s per 100 operations, {:.1} ms per call; Prism started in {:.1}s; seed {seed})",
            ops.len(),
            seconds * 100.0 / ops.len().max(1) as f64,
            seconds * 1000.0 / total.max(1) as f64,
            (s.started.elapsed().as_secs_f64() - seconds),
        );
        let few: Vec<_> = ops.iter().filter(|o| s.calls.get(o.id).copied().unwrap_or(0) < rounds).map(|o| o.id).collect();
        if problems.is_empty() && !few.is_empty() {
            problems.push(format!("[{api}] called fewer than {rounds} times: {few:?}"));
        }
        problems
    })
    .await;
}

// ------------------------------------------------------------------ the harness can fail

/// Prism's validation messages in a 422 body.
fn validation_messages(exchange: &Exchange) -> Vec<String> {
    exchange
        .json_body()
        .and_then(|b| b.get("validation").cloned())
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(|v| format!("{} ({})", v["message"].as_str().unwrap_or("?"), v["location"]))
        .collect()
}

/// What a changed copy of the document does to one operation, and what must be seen.
enum Change {
    /// A required query or header parameter renamed: a 422 naming the new name.
    Renamed { index: usize, name: String },
    /// An enum parameter (`pg[sortDir]`, `cols[]`) that allows only a value never sent: a 422
    /// naming the parameter.
    Narrowed { index: usize, name: String },
    /// The path moved: Prism answers 404 (405 where the path has other methods), or routes the
    /// request to another operation.
    Moved,
}

/// The change to make to `op`, chosen by turn so that every kind is exercised.
fn change_for(document: &Value, op: &Op, turn: usize) -> Change {
    let doc_op = operation::doc_operation(document, op);
    let params: Vec<&Value> = doc_op["parameters"].as_array().map(|p| p.iter().collect()).unwrap_or_default();
    let renamable: Vec<usize> = (0..params.len())
        .filter(|&i| {
            params[i]["required"] == true
                && matches!(params[i]["in"].as_str(), Some("query" | "header"))
                && !operation::ignored_header(params[i])
                && operation::placeholder(params[i]["name"].as_str().unwrap_or("")).is_none()
        })
        .collect();
    let narrowable: Vec<usize> = (0..params.len())
        .filter(|&i| {
            let schema = resolve(document, &params[i]["schema"]);
            let item = schema.get("items").map_or(schema, |i| resolve(document, i));
            params[i]["in"] == "query" && item.get("enum").is_some() && operation::placeholder(params[i]["name"].as_str().unwrap_or("")).is_none()
        })
        .collect();
    let name = |i: usize| params[i]["name"].as_str().unwrap_or_default().to_owned();
    match turn % 3 {
        0 | 1 if !renamable.is_empty() && (turn % 3 == 0 || narrowable.is_empty()) => Change::Renamed { index: renamable[0], name: name(renamable[0]) },
        1 | 2 if !narrowable.is_empty() => Change::Narrowed { index: narrowable[turn % narrowable.len()], name: name(narrowable[turn % narrowable.len()]) },
        _ if !renamable.is_empty() => Change::Renamed { index: renamable[0], name: name(renamable[0]) },
        _ => Change::Moved,
    }
}

/// For every operation, a copy of the document changed where the client cannot follow (a
/// renamed required parameter, an enum narrowed to a value never sent, a moved path) makes its
/// call fail the contract; the changes of all operations are in one copy, one Prism per API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_detects_changed_requests_for_every_operation() {
    let seed = seed();
    for_every_api(move |api| async move {
        let document = apis::document(api);
        let ops = apis::operations(api);
        let changes: Vec<(Op, Change)> = ops.iter().enumerate().map(|(turn, op)| (op.clone(), change_for(&document, op, turn))).collect();
        let mut changed = document.clone();
        let mut moved = Vec::new();
        for (op, change) in &changes {
            let method = op.method.to_lowercase();
            match change {
                Change::Renamed { index, name } => changed["paths"][op.path][&method]["parameters"][*index]["name"] = json!(format!("{name}_renamed")),
                Change::Narrowed { index, .. } => {
                    let p = &mut changed["paths"][op.path][&method]["parameters"][*index];
                    let schema = if p["schema"].get("items").is_some() { &mut p["schema"]["items"] } else { &mut p["schema"] };
                    schema["enum"] = json!(["value-never-sent"]);
                }
                Change::Moved => moved.push(op.clone()),
            }
        }
        for op in &moved {
            let method = op.method.to_lowercase();
            let paths = changed["paths"].as_object_mut().unwrap();
            let item = paths.get_mut(op.path).unwrap().as_object_mut().unwrap();
            let moved_op = item.remove(&method).unwrap();
            paths.entry(format!("/moved{}", op.path)).or_insert_with(|| json!({}))[&method] = moved_op;
        }
        let mut s = Session::start(api, seed, move |doc| *doc = changed);
        let mut problems = Vec::new();
        for (op, change) in &changes {
            // Round 1 sets every optional argument; draw until the changed parameter is sent.
            let mut args = Value::Null;
            for _ in 0..100 {
                args = operation::arguments(&mut s.gen, &document, op, 1);
                let sent = |name: &str| args.get(name).is_some_and(|v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()));
                match change {
                    Change::Renamed { name, .. } | Change::Narrowed { name, .. } if !sent(name) => continue,
                    _ => break,
                }
            }
            let (result, exchange) = s.send(op, args.clone()).await;
            let messages = validation_messages(&exchange);
            let detected = match change {
                Change::Renamed { name, .. } => exchange.status == 422 && messages.iter().any(|m| m.contains(&format!("{}_renamed", name.to_lowercase())) || m.contains(&format!("{name}_renamed"))),
                Change::Narrowed { name, .. } => exchange.status == 422 && messages.iter().any(|m| m.to_lowercase().contains(&name.to_lowercase())),
                // Moved away, the path may still fit another operation's template
                // (`/keys/types` fits `/keys/{keyId}`): Prism then refuses its path parameter.
                Change::Moved => {
                    matches!(exchange.status, 404 | 405)
                        || exchange.operation.as_deref().is_some_and(|o| o != op.key())
                        || (exchange.status == 422 && messages.iter().any(|m| m.starts_with("Request path parameter")))
                }
            };
            let refused_as_error = matches!(&result, Err(CatalogueError::Call(Error::Api { .. } | Error::Status { .. }))) || matches!(change, Change::Moved);
            if !detected || !refused_as_error {
                let what = match change {
                    Change::Renamed { name, .. } => format!("`{name}` renamed"),
                    Change::Narrowed { name, .. } => format!("`{name}` narrowed to a value never sent"),
                    Change::Moved => "the path moved".to_owned(),
                };
                problems.push(s.report(op, 1, &format!("{what} in Prism's copy went unnoticed (validation: {messages:?}; result: {result:?})"), &args, &exchange));
            }
        }
        problems
    })
    .await;
}

/// For every operation with a closed JSON object response, a property the document names
/// differently from the client is caught: the decoded value lacks what Prism sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_detects_a_renamed_response_property_for_every_operation() {
    let seed = seed();
    for_every_api(move |api| async move {
        let document = apis::document(api);
        let mut renamed = Vec::new();
        let mut changed = document.clone();
        for op in apis::operations(api) {
            let (status, content) = operation::success_response(&document, &op);
            let Some((ct, schema)) = content.filter(|(ct, _)| operation::is_json(ct)) else { continue };
            let target = resolve(&document, &schema);
            let open = target.get("additionalProperties").is_some_and(|a| a != &json!(false));
            let Some(property) = target["properties"].as_object().and_then(|p| p.keys().next()).cloned() else { continue };
            if open || schema.get("$ref").is_some() {
                continue; // an open object keeps it among its others; a shared schema would change other operations
            }
            let pointer = format!(
                "/paths/{}/{}/responses/{status}/content/{}/schema",
                op.path.replace('~', "~0").replace('/', "~1"),
                op.method.to_lowercase(),
                ct.replace('~', "~0").replace('/', "~1")
            );
            let Some(at) = changed.pointer_mut(&pointer).filter(|s| s["properties"].is_object()) else {
                continue; // the response is a shared `$ref`
            };
            let value = at["properties"].as_object_mut().unwrap().remove(&property).unwrap();
            at["properties"][format!("{property}_renamed")] = value;
            // Prism fills every documented property, so the renamed one is always sent.
            at["required"] = json!([format!("{property}_renamed")]);
            renamed.push((op, property));
        }
        let mut s = Session::start(api, seed, move |doc| *doc = changed.clone());
        let changed_doc = s.prism.document.clone();
        let mut problems = Vec::new();
        for (op, property) in &renamed {
            let args = operation::arguments(&mut s.gen, &document, op, 0);
            let (result, exchange) = s.send(op, args.clone()).await;
            let (_, content) = operation::success_response(&changed_doc, op);
            let lost = match &result {
                Ok(decoded) => operation::check_response(&changed_doc, &content, &exchange.body, decoded).is_err(),
                Err(_) => true, // a required property missing fails the decoding itself
            };
            if !lost {
                problems.push(s.report(op, 0, &format!("the response property `{property}` renamed in Prism's copy went unnoticed"), &args, &exchange));
            }
        }
        if renamed.is_empty() {
            eprintln!("contract tests: {api}: no closed JSON response object to rename a property of");
        }
        problems
    })
    .await;
}
