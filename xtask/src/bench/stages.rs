//! `xtask bench stages --specs DIR [--runs N]`: times each stage of the pipeline in-process
//! through the library API (the same calls as [`crate::codegen::generate_api`], one by one), so
//! a slow generation can be pinned on a stage. Prints `stage seconds` lines (medians).

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::codegen::{self, config, emit, extract, lower, merge, write, EmitOptions};

use super::measure::median;

/// The stages in pipeline order.
pub const STAGES: [&str; 9] = [
    "read_specs (I/O)",
    "extract (markdown + JSON + OpenAPI parse)",
    "merge",
    "lower (to IR)",
    "merged openapi JSON (to_string_pretty)",
    "emit models (quote + syn parse + prettyplease)",
    "emit client (quote + syn parse + prettyplease)",
    "write (plan + apply, fresh folder)",
    "total",
];

/// Times one full pass; returns seconds per stage, in [`STAGES`] order.
pub fn time_stages(specs: &Path, out: &Path) -> Result<Vec<f64>, String> {
    let mut t = vec![0.0; STAGES.len()];
    let mut lap = Instant::now();
    let mut stage = |i: usize, t: &mut Vec<f64>| {
        t[i] += lap.elapsed().as_secs_f64();
        lap = Instant::now();
    };
    let inputs = codegen::read_specs(specs, "specs").map_err(|d| d.to_string())?;
    stage(0, &mut t);
    let mut files = Vec::new();
    for input in &inputs {
        let cfg = match &input.config {
            Some(f) => config::parse(&f.path, &String::from_utf8_lossy(&f.bytes)).map_err(|d| d.to_string())?,
            None => config::ApiConfig::default(),
        };
        let fragments = extract::extract(&input.files).map_err(|d| d.to_string())?;
        stage(1, &mut t);
        let merged = merge::merge(fragments).map_err(|d| d.to_string())?;
        stage(2, &mut t);
        let sources = input.files.iter().map(|f| f.path.clone()).collect();
        let api = lower::lower(&input.name, &cfg, &format!("{}/api.toml", input.name), &merged, sources).map_err(|d| d.to_string())?;
        stage(3, &mut t);
        let json = serde_json::to_string_pretty(&merged.doc).map_err(|e| e.to_string())? + "\n";
        files.push(emit::OutputFile { path: format!("openapi/{}.json", api.name), contents: json });
        stage(4, &mut t);
        files.extend(emit::models::emit(&api));
        stage(5, &mut t);
        files.extend(emit::client::emit(&api));
        let opts = EmitOptions { runtime_path: "../../crates/make-runtime".into() };
        files.push(emit::cargo::models_manifest(&api, &opts));
        files.push(emit::cargo::client_manifest(&api, &opts));
        stage(6, &mut t);
    }
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| e.to_string())?;
    }
    lap = Instant::now();
    let plan = write::plan(out, &files).map_err(|e| e.to_string())?;
    write::apply(&plan).map_err(|e| e.to_string())?;
    t[7] = lap.elapsed().as_secs_f64();
    // The folder removal above is not part of any stage.
    t[8] = t[..8].iter().sum();
    Ok(t)
}

/// Median per stage over `runs` passes.
pub fn median_stages(specs: &Path, out: &Path, runs: usize) -> Result<Vec<f64>, String> {
    let mut all: Vec<Vec<f64>> = vec![Vec::new(); STAGES.len()];
    for _ in 0..runs.max(1) {
        for (i, s) in time_stages(specs, out)?.into_iter().enumerate() {
            all[i].push(s);
        }
    }
    Ok(all.iter().map(|v| median(v)).collect())
}

/// `xtask bench stages --specs DIR --out DIR [--runs N]`.
pub fn stages_main(args: &[String]) -> i32 {
    let (mut specs, mut out, mut runs) = (None, None, 3usize);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match (a.as_str(), it.next()) {
            ("--specs", Some(v)) => specs = Some(PathBuf::from(v)),
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            ("--runs", Some(v)) => runs = v.parse().unwrap_or(3),
            _ => {
                eprintln!("usage: xtask bench stages --specs DIR --out DIR [--runs N]");
                return 2;
            }
        }
    }
    let (Some(specs), Some(out)) = (specs, out) else {
        eprintln!("usage: xtask bench stages --specs DIR --out DIR [--runs N]");
        return 2;
    };
    match median_stages(&specs, &out, runs) {
        Ok(t) => {
            for (name, s) in STAGES.iter().zip(t) {
                println!("{s:.6}\t{name}");
            }
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
