//! `cargo xtask fuzz`: runs the generator's libFuzzer targets (the cargo-fuzz crate in `fuzz/`)
//! for a bounded time on the stable toolchain, and turns every crash into a regression fixture.
//!
//! The target bodies live here, not in `fuzz/`, so that `tests/tests/fuzz_corpus.rs` replays the
//! committed corpus and every regression through exactly the same code in a plain `cargo test`:
//!
//! - `extract`: arbitrary bytes as a markdown page through [`extract::extract_file`];
//! - `pipeline`: arbitrary bytes as the one page of an API folder through [`codegen::generate`]
//!   (extract, merge, lower, emit), markdown in, generated code out.
//!
//! Either may return any `Err`; a panic is a bug (ARCHITECTURE.md: "A panic on user input is a
//! bug").
//!
//! The committed corpus `fuzz/corpus/<target>/` holds `seed-*` files, rewritten from the spec
//! pages and test fixtures on every run (see [`seeds`]), and hand-written `edge-*` documents that
//! mutation rarely reaches (name and enum collisions, reference cycles, empty `oneOf`/`allOf`,
//! odd parameter names and paths, nesting as deep as serde_json allows), which are kept.
//!
//! The command installs cargo-fuzz into `target/fuzz-tools` when it is missing, refreshes the
//! `seed-*` files, and runs each target with `RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none`:
//! cargo-fuzz passes nightly-only flags (`-Cpasses=sancov-module`, `-Z` options), which the
//! stable compiler accepts under `RUSTC_BOOTSTRAP`. No sanitizer by default: the workspace
//! forbids `unsafe`, so what fuzzing finds here are panics, arithmetic overflows (debug
//! assertions are on), hangs and runaway memory, none of which needs AddressSanitizer, which
//! would halve the executions (`--sanitizer address` turns it on).
//! New inputs go to `target/fuzz/work/<target>/` (not committed); crashes, timeouts and
//! out-of-memory inputs are copied to `tests/fixtures/fuzz-regressions/<target>-<n>.md`.

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::codegen::{self, extract, ApiInput, EmitOptions, SourceFile};

/// The fuzz targets, as named in `fuzz/Cargo.toml`.
pub const TARGETS: [&str; 2] = ["extract", "pipeline"];

/// The cargo-fuzz version `cargo xtask fuzz` installs when none is found.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// Display path of the page the fuzzed bytes are given as.
pub const PAGE_PATH: &str = "specs/fuzz/page.md";

/// The `extract` target: `data` as a markdown spec page through [`extract::extract_file`].
/// Returns whether it was accepted (the result does not matter; returning at all does).
pub fn extract_page(data: &[u8]) -> bool {
    let file = SourceFile { path: PAGE_PATH.to_string(), bytes: data.to_vec() };
    extract::extract_file(&file).is_ok()
}

/// The `pipeline` target: `data` as the only page of the API folder `fuzz` through
/// [`codegen::generate`], markdown to generated code. Returns whether code was generated.
pub fn pipeline_page(data: &[u8]) -> bool {
    let input = ApiInput {
        name: "fuzz".to_string(),
        config: None,
        overlay: None,
        files: vec![SourceFile { path: PAGE_PATH.to_string(), bytes: data.to_vec() }],
    };
    let opts = EmitOptions { runtime_path: "../../crates/make-runtime".to_string() };
    codegen::generate(&[input], &opts).is_ok()
}

/// Runs the target called `name` on `data`; `None` for an unknown target.
pub fn run_target(name: &str, data: &[u8]) -> Option<bool> {
    match name {
        "extract" => Some(extract_page(data)),
        "pipeline" => Some(pipeline_page(data)),
        _ => None,
    }
}

