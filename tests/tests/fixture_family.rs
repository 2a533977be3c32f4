//! The generator on documents that are not the Connections page: another Make reference page
//! (pagination, `number` IDs, OPTIONS, `text/plain`, GitBook escapes and `<br>`, a tag with no
//! description, no config file) and a plain YAML OpenAPI file (keywords as names, recursion,
//! `oneOf`, nullable, odd enum values, maps, binary bodies, header parameters). The output is
//! snapshotted, written to a folder outside the workspace, and must build there clippy-clean.

mod common;

use std::process::Command;

#[test]
fn good_fixtures_generate_and_their_crates_build_clippy_clean_elsewhere() {
    let root = common::root();
    let out = common::temp_dir("fixture-out");
    let generated = common::generate(&root.join("tests/fixtures/good"), "tests/fixtures/good", &out);
    for api in &generated.apis {
        insta::assert_json_snapshot!(format!("fixture_ir__{}", api.name), api);
    }
    let opts = xtask::codegen::Options { specs: Some(root.join("tests/fixtures/good")), out: Some(out.clone()), check: false };
    assert_eq!(xtask::codegen::run(&opts), 0);
    // A second run changes nothing, and --check agrees.
    assert_eq!(xtask::codegen::run(&xtask::codegen::Options { check: true, ..opts.clone() }), 0);

    let members: Vec<String> = generated.apis.iter().flat_map(|a| [a.models_crate.clone(), a.client_crate.clone()]).map(|c| format!("\"{c}\"")).collect();
    std::fs::write(out.join("Cargo.toml"), format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "))).unwrap();
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let status = Command::new(env!("CARGO"))
        .args(["clippy", "--offline", "--quiet", "--all-targets", "--", "-D", "warnings"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root.join("target/fixtures"))
        .status()
        .unwrap();
    assert!(status.success(), "the generated fixture crates in {} do not build clippy-clean", out.display());
    let _ = std::fs::remove_dir_all(&out);
}
