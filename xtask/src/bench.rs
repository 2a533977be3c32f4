//! `cargo xtask bench`: how the generator and its output compare, written to BENCHMARKS.md.
//! `cargo xtask synth`: synthetic Make-style specs for the scaling benchmark.
//!
//! The machine is shared and noisy, so every comparison is a ratio of two things measured side
//! by side in the same run, A/B interleaved (the order alternates from round to round), and
//! every figure is a median. Four sections:
//!
//! 1. `gen`: whole-process generation time, the release `xtask codegen` vs `cargo-progenitor`
//!    (installed into `target/bench-tools` at a pinned version) on our merged
//!    `generated/openapi/make-api-v2.json` with operationIds added (see [`progenitor`]).
//! 2. `scale`: generation time and peak memory for 10 to 5,000 synthetic operations
//!    ([`synth`]), progenitor on the same merged documents, and a per-stage breakdown
//!    ([`stages`]) at the largest size.
//! 3. `compile`: `cargo build` of the generated client crate alone (its dependencies prebuilt
//!    in a target folder of its own), debug and release, vs the crate progenitor generates.
//! 4. `runtime`: criterion benchmarks of the `make-benches` crate (a call through the generated
//!    client vs hand-written reqwest, and decoding a 10,000-connection response).
//! 5. `downstream`: what a user's crate pays to compile our crates, clean and incremental
//!    ([`downstream`]).

pub mod downstream;
pub mod measure;
pub mod progenitor;
pub mod stages;
pub mod synth;

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use measure::{measured, median, median_secs, stdout_of, tail, timed, Machine, Run};
use serde_json::Value;

/// The benchmark sections, in run order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Generation time vs cargo-progenitor.
    Gen,
    /// Generation time and memory vs the number of operations.
    Scale,
    /// Build time of the generated crates.
    Compile,
    /// Criterion: call overhead and decoding.
    Runtime,
    /// Build time a downstream crate pays for our crates.
    Downstream,
}

impl Section {
    const ALL: [Section; 5] = [Section::Gen, Section::Scale, Section::Compile, Section::Runtime, Section::Downstream];

    fn name(self) -> &'static str {
        match self {
            Section::Gen => "gen",
            Section::Scale => "scale",
            Section::Compile => "compile",
            Section::Runtime => "runtime",
            Section::Downstream => "downstream",
        }
    }
}

/// How much to measure.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `--quick`: fewer runs, shorter criterion measurements.
    pub quick: bool,
    /// The sections to run (`--only`).
    pub sections: Vec<Section>,
    /// Interleaved runs per side in `gen`.
    pub gen_runs: usize,
    /// Operation counts of `scale`.
    pub scale_ops: Vec<usize>,
    /// Runs of our generator per size in `scale`.
    pub scale_runs: usize,
    /// Runs of progenitor per size in `scale` (0: skipped).
    pub progenitor_scale_runs: Vec<(usize, usize)>,
    /// Builds per side and profile in `compile`.
    pub compile_runs: usize,
    /// Criterion rounds per benchmark in `runtime`.
    pub runtime_rounds: usize,
    /// Criterion `--warm-up-time` and `--measurement-time`, seconds.
    pub criterion_times: (f64, f64),
}

impl Settings {
    /// The full run: about 8 minutes once cargo-progenitor and the dependencies are built (the
    /// first run installs and builds them, 10 to 15 minutes more on 2 cores).
    pub fn full() -> Self {
        Settings {
            quick: false,
            sections: Section::ALL.to_vec(),
            gen_runs: 15,
            scale_ops: vec![10, 100, 1000, 5000],
            scale_runs: 5,
            progenitor_scale_runs: vec![(10, 5), (100, 5), (1000, 3), (5000, 1)],
            compile_runs: 5,
            runtime_rounds: 7,
            criterion_times: (0.5, 1.5),
        }
    }

    /// `--quick`: a short pass (about 2 minutes once everything is built).
    pub fn quick() -> Self {
        Settings {
            quick: true,
            sections: Section::ALL.to_vec(),
            gen_runs: 5,
            scale_ops: vec![10, 100, 1000, 5000],
            scale_runs: 2,
            progenitor_scale_runs: vec![(10, 2), (100, 2), (1000, 1)],
            compile_runs: 1,
            runtime_rounds: 3,
            criterion_times: (0.3, 0.7),
        }
    }
}

/// One line of the summary table.
#[derive(Debug, Clone)]
struct Row {
    what: String,
    ours: String,
    reference: String,
    ratio: String,
    target: String,
    met: String,
}

impl Row {
    fn new(what: impl Into<String>, ours: impl Into<String>, reference: impl Into<String>, ratio: impl Into<String>, target: impl Into<String>, met: Option<bool>) -> Self {
        Row {
            what: what.into(),
            ours: ours.into(),
            reference: reference.into(),
            ratio: ratio.into(),
            target: target.into(),
            met: match met {
                Some(true) => "yes".into(),
                Some(false) => "**no**".into(),
                None => "-".into(),
            },
        }
    }
}

/// Everything a run found.
#[derive(Debug, Default)]
struct Report {
    rows: Vec<Row>,
    /// Markdown of each section's details.
    details: Vec<String>,
}

struct Ctx {
    root: PathBuf,
    dir: PathBuf,
    xtask: PathBuf,
    settings: Settings,
    progenitor: Option<Result<PathBuf, String>>,
    /// The fixes progenitor needed on make-api-v2, once known.
    fixes: Option<Vec<progenitor::Fix>>,
    report: Report,
}

const CRATE_NAME: &str = "make-progenitor";

/// `(seconds, stage name)` per stage, as `xtask bench stages` prints them.
type StageTimes = Vec<(f64, String)>;


