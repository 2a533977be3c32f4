//! `cargo xtask <command>`: flag parsing only; the work is in the library.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--specs DIR] [--out DIR] [--check]

  --specs DIR   folder holding one folder per API (default: specs/)
  --out DIR     folder for the generated crates (default: generated/)
  --check       write nothing; list stale, missing and no-longer-produced files, exit 1 if any";

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