/// What the libFuzzer targets in `fuzz/` call: [`run_target`] under the hang watchdog.
///
/// libFuzzer's own `-timeout` fires in a SIGALRM handler that allocates; without a sanitizer's
/// allocator that handler deadlocks when the signal lands inside `malloc` (seen on the first
/// hang found here: the run never ended and wrote nothing). So `cargo xtask fuzz` sets
/// `MAKE_FUZZ_HANG_SECS` and `MAKE_FUZZ_ARTIFACTS`, gives libFuzzer a larger fallback timeout, and
/// a plain thread watches each input: one that runs longer is written to
/// `<artifacts>/timeout-<hash>` and the process aborts. Without the variables this is just
/// [`run_target`].
pub fn fuzz_one(target: &str, data: &[u8]) {
    let watchdog = watchdog::get();
    if let Some(w) = watchdog {
        w.arm(data);
    }
    let _ = run_target(target, data);
    if let Some(w) = watchdog {
        w.disarm();
    }
}

mod watchdog {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Mutex, OnceLock};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    pub struct Watchdog {
        limit_ms: u64,
        dir: PathBuf,
        /// When the current input started (ms since the epoch), 0 when idle.
        started: AtomicU64,
        input: Mutex<Vec<u8>>,
    }

    fn now_ms() -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
    }

    /// The process's watchdog, started on first use when the environment asks for one.
    pub fn get() -> Option<&'static Watchdog> {
        static W: OnceLock<Option<&'static Watchdog>> = OnceLock::new();
        *W.get_or_init(|| {
            let secs: u64 = std::env::var("MAKE_FUZZ_HANG_SECS").ok()?.parse().ok()?;
            let dir = PathBuf::from(std::env::var_os("MAKE_FUZZ_ARTIFACTS")?);
            let w: &'static Watchdog =
                Box::leak(Box::new(Watchdog { limit_ms: secs * 1000, dir, started: AtomicU64::new(0), input: Mutex::new(Vec::new()) }));
            std::thread::Builder::new().name("fuzz-watchdog".into()).spawn(move || w.watch()).ok()?;
            Some(w)
        })
    }

    impl Watchdog {
        pub fn arm(&self, data: &[u8]) {
            // Input and start time change together, under the lock, so the watchdog never pairs
            // one input's start with another's bytes.
            let mut input = self.input.lock().unwrap_or_else(|e| e.into_inner());
            input.clear();
            input.extend_from_slice(data);
            self.started.store(now_ms(), Ordering::SeqCst);
        }

        pub fn disarm(&self) {
            self.started.store(0, Ordering::SeqCst);
        }

        fn watch(&self) {
            loop {
                std::thread::sleep(Duration::from_millis(200));
                let input = self.input.lock().unwrap_or_else(|e| e.into_inner());
                let started = self.started.load(Ordering::SeqCst);
                if started == 0 || now_ms().saturating_sub(started) < self.limit_ms {
                    continue;
                }
                let bytes = input.clone();
                drop(input);
                let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
                let path = self.dir.join(format!("timeout-{hash:016x}"));
                let written = std::fs::write(&path, &bytes);
                eprintln!(
                    "==fuzz-watchdog== an input ran longer than {} s (a hang); {} ({} bytes)",
                    self.limit_ms / 1000,
                    match written {
                        Ok(()) => format!("saved to {}", path.display()),
                        Err(e) => format!("could not save it to {}: {e}", path.display()),
                    },
                    bytes.len()
                );
                std::process::abort();
            }
        }
    }
}

/// Splits a markdown page into its `## ` sections (each with one heading, quote and json block),
/// so the seeds are small; a page without such sections is one seed. Fences are respected.
pub fn sections(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut fence = false;
    let mut seen_section = false;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            fence = !fence;
        }
        if !fence && line.starts_with("## ") {
            if seen_section && !current.trim().is_empty() {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
            seen_section = true;
        }
        current.push_str(line);
    }
    if !current.trim().is_empty() && (seen_section || out.is_empty()) {
        out.push(current);
    }
    out
}

