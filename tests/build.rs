//! Lists the model types of every checked-in models crate for `tests/roundtrip.rs`, so the
//! round-trip tests need no hand-written line per type: every top-level `pub struct` and
//! `pub enum` of `generated/<models>/src/lib.rs` becomes one arm of that test's dispatcher.
//! (`Scope` has its own test there; `UnknownScope` is `FromStr`'s error, not a model.)

use std::fmt::Write as _;
use std::path::Path;

/// (constant and function prefix in roundtrip.rs, models crate folder, crate path re-exporting it)
const MODELS: &[(&str, &str, &str)] = &[
    ("make", "make-models", "make_client::models"),
    ("admin", "make-admin-models", "make_admin_client::models"),
    ("academy", "academy-models", "academy_client::models"),
];

fn main() {
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated");
    let mut out = String::new();
    for (prefix, folder, krate) in MODELS {
        let lib = generated.join(folder).join("src/lib.rs");
        println!("cargo:rerun-if-changed={}", lib.display());
        let source = std::fs::read_to_string(&lib).unwrap_or_else(|e| panic!("{}: {e}", lib.display()));
        let names: Vec<&str> = source
            .lines()
            .filter_map(|l| l.strip_prefix("pub struct ").or_else(|| l.strip_prefix("pub enum ")))
            .filter_map(|rest| rest.split(|c: char| !c.is_alphanumeric() && c != '_').next())
            .filter(|name| !["Scope", "UnknownScope"].contains(name))
            .collect();
        let upper = prefix.to_uppercase();
        let _ = writeln!(out, "model_types!({upper}_TYPES, {prefix}_round_trip, {prefix}_decode, {krate}: {});", names.join(", "));
    }
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("model_types.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
