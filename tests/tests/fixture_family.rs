//! The generator on documents that are not the Connections page: another Make reference page
//! (pagination, `number` IDs, OPTIONS, `text/plain`, GitBook escapes and `<br>`, a tag with no
//! description, no config file) and a plain YAML OpenAPI file (keywords as names, recursion,
//! `oneOf`, nullable, odd enum values, maps, binary bodies, header parameters), nested sections
//! (`Scenarios > Logs`, `Users > Me > API Tokens`) written with several separators, and an `allOf`
//! extension that re-declares base properties (shared case 12, decoded for real). The output is
//! snapshotted, written to a folder outside the workspace, and must build there clippy-clean
//! with every feature (the operation catalogue too).

mod common;


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

    let members: Vec<&str> = generated.apis.iter().flat_map(|a| [a.models_crate.as_str(), a.client_crate.as_str()]).collect();
    common::write_fixture_workspace(&out, &members);
    common::fixture_cargo(&out, &["clippy", "--offline", "--quiet", "--all-targets", "--all-features", "--", "-D", "warnings"]);

    // `allof-redeclared` (shared case 12): an `allOf` extension that lists base properties again
    // refines them. The body decodes into one field per key and encodes `status` once.
    let test_dir = out.join("allof-redeclared-models/tests");
    std::fs::create_dir_all(&test_dir).unwrap();
    std::fs::write(test_dir.join("decode.rs"), ALLOF_REDECLARED_DECODE).unwrap();
    common::fixture_cargo(&out, &["test", "--offline", "--quiet", "-p", "allof-redeclared-models", "--test", "decode"]);
    let _ = std::fs::remove_dir_all(&out);
}

const ALLOF_REDECLARED_DECODE: &str = r##"
use allof_redeclared_models::ValidationProblem;

#[test]
fn a_redeclared_base_property_is_one_field_with_the_base_type() {
    let body = r#"{"title":"Invalid order","status":422,"errors":[{"field":"quantity","message":"must be at least 1"}]}"#;
    let p: ValidationProblem = serde_json::from_str(body).unwrap();
    assert_eq!((p.title.as_str(), p.status, p.errors.len()), ("Invalid order", 422, 1));
    assert_eq!(p.errors[0].field, "quantity");
    let back = serde_json::to_string(&p).unwrap();
    assert_eq!(back.matches("\"status\"").count(), 1, "{back}");
    assert!(back.contains("\"status\":422"), "{back}");
    // `status` is required by the extension, with the base's integer type.
    let err = serde_json::from_str::<ValidationProblem>(r#"{"title":"t","errors":[]}"#).unwrap_err();
    assert!(err.to_string().contains("missing field `status`"), "{err}");
}
"##;

/// `tests/fixtures/good/nested-sections`: tags written with `>`, `/` and ` - ` become handles
/// under their parents, two spellings of one section are one handle, a parent with no operations
/// of its own still gets a handle, and an operation named like a child handle yields to it.
#[test]
fn nested_sections_become_nested_handles() {
    let root = common::root();
    let out = common::temp_dir("nested-out");
    let generated = common::generate(&root.join("tests/fixtures/good"), "tests/fixtures/good", &out);
    let api = generated.apis.iter().find(|a| a.name == "nested-sections").unwrap();
    let handles: Vec<(String, &str, usize)> = api.groups.iter().map(|g| (g.path.join("."), g.rust_name.as_str(), g.operations.len())).collect();
    assert_eq!(
        handles,
        [
            ("scenarios".to_string(), "Scenarios", 4),
            ("scenarios.logs".into(), "ScenarioLogs", 2),
            ("sdk_apps".into(), "SdkApps", 0),
            ("sdk_apps.rpcs".into(), "SdkAppRpcs", 1),
            ("users".into(), "Users", 0),
            ("users.me".into(), "UserMe", 0),
            ("users.me.api_tokens".into(), "UserMeApiTokens", 2),
        ]
    );
    let ids: Vec<&str> = api.operations().map(|(_, o)| o.id.as_str()).collect();
    assert_eq!(
        ids,
        ["scenarios.list", "scenarios.create", "scenarios.get_logs", "scenarios.start", "scenarios.logs.list", "scenarios.logs.get", "sdk_apps.rpcs.list", "users.me.api_tokens.list", "users.me.api_tokens.create"]
    );
    let files: Vec<&str> = generated.files.iter().map(|f| f.path.as_str()).filter(|p| p.starts_with("nested-sections-client/src/")).collect();
    assert_eq!(
        files,
        [
            "nested-sections-client/src/catalogue.rs",
            "nested-sections-client/src/lib.rs",
            "nested-sections-client/src/scenarios.rs",
            "nested-sections-client/src/scenarios/logs.rs",
            "nested-sections-client/src/sdk_apps.rs",
            "nested-sections-client/src/sdk_apps/rpcs.rs",
            "nested-sections-client/src/users.rs",
            "nested-sections-client/src/users/me.rs",
            "nested-sections-client/src/users/me/api_tokens.rs",
        ]
    );
    let me = generated.files.iter().find(|f| f.path == "nested-sections-client/src/users/me.rs").unwrap();
    assert!(me.contents.contains("pub mod api_tokens;") && me.contents.contains("pub fn api_tokens(&self) -> api_tokens::UserMeApiTokens"), "{}", me.contents);
    let _ = std::fs::remove_dir_all(&out);
}
