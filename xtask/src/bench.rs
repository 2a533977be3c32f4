//! `cargo xtask bench` and `cargo xtask synth` (work in progress).

pub mod synth;

use std::path::PathBuf;

/// `cargo xtask bench ARGS`; returns the exit code.
pub fn main(_args: Vec<String>) -> i32 {
    eprintln!("bench: not ready yet");
    2
}

/// `cargo xtask synth --ops N --out DIR [--api NAME]`; returns the exit code.
pub fn synth_main(args: Vec<String>) -> i32 {
    let (mut ops, mut out, mut api) = (None, None, "synth".to_string());
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let value = match arg.as_str() {
            "--ops" | "--out" | "--api" => match it.next() {
                Some(v) => v,
                None => {
                    eprintln!("error: {arg} needs a value");
                    return 2;
                }
            },
            other => {
                eprintln!("error: unknown argument `{other}` (usage: cargo xtask synth --ops N --out DIR [--api NAME])");
                return 2;
            }
        };
        match arg.as_str() {
            "--ops" => match value.parse::<usize>() {
                Ok(n) => ops = Some(n),
                Err(_) => {
                    eprintln!("error: --ops needs a number, not `{value}`");
                    return 2;
                }
            },
            "--out" => out = Some(PathBuf::from(value)),
            _ => api = value,
        }
    }
    let (Some(ops), Some(out)) = (ops, out) else {
        eprintln!("error: --ops N and --out DIR are required (usage: cargo xtask synth --ops N --out DIR [--api NAME])");
        return 2;
    };
    match synth::write(&out, &api, ops) {
        Ok(pages) => {
            eprintln!("synth: {ops} operations in {pages} pages under {}", out.join(&api).display());
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
