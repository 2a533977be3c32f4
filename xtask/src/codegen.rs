//! `cargo xtask codegen`: specs/ in, generated/ out. The pipeline is
//! [`read_specs`] (I/O) -> [`extract`] -> [`merge`] -> [`overlay`] -> [`lower`] -> [`emit`] -> [`write`](mod@write) (I/O);
//! everything between the two ends is a pure function of its input, so [`generate`] can be
//! tested without touching the disk.

pub mod config;
pub mod diagnostics;
pub mod emit;
pub mod extract;
pub mod ir;
pub mod lower;
pub mod merge;
pub mod naming;
pub mod overlay;
pub mod refs;
pub mod write;
pub mod yaml;

use std::fs;
use std::path::{Path, PathBuf};

use diagnostics::{Diagnostic, Diagnostics};
pub use emit::{EmitOptions, OutputFile};

/// One input file: its path as shown in diagnostics and headers, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Display path (`specs/make-api-v2/connections.md`).
    pub path: String,
    /// Raw contents (not yet checked to be UTF-8).
    pub bytes: Vec<u8>,
}

/// The files of one API folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiInput {
    /// Folder name (`make-api-v2`).
    pub name: String,
    /// `api.toml`, when present.
    pub config: Option<SourceFile>,
    /// `overlay.yaml` (or `.yml`, `.json`), when present: corrections applied to the merged document.
    pub overlay: Option<SourceFile>,
    /// Markdown pages and OpenAPI files, sorted by path.
    pub files: Vec<SourceFile>,
}

/// What one run produces.
#[derive(Debug)]
pub struct Generated {
    /// The lowered APIs (for snapshots).
    pub apis: Vec<ir::Api>,
    /// Every output file, relative to the output root.
    pub files: Vec<OutputFile>,
}

/// The pure middle of the pipeline: every API's files in, every output file out.
pub fn generate(inputs: &[ApiInput], opts: &EmitOptions) -> Result<Generated, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut apis = Vec::new();
    let mut files = Vec::new();
    for input in inputs {
        match generate_api(input, opts) {
            Ok((api, out)) => {
                apis.push(api);
                files.extend(out);
            }
            Err(d) => diags.extend(d),
        }
    }
    let mut crates = std::collections::BTreeMap::new();
    for api in &apis {
        for c in [&api.models_crate, &api.client_crate] {
            if let Some(other) = crates.insert(c.clone(), api.name.clone()) {
                diags.push(Diagnostic::global(format!("APIs `{other}` and `{}` both generate the crate `{c}`: set distinct names in api.toml [crates]", api.name)));
            }
        }
    }
    files.sort();
    diags.into_result(Generated { apis, files })
}

/// One API through extract, merge, lower and emit.
pub fn generate_api(input: &ApiInput, opts: &EmitOptions) -> Result<(ir::Api, Vec<OutputFile>), Diagnostics> {
    let config = match &input.config {
        Some(f) => {
            let text = std::str::from_utf8(&f.bytes).map_err(|_| Diagnostic::global(format!("{}: not valid UTF-8", f.path)))?;
            config::parse(&f.path, text)?
        }
        None => config::ApiConfig::default(),
    };
    let fragments = extract::extract(&input.files)?;
    if fragments.is_empty() {
        let dir = input.files.first().and_then(|f| f.path.rsplit_once('/')).map(|(d, _)| d.to_string()).unwrap_or_else(|| input.name.clone());
        return Err(Diagnostic::global(format!("{dir}: no OpenAPI documents found (expected ```json blocks in .md pages, or .json/.yaml files)")).into());
    }
    let mut merged = merge::merge(fragments)?;
    if let Some(file) = &input.overlay {
        let overlay = overlay::parse(file)?;
        let doc = serde_json::to_value(&merged.doc).expect("an OpenAPI document serializes");
        let corrected = overlay::apply(&overlay, &doc)?;
        merged.doc = extract::document_from_value(&corrected, &diagnostics::Location::new(file.path.clone(), 1))?;
    }
    let sources = input.files.iter().map(|f| f.path.clone()).collect();
    let config_file = input.config.as_ref().map_or_else(|| format!("{}/api.toml", input.name), |f| f.path.clone());
    let api = lower::lower(&input.name, &config, &config_file, &merged, sources)?;
    let json = serde_json::to_string_pretty(&merged.doc).expect("an OpenAPI document serializes") + "\n";
    let files = emit::emit(&api, json, opts);
    Ok((api, files))
}

