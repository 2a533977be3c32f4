//! Bad input: every fixture under `tests/fixtures/bad/` (and the cases made at run time) must
//! give located diagnostics (locked by snapshots), exit code 2, no panic, and leave the output
//! folder exactly as it was.

mod common;

use std::path::Path;

use xtask::codegen::{self, Options};

/// The diagnostics for a specs folder, as the command prints them.
fn diagnostics(specs: &Path, display: &str) -> String {
    let out = common::temp_dir("unused-out");
    match codegen::read_specs(specs, display).and_then(|inputs| codegen::generate(&inputs, &common::emit_options(&out))) {
        Ok(_) => panic!("{display}: expected diagnostics, got output"),
        Err(d) => d.to_string(),
    }
}

/// Runs the command on `specs` with an output folder holding a previous good run; asserts exit
/// code 2 and an untouched output folder.
fn assert_exit_2_and_output_untouched(specs: &Path, name: &str) {
    let out = common::temp_dir(&format!("out-{name}"));
    let good = Options { specs: Some(common::root().join("tests/fixtures/good")), out: Some(out.clone()), check: false };
    assert_eq!(codegen::run(&good), 0);
    let before = common::tree(&out);
    let bad = Options { specs: Some(specs.to_path_buf()), out: Some(out.clone()), check: false };
    assert_eq!(codegen::run(&bad), 2, "{name}: expected exit code 2");
    assert!(common::tree(&out) == before, "{name}: the output folder changed");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn every_bad_fixture_is_reported_with_its_location() {
    let bad = common::root().join("tests/fixtures/bad");
    let mut cases: Vec<_> = std::fs::read_dir(&bad).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 9);
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let shown = format!("tests/fixtures/bad/{name}");
        let text = diagnostics(&case, &shown);
        assert!(text.contains(&shown), "{name}: diagnostics do not name the file:\n{text}");
        insta::assert_snapshot!(format!("bad__{name}"), text);
        assert_exit_2_and_output_untouched(&case, &name);
    }
}

#[test]
fn missing_and_empty_specs_folders() {
    let dir = common::temp_dir("empty-specs");
    assert_eq!(diagnostics(&dir.join("nope"), "specs-missing"), "error: specs folder `specs-missing` does not exist (pass --specs DIR)\n1 error(s)");
    assert_eq!(diagnostics(&dir, "specs-empty"), "error: specs folder `specs-empty` holds no API folders (expected specs-empty/<api>/*.md)\n1 error(s)");
    std::fs::create_dir_all(dir.join("api")).unwrap();
    assert_eq!(diagnostics(&dir, "specs-empty"), "error: specs-empty/api: no spec files (.md, .json, .yaml)\n1 error(s)");
    assert_exit_2_and_output_untouched(&dir.join("nope"), "missing");
    assert_exit_2_and_output_untouched(&dir, "empty");
}

#[test]
fn non_utf8_and_deep_nesting_made_at_run_time() {
    let dir = common::temp_dir("runtime-bad");
    std::fs::write(dir.join("page.md"), b"# Page\n\n```json\n{\"openapi\": \"3.0.0\xff\"}\n```\n").unwrap();
    assert_eq!(diagnostics(&dir, "gen"), "error: gen/page.md:4:19: the file is not valid UTF-8\n1 error(s)");
    assert_exit_2_and_output_untouched(&dir, "non-utf8");

    let deep = format!("# Page\n\n```json\n{}{}\n```\n", "[".repeat(10_000), "]".repeat(10_000));
    std::fs::write(dir.join("page.md"), deep).unwrap();
    let text = diagnostics(&dir, "gen");
    assert!(text.starts_with("error: gen/page.md:4:") && text.contains("recursion limit exceeded"), "{text}");
    assert_exit_2_and_output_untouched(&dir, "deep");
}

#[test]
fn a_page_that_is_not_a_spec_is_an_error_not_silence() {
    let dir = common::temp_dir("no-blocks");
    std::fs::write(dir.join("readme.md"), "# Just prose\n\nNo blocks here.\n").unwrap();
    let text = diagnostics(&dir, "prose");
    assert!(text.contains("no OpenAPI documents found"), "{text}");
}