/// `cargo xtask bench ARGS`; returns the exit code.
pub fn main(args: Vec<String>) -> i32 {
    match args.first().map(String::as_str) {
        Some("exec") => return measure::exec_main(&args[1..]),
        Some("stages") => return stages::stages_main(&args[1..]),
        _ => {}
    }
    let mut quick = false;
    let mut only: Option<Vec<Section>> = None;
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--only" => {
                let Some(list) = it.next() else {
                    eprintln!("error: --only needs a list such as gen,scale,compile,runtime,downstream");
                    return 2;
                };
                let mut sections = Vec::new();
                for name in list.split(',') {
                    match Section::ALL.iter().find(|s| s.name() == name.trim()) {
                        Some(s) => sections.push(*s),
                        None => {
                            eprintln!("error: unknown section `{name}` (expected gen, scale, compile, runtime, downstream)");
                            return 2;
                        }
                    }
                }
                only = Some(sections);
            }
            "-h" | "--help" => {
                println!("usage: cargo xtask bench [--quick] [--only gen,scale,compile,runtime,downstream]");
                return 0;
            }
            other => {
                eprintln!("error: unknown argument `{other}` (usage: cargo xtask bench [--quick] [--only gen,scale,compile,runtime,downstream])");
                return 2;
            }
        }
    }
    let mut settings = if quick { Settings::quick() } else { Settings::full() };
    let partial = only.is_some();
    if let Some(only) = only {
        settings.sections = Section::ALL.into_iter().filter(|s| only.contains(s)).collect();
    }
    let mut command = String::from("cargo xtask bench");
    if quick {
        command.push_str(" --quick");
    }
    if partial {
        command.push_str(&format!(" --only {}", settings.sections.iter().map(|s| s.name()).collect::<Vec<_>>().join(",")));
    }
    match run(settings, &command, quick || partial) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // Each build below chooses its own target folder.
    c.env_remove("CARGO_TARGET_DIR");
    c
}

fn log(msg: impl AsRef<str>) {
    eprintln!("bench: {}", msg.as_ref());
}

fn run(settings: Settings, command: &str, partial: bool) -> Result<(), String> {
    let started = Instant::now();
    let root = crate::codegen::project_root();
    let machine = Machine::detect();
    let dir = root.join("target/bench");
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    log("building the release xtask (cargo build --release -p xtask)");
    timed(cargo().current_dir(&root).args(["build", "--release", "--quiet", "-p", "xtask"])).map_err(|e| e.to_string())?;
    let xtask = root.join("target/release/xtask");
    let mut ctx = Ctx { root: root.clone(), dir, xtask, settings: settings.clone(), progenitor: None, fixes: None, report: Report::default() };
    for section in &settings.sections {
        let t = Instant::now();
        log(format!("section {}", section.name()));
        let result = match section {
            Section::Gen => section_gen(&mut ctx),
            Section::Scale => section_scale(&mut ctx),
            Section::Compile => section_compile(&mut ctx),
            Section::Runtime => section_runtime(&mut ctx),
            Section::Downstream => downstream::section(&mut ctx),
        };
        if let Err(e) = result {
            log(format!("section {} failed: {e}", section.name()));
            ctx.report.rows.push(Row::new(format!("{} (failed)", section.name()), "-", "-", "-", "-", Some(false)));
            ctx.report.details.push(format!("### {} failed\n\n```text\n{e}\n```\n", section.name()));
        }
        log(format!("section {} took {:.0} s", section.name(), t.elapsed().as_secs_f64()));
    }
    let total = started.elapsed();
    let table = table(&ctx.report.rows);
    println!("\n{table}");
    let md = markdown(&ctx, &machine, command, total, &table);
    let out = if partial { ctx.dir.join("BENCHMARKS.md") } else { root.join("BENCHMARKS.md") };
    fs::write(&out, md).map_err(|e| format!("{}: {e}", out.display()))?;
    log(format!("wrote {} ({:.1} min)", out.display(), total.as_secs_f64() / 60.0));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Formatting

fn table(rows: &[Row]) -> String {
    let header = Row::new("benchmark", "ours", "reference", "ratio", "target", None);
    let mut all = vec![header];
    all.extend(rows.iter().cloned());
    all[0].met = "met".into();
    let cols = |r: &Row| [r.what.clone(), r.ours.clone(), r.reference.clone(), r.ratio.clone(), r.target.clone(), r.met.clone()];
    let widths: Vec<usize> = (0..6).map(|i| all.iter().map(|r| cols(r)[i].chars().count()).max().unwrap_or(0)).collect();
    let mut s = String::new();
    for (n, r) in all.iter().enumerate() {
        let c = cols(r);
        s.push('|');
        for (i, cell) in c.iter().enumerate() {
            let _ = write!(s, " {cell:<w$} |", w = widths[i]);
        }
        s.push('\n');
        if n == 0 {
            s.push('|');
            for w in &widths {
                let _ = write!(s, "{}|", "-".repeat(w + 2));
            }
            s.push('\n');
        }
    }
    s
}

fn markdown(ctx: &Ctx, m: &Machine, command: &str, total: Duration, table: &str) -> String {
    let mut s = String::new();
    s.push_str("# Benchmarks\n\n");
    let _ = writeln!(
        s,
        "Written by `{command}` ({}; took {:.1} min). Do not edit: run the command again.\n",
        if ctx.settings.quick { "quick pass: fewer runs, less precise" } else { "full run" },
        total.as_secs_f64() / 60.0
    );
    s.push_str("The machine is shared and noisy: every comparison below is two things measured side by side in the\nsame run, interleaved A/B (the order alternates between rounds), and every figure is a median.\nRatios are the figures to read; absolute times move with the machine's load.\n\n");
    s.push_str("## Machine\n\n");
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(s, "| CPUs (nproc) | {} |", m.nproc);
    let _ = writeln!(s, "| CPU model | {} |", m.cpu);
    let _ = writeln!(s, "| memory | {:.1} GiB |", m.mem_gib);
    let _ = writeln!(s, "| rustc | {} |", m.rustc);
    let _ = writeln!(s, "| kernel | {} |", m.kernel);
    let _ = writeln!(s, "| load average at start | {} |", m.loadavg);
    let end = fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    let _ = writeln!(s, "| load average at the end | {end} (other work on the machine: figures of a loaded run are noisier) |");
    let _ = writeln!(s, "| command | `{command}` |\n");
    s.push_str("## Summary\n\n");
    s.push_str(table);
    s.push('\n');
    s.push_str("Each ratio row says which way it reads (`x faster`: reference time / ours; `x the time`: ours /\nreference); `met` compares it with the target of the issue.\n\n");
    let missed: Vec<&str> = ctx.report.rows.iter().filter(|r| r.met.contains("no")).map(|r| r.what.as_str()).collect();
    if ctx.report.rows.iter().any(|r| r.met == "noisy") {
        s.push_str("`noisy`: the middle half of that row's per-round ratios differ by more than 10 %, so the run cannot say whether the target was met; read the CPU-time row beside it, or run again on a quieter machine.\n\n");
    }
    if missed.is_empty() {
        s.push_str("Every target with a figure was met in this run.\n\n");
    } else {
        let _ = writeln!(s, "Targets missed in this run: {}.\n", missed.join("; "));
    }
    for d in &ctx.report.details {
        s.push_str(d);
        s.push('\n');
    }
    s
}

fn ms(secs: f64) -> String {
    if secs >= 10.0 {
        format!("{secs:.1} s")
    } else if secs >= 1.0 {
        format!("{secs:.2} s")
    } else {
        format!("{:.1} ms", secs * 1000.0)
    }
}

fn mib(kib: f64) -> String {
    format!("{:.0} MiB", kib / 1024.0)
}

fn os(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Vec<OsString> {
    args.iter().map(|a| a.as_ref().to_os_string()).collect()
}

fn fresh(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let p = entry.map_err(|e| e.to_string())?.path();
        let dest = to.join(p.file_name().unwrap_or_default());
        if p.is_dir() {
            copy_dir(&p, &dest)?;
        } else {
            fs::copy(&p, &dest).map_err(|e| format!("{}: {e}", p.display()))?;
        }
    }
    Ok(())
}

fn read_json(p: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))
}

