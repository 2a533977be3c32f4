//! The generated Make documents (`generated/openapi/make-*.json`) hold every operation of Make's API
//! reference and every endpoint Make's official TypeScript SDK calls.
//!
//! The two lists are facts data kept in `tests/fixtures/make-api/` (copies of the project's shared
//! facts, so a clean clone can run this): `operations.json`, one record per operation of Make's
//! reference, and `sdk-endpoints.tsv`, the endpoints the SDK calls. Internal, debug and test-only
//! operations (`/internal`, `/debug`, `/hq`, summaries marked `TEST ONLY`) are not part of the
//! public client. A failure names every missing operation.

mod common;

use std::path::Path;

use serde_json::Value;

/// One `METHOD /path` with where it comes from, for messages.
#[derive(Debug, Clone)]
struct Endpoint {
    method: String,
    path: String,
    what: String,
}

/// Path segments; a segment Make's reference marks optional with a trailing `?`
/// (`/consumptions/reports/{organizationId}/{teamId}?`) is compared without it.
fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).map(|s| s.strip_suffix('?').unwrap_or(s)).collect()
}

fn templated(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// Whether `wanted` is served by the documented `path`: the same segments, where a templated
/// segment of the document matches a templated segment of `wanted` (whatever its name) and,
/// if `literal_fills_template`, also a literal one (`.../public` for `.../{SDK_appVisibility}`).
fn serves(path: &str, wanted: &str, literal_fills_template: bool) -> bool {
    let (doc, want) = (segments(path), segments(wanted));
    doc.len() == want.len()
        && doc.iter().zip(&want).all(|(d, w)| match (templated(d), templated(w)) {
            (true, true) => true,
            (true, false) => literal_fills_template,
            (false, false) => d == w,
            (false, true) => false,
        })
}

/// Every operation of every generated Make document.
fn documented(root: &Path) -> Vec<Endpoint> {
    let dir = root.join("generated/openapi");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("make-") && n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.iter().any(|n| n == "make-api-v2.json"), "no generated/openapi/make-api-v2.json");
    let mut out = Vec::new();
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (path, item) in doc["paths"].as_object().unwrap_or_else(|| panic!("{name}: no paths")) {
            for method in item.as_object().unwrap().keys() {
                if ["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(&method.as_str()) {
                    out.push(Endpoint { method: method.to_uppercase(), path: path.clone(), what: name.clone() });
                }
            }
        }
    }
    out
}

/// The public operations of Make's reference.
fn reference(root: &Path) -> Vec<Endpoint> {
    let file = root.join("tests/fixtures/make-api/operations.json");
    let records: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    records
        .iter()
        .filter_map(|r| {
            let path = r["path"].as_str().unwrap();
            let summary = r["summary"].as_str().unwrap();
            let internal = ["/internal", "/debug", "/hq"].iter().any(|p| path == *p || path.starts_with(&format!("{p}/")));
            (!internal && !summary.contains("TEST ONLY")).then(|| Endpoint {
                method: r["method"].as_str().unwrap().to_uppercase(),
                path: path.to_string(),
                what: format!("operations.json: {summary}"),
            })
        })
        .collect()
}

/// The endpoints Make's TypeScript SDK calls.
fn sdk(root: &Path) -> Vec<Endpoint> {
    let file = root.join("tests/fixtures/make-api/sdk-endpoints.tsv");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("sdk-endpoints.tsv: no column {name}"));
    let (group, method, path, file_col) = (col("resource_group"), col("http_method"), col("path_template"), col("sdk_file"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Endpoint { method: f[method].to_uppercase(), path: f[path].to_string(), what: format!("SDK {} ({})", f[group], f[file_col]) }
        })
        .collect()
}

/// The wanted endpoints no documented operation serves.
fn missing(documented: &[Endpoint], wanted: &[Endpoint], literal_fills_template: bool) -> Vec<String> {
    wanted
        .iter()
        .filter(|w| !documented.iter().any(|d| d.method == w.method && serves(&d.path, &w.path, literal_fills_template)))
        .map(|w| format!("{} {}  [{}]", w.method, w.path, w.what))
        .collect()
}

#[test]
fn every_operation_of_makes_reference_is_generated() {
    let root = common::root();
    let reference = reference(&root);
    // 495 records, of which 15 internal, debug or test-only: a filter that eats more is wrong.
    assert!(reference.len() >= 480, "only {} public operations read from operations.json", reference.len());
    let missing = missing(&documented(&root), &reference, false);
    assert!(
        missing.is_empty(),
        "{} of {} operations of Make's reference are not in generated/openapi/make-*.json:\n{}",
        missing.len(),
        reference.len(),
        missing.join("\n")
    );
}

#[test]
fn every_endpoint_of_makes_sdk_is_generated() {
    let root = common::root();
    let sdk = sdk(&root);
    assert_eq!(sdk.len(), 202, "sdk-endpoints.tsv lists the SDK's 202 endpoints");
    let missing = missing(&documented(&root), &sdk, true);
    assert!(
        missing.is_empty(),
        "{} of the {} endpoints Make's TypeScript SDK calls are not in generated/openapi/make-*.json:\n{}",
        missing.len(),
        sdk.len(),
        missing.join("\n")
    );
}

/// The check can fail: without one documented operation, exactly that one is reported, and a
/// literal segment serves only itself unless the SDK rule allows it.
#[test]
fn a_missing_operation_is_named() {
    let root = common::root();
    let mut documented = documented(&root);
    let reference = reference(&root);
    let gone = documented.iter().position(|d| d.method == "GET" && d.path == "/scenarios/{scenarioId}/logs").expect("list scenario logs is documented");
    documented.remove(gone);
    let report = missing(&documented, &reference, false);
    assert_eq!(report.len(), 1, "{report:?}");
    assert!(report[0].starts_with("GET /scenarios/{scenarioId}/logs "), "{report:?}");

    assert!(serves("/sdk/apps/{SDK_appName}/{SDK_appVersion}/{SDK_appVisibility}", "/sdk/apps/{appName}/{appVersion}/public", true));
    assert!(!serves("/sdk/apps/{SDK_appName}/{SDK_appVersion}/{SDK_appVisibility}", "/sdk/apps/{appName}/{appVersion}/public", false));
    assert!(!serves("/sdk/apps/{a}/{v}/readme", "/sdk/apps/{a}/{v}/{section}", true));
    assert!(serves("/consumptions/reports/{organizationId}/{teamId}", "/consumptions/reports/{organizationId}/{teamId}?", false));
    assert!(!serves("/hooks/{hookId}", "/hooks/{hookId}/ping", true));
}