/// Reads every API folder under `root`. `display` is how `root` is written in diagnostics and
/// headers (`specs`). A root holding spec files directly is read as a single API.
pub fn read_specs(root: &Path, display: &str) -> Result<Vec<ApiInput>, Diagnostics> {
    let display = display.trim_end_matches('/');
    if !root.is_dir() {
        return Err(Diagnostic::global(format!("specs folder `{display}` does not exist (pass --specs DIR)")).into());
    }
    let read_err = |p: &Path, e: std::io::Error| Diagnostic::global(format!("{}: {e}", p.display()));
    let mut dirs = Vec::new();
    let mut loose = false;
    for entry in fs::read_dir(root).map_err(|e| read_err(root, e))? {
        let path = entry.map_err(|e| read_err(root, e))?.path();
        if path.is_dir() {
            dirs.push(path);
        } else if is_spec_file(&path) {
            loose = true;
        }
    }
    dirs.sort();
    let mut apis = Vec::new();
    let mut diags = Diagnostics::default();
    if loose {
        let name = root.canonicalize().ok().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).unwrap_or_else(|| "api".into());
        apis.push(read_api(root, &name, display).map_err(|e| read_err(root, e))?);
    } else {
        for dir in dirs {
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name.starts_with('.') {
                continue;
            }
            let shown = format!("{display}/{name}");
            match read_api(&dir, &name, &shown) {
                Ok(api) if api.files.is_empty() => diags.push(Diagnostic::global(format!("{shown}: no spec files (.md, .json, .yaml)"))),
                Ok(api) => apis.push(api),
                Err(e) => diags.push(read_err(&dir, e)),
            }
        }
    }
    if apis.is_empty() && diags.is_empty() {
        diags.push(Diagnostic::global(format!("specs folder `{display}` holds no API folders (expected {display}/<api>/*.md)")));
    }
    diags.into_result(apis)
}

fn is_spec_file(p: &Path) -> bool {
    let name = p.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    !name.starts_with('.') && [".md", ".json", ".yaml", ".yml"].iter().any(|e| name.ends_with(e))
}

fn read_api(dir: &Path, name: &str, shown: &str) -> std::io::Result<ApiInput> {
    let mut files = Vec::new();
    collect(dir, shown, &mut files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let config_path = dir.join("api.toml");
    let config = if config_path.is_file() {
        Some(SourceFile { path: format!("{shown}/api.toml"), bytes: fs::read(&config_path)? })
    } else {
        None
    };
    let overlay = match overlay::FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file()) {
        Some(p) => {
            let file_name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            files.retain(|f| f.path != format!("{shown}/{file_name}"));
            Some(SourceFile { path: format!("{shown}/{file_name}"), bytes: fs::read(&p)? })
        }
        None => None,
    };
    Ok(ApiInput { name: name.to_string(), config, overlay, files })
}

fn collect(dir: &Path, shown: &str, out: &mut Vec<SourceFile>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            collect(&p, &format!("{shown}/{name}"), out)?;
        } else if is_spec_file(&p) {
            out.push(SourceFile { path: format!("{shown}/{name}"), bytes: fs::read(&p)? });
        }
    }
    Ok(())
}

/// The project root: the parent of the xtask crate.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the project root").to_path_buf()
}

/// Path from `from` (a folder) to `to`, using `..` where needed. Both are made absolute first.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
        // Resolve `..` and symlinks where the path exists.
        let mut existing = p.clone();
        let mut tail = Vec::new();
        while !existing.exists() {
            match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
                (Some(n), Some(parent)) => {
                    tail.push(n);
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut base = existing.canonicalize().unwrap_or(existing);
        for n in tail.into_iter().rev() {
            base.push(n);
        }
        base
    };
    let (from, to) = (abs(from), abs(to));
    let f: Vec<_> = from.components().collect();
    let t: Vec<_> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); f.len() - common];
    parts.extend(t[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    if parts.is_empty() { ".".into() } else { parts.join("/") }
}

/// Command-line options of `cargo xtask codegen`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--specs DIR`
    pub specs: Option<PathBuf>,
    /// `--out DIR`
    pub out: Option<PathBuf>,
    /// `--check`
    pub check: bool,
}

/// Runs the command; returns the process exit code (0 done, 1 output stale, 2 bad input or I/O
/// error). Messages go to stderr.
pub fn run(opts: &Options) -> i32 {
    let root = project_root();
    let (specs, specs_display) = match &opts.specs {
        Some(p) => (p.clone(), p.display().to_string()),
        None => (root.join("specs"), "specs".to_string()),
    };
    let out = opts.out.clone().unwrap_or_else(|| root.join("generated"));
    let inputs = match read_specs(&specs, &specs_display) {
        Ok(i) => i,
        Err(d) => {
            eprintln!("{d}");
            return 2;
        }
    };
    let emit_opts = EmitOptions { runtime_path: relative_path(&out.join("crate"), &root.join("crates/make-runtime")) };
    let generated = match generate(&inputs, &emit_opts) {
        Ok(g) => g,
        Err(d) => {
            eprintln!("{d}");
            return 2;
        }
    };
    let plan = match write::plan(&out, &generated.files) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if opts.check {
        if plan.is_empty() {
            eprintln!("codegen: {} generated files are up to date", plan.unchanged);
            return 0;
        }
        for line in plan.report() {
            eprintln!("{line}");
        }
        eprintln!("error: generated files are out of date; run `cargo xtask codegen` and commit the result");
        return 1;
    }
    if let Err(e) = write::apply(&plan) {
        eprintln!("error: {e}");
        return 2;
    }
    let ops: usize = generated.apis.iter().map(|a| a.operations().count()).sum();
    eprintln!(
        "codegen: {} API(s), {ops} operations: {} created, {} updated, {} deleted, {} unchanged",
        generated.apis.len(),
        plan.create.len(),
        plan.update.len(),
        plan.delete.len(),
        plan.unchanged
    );
    0
}