fn write_json(p: &Path, v: &Value) -> Result<(), String> {
    fs::write(p, serde_json::to_string_pretty(v).unwrap_or_default()).map_err(|e| format!("{}: {e}", p.display()))
}

fn count_ops(doc: &Value) -> usize {
    doc.get("paths").and_then(Value::as_object).map_or(0, |p| {
        p.values().filter_map(Value::as_object).map(|item| item.keys().filter(|k| ["get", "put", "post", "delete", "patch", "head", "options", "trace"].contains(&k.as_str())).count()).sum()
    })
}

// ---------------------------------------------------------------------------------------------
// Progenitor

impl Ctx {
    fn progenitor(&mut self) -> Result<PathBuf, String> {
        if self.progenitor.is_none() {
            self.progenitor = Some(progenitor::ensure_installed(&self.root));
        }
        self.progenitor.clone().unwrap_or_else(|| Err("not installed".into()))
    }

    fn progenitor_args(&self, spec: &Path, out: &Path, name: &str) -> Vec<OsString> {
        os(&[&"progenitor", &"-i", &spec, &"-o", &out, &"-n", &name, &"-v", &"0.1.0"])
    }

    /// Runs progenitor on `doc` with more and more fixes until it accepts it; returns the fixes,
    /// the accepted spec and the errors of the rejected variants.
    fn progenitor_accepting(&mut self, doc: &Value, work: &Path) -> Result<(Vec<progenitor::Fix>, PathBuf, Vec<String>), String> {
        let bin = self.progenitor()?;
        fs::create_dir_all(work).map_err(|e| e.to_string())?;
        let mut rejected = Vec::new();
        for k in 0..=progenitor::FIXES.len() {
            let fixes = progenitor::FIXES[..k].to_vec();
            let spec = work.join(format!("progenitor-input-{k}.json"));
            write_json(&spec, &progenitor::prepare(doc, &fixes))?;
            let out = work.join("progenitor-check");
            fresh(&out)?;
            let run = measured(&self.xtask, &bin, &self.progenitor_args(&spec, &out, CRATE_NAME), &self.root).map_err(|e| e.to_string())?;
            if run.ok {
                return Ok((fixes, spec, rejected));
            }
            let err = run.output.lines().filter(|l| !l.trim().is_empty() && !l.starts_with("  ") && !l.starts_with("---") && !l.contains("TYPE SPACE")).collect::<Vec<_>>().join("\n");
            rejected.push(format!("with {} fix(es): {}", fixes.len(), tail(&err, 8).trim()));
        }
        Err(format!("cargo-progenitor {} rejected every variant:\n{}", progenitor::VERSION, rejected.join("\n")))
    }

