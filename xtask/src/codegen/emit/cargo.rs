//! Cargo manifests of the generated crates. They name every dependency with a version (no
//! workspace inheritance) and reach the runtime and their models crate by a relative path with a
//! version, so crates written to another `--out` build where they are and can be packaged and
//! published (`cargo package` replaces each path by its version). Package metadata comes from
//! `[package]` in `api.toml`.

use super::{header, EmitOptions, OutputFile};
use crate::codegen::ir::Api;

const LINTS: &str = "[lints.rust]\nmissing_docs = \"warn\"\nunsafe_code = \"forbid\"\n";

/// The version of `crates/make-runtime` the generated clients depend on (a test checks it
/// against the runtime's manifest).
pub const RUNTIME_VERSION: &str = "0.1.0";

/// The version of `crates/make-decode` (the decoding policy) the generated models depend on.
pub const DECODE_VERSION: &str = "0.1.0";

/// A TOML basic string.
fn toml_str(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// The `[package]` table of `crate_name`.
fn package(api: &Api, crate_name: &str, description: &str) -> String {
    let p = &api.package;
    let mut out = format!(
        "[package]\nname = {}\nversion = {}\nedition = \"2024\"\nrust-version = \"1.85\"\nlicense = {}\ndescription = {}\n",
        toml_str(crate_name),
        toml_str(&p.version),
        toml_str(&p.license),
        toml_str(description),
    );
    let mut key = |k: &str, v: Option<&String>| {
        if let Some(v) = v {
            out.push_str(&format!("{k} = {}\n", toml_str(v)));
        }
    };
    key("repository", p.repository.as_ref());
    key("homepage", p.homepage.as_ref());
    key("documentation", Some(&p.documentation.replace("{crate}", crate_name)));
    key("readme", p.readme.as_ref());
    let list = |items: &[String]| items.iter().map(|i| toml_str(i)).collect::<Vec<_>>().join(", ");
    if !p.keywords.is_empty() {
        out.push_str(&format!("keywords = [{}]\n", list(&p.keywords)));
    }
    if !p.categories.is_empty() {
        out.push_str(&format!("categories = [{}]\n", list(&p.categories)));
    }
    out
}

/// `<models>/Cargo.toml`.
pub fn models_manifest(api: &Api, opts: &EmitOptions) -> OutputFile {
    let contents = format!(
        "{header}\n{package}\n[dependencies]\nmake-runtime = {{ version = \"{RUNTIME_VERSION}\", path = \"{runtime}\" }}\nmake-decode = {{ version = \"{DECODE_VERSION}\", path = \"{decode}\" }}\nserde = {{ version = \"1.0.181\", features = [\"derive\"] }}\nserde_json = \"1\"\nchrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\n\n{LINTS}",
        header = header(api, "#"),
        package = package(api, &api.models_crate, &format!("Data types of the {}, generated from its docs.", super::api_title(api))),
        runtime = opts.runtime_path,
        decode = decode_path(opts),
    );
    OutputFile { path: format!("{}/Cargo.toml", api.models_crate), contents }
}

/// `<client>/Cargo.toml`.
pub fn client_manifest(api: &Api, opts: &EmitOptions) -> OutputFile {
    let contents = format!(
        "{header}\n{package}\n[dependencies]\n{models} = {{ version = {version}, path = \"../{models}\" }}\nmake-runtime = {{ version = \"{RUNTIME_VERSION}\", path = \"{runtime}\" }}\nserde_json = \"1\"\nchrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\n\n[dev-dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n[features]\n# `catalogue`: every operation as data, callable from JSON arguments (tests, command lines, tool lists).\ncatalogue = [\"make-runtime/catalogue\"]\n\n{LINTS}",
        header = header(api, "#"),
        package = package(api, &api.client_crate, &format!("Async client for the {}, generated from its docs.", super::api_title(api))),
        models = api.models_crate,
        version = toml_str(&format!("={}", api.package.version)),
        runtime = opts.runtime_path,
    );
    OutputFile { path: format!("{}/Cargo.toml", api.client_crate), contents }
}

/// The decoding-policy crate (`crates/make-decode`) sits beside the runtime.
fn decode_path(opts: &EmitOptions) -> String {
    match opts.runtime_path.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/make-decode"),
        None => "make-decode".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_version_matches_the_decode_manifest() {
        let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/make-decode/Cargo.toml")).unwrap();
        let parsed: toml::Table = manifest.parse().unwrap();
        assert_eq!(parsed["package"]["version"].as_str(), Some(DECODE_VERSION), "update DECODE_VERSION with make-decode's version");
    }

    #[test]
    fn runtime_version_matches_the_runtime_manifest() {
        let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/make-runtime/Cargo.toml")).unwrap();
        let parsed: toml::Table = manifest.parse().unwrap();
        assert_eq!(parsed["package"]["version"].as_str(), Some(RUNTIME_VERSION), "update RUNTIME_VERSION with the runtime's version");
    }

    #[test]
    fn strings_are_toml_escaped() {
        for text in ["plain", "a \"b\" \\ c", "line\nbreak", "it's", "'\"'"] {
            let parsed: toml::Table = format!("k = {}", toml_str(text)).parse().unwrap();
            assert_eq!(parsed["k"].as_str(), Some(text));
        }
    }
}
