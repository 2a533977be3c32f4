//! Section `downstream` of `cargo xtask bench`: what a user's crate pays to compile our crates.
//!
//! A workspace outside the repository holds the generated models and client crates of one API
//! and a downstream binary that calls one operation, as a user writes it (README dependency
//! block). Its third-party dependencies are built once; then each timed build follows
//! `cargo clean -p` of our crates (runtime, models, client) and the downstream crate: the clean
//! build a user pays whenever those crates change version, debug and release. Incremental
//! rebuilds: after a change to the client crate, and after a change to the downstream crate's
//! own code. Wall time and CPU time (user + system, all processes) are both reported: on a loaded
//! machine the CPU time is the steadier figure.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::measure::{measured, median, Run};
use super::{fresh, log, Ctx, Row};

/// The size below which the checked-in API is too small to say anything about scale: the
/// section then measures a synthetic API of [`SYNTH_OPS`] operations.
const MIN_OPS: usize = 400;

/// The size of the synthetic API measured when the checked-in one is too small.
const SYNTH_OPS: usize = 500;

/// One API to build: where its specs are and what its crates are called.
struct Subject {
    label: String,
    specs: PathBuf,
    models: String,
    client: String,
    operations: usize,
}

fn operation_count(openapi: &Path) -> usize {
    let Ok(text) = fs::read_to_string(openapi) else { return 0 };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else { return 0 };
    let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    doc["paths"].as_object().map_or(0, |paths| paths.values().map(|item| methods.iter().filter(|m| item.get(**m).is_some()).count()).sum())
}

fn subject(ctx: &Ctx, base: &Path) -> Result<Subject, String> {
    let ops = operation_count(&ctx.root.join("generated/openapi/make-api-v2.json"));
    if ops >= MIN_OPS {
        return Ok(Subject { label: format!("Make API v2 as checked in ({ops} operations)"), specs: ctx.root.join("specs"), models: "make-models".into(), client: "make-client".into(), operations: ops });
    }
    let specs = base.join("synth-specs");
    fresh(&specs)?;
    super::synth::write(&specs, "synth", SYNTH_OPS).map_err(|e| e.to_string())?;
    Ok(Subject {
        label: format!("synthetic API of {SYNTH_OPS} operations (`cargo xtask synth --ops {SYNTH_OPS}`; the checked-in Make API has {ops})"),
        specs,
        models: "synth-models".into(),
        client: "synth-client".into(),
        operations: SYNTH_OPS,
    })
}

/// The downstream binary: one call, as the README shows it.
fn downstream_main(s: &Subject, ws: &Path) -> Result<String, String> {
    // The first operation of the first handle that takes only a team id, or any list.
    let lib = fs::read_to_string(ws.join(format!("gen/{}/src/lib.rs", s.client))).map_err(|e| e.to_string())?;
    let krate = s.client.replace('-', "_");
    let call = if s.client == "make-client" {
        "client.connections().list(35).send().await?".to_string()
    } else {
        let handle = lib.lines().find_map(|l| l.trim().strip_prefix("pub mod ").and_then(|m| m.strip_suffix(';'))).ok_or("the client has no handle")?;
        format!("client.{handle}().list(35).send().await?")
    };
    Ok(format!(
        "#[tokio::main]\nasync fn main() -> Result<(), {krate}::Error> {{\n    let client = {krate}::Client::builder(std::env::var(\"MAKE_API_TOKEN\").unwrap_or_default()).build()?;\n    let page = {call};\n    println!(\"{{page:?}}\");\n    Ok(())\n}}\n"
    ))
}