    fn fixes_text(fixes: &[progenitor::Fix]) -> String {
        if fixes.is_empty() {
            "only operationIds added (derived from method + path, e.g. `GET /connections/{connectionId}` → `get_connections_connection_id`); nothing else changed".into()
        } else {
            let mut s = "operationIds added (method + path), then: ".to_string();
            s.push_str(&fixes.iter().map(|f| f.describe()).collect::<Vec<_>>().join("; "));
            s
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Generation time vs cargo-progenitor

fn section_gen(ctx: &mut Ctx) -> Result<(), String> {
    let dir = ctx.dir.join("gen");
    fresh(&dir)?;
    let specs_make = dir.join("specs");
    copy_dir(&ctx.root.join("specs/make-api-v2"), &specs_make.join("make-api-v2"))?;
    let merged = ctx.root.join("generated/openapi/make-api-v2.json");
    let doc = read_json(&merged)?;
    let ops = count_ops(&doc);
    let accepted = ctx.progenitor_accepting(&doc, &dir);
    let runs = ctx.settings.gen_runs;
    let (mut ours, mut ours_all, mut theirs): (Vec<Run>, Vec<Run>, Vec<Run>) = (Vec::new(), Vec::new(), Vec::new());
    let out = dir.join("out");
    log(format!("gen: {runs} interleaved rounds"));
    for round in 0..runs {
        let mut order = vec![0, 1, 2];
        if round % 2 == 1 {
            order.reverse();
        }
        for side in order {
            fresh(&out)?;
            match side {
                0 => ours.push(measured(&ctx.xtask, &ctx.xtask, &os(&[&"codegen", &"--specs", &specs_make, &"--out", &out]), &ctx.root).map_err(|e| e.to_string())?),
                1 => ours_all.push(measured(&ctx.xtask, &ctx.xtask, &os(&[&"codegen", &"--specs", &ctx.root.join("specs"), &"--out", &out]), &ctx.root).map_err(|e| e.to_string())?),
                _ => {
                    if let Ok((_, spec, _)) = &accepted {
                        let bin = ctx.progenitor()?;
                        theirs.push(measured(&ctx.xtask, &bin, &ctx.progenitor_args(spec, &out, CRATE_NAME), &ctx.root).map_err(|e| e.to_string())?);
                    }
                }
            }
        }
    }
    for (name, runs) in [("ours", &ours), ("ours (all specs)", &ours_all), ("progenitor", &theirs)] {
        if let Some(bad) = runs.iter().find(|r| !r.ok) {
            return Err(format!("{name} failed during the timed runs:\n{}", tail(&bad.output, 20)));
        }
    }
    let med = |v: &[Run]| median_secs(&v.iter().map(|r| r.wall).collect::<Vec<_>>());
    let rss = |v: &[Run]| median(&v.iter().map(|r| r.maxrss_kib as f64).collect::<Vec<_>>());
    let cpu = |v: &[Run]| ms(median_secs(&v.iter().map(|r| r.cpu).collect::<Vec<_>>()));
    let (a, b) = (med(&ours), med(&theirs));
    let paired: Vec<f64> = ours.iter().zip(&theirs).map(|(o, t)| t.wall.as_secs_f64() / o.wall.as_secs_f64()).collect();
    let mut d = String::from("## 1. Generation time vs cargo-progenitor\n\n");
    let _ = writeln!(d, "Whole-process wall time (spawn to exit) of each generator, {runs} interleaved runs each, fresh output folder every run.\n");
    let _ = writeln!(d, "- ours: `target/release/xtask codegen --specs <copy of specs/make-api-v2> --out <tmp>` (the 2 markdown pages: extract, merge, lower, emit two crates, write).");
    let _ = writeln!(d, "- ours (all specs): the same on `specs/` (both APIs).");
    let _ = writeln!(d, "- progenitor: `cargo-progenitor progenitor -i <doc> -o <tmp> -n {CRATE_NAME} -v 0.1.0` (cargo-progenitor {}, installed with `cargo install cargo-progenitor --version {} --locked --root target/bench-tools`; it formats its output by running `rustfmt`).", progenitor::VERSION, progenitor::VERSION);
    let _ = writeln!(d, "- its input: `generated/openapi/make-api-v2.json` ({ops} operations), the merged document our generator writes.\n");
    match &accepted {
        Ok((fixes, _, rejected)) => {
            ctx.fixes = Some(fixes.clone());
            let _ = writeln!(d, "What the bench changed in the document for progenitor: {}.\n", Ctx::fixes_text(fixes));
            for r in rejected {
                let _ = writeln!(d, "- progenitor rejected the document {r}");
            }
            let _ = writeln!(d, "| generator | median wall | median CPU (user + sys, with children) | peak RSS |\n|---|---|---|---|");
            let _ = writeln!(d, "| ours, make-api-v2 | {} | {} | {} |", ms(a), cpu(&ours), mib(rss(&ours)));
            let _ = writeln!(d, "| ours, all specs | {} | {} | {} |", ms(med(&ours_all)), cpu(&ours_all), mib(rss(&ours_all)));
            let _ = writeln!(d, "| cargo-progenitor, make-api-v2 | {} | {} | {} |\n", ms(b), cpu(&theirs), mib(rss(&theirs)));
            let _ = writeln!(d, "Speed-up: {:.1}x (ratio of medians), {:.1}x (median of per-round ratios).\n", b / a, median(&paired));
            let ratio = b / a;
            ctx.report.rows.push(Row::new(format!("generation, make-api-v2 ({ops} ops), whole process"), ms(a), format!("{} (progenitor)", ms(b)), format!("{ratio:.1}x faster"), ">= 2x faster", Some(ratio >= 2.0)));
        }
        Err(e) => {
            let _ = writeln!(d, "cargo-progenitor could not generate a client:\n\n```text\n{e}\n```\n");
            let _ = writeln!(d, "| generator | median | peak RSS |\n|---|---|---|\n| ours, make-api-v2 | {} | {} |\n", ms(a), mib(rss(&ours)));
            let short = e.lines().nth(1).unwrap_or(e).chars().take(80).collect::<String>();
            ctx.report.rows.push(Row::new(format!("generation, make-api-v2 ({ops} ops)"), ms(a), format!("progenitor failed: {short}"), "-", ">= 2x faster", None));
        }
    }
    ctx.report.details.push(d);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2. Scaling

fn section_scale(ctx: &mut Ctx) -> Result<(), String> {
    let dir = ctx.dir.join("scale");
    fresh(&dir)?;
    let sizes = ctx.settings.scale_ops.clone();
    let runs = ctx.settings.scale_runs;
    for &n in &sizes {
        synth::write(&dir.join(format!("specs-{n}")), "synth", n).map_err(|e| e.to_string())?;
    }
    // The fixes progenitor needed on the real document, if the gen section found out.
    let fixes = ctx.fixes.clone().unwrap_or_default();
    let prog_runs: Vec<(usize, usize)> = ctx.settings.progenitor_scale_runs.iter().copied().filter(|(n, _)| sizes.contains(n)).collect();
    let bin = if prog_runs.is_empty() { None } else { ctx.progenitor().ok() };
    let mut ours: Vec<Vec<Run>> = vec![Vec::new(); sizes.len()];
    let mut theirs: Vec<Vec<Run>> = vec![Vec::new(); sizes.len()];
    let mut theirs_err: Vec<Option<String>> = vec![None; sizes.len()];
    let out = dir.join("out");
    let prog_out = dir.join("progenitor-out");
    let max_rounds = runs.max(prog_runs.iter().map(|p| p.1).max().unwrap_or(0));
    for round in 0..max_rounds {
        log(format!("scale: round {}/{max_rounds}", round + 1));
        let mut idx: Vec<usize> = (0..sizes.len()).collect();
        if round % 2 == 1 {
            idx.reverse();
        }
        for i in idx {
            let n = sizes[i];
            let specs = dir.join(format!("specs-{n}"));
            let want_prog = bin.is_some() && theirs_err[i].is_none() && prog_runs.iter().any(|&(pn, pr)| pn == n && round < pr);
            let mut sides = vec![0, 1];
            if round % 2 == 1 {
                sides.reverse();
            }
            for side in sides {
                if side == 0 && round < runs {
                    fresh(&out)?;
                    let run = measured(&ctx.xtask, &ctx.xtask, &os(&[&"codegen", &"--specs", &specs, &"--out", &out]), &ctx.root).map_err(|e| e.to_string())?;
                    if !run.ok {
                        return Err(format!("our generator failed on {n} synthetic operations:\n{}", tail(&run.output, 20)));
                    }
                    // Progenitor's input is the merged document this run wrote.
                    let merged = out.join("openapi/synth.json");
                    let input = dir.join(format!("progenitor-input-{n}.json"));
                    if !input.exists() && merged.exists() {
                        write_json(&input, &progenitor::prepare(&read_json(&merged)?, &fixes))?;
                    }
                    ours[i].push(run);
                } else if side == 1 && want_prog {
                    let input = dir.join(format!("progenitor-input-{n}.json"));
                    if !input.exists() {
                        continue;
                    }
                    fresh(&prog_out)?;
                    let bin = bin.clone().unwrap_or_default();
                    let run = measured(&ctx.xtask, &bin, &ctx.progenitor_args(&input, &prog_out, "synth-progenitor"), &ctx.root).map_err(|e| e.to_string())?;
                    if run.ok {
                        theirs[i].push(run);
                    } else {
                        theirs_err[i] = Some(tail(&run.output, 6));
                    }
                }
            }
        }
    }
    let med = |v: &[Run]| median_secs(&v.iter().map(|r| r.wall).collect::<Vec<_>>());
    let rss = |v: &[Run]| median(&v.iter().map(|r| r.maxrss_kib as f64).collect::<Vec<_>>());
    let mut d = String::from("## 2. Scaling with the number of operations\n\n");
    let _ = writeln!(
        d,
        "`cargo xtask synth --ops N` writes N operations as Make-style pages (one page per resource: list, get, create, update, delete; a 17-field object with enums, date-times, nested objects and arrays repeated inline in every response; `cols[]` enum and `pg[...]` parameters). Whole-process time of the release `xtask codegen` on them ({runs} interleaved runs per size), peak RSS from `getrusage(RUSAGE_CHILDREN)` of a helper process that runs only the generator. Progenitor gets the merged document our run wrote, prepared as in section 1 ({} run(s) per size where listed).\n",
        prog_runs.iter().map(|(n, r)| format!("{r} at {n}")).collect::<Vec<_>>().join(", ")
    );
    let cpu = |v: &[Run]| median_secs(&v.iter().map(|r| r.cpu).collect::<Vec<_>>());
    let _ = writeln!(d, "| operations | ours: median | per operation | growth vs previous size | CPU (user + sys) | CPU growth | peak RSS | progenitor: median | progenitor peak RSS | progenitor / ours |\n|---|---|---|---|---|---|---|---|---|---|");
    let mut prev: Option<(usize, f64, f64)> = None;
    let mut growth_max: f64 = 0.0;
    for (i, &n) in sizes.iter().enumerate() {
        let t = med(&ours[i]);
        let c = cpu(&ours[i]);
        let growth = prev.map(|(pn, pt, _)| (t / pt).ln() / (n as f64 / pn as f64).ln());
        let cpu_growth = prev.map(|(pn, _, pc)| (c / pc).ln() / (n as f64 / pn as f64).ln());
        if let (Some(g), true) = (cpu_growth, n > 100) {
            growth_max = growth_max.max(g);
        }
        let (pt, prss, ratio) = if !theirs[i].is_empty() {
            let pt = med(&theirs[i]);
            (ms(pt), mib(rss(&theirs[i])), format!("{:.1}x", pt / t))
        } else if let Some(e) = &theirs_err[i] {
            (format!("failed: {}", e.lines().last().unwrap_or("").trim()), "-".into(), "-".into())
        } else {
            ("not run".into(), "-".into(), "-".into())
        };
        let _ = writeln!(
            d,
            "| {n} | {} | {:.0} µs | {} | {} | {} | {} | {pt} | {prss} | {ratio} |",
            ms(t),
            t / n as f64 * 1e6,
            growth.map(|g| format!("n^{g:.2}")).unwrap_or_else(|| "-".into()),
            ms(c),
            cpu_growth.map(|g| format!("n^{g:.2}")).unwrap_or_else(|| "-".into()),
            mib(rss(&ours[i]))
        );
        prev = Some((n, t, c));
    }
    d.push('\n');
    d.push_str("Growth `n^k`: time grows as the k-th power of the operation count between two sizes (k = 1 is linear). CPU time moves less with the machine's load than wall time.\n\n");
    // Summary rows.
    if let Some(i) = sizes.iter().position(|&n| n == 5000) {
        let t = med(&ours[i]);
        ctx.report.rows.push(Row::new("generation, 5,000 synthetic ops, wall time", ms(t), format!("{} CPU", ms(cpu(&ours[i]))), format!("{:.0} µs/op", t / 5000.0 * 1e6), "< 2 s", Some(t < 2.0)));
    }
    if sizes.len() >= 2 {
        ctx.report.rows.push(Row::new(
            format!("generation growth {}..{} ops (worst k, CPU time ~ n^k)", sizes.iter().find(|&&n| n >= 100).unwrap_or(&sizes[0]), sizes[sizes.len() - 1]),
            format!("k = {growth_max:.2}"),
            "-",
            "-",
            "linear: k <= 1 (+0.05 for noise)",
            Some(growth_max <= 1.05),
        ));
    }
    for (i, &n) in sizes.iter().enumerate() {
        if n >= 1000 && !theirs[i].is_empty() {
            let (t, p) = (med(&ours[i]), med(&theirs[i]));
            ctx.report.rows.push(Row::new(format!("generation, {n} synthetic ops"), ms(t), format!("{} (progenitor)", ms(p)), format!("{:.1}x faster", p / t), ">= 2x faster", Some(p / t >= 2.0)));
        }
    }
    // Stage breakdown at the largest size, and at the size before it to see which stage grows
    // faster than the operation count.
    if let Some(&n) = sizes.last() {
        let stage_runs = if ctx.settings.quick { "1" } else { "3" };
        let small = sizes.iter().rev().nth(1).copied().filter(|&m| m >= 100);
        let mut passes: Vec<(usize, StageTimes)> = Vec::new();
        for m in small.into_iter().chain([n]) {
            log(format!("scale: stage breakdown at {m} operations"));
            let text = stdout_of(Command::new(&ctx.xtask).current_dir(&ctx.root).args(["bench", "stages", "--runs", stage_runs, "--specs"]).arg(dir.join(format!("specs-{m}"))).arg("--out").arg(dir.join("stages-out")))
                .map_err(|e| e.to_string())?;
            passes.push((m, text.lines().filter_map(|l| l.split_once('\t')).map(|(t, name)| (t.parse().unwrap_or(0.0), name.to_string())).collect()));
        }
        let _ = writeln!(d, "### Where the time goes at {n} operations\n\nIn-process, through the library API (`read_specs`, `extract`, `merge`, `lower`, `emit::models::emit`, `emit::client::emit`, `write`), median of {stage_runs} run(s) per size, in the same release binary (its global allocator included); the emitters build tokens with `quote!`, parse them back with `syn` and print them with `prettyplease`.\n");
        let find = |m: usize| passes.iter().find(|p| p.0 == m).map(|p| p.1.clone()).unwrap_or_default();
        let big = find(n);
        let total = big.iter().find(|(_, name)| name == "total").map_or(1.0, |r| r.0);
        match small {
            Some(m) => {
                let small_rows = find(m);
                let _ = writeln!(d, "| stage | {m} ops | {n} ops | share at {n} | growth {m} → {n} |\n|---|---|---|---|---|");
                for ((t, name), (s, _)) in big.iter().zip(&small_rows) {
                    let k = (t / s).ln() / (n as f64 / m as f64).ln();
                    let _ = writeln!(d, "| {name} | {} | {} | {:.0} % | n^{k:.2} |", ms(*s), ms(*t), t / total * 100.0);
                }
            }
            None => {
                let _ = writeln!(d, "| stage | time | share |\n|---|---|---|");
                for (t, name) in &big {
                    let _ = writeln!(d, "| {name} | {} | {:.0} % |", ms(*t), t / total * 100.0);
                }
            }
        }
        d.push('\n');
    }
    ctx.report.details.push(d);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 3. Compile cost of the output

fn dep_count(dir: &Path, package: Option<&str>, target: &Path) -> Result<usize, String> {
    let mut c = cargo();
    c.current_dir(dir).env("CARGO_TARGET_DIR", target).args(["tree", "-e", "normal", "--prefix", "none"]);
    if let Some(p) = package {
        c.args(["-p", p]);
    }
    let text = stdout_of(&mut c).map_err(|e| e.to_string())?;
    let unique: std::collections::BTreeSet<&str> = text.lines().map(|l| l.trim_end_matches(" (*)").trim()).filter(|l| !l.is_empty()).collect();
    Ok(unique.len())
}

fn rust_lines(dir: &Path) -> usize {
    let mut n = 0;
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                n += rust_lines(&p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                n += fs::read_to_string(&p).map(|t| t.lines().count()).unwrap_or(0);
            }
        }
    }
    n
}

fn section_compile(ctx: &mut Ctx) -> Result<(), String> {
    let base = ctx.dir.join("compile");
    let ours_target = base.join("ours");
    let theirs_target = base.join("progenitor");
    // Progenitor's crate, generated from the same document, in a temporary folder (outside any
    // workspace), with the manifest progenitor writes.
    let crate_dir = std::env::temp_dir().join("make-bench").join(CRATE_NAME);
    let doc = read_json(&ctx.root.join("generated/openapi/make-api-v2.json"))?;
    let theirs: Result<Vec<progenitor::Fix>, String> = (|| {
        let (fixes, spec, _) = ctx.progenitor_accepting(&doc, &base.join("progenitor-input"))?;
        fresh(&crate_dir)?;
        let bin = ctx.progenitor()?;
        let gen = measured(&ctx.xtask, &bin, &ctx.progenitor_args(&spec, &crate_dir, CRATE_NAME), &ctx.root).map_err(|e| e.to_string())?;
        if gen.ok {
            Ok(fixes)
        } else {
            Err(format!("progenitor failed:\n{}", tail(&gen.output, 20)))
        }
    })();
    let manifest = fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap_or_default();

    // side 0: ours, side 1: progenitor's crate; `clean` is `cargo clean -p` of the generated crates.
    let cmd = |side: usize, clean: bool, release: bool| {
        let mut c = cargo();
        if side == 0 {
            c.current_dir(&ctx.root).env("CARGO_TARGET_DIR", &ours_target);
            if clean {
                c.args(["clean", "-p", "make-client", "-p", "make-models"]);
            } else {
                c.args(["build", "-p", "make-client"]);
            }
        } else {
            c.current_dir(&crate_dir).env("CARGO_TARGET_DIR", &theirs_target);
            if clean {
                c.args(["clean", "-p", CRATE_NAME]);
            } else {
                c.arg("build");
            }
        }
        if release {
            c.arg("--release");
        }
        c
    };
    let sides: &[usize] = if theirs.is_ok() { &[0, 1] } else { &[0] };
    // Dependencies once (not timed).
    for release in [false, true] {
        log(format!("compile: prebuilding dependencies ({})", if release { "release" } else { "debug" }));
        for &side in sides {
            timed(&mut cmd(side, false, release)).map_err(|e| e.to_string())?;
        }
    }
    let runs = ctx.settings.compile_runs;
    let mut times: [[Vec<Duration>; 2]; 2] = Default::default(); // [profile][side]
    for round in 0..runs {
        log(format!("compile: round {}/{runs}", round + 1));
        for (p, release) in [false, true].into_iter().enumerate() {
            let mut order = sides.to_vec();
            if (round + p) % 2 == 1 {
                order.reverse();
            }
            for side in order {
                timed(&mut cmd(side, true, release)).map_err(|e| e.to_string())?;
                if side == 0 {
                    // The runtime is hand-written and not part of the measure: bring it up to date
                    // first, in case it changed since the prebuild.
                    let mut runtime = cargo();
                    runtime.current_dir(&ctx.root).env("CARGO_TARGET_DIR", &ours_target).args(["build", "-p", "make-runtime"]);
                    if release {
                        runtime.arg("--release");
                    }
                    timed(&mut runtime).map_err(|e| e.to_string())?;
                }
                times[p][side].push(timed(&mut cmd(side, false, release)).map_err(|e| e.to_string())?);
            }
        }
    }
    let ours_deps = dep_count(&ctx.root, Some("make-client"), &ours_target)?;
    let ours_lines = rust_lines(&ctx.root.join("generated/make-client/src")) + rust_lines(&ctx.root.join("generated/make-models/src"));
    let (theirs_deps, theirs_lines) = match &theirs {
        Ok(_) => (dep_count(&crate_dir, None, &theirs_target)?, rust_lines(&crate_dir.join("src"))),
        Err(_) => (0, 0),
    };

    let mut d = String::from("## 3. Compile cost of the generated crates\n\n");
    let _ = writeln!(
        d,
        "`cargo build` of the generated crate alone: its dependencies are built once into a target folder per side (`target/bench/compile/ours`, `target/bench/compile/progenitor`), then each timed build follows `cargo clean -p` of the generated crate(s) only. Ours is `cargo build -p make-client` in this workspace after `cargo clean -p make-client -p make-models` (both crates are generated); progenitor's is the crate `cargo-progenitor` writes for the same document, built as written in `{}`. {runs} interleaved round(s); medians.\n",
        crate_dir.display()
    );
    match &theirs {
        Ok(fixes) => {
            let _ = writeln!(d, "Progenitor's input: {}.\n", Ctx::fixes_text(fixes));
        }
        Err(e) => {
            let _ = writeln!(d, "Progenitor's crate could not be generated, so only ours was built:\n\n```text\n{e}\n```\n");
        }
    }
    let _ = writeln!(d, "| | ours (make-models + make-client) | progenitor ({CRATE_NAME}) | ours / progenitor |\n|---|---|---|---|");
    for (p, name) in ["debug", "release"].iter().enumerate() {
        let (a, b) = (median_secs(&times[p][0]), median_secs(&times[p][1]));
        if theirs.is_ok() {
            let _ = writeln!(d, "| `cargo build` {name} | {} | {} | {:.2} |", ms(a), ms(b), a / b);
            ctx.report.rows.push(Row::new(format!("rebuild of the generated crate(s), {name}"), ms(a), format!("{} (progenitor)", ms(b)), format!("{:.2}x the time", a / b), "<= 1.0x", Some(a / b <= 1.0)));
        } else {
            let _ = writeln!(d, "| `cargo build` {name} | {} | - | - |", ms(a));
            ctx.report.rows.push(Row::new(format!("rebuild of the generated crate(s), {name}"), ms(a), "progenitor failed", "-", "<= 1.0x", None));
        }
    }
    let _ = writeln!(d, "| generated Rust lines | {ours_lines} | {theirs_lines} | {:.2} |", ours_lines as f64 / theirs_lines.max(1) as f64);
    let _ = writeln!(d, "| dependencies (`cargo tree -e normal --prefix none`, unique lines without ` (*)`, the crate itself included) | {ours_deps} | {theirs_deps} | {:.2} |\n", ours_deps as f64 / theirs_deps.max(1) as f64);
    if theirs.is_ok() {
        let _ = writeln!(d, "Progenitor's manifest, as written:\n\n```toml\n{}\n```\n", manifest.trim());
        let _ = writeln!(d, "Our client's dependency tree includes the hand-written runtime (reqwest with rustls and gzip, reqwest-middleware, governor, tracing, tokio timers); progenitor's crate asks for reqwest without TLS (`default-features = false`), so it cannot call an `https://` server until the user adds a TLS feature.\n");
        ctx.report.rows.push(Row::new("dependencies of the generated client (cargo tree)", ours_deps.to_string(), format!("{theirs_deps} (progenitor)"), format!("{:.2}x", ours_deps as f64 / theirs_deps.max(1) as f64), "-", None));
    }
    ctx.report.details.push(d);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 4. Runtime overhead (criterion)

fn criterion_median_ns(home: &Path, id: &str) -> Result<f64, String> {
    let p = home.join(id).join("new/estimates.json");
    let v = read_json(&p)?;
    v["median"]["point_estimate"].as_f64().ok_or_else(|| format!("{}: no median.point_estimate", p.display()))
}

fn section_runtime(ctx: &mut Ctx) -> Result<(), String> {
    let home = ctx.root.join("target/criterion");
    log("runtime: building the criterion benchmarks (cargo bench -p make-benches --no-run)");
    timed(cargo().current_dir(&ctx.root).args(["bench", "-p", "make-benches", "--bench", "runtime", "--no-run"])).map_err(|e| e.to_string())?;
    let (warm, measure) = ctx.settings.criterion_times;
    // (group, what, variants (the first is ours, the second the reference), target ratio)
    let calls: &[&str] = &["generated", "hand_written", "hand_written_timeouts", "runtime_plain_decode"];
    let groups: [(&str, &str, &[&str], Option<f64>); 4] = [
        ("call", "a `client.connections().list(35).send()` round trip to a loopback server (10-connection page), wall time", calls, Some(1.05)),
        ("call_cpu", "the same round trip, CPU time of the whole process (client, tokio workers, server)", calls, Some(1.05)),
        ("decode_10k", "`serde_json::from_slice` of a 10,000-connection response", &["generated", "hand_written"], None),
        ("exact_text", "10,000 ids of 21 digits into `String` fields", &["policy", "hand_written", "visitor"], None),
    ];
    let rounds = ctx.settings.runtime_rounds;
    let mut results: Vec<Vec<Vec<f64>>> = groups.iter().map(|g| vec![Vec::new(); g.2.len()]).collect();
    for round in 0..rounds {
        for (i, (group, _, variants, _)) in groups.iter().enumerate() {
            // One invocation runs every variant of the group back to back; the order flips
            // every other round.
            let reverse = (round + i) % 2 == 1;
            log(format!("runtime: round {}/{rounds}: {group}/*{}", round + 1, if reverse { " (reversed)" } else { "" }));
            let mut c = cargo();
            c.current_dir(&ctx.root).env("CRITERION_HOME", &home).args([
                "bench",
                "-p",
                "make-benches",
                "--bench",
                "runtime",
                "--",
                &format!("^{group}/"),
                "--noplot",
                "--warm-up-time",
                &warm.to_string(),
                "--measurement-time",
                &measure.to_string(),
            ]);
            if reverse {
                c.env("MAKE_BENCHES_REVERSE", "1");
            }
            timed(&mut c).map_err(|e| e.to_string())?;
            for (v, name) in variants.iter().enumerate() {
                results[i][v].push(criterion_median_ns(&home, &format!("{group}/{name}"))?);
            }
        }
    }
    let mut d = String::from("## 4. Runtime overhead (criterion)\n\n");
    let _ = writeln!(
        d,
        "`cargo bench -p make-benches --bench runtime -- '^<group>/' --noplot --warm-up-time {warm} --measurement-time {measure}`: one invocation runs every variant of a group back to back, in reverse order every other round (`MAKE_BENCHES_REVERSE=1`), {rounds} rounds. After each round the bench reads criterion's median of each variant (`target/criterion/<group>/<variant>/new/estimates.json`) and divides it by `hand_written`'s of the same round; the ratio reported is the median of those per-round ratios (noise bursts on this shared machine hit one round, not the median). The times shown are medians over rounds.\n\n- `generated`: `make_client::Client::builder(token).base_url(..).allow_insecure_http().build()`, default settings otherwise (default retry policy, which never retries a 200; 60 s request and 10 s connect timeouts; gzip; tracing spans with no subscriber), then `client.connections().list(35).send().await`.\n- `hand_written`: `reqwest::Client::new()` + `.get(..).query(..).header(..).send().await?.error_for_status()?.json::<T>()` into plain `#[derive(Deserialize)]` structs (`benches/src/lib.rs`, module `hand`).\n- `hand_written_timeouts`: the same on a reqwest client with the generated client's default timeouts.\n- `runtime_plain_decode`: the generated client's runtime sends the same request (`client.runtime().request(..).query(..).send_bytes()`), decoded with plain `serde_json::from_slice` into the generated type; the generated `send()` decodes through `serde_path_to_error` instead.\n- `call_cpu/*`: the same four calls timed with `iter_custom` in CPU time of the whole process (`clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`: client, tokio workers and the in-process server) instead of wall time; it grows far less than wall time when other processes hold the CPUs.\n- `decode_10k`: `serde_json::from_slice` into `make_client::models::ListConnectionsResponse` or into the hand-written struct (same field types; the metadata `type` enum is a `String` by hand). The generated models read every string and number field through the decoding policy (`make_decode::lenient`); the hand-written structs use plain serde.\n- `exact_text`: `[{{\"id\": i, \"uid\": <21-digit id>}}]` × 10,000 into `String` fields: `policy` reads JSON numbers under the decoding policy (serde_json's raw-value request; every digit kept), `visitor` reads the same numbers with a plain `deserialize_any` visitor (serde_json hands it an `f64`: digits lost), `hand_written` reads the ids sent as JSON strings with plain serde (`benches/src/lib.rs`, module `exact`).\n"
    );
    let _ = writeln!(d, "| benchmark | variant | median time | median of per-round ratios to `hand_written` | per-round ratios |\n|---|---|---|---|---|");
    let ratio_of = |i: usize, v: usize| -> (f64, Vec<f64>) {
        let per_round: Vec<f64> = results[i][v].iter().zip(&results[i][1]).map(|(x, y)| x / y).collect();
        (median(&per_round), per_round)
    };
    for (i, (group, what, variants, target)) in groups.iter().enumerate() {
        for (v, name) in variants.iter().enumerate() {
            let (r, per_round) = ratio_of(i, v);
            let list: Vec<String> = per_round.iter().map(|x| format!("{x:.3}")).collect();
            let _ = writeln!(d, "| {group}: {what} | `{name}` | {} | {r:.3} | {} |", us(median(&results[i][v])), list.join(", "));
        }
        let (ours, reference) = (median(&results[i][0]), median(&results[i][1]));
        let (ratio, per_round) = ratio_of(i, 0);
        let mut sorted = per_round.clone();
        sorted.sort_by(f64::total_cmp);
        let (lo, hi) = (sorted.first().copied().unwrap_or(0.0), sorted.last().copied().unwrap_or(0.0));
        // When the middle half of the rounds disagree by more than 10 %, the figure says more
        // about the machine than about the code (one disturbed round does not count).
        let noisy = sorted.len() > 1 && sorted[(3 * sorted.len()) / 4] / sorted[sorted.len() / 4] > 1.1;
        let mut row = Row::new(
            format!("{group}: generated vs hand-written{}", if *group == "call" { " (wall time)" } else if *group == "call_cpu" { " (CPU time)" } else { "" }),
            us(ours),
            format!("{} (hand-written)", us(reference)),
            if per_round.len() > 1 { format!("{ratio:.3}x the time (rounds {lo:.2}..{hi:.2})") } else { format!("{ratio:.3}x the time") },
            target.map_or("-".into(), |t| format!("<= {t:.2}x (within {:.0} %)", (t - 1.0) * 100.0)),
            target.map(|t| ratio <= t),
        );
        if noisy && target.is_some() {
            row.met = "noisy".into();
        }
        ctx.report.rows.push(row);
        if variants.len() > 3 && *group == "call_cpu" {
            for (v, what) in [(2, "hand-written with the generated client's timeouts"), (3, "runtime + plain serde_json decode (no serde_path_to_error)")] {
                let (r, _) = ratio_of(i, v);
                ctx.report.rows.push(Row::new(format!("{group}: {what}"), us(median(&results[i][v])), format!("{} (hand-written)", us(reference)), format!("{r:.3}x the time"), "-", None));
            }
        }
    }
    d.push('\n');
    ctx.report.details.push(d);
    Ok(())
}

fn us(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

/// `cargo xtask synth --ops N --out DIR [--api NAME]`; returns the exit code.
pub fn synth_main(args: Vec<String>) -> i32 {
    let usage = "usage: cargo xtask synth --ops N --out DIR [--api NAME]";
    let (mut ops, mut out, mut api) = (None, None, "synth".to_string());
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        if arg == "-h" || arg == "--help" {
            println!("{usage}");
            return 0;
        }
        let value = match arg.as_str() {
            "--ops" | "--out" | "--api" => match it.next() {
                Some(v) => v,
                None => {
                    eprintln!("error: {arg} needs a value\n{usage}");
                    return 2;
                }
            },
            other => {
                eprintln!("error: unknown argument `{other}`\n{usage}");
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
        eprintln!("error: --ops N and --out DIR are required\n{usage}");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let t = table(&[Row::new("a", "1 ms", "2 ms", "2.0x", ">= 2x", Some(true))]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.len() == lines[0].len()), "{t}");
        assert!(lines[2].contains("| yes |"), "{t}");
    }

    #[test]
    fn counts_operations() {
        let doc = serde_json::json!({"paths": {"/a": {"get": {}, "post": {}, "parameters": []}, "/b": {"delete": {}}}});
        assert_eq!(count_ops(&doc), 3);
    }
}
