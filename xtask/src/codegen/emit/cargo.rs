//! Cargo manifests of the generated crates. They name every dependency with a version (no
//! workspace inheritance) and reach the runtime by a relative path, so crates written to another
//! `--out` build where they are.

use super::{header, EmitOptions, OutputFile};
use crate::codegen::ir::Api;

const LINTS: &str = "[lints.rust]\nmissing_docs = \"warn\"\nunsafe_code = \"forbid\"\n";

fn description(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// `<models>/Cargo.toml`.
pub fn models_manifest(api: &Api) -> OutputFile {
    let contents = format!(
        "{header}\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\nrust-version = \"1.85\"\nlicense = \"MIT OR Apache-2.0\"\npublish = false\ndescription = \"{desc}\"\n\n[dependencies]\nserde = {{ version = \"1.0.181\", features = [\"derive\"] }}\nserde_json = \"1\"\nchrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\n\n{LINTS}",
        header = header(api, "#"),
        name = api.models_crate,
        desc = description(&format!("Data types of the {}, generated from its docs.", super::api_title(api))),
    );
    OutputFile { path: format!("{}/Cargo.toml", api.models_crate), contents }
}

/// `<client>/Cargo.toml`.
pub fn client_manifest(api: &Api, opts: &EmitOptions) -> OutputFile {
    let contents = format!(
        "{header}\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\nrust-version = \"1.85\"\nlicense = \"MIT OR Apache-2.0\"\npublish = false\ndescription = \"{desc}\"\n\n[dependencies]\n{models} = {{ path = \"../{models}\" }}\nmake-runtime = {{ path = \"{runtime}\" }}\nserde_json = \"1\"\nchrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\n\n[dev-dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n[features]\n# `catalogue`: every operation as data, callable from JSON arguments (tests, command lines, tool lists).\ncatalogue = [\"make-runtime/catalogue\"]\n\n{LINTS}",
        header = header(api, "#"),
        name = api.client_crate,
        models = api.models_crate,
        runtime = opts.runtime_path,
        desc = description(&format!("Async client for the {}, generated from its docs.", super::api_title(api))),
    );
    OutputFile { path: format!("{}/Cargo.toml", api.client_crate), contents }
}
