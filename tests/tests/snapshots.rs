//! The generator's output for `specs/`, locked by insta snapshots: the IR (what the generator
//! understood of the docs) and every generated file. A change in the specs or the generator shows
//! up here as a diff to review (`cargo insta review`). Also: the checked-in `generated/` must be
//! exactly what the generator writes now.

mod common;

#[test]
fn ir_and_every_generated_file_match_their_snapshots() {
    let root = common::root();
    let generated = common::generate(&root.join("specs"), "specs", &root.join("generated"));
    for api in &generated.apis {
        insta::assert_json_snapshot!(format!("ir__{}", api.name), api);
    }
    for file in &generated.files {
        insta::assert_snapshot!(format!("file__{}", file.path.replace(['/', '.'], "_")), &file.contents);
    }
}

#[test]
fn checked_in_generated_files_are_up_to_date() {
    let root = common::root();
    let out = root.join("generated");
    let generated = common::generate(&root.join("specs"), "specs", &out);
    let plan = xtask::codegen::write::plan(&out, &generated.files).unwrap();
    assert!(
        plan.is_empty(),
        "generated/ is out of date:\n{}\nrun `cargo xtask codegen` and commit the result",
        plan.report().join("\n")
    );
}

#[test]
fn generation_is_byte_identical_from_run_to_run() {
    let root = common::root();
    let a = common::generate(&root.join("specs"), "specs", &root.join("generated"));
    let b = common::generate(&root.join("specs"), "specs", &root.join("generated"));
    assert_eq!(a.files, b.files);
}

#[test]
fn one_connection_type_serves_list_create_rename_and_details() {
    let root = common::root();
    let generated = common::generate(&root.join("specs"), "specs", &root.join("generated"));
    let api = generated.apis.iter().find(|a| a.name == "make-api-v2").unwrap();
    // The types the Connections operations reach (other sections have connection types of
    // their own: custom apps' connection definitions, OAuth clients).
    let group = api.groups.iter().find(|g| g.tag == "Connections").unwrap();
    let mut reached = std::collections::BTreeSet::new();
    let mut todo: Vec<String> = group.operations.iter().map(|o| format!("{:?} {:?} {:?}", o.params, o.body, o.response)).collect();
    while let Some(text) = todo.pop() {
        for name in text.split("Named(\"").skip(1).filter_map(|rest| rest.split('"').next()) {
            if let Some(def) = api.type_def(name).filter(|_| reached.insert(name.to_string())) {
                todo.push(format!("{def:?}"));
            }
        }
    }
    let connection_types: Vec<&str> = api
        .types
        .iter()
        .map(|t| t.name.as_str())
        .filter(|n| reached.contains(*n) && n.contains("Connection") && !n.ends_with("Response") && !n.ends_with("Body") && !n.ends_with("Col"))
        .collect();
    // `VerifyConnectionScopedResponseConnection` is `{scoped}` only: a different object.
    assert_eq!(connection_types, ["Connection", "ConnectionDetails", "ConnectionScope", "VerifyConnectionScopedResponseConnection"]);
    let field_type = |ty: &str, field: &str| -> String {
        let Some(xtask::codegen::ir::TypeDef { kind: xtask::codegen::ir::TypeKind::Struct { fields, flatten, .. }, .. }) = api.type_def(ty) else { panic!("{ty}") };
        fields.iter().find(|f| f.wire == field).map(|f| format!("{:?}", f.ty)).or_else(|| flatten.first().map(|f| format!("flatten {:?}", f.ty))).unwrap()
    };
    assert_eq!(field_type("ListConnectionsResponse", "connections"), "Vec(Named(\"Connection\"))");
    assert_eq!(field_type("CreateConnectionResponse", "connection"), "Named(\"Connection\")");
    assert_eq!(field_type("RenameConnectionResponse", "connection"), "Named(\"Connection\")");
    assert_eq!(field_type("GetConnectionDetailsResponse", "connection"), "Named(\"ConnectionDetails\")");
    // `allOf: [connection, {scopes}]` is one struct with the fields of both, not a flattened base.
    assert_eq!(field_type("ConnectionDetails", "uid"), "String");
    assert_eq!(field_type("ConnectionDetails", "scopes"), "Vec(Named(\"ConnectionScope\"))");
}

/// Every operation's method carries a `no_run` example (compiled by `cargo test --doc`): its
/// required arguments, and a body with its required fields set.
#[test]
fn every_operation_has_a_compiled_example() {
    let root = common::root();
    let generated = common::generate(&root.join("specs"), "specs", &root.join("generated"));
    let mut missing = Vec::new();
    let mut count = 0;
    for api in &generated.apis {
        for g in &api.groups {
            let file = format!("{}/src/{}.rs", api.client_crate, g.path.join("/"));
            let source = &generated.files.iter().find(|f| f.path == file).unwrap_or_else(|| panic!("no {file}")).contents;
            let lines: Vec<&str> = source.lines().collect();
            for o in &g.operations {
                count += 1;
                let start = format!("    pub fn {}(", o.method_name);
                let at = lines.iter().position(|l| l.starts_with(&start)).unwrap_or_else(|| panic!("{file}: no `{start}`"));
                let doc: Vec<&str> = lines[..at].iter().rev().take_while(|l| l.trim_start().starts_with("///") || l.trim_start().starts_with("#[")).copied().collect();
                if !doc.iter().any(|l| l.contains("```no_run")) {
                    missing.push(format!("[{}] {}", api.name, o.id));
                }
            }
        }
    }
    assert!(count > 500, "only {count} operations found");
    assert!(missing.is_empty(), "operations without a doc example:\n{}", missing.join("\n"));
}
