//! `cargo xtask <command>`: flag parsing only; the work is in the library.

use std::path::PathBuf;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--specs DIR] [--out DIR] [--check]

  --specs DIR   folder holding one folder per API (default: specs/)
  --out DIR     folder for the generated crates (default: generated/)
  --check       write nothing; list stale, missing and no-longer-produced files, exit 1 if any

usage: cargo xtask bench [--quick] [--only gen,scale,compile,runtime]

  runs the benchmarks (release builds, cargo-progenitor installed into target/bench-tools),
  prints a table of ratios and writes BENCHMARKS.md (--quick or --only: target/bench/BENCHMARKS.md)

usage: cargo xtask synth --ops N --out DIR [--api NAME]

  writes N operations as Make-style markdown pages into DIR/NAME/ (default NAME: synth)

usage: cargo xtask fuzz [--seconds N] [--target extract|pipeline]... [--timeout S] [--keep-going] [--sanitizer S]

  runs the fuzz targets in fuzz/ (default: each for 300 s) with cargo-fuzz on stable (installed
  into target/fuzz-tools), saving every crash as tests/fixtures/fuzz-regressions/<target>-<n>.md";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("codegen") => {
            let mut opts = xtask::codegen::Options::default();
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--check" => opts.check = true,
                    "--specs" | "--out" => {
                        let Some(value) = args.next() else {
                            eprintln!("error: {arg} needs a folder\n\n{USAGE}");
                            return ExitCode::from(2);
                        };
                        if arg == "--specs" {
                            opts.specs = Some(PathBuf::from(value));
                        } else {
                            opts.out = Some(PathBuf::from(value));
                        }
                    }
                    "-h" | "--help" => {
                        println!("{USAGE}");
                        return ExitCode::SUCCESS;
                    }
                    other => {
                        eprintln!("error: unknown argument `{other}`\n\n{USAGE}");
                        return ExitCode::from(2);
                    }
                }
            }
            ExitCode::from(xtask::codegen::run(&opts) as u8)
        }
        Some("bench") => ExitCode::from(xtask::bench::main(args.collect()) as u8),
        Some("synth") => ExitCode::from(xtask::bench::synth_main(args.collect()) as u8),
        Some("fuzz") => ExitCode::from(xtask::fuzz::main(args.collect()) as u8),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