/// The seed inputs of `target`, named: every `## ` section of every page under `specs/`, every
/// `.md` fixture under `tests/fixtures/` (not the saved findings), and for `pipeline` also every
/// whole spec page (several operations in one page exercise merging and naming).
pub fn seeds(root: &Path, target: &str) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for page in markdown_files(&root.join("specs"))? {
        let text = fs::read_to_string(&page)?;
        let stem = seed_name(root, &page);
        for (i, section) in sections(&text).into_iter().enumerate() {
            out.push((format!("{stem}-{}.md", i + 1), section.into_bytes()));
        }
        if target == "pipeline" {
            out.push((format!("{stem}.md"), text.into_bytes()));
        }
    }
    for page in markdown_files(&root.join("tests/fixtures"))? {
        // Saved findings are not seeds: a known hang or crash in the corpus would stop every run
        // at startup until it is fixed (tests/tests/fuzz_corpus.rs replays them anyway).
        if page.components().any(|c| c.as_os_str() == "fuzz-regressions") {
            continue;
        }
        out.push((format!("{}.md", seed_name(root, &page)), fs::read(&page)?));
    }
    Ok(out)
}

fn seed_name(root: &Path, page: &Path) -> String {
    let rel = page.strip_prefix(root).unwrap_or(page).with_extension("");
    let rel = rel.to_string_lossy().replace(['/', '\\'], "-");
    format!("seed-{}", rel.trim_start_matches("tests-"))
}

/// Every `.md` file below `dir`, sorted (none when `dir` does not exist).
pub fn markdown_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "md") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Writes the seeds of `target` into `fuzz/corpus/<target>/`, replacing older `seed-*` files so
/// the committed corpus follows the specs. Returns how many seeds there are.
pub fn seed_corpus(root: &Path, target: &str) -> std::io::Result<usize> {
    let dir = root.join("fuzz/corpus").join(target);
    fs::create_dir_all(&dir)?;
    for entry in fs::read_dir(&dir)? {
        let p = entry?.path();
        if p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("seed-")) {
            fs::remove_file(&p)?;
        }
    }
    let seeds = seeds(root, target)?;
    for (name, bytes) in &seeds {
        fs::write(dir.join(name), bytes)?;
    }
    Ok(seeds.len())
}

/// Command-line options of `cargo xtask fuzz`.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--seconds N`: how long each target runs (libFuzzer's `-max_total_time`).
    pub seconds: u64,
    /// `--target T` (repeatable): the targets to run; all of [`TARGETS`] when empty.
    pub targets: Vec<String>,
    /// `--keep-going`: do not stop at the first crash (libFuzzer fork mode).
    pub keep_going: bool,
    /// `--timeout S`: an input running longer than this is a hang (a finding).
    pub timeout: u64,
    /// `--sanitizer S`: passed to `cargo fuzz run --sanitizer` (`none` by default).
    pub sanitizer: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { seconds: 300, targets: Vec::new(), keep_going: false, timeout: 10, sanitizer: "none".into() }
    }
}

/// What one target's run did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Target name.
    pub target: String,
    /// Wall time of the fuzzing itself (after the build).
    pub elapsed: Duration,
    /// Inputs executed, as libFuzzer counted them.
    pub execs: Option<u64>,
    /// Inputs added to the working corpus.
    pub new_units: Option<u64>,
    /// Peak memory in MB.
    pub peak_rss_mb: Option<u64>,
    /// libFuzzer's exit code.
    pub exit_code: Option<i32>,
    /// Regression fixtures written for the findings of this run.
    pub regressions: Vec<PathBuf>,
    /// Findings that were already saved as regression fixtures (not fixed yet).
    pub known: Vec<PathBuf>,
}

const USAGE: &str = "usage: cargo xtask fuzz [--seconds N] [--target extract|pipeline]... [--timeout S] [--keep-going] [--sanitizer S]

  --seconds N    how long each target runs (default: 300)
  --target T     run only this target (repeatable; default: all)
  --timeout S    an input taking longer is a hang, saved like a crash (default: 10)
  --keep-going   go on after a finding (libFuzzer fork mode) instead of stopping at the first
  --sanitizer S  cargo-fuzz's sanitizer: none (default), address, leak";

