//! Replays the fuzz corpus on stable, in a plain `cargo test`: every file of `fuzz/corpus/*/`,
//! every saved finding in `tests/fixtures/fuzz-regressions/`, and the seeds `cargo xtask fuzz`
//! would make from today's specs and fixtures, each through both fuzz targets' logic
//! (`xtask::fuzz::run_target`: the function the libFuzzer targets in `fuzz/` call). Any `Err` is
//! fine; a panic or a hang is a bug in the generator.
//!
//! Each input runs on its own thread with the 8 MiB stack that `cargo xtask` and libFuzzer give
//! the generator (a test thread has 2 MiB, and the corpus holds documents nested as deep as
//! serde_json allows, `edge-deep-*`, which a debug build cannot decode in 2 MiB), and is given
//! [`HANG`] to finish: a hang fails the test after that time instead of never ending (the thread
//! is abandoned, and ends with the test process).

mod common;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use xtask::fuzz::{self, TARGETS};

/// The main-thread stack of `cargo xtask` and of the libFuzzer targets on Linux.
const STACK: usize = 8 << 20;

/// An input taking longer than this is a hang (`cargo xtask fuzz` uses 10 s on release builds;
/// this is a debug build on a possibly busy machine).
const HANG: Duration = Duration::from_secs(20);

/// After this many abandoned (hanging) threads the replay stops: each keeps a core busy.
const MAX_HANGS: usize = 2;

/// Every input, deduplicated by content (the targets' corpora share their seeds), with a name.
fn inputs(root: &Path) -> BTreeMap<Vec<u8>, String> {
    let mut out = BTreeMap::new();
    let mut add = |bytes: Vec<u8>, name: String| {
        out.entry(bytes).or_insert(name);
    };
    for dir in ["tests/fixtures/fuzz-regressions", "fuzz/corpus/extract", "fuzz/corpus/pipeline"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
        files.sort();
        for p in files {
            let name = p.strip_prefix(root).unwrap().display().to_string();
            add(std::fs::read(&p).unwrap(), name);
        }
    }
    for target in TARGETS {
        for (name, bytes) in fuzz::seeds(root, target).unwrap() {
            add(bytes, format!("seed {name}"));
        }
    }
    out
}

enum Outcome {
    Returned(bool),
    Panicked(String),
    Hung,
}

/// Runs one target on one input on a fresh 8 MiB thread, waiting at most [`HANG`].
fn run(target: &'static str, bytes: &[u8]) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let bytes = bytes.to_vec();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| fuzz::run_target(target, &bytes).expect("a known target")));
            let _ = tx.send(result.map_err(|e| e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()));
        })
        .unwrap();
    match rx.recv_timeout(HANG) {
        Ok(Ok(ok)) => Outcome::Returned(ok),
        Ok(Err(msg)) => Outcome::Panicked(msg),
        Err(_) => Outcome::Hung,
    }
}

#[test]
fn every_corpus_file_and_regression_goes_through_both_targets_without_a_panic_or_a_hang() {
    let root = common::root();
    let inputs = inputs(&root);
    assert!(inputs.len() >= 30, "expected the seed corpus in fuzz/corpus/ (run `cargo xtask fuzz`), found {} inputs", inputs.len());
    let mut failures = Vec::new();
    let mut hangs = 0;
    let mut generated = 0;
    'all: for (bytes, name) in &inputs {
        for target in TARGETS {
            let start = Instant::now();
            match run(target, bytes) {
                Outcome::Returned(ok) => generated += usize::from(ok && target == "pipeline"),
                Outcome::Panicked(msg) => failures.push(format!("{target}: {name}: panicked: {msg}")),
                Outcome::Hung => {
                    failures.push(format!("{target}: {name}: still running after {:?} (a hang)", start.elapsed()));
                    hangs += 1;
                    if hangs >= MAX_HANGS {
                        failures.push(format!("(stopped after {hangs} hangs)"));
                        break 'all;
                    }
                    // A hang in extraction hangs the pipeline too; do not wait for it twice.
                    break;
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
    // The seeds made from specs/ generate code, so the pipeline target reaches the emitters.
    assert!(generated >= 20, "only {generated} inputs made it through the whole pipeline");
}

#[test]
fn the_committed_corpus_is_small() {
    let root = common::root();
    for target in TARGETS {
        let dir = root.join("fuzz/corpus").join(target);
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        let bytes: u64 = files.iter().map(|p| p.metadata().unwrap().len()).sum();
        assert!(!files.is_empty() && files.len() <= 120, "{}: {} files; keep the committed seed corpus small", dir.display(), files.len());
        assert!(bytes <= 512 * 1024, "{}: {bytes} bytes; keep the committed seed corpus small", dir.display());
    }
}
