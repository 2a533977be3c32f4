//! Helpers shared by the generator tests.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};

use xtask::codegen::{self, EmitOptions, Generated};

/// The repository root.
pub fn root() -> PathBuf {
    codegen::project_root()
}

/// Emit options for output written to `out`, as `cargo xtask codegen` computes them.
pub fn emit_options(out: &Path) -> EmitOptions {
    EmitOptions { runtime_path: codegen::relative_path(&out.join("crate"), &root().join("crates/make-runtime")) }
}

/// Runs the pure pipeline on a specs folder; panics with the diagnostics on failure.
pub fn generate(specs: &Path, display: &str, out: &Path) -> Generated {
    let inputs = codegen::read_specs(specs, display).unwrap_or_else(|d| panic!("{d}"));
    codegen::generate(&inputs, &emit_options(out)).unwrap_or_else(|d| panic!("{d}"))
}

/// A fresh, empty folder under the system temp dir (outside the workspace, so crates written
/// there are not mistaken for members of it).
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("make-codegen-tests-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file below `dir` with its contents, sorted: to prove a failed run changed nothing.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Runs `cargo xtask codegen --specs <specs> --out <out>` (in-process) where `out` first holds a
/// good run of `tests/fixtures/good`. Returns the exit code, how long the bad run took, and
/// whether the output folder is exactly as the good run left it.
pub fn run_over_good_output(specs: &Path, name: &str) -> (i32, std::time::Duration, bool) {
    let out = temp_dir(&format!("out-{name}"));
    let good = codegen::Options { specs: Some(root().join("tests/fixtures/good")), out: Some(out.clone()), check: false };
    assert_eq!(codegen::run(&good), 0, "the good fixtures generate");
    let before = tree(&out);
    let run = codegen::Options { specs: Some(specs.to_path_buf()), out: Some(out.clone()), check: false };
    let start = std::time::Instant::now();
    let code = codegen::run(&run);
    let took = start.elapsed();
    let untouched = tree(&out) == before;
    let _ = std::fs::remove_dir_all(&out);
    (code, took, untouched)
}

/// Makes `out` a Cargo workspace of the crate folders `members`, with the repository's
/// `Cargo.lock` (so it builds `--offline` with the pinned versions). Its dev profile keeps no
/// debug info and no incremental state: these crates are built and tested, never stepped
/// through, and their artifacts share one target dir on CI machines with little disk.
pub fn write_fixture_workspace(out: &Path, members: &[&str]) {
    let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\nincremental = false\n",
        members.join(", ")
    );
    std::fs::write(out.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
}

/// Runs `cargo <args>` in a fixture workspace `dir` with the fixtures' own target dir
/// (`target/fixtures`); panics naming the command and folder when it fails.
pub fn fixture_cargo(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root().join("target/fixtures"))
        .status()
        .unwrap_or_else(|e| panic!("cannot run cargo in {}: {e}", dir.display()));
    assert!(status.success(), "`cargo {}` failed in {}", args.join(" "), dir.display());
}