/// `cargo xtask fuzz ARGS`: parses the flags and calls [`run`]; returns the exit code.
pub fn main(args: Vec<String>) -> i32 {
    let mut opts = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--keep-going" => opts.keep_going = true,
            "--sanitizer" => match args.next() {
                Some(s) if ["none", "address", "leak"].contains(&s.as_str()) => opts.sanitizer = s,
                _ => return usage_error("--sanitizer needs none, address or leak"),
            },
            "--target" => match args.next() {
                Some(t) => opts.targets.push(t),
                None => return usage_error("--target needs a name"),
            },
            "--seconds" | "--timeout" => match args.next().and_then(|v| v.parse::<u64>().ok()) {
                Some(n) if n > 0 => {
                    if arg == "--seconds" {
                        opts.seconds = n;
                    } else {
                        opts.timeout = n;
                    }
                }
                _ => return usage_error(&format!("{arg} needs a positive number of seconds")),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return 0;
            }
            other => return usage_error(&format!("unknown argument `{other}`")),
        }
    }
    run(&opts)
}

fn usage_error(msg: &str) -> i32 {
    eprintln!("error: {msg}\n\n{USAGE}");
    2
}

/// Runs the command; returns the process exit code: 0 no finding, 1 a target crashed, hung or ran
/// out of memory (each input is saved as a regression fixture), 2 setup error.
pub fn run(opts: &Options) -> i32 {
    let root = codegen::project_root();
    let targets: Vec<String> = if opts.targets.is_empty() { TARGETS.iter().map(|t| t.to_string()).collect() } else { opts.targets.clone() };
    if let Some(bad) = targets.iter().find(|t| !TARGETS.contains(&t.as_str())) {
        eprintln!("error: unknown fuzz target `{bad}` (targets: {})", TARGETS.join(", "));
        return 2;
    }
    let cargo_fuzz = match ensure_cargo_fuzz(&root) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if !root.join("fuzz/Cargo.lock").exists() {
        // Start from the workspace's versions so the fuzz build uses the tested dependencies.
        let _ = fs::copy(root.join("Cargo.lock"), root.join("fuzz/Cargo.lock"));
    }
    let mut reports = Vec::new();
    for target in &targets {
        match seed_corpus(&root, target) {
            Ok(n) => {
                let total = listing(&root.join("fuzz/corpus").join(target)).len();
                eprintln!("fuzz: {target}: fuzz/corpus/{target}/ holds {n} seeds from specs/ and tests/fixtures/, {} hand-written inputs", total - n);
            }
            Err(e) => {
                eprintln!("error: seeding fuzz/corpus/{target}: {e}");
                return 2;
            }
        }
        match run_one(&root, &cargo_fuzz, target, opts) {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("error: fuzz target `{target}`: {e}");
                return 2;
            }
        }
    }
    eprintln!("\nfuzz summary:");
    let mut found = false;
    for r in &reports {
        let n = |v: Option<u64>| v.map_or("?".to_string(), |v| v.to_string());
        eprintln!(
            "  {:<9} {:>6.0} s  {:>10} execs  {:>6} new units  peak {:>5} MB  exit {}  {} new finding(s)",
            r.target,
            r.elapsed.as_secs_f64(),
            n(r.execs),
            n(r.new_units),
            n(r.peak_rss_mb),
            r.exit_code.map_or("?".into(), |c| c.to_string()),
            r.regressions.len()
        );
        for p in &r.regressions {
            found = true;
            eprintln!("    new regression: {}", p.strip_prefix(&root).unwrap_or(p).display());
        }
        for p in &r.known {
            found = true;
            eprintln!("    found again (not fixed yet): {}", p.strip_prefix(&root).unwrap_or(p).display());
        }
    }
    if found {
        eprintln!("fuzz: findings are in tests/fixtures/fuzz-regressions/; `cargo test -p make-tests --test fuzz_corpus` replays them");
        1
    } else {
        0
    }
}

