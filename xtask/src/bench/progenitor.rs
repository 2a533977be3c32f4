//! cargo-progenitor, the reference generator: installing it, and preparing our merged OpenAPI
//! document for it.
//!
//! Progenitor names every method from `operationId`, which Make's docs never carry, so the bench
//! adds one derived from the method and path (`GET /connections/{connectionId}` →
//! `get_connections_connection_id`). When progenitor still rejects the document, the fixes in
//! [`FIXES`] are applied one after the other until it accepts it; the report names every fix
//! that was needed.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use heck::ToSnakeCase;
use serde_json::{Map, Value};

/// The pinned cargo-progenitor version (`cargo install cargo-progenitor --version`).
pub const VERSION: &str = "0.15.1";

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One change to the document that progenitor may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// Remove parameters whose name is chosen at run time (`<connectionType>[]`).
    DropPlaceholderParams,
    /// Keep only the first 2xx response of each operation and only `application/json` bodies.
    FirstJsonResponseOnly,
    /// Replace `allOf` of inline objects by one object holding all their properties.
    FlattenAllOf,
}

/// The fixes tried, cumulatively, when progenitor rejects the document.
pub const FIXES: [Fix; 3] = [Fix::DropPlaceholderParams, Fix::FirstJsonResponseOnly, Fix::FlattenAllOf];

impl Fix {
    /// What the fix changes, for the report.
    pub fn describe(self) -> &'static str {
        match self {
            Fix::DropPlaceholderParams => "removed the parameters named with a `<placeholder>` (e.g. `<connectionType>[]`)",
            Fix::FirstJsonResponseOnly => "kept only the first 2xx response of each operation and only `application/json` bodies",
            Fix::FlattenAllOf => "replaced each `allOf` of inline objects by one object with all their properties",
        }
    }
}

/// `target/bench-tools/bin/cargo-progenitor`, installed with `cargo install --locked` when it is
/// missing or another version.
pub fn ensure_installed(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join("target/bench-tools");
    let bin = tools.join("bin/cargo-progenitor");
    let manifest = fs::read_to_string(tools.join(".crates.toml")).unwrap_or_default();
    if bin.is_file() && manifest.contains(&format!("\"cargo-progenitor {VERSION} ")) {
        return Ok(bin);
    }
    eprintln!("bench: installing cargo-progenitor {VERSION} into {} (once)", tools.display());
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["install", "cargo-progenitor", "--version", VERSION, "--locked", "--root"])
        .arg(&tools)
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if status.success() && bin.is_file() {
        Ok(bin)
    } else {
        Err(format!("`cargo install cargo-progenitor --version {VERSION} --locked` failed ({status})"))
    }
}

/// The operationId the bench gives an operation: method and path in snake case.
pub fn operation_id(method: &str, path: &str) -> String {
    format!("{method} {path}").to_snake_case()
}

/// A copy of `doc` with operationIds added and `fixes` applied.
pub fn prepare(doc: &Value, fixes: &[Fix]) -> Value {
    let mut doc = doc.clone();
    let mut taken = BTreeSet::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, op) in item.iter_mut() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let Some(op) = op.as_object_mut() else { continue };
                let base = op.get("operationId").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| operation_id(method, path));
                let mut id = base.clone();
                let mut n = 2;
                while !taken.insert(id.clone()) {
                    id = format!("{base}_{n}");
                    n += 1;
                }
                op.insert("operationId".into(), Value::String(id));
                for fix in fixes {
                    apply_to_operation(*fix, op);
                }
            }
        }
    }
    if fixes.contains(&Fix::FlattenAllOf) {
        flatten_all_of(&mut doc);
    }
    doc
}

fn apply_to_operation(fix: Fix, op: &mut Map<String, Value>) {
    match fix {
        Fix::DropPlaceholderParams => {
            if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                params.retain(|p| !p.get("name").and_then(Value::as_str).is_some_and(|n| n.contains('<')));
            }
        }
        Fix::FirstJsonResponseOnly => {
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                let first = responses.keys().find(|k| k.starts_with('2')).cloned();
                responses.retain(|k, _| Some(k) == first.as_ref() || !k.starts_with('2'));
                for r in responses.values_mut() {
                    only_json(r);
                }
            }
            if let Some(body) = op.get_mut("requestBody") {
                only_json(body);
            }
        }
        Fix::FlattenAllOf => {}
    }
}

fn only_json(v: &mut Value) {
    if let Some(content) = v.get_mut("content").and_then(Value::as_object_mut) {
        if content.contains_key("application/json") {
            content.retain(|k, _| k == "application/json");
        }
    }
}

fn flatten_all_of(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for child in m.values_mut() {
                flatten_all_of(child);
            }
            let parts = match m.get("allOf").and_then(Value::as_array) {
                Some(parts) if parts.iter().all(|p| p.get("properties").is_some() && p.get("$ref").is_none()) => parts.clone(),
                _ => return,
            };
            let mut props = Map::new();
            let mut required = Vec::new();
            for p in parts {
                if let Some(ps) = p.get("properties").and_then(Value::as_object) {
                    props.extend(ps.clone());
                }
                if let Some(r) = p.get("required").and_then(Value::as_array) {
                    required.extend(r.iter().cloned());
                }
            }
            m.remove("allOf");
            m.insert("type".into(), Value::String("object".into()));
            m.insert("properties".into(), Value::Object(props));
            if !required.is_empty() {
                m.insert("required".into(), Value::Array(required));
            }
        }
        Value::Array(a) => a.iter_mut().for_each(flatten_all_of),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operation_ids_come_from_method_and_path() {
        assert_eq!(operation_id("get", "/connections/{connectionId}/editable-data-schema"), "get_connections_connection_id_editable_data_schema");
        assert_eq!(operation_id("post", "/data-stores"), "post_data_stores");
    }

    #[test]
    fn prepare_adds_ids_and_applies_fixes() {
        let doc = json!({"paths": {"/a/{aId}": {
            "get": {"parameters": [{"name": "<t>[]"}, {"name": "x"}], "responses": {"200": {}, "201": {}, "400": {}},
                "requestBody": {"content": {"application/json": {}, "text/plain": {}}}},
            "parameters": []
        }}, "components": {"schemas": {"S": {"allOf": [{"properties": {"a": {}}}, {"properties": {"b": {}}, "required": ["b"]}]}}}});
        let plain = prepare(&doc, &[]);
        assert_eq!(plain["paths"]["/a/{aId}"]["get"]["operationId"], "get_a_a_id");
        assert_eq!(plain["paths"]["/a/{aId}"]["get"]["parameters"].as_array().unwrap().len(), 2);
        let fixed = prepare(&doc, &FIXES);
        let op = &fixed["paths"]["/a/{aId}"]["get"];
        assert_eq!(op["parameters"], json!([{"name": "x"}]));
        assert_eq!(op["responses"].as_object().unwrap().keys().collect::<Vec<_>>(), ["200", "400"]);
        assert_eq!(op["requestBody"]["content"].as_object().unwrap().len(), 1);
        assert_eq!(fixed["components"]["schemas"]["S"], json!({"type": "object", "properties": {"a": {}, "b": {}}, "required": ["b"]}));
    }
}
