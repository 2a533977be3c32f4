//! The generator on small valid documents that real generators got wrong, one kind of input
//! each: `tests/fixtures/cases/<case>/` holds the document (`openapi.json`, or any spec file the
//! generator reads) and `check.rs`, the case's right values as tests: the requests calls put on
//! the wire and the JSON that must decode and encode back unchanged.
//!
//! Every case is generated into a folder outside the workspace, and there built clippy-clean
//! together with one crate of checks (`tests/fixtures/cases/support.rs` as its library
//! `support`, each `check.rs` as one of its tests, with the case's client crate as `client`);
//! then the checks run. Adding a case is adding a folder: no code here names one.

mod common;

use std::fmt::Write as _;

#[test]
fn every_case_generates_builds_clippy_clean_and_meets_its_right_values() {
    let root = common::root();
    let cases = root.join("tests/fixtures/cases");
    let out = common::temp_dir("cases");
    let generated = common::generate(&cases, "tests/fixtures/cases", &out);
    let opts = xtask::codegen::Options { specs: Some(cases.clone()), out: Some(out.clone()), check: false };
    assert_eq!(xtask::codegen::run(&opts), 0, "every case is a valid document and generates");

    let missing: Vec<&str> = generated.apis.iter().map(|a| a.name.as_str()).filter(|n| !cases.join(n).join("check.rs").is_file()).collect();
    assert!(missing.is_empty(), "cases without a check.rs stating their right values: {missing:?}");

    let checks = out.join("case-checks");
    std::fs::create_dir_all(checks.join("src")).unwrap();
    std::fs::create_dir_all(checks.join("tests")).unwrap();
    std::fs::copy(cases.join("support.rs"), checks.join("src/lib.rs")).unwrap();
    let mut manifest = format!(
        "[package]\nname = \"case-checks\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\nname = \"support\"\n\n\
         [dependencies]\nmake-runtime = {{ path = {:?} }}\nserde = \"1\"\nserde_json = \"1\"\nwiremock = \"0.6\"\n\n\
         [dev-dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
        root.join("crates/make-runtime")
    );
    let mut members = vec!["case-checks".to_string()];
    for api in &generated.apis {
        members.extend([api.models_crate.clone(), api.client_crate.clone()]);
        let key = api.client_crate.replace('-', "_");
        writeln!(manifest, "{key} = {{ package = {:?}, path = \"../{}\" }}", api.client_crate, api.client_crate).unwrap();
        let check = std::fs::read_to_string(cases.join(&api.name).join("check.rs")).unwrap();
        let test_name = api.name.replace('-', "_");
        std::fs::write(checks.join(format!("tests/case_{test_name}.rs")), with_client_alias(&check, &key)).unwrap();
    }
    std::fs::write(checks.join("Cargo.toml"), manifest).unwrap();
    common::write_fixture_workspace(&out, &members.iter().map(String::as_str).collect::<Vec<_>>());

    common::fixture_cargo(&out, &["clippy", "--offline", "--quiet", "--all-targets", "--all-features", "--", "-D", "warnings"]);
    common::fixture_cargo(&out, &["test", "--offline", "--quiet", "--package", "case-checks"]);
    let _ = std::fs::remove_dir_all(&out);
}

/// `check.rs` with `use <crate> as client;` after its leading `//!` docs.
fn with_client_alias(check: &str, key: &str) -> String {
    let docs_end = check.lines().take_while(|l| l.starts_with("//!")).map(|l| l.len() + 1).sum::<usize>().min(check.len());
    format!("{}\nuse {key} as client;\n{}", &check[..docs_end], &check[docs_end..])
}