/// The cargo-fuzz binary: `target/fuzz-tools/bin/cargo-fuzz`, installed there with
/// `cargo install --locked` when missing.
fn ensure_cargo_fuzz(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join("target/fuzz-tools");
    let bin = tools.join("bin").join(format!("cargo-fuzz{}", std::env::consts::EXE_SUFFIX));
    if bin.exists() {
        return Ok(bin);
    }
    eprintln!("fuzz: installing cargo-fuzz {CARGO_FUZZ_VERSION} into target/fuzz-tools");
    let status = Command::new(cargo())
        .args(["install", "cargo-fuzz", "--locked", "--version", CARGO_FUZZ_VERSION, "--root"])
        .arg(&tools)
        .status()
        .map_err(|e| format!("running cargo install: {e}"))?;
    if !status.success() || !bin.exists() {
        return Err(format!("`cargo install cargo-fuzz` failed ({status})"));
    }
    Ok(bin)
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn run_one(root: &Path, cargo_fuzz: &Path, target: &str, opts: &Options) -> Result<Report, String> {
    let work = root.join("target/fuzz/work").join(target);
    let artifacts = root.join("target/fuzz/artifacts").join(target);
    fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    fs::create_dir_all(&artifacts).map_err(|e| e.to_string())?;
    let before = listing(&artifacts);

    let mut cmd = Command::new(cargo_fuzz);
    cmd.current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUST_BACKTRACE", "1")
        .env("MAKE_FUZZ_HANG_SECS", opts.timeout.to_string())
        .env("MAKE_FUZZ_ARTIFACTS", &artifacts)
        .args(["fuzz", "run", "--fuzz-dir", "fuzz", "--sanitizer", &opts.sanitizer, "--target-dir"])
        .arg(root.join("target/fuzz/build"))
        .arg(target)
        .arg(&work)
        .arg(root.join("fuzz/corpus").join(target))
        .arg("--")
        .arg(format!("-max_total_time={}", opts.seconds))
        // The watchdog in `fuzz_one` catches hangs; libFuzzer's timeout is only a fallback.
        .arg(format!("-timeout={}", opts.timeout * 3 + 5))
        .arg(format!("-dict={}", root.join("fuzz/openapi.dict").display()))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg("-print_final_stats=1")
        .stderr(Stdio::piped());
    if opts.keep_going {
        cmd.args(["-fork=1", "-ignore_crashes=1", "-ignore_timeouts=1", "-ignore_ooms=1"]);
    }
    eprintln!("fuzz: {target}: running for {} s", opts.seconds);
    let mut child = cmd.spawn().map_err(|e| format!("running {}: {e}", cargo_fuzz.display()))?;
    let mut report = Report { target: target.to_string(), ..Report::default() };
    let mut started: Option<Instant> = None;
    let stderr = child.stderr.take().expect("stderr is piped");
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        eprintln!("{line}");
        if started.is_none() && (line.starts_with("INFO: Seed:") || line.contains("INFO: -fork=")) {
            started = Some(Instant::now());
        }
        parse_stat(&line, &mut report);
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    report.elapsed = started.map(|s| s.elapsed()).unwrap_or_default();
    report.exit_code = status.code();
    for new in listing(&artifacts).difference(&before) {
        let name = new.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if ["crash-", "timeout-", "oom-", "leak-"].iter().any(|p| name.starts_with(p)) {
            let bytes = fs::read(new).map_err(|e| e.to_string())?;
            match save_regression(root, target, &bytes).map_err(|e| e.to_string())? {
                Saved::New(p) => report.regressions.push(p),
                Saved::Known(p) if report.known.contains(&p) => {}
                Saved::Known(p) => report.known.push(p),
            }
        }
    }
    if !status.success() && report.regressions.is_empty() && report.known.is_empty() && report.execs.is_none() {
        return Err(format!("cargo fuzz exited with {status} before fuzzing (see the output above)"));
    }
    Ok(report)
}

fn parse_stat(line: &str, report: &mut Report) {
    let num = |s: &str| s.trim().parse::<u64>().ok();
    if let Some(v) = line.strip_prefix("stat::number_of_executed_units:") {
        report.execs = num(v);
    } else if let Some(v) = line.strip_prefix("stat::new_units_added:") {
        report.new_units = num(v);
    } else if let Some(v) = line.strip_prefix("stat::peak_rss_mb:") {
        report.peak_rss_mb = num(v);
    } else if let Some(rest) = line.strip_prefix('#') {
        // Progress lines (`#123456 REDUCE cov: ...`), the only counts fork mode prints.
        if let Some(n) = rest.split_whitespace().next().and_then(|n| n.trim_end_matches(':').parse::<u64>().ok()) {
            report.execs = Some(report.execs.map_or(n, |e| e.max(n)));
        }
        if let Some(rss) = rest.split("rss: ").nth(1).and_then(|r| r.trim_end_matches("Mb").split("Mb").next()).and_then(num) {
            report.peak_rss_mb = Some(report.peak_rss_mb.map_or(rss, |p| p.max(rss)));
        }
    }
}

fn listing(dir: &Path) -> BTreeSet<PathBuf> {
    fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default()
}

/// Where a finding went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// A new regression fixture.
    New(PathBuf),
    /// The fixture that already holds these bytes.
    Known(PathBuf),
}