pub(super) fn section(ctx: &mut Ctx) -> Result<(), String> {
    let base = ctx.dir.join("downstream");
    let ws = base.join("ws");
    let target = base.join("target");
    fs::create_dir_all(&base).map_err(|e| e.to_string())?;
    let s = subject(ctx, &base)?;
    fresh(&ws)?;
    log(format!("downstream: generating {}", s.label));
    let gen = measured(&ctx.xtask, &ctx.xtask, &os(["codegen", "--specs", &path(&s.specs), "--out", &path(&ws.join("gen"))]), &ctx.root).map_err(|e| e.to_string())?;
    if !gen.ok {
        return Err(format!("codegen failed:\n{}", super::measure::tail(&gen.output, 20)));
    }
    let app = ws.join("app");
    fs::create_dir_all(app.join("src")).map_err(|e| e.to_string())?;
    fs::write(
        app.join("Cargo.toml"),
        format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{} = {{ path = \"../gen/{}\" }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
            s.client, s.client
        ),
    )
    .map_err(|e| e.to_string())?;
    let main_rs = downstream_main(&s, &ws)?;
    fs::write(app.join("src/main.rs"), &main_rs).map_err(|e| e.to_string())?;
    fs::write(ws.join("Cargo.toml"), format!("[workspace]\nresolver = \"2\"\nmembers = [\"gen/{}\", \"gen/{}\", \"app\"]\n", s.models, s.client)).map_err(|e| e.to_string())?;
    fs::copy(ctx.root.join("Cargo.lock"), ws.join("Cargo.lock")).map_err(|e| e.to_string())?;

    let cargo_bin = PathBuf::from(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    let target_arg = path(&target);
    let run = |args: &[&str], release: bool| -> Result<Run, String> {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--offline", "--target-dir", &target_arg]);
        if release {
            a.push("--release");
        }
        let r = measured(&ctx.xtask, &cargo_bin, &os(a), &ws).map_err(|e| e.to_string())?;
        if r.ok {
            Ok(r)
        } else {
            Err(format!("cargo {} failed:\n{}", args.join(" "), super::measure::tail(&r.output, 30)))
        }
    };
    let ours = ["make-runtime", s.models.as_str(), s.client.as_str(), "app"];
    let clean: Vec<&str> = std::iter::once("clean").chain(ours.iter().flat_map(|c| ["-p", c])).collect();
    for release in [false, true] {
        log(format!("downstream: building the dependencies once ({})", if release { "release" } else { "debug" }));
        run(&["build", "-p", "app"], release)?;
    }
    let runs = ctx.settings.compile_runs.max(1);
    // [clean debug, clean release, client changed, downstream changed]
    let mut figures: [Vec<Run>; 4] = Default::default();
    let client_lib = ws.join(format!("gen/{}/src/lib.rs", s.client));
    for round in 0..runs {
        log(format!("downstream: round {}/{runs}", round + 1));
        for (i, release) in [(0, false), (1, true)] {
            run(&clean, release)?;
            figures[i].push(run(&["build", "-p", "app"], release)?);
        }
        // A change to the client crate (a comment appended, as a regeneration that changes one
        // doc line would): it and the downstream crate are rebuilt.
        let lib = fs::read_to_string(&client_lib).map_err(|e| e.to_string())?;
        fs::write(&client_lib, format!("{lib}// bench round {round}\n")).map_err(|e| e.to_string())?;
        figures[2].push(run(&["build", "-p", "app"], false)?);
        // A change to the downstream crate's own code.
        fs::write(app.join("src/main.rs"), format!("{main_rs}// bench round {round}\n")).map_err(|e| e.to_string())?;
        figures[3].push(run(&["build", "-p", "app"], false)?);
    }

    let secs = |d: Duration| d.as_secs_f64();
    let med = |rs: &[Run], f: &dyn Fn(&Run) -> f64| median(&rs.iter().map(f).collect::<Vec<_>>());
    let lines = |krate: &str| super::rust_lines(&ws.join(format!("gen/{krate}/src")));
    let mut d = String::from("## 5. What a downstream crate pays to compile our crates\n\n");
    let _ = writeln!(
        d,
        "A workspace outside the repository (`target/bench/downstream/ws`) with the generated crates of the {} ({} + {} lines of Rust in `{}` + `{}`) and a binary crate calling one operation (`{}`). Its third-party dependencies are built once; each clean build follows `cargo clean -p` of `make-runtime`, `{}`, `{}` and the binary. {runs} round(s); medians. CPU is user + system time of all processes: on a loaded machine the steadier figure; on an idle 2-core machine the wall time lies between half of it and all of it (rustc works on one crate at a time here, on up to two threads).\n",
        s.label,
        lines(&s.models),
        lines(&s.client),
        s.models,
        s.client,
        main_rs.lines().find(|l| l.contains(".send()")).map(str::trim).unwrap_or("-"),
        s.models,
        s.client
    );
    let _ = writeln!(d, "| build | wall | CPU |\n|---|---|---|");
    let names = [
        "clean debug build of our crates + the binary",
        "clean release build of our crates + the binary",
        "rebuild after a change to the client crate (debug)",
        "rebuild after a change to the binary's code (debug)",
    ];
    for (i, name) in names.iter().enumerate() {
        let (wall, cpu) = (med(&figures[i], &|r| secs(r.wall)), med(&figures[i], &|r| secs(r.cpu)));
        let _ = writeln!(d, "| {name} | {wall:.1} s | {cpu:.1} s |");
    }
    let clean_debug_cpu = med(&figures[0], &|r| secs(r.cpu));
    let _ = writeln!(
        d,
        "\nThe issue's threshold: a downstream crate should not pay more than about a minute for a clean debug build of our crates on a 2-core machine; the CPU time above bounds the wall time of an idle 2-core machine from above.\n"
    );
    ctx.report.rows.push(Row::new(
        format!("downstream clean debug build, {} ops", s.operations),
        format!("{:.1} s wall", med(&figures[0], &|r| secs(r.wall))),
        format!("{clean_debug_cpu:.1} s CPU"),
        "-",
        "< ~60 s on 2 cores",
        Some(clean_debug_cpu < 60.0),
    ));
    ctx.report.details.push(d);
    Ok(())
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

fn os<'a>(args: impl IntoIterator<Item = &'a str>) -> Vec<OsString> {
    args.into_iter().map(OsString::from).collect()
}