/// Copies a finding to `tests/fixtures/fuzz-regressions/<target>-<n>.md` (the first free `n`),
/// unless the same bytes are already there.
pub fn save_regression(root: &Path, target: &str, bytes: &[u8]) -> std::io::Result<Saved> {
    let dir = root.join("tests/fixtures/fuzz-regressions");
    fs::create_dir_all(&dir)?;
    for existing in listing(&dir) {
        if fs::read(&existing).is_ok_and(|b| b == bytes) {
            return Ok(Saved::Known(existing));
        }
    }
    let mut n = 1;
    loop {
        let path = dir.join(format!("{target}-{n}.md"));
        if !path.exists() {
            fs::write(&path, bytes)?;
            return Ok(Saved::New(path));
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_at_level_two_headings_outside_fences() {
        let page = "# Page\n\nintro\n\n## One\n\n```json\n## not a heading\n```\n\n## Two\n\ntext\n";
        assert_eq!(sections(page), vec!["## One\n\n```json\n## not a heading\n```\n\n".to_string(), "## Two\n\ntext\n".to_string()]);
        assert_eq!(sections("# Only\n\n```json\n{}\n```\n"), vec!["# Only\n\n```json\n{}\n```\n".to_string()]);
        assert!(sections("").is_empty());
    }

    #[test]
    fn targets_return_instead_of_panicking_on_simple_inputs() {
        assert_eq!(run_target("extract", b""), Some(true), "a page without blocks has no documents");
        assert_eq!(run_target("pipeline", b""), Some(false), "an API without documents is an error");
        for target in TARGETS {
            assert_eq!(run_target(target, b"```json\n{\"openapi\": 3}\n```\n"), Some(false));
        }
        assert_eq!(run_target("nope", b""), None);
    }

    #[test]
    fn progress_lines_and_final_stats_are_parsed() {
        let mut r = Report::default();
        parse_stat("#4096\tpulse  cov: 1 ft: 2 corp: 3/4b exec/s: 5 rss: 77Mb", &mut r);
        assert_eq!((r.execs, r.peak_rss_mb), (Some(4096), Some(77)));
        parse_stat("#32063: cov: 2433 ft: 6546 corp: 37 exec/s: 16031 oom/timeout/crash: 0/0/0 time: 2s job: 1", &mut r);
        assert_eq!(r.execs, Some(32063), "fork mode");
        parse_stat("stat::number_of_executed_units: 5000", &mut r);
        parse_stat("stat::new_units_added: 12", &mut r);
        assert_eq!((r.execs, r.new_units), (Some(5000), Some(12)));
    }
}
