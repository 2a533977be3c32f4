//! Responses shaped like the live API's, for every operation (the fixture format is in
//! `tests/fixtures/responses/README.md`). For each API of `generated/openapi/`:
//!
//! - every operation has at least one sample, and every sample names an operation;
//! - each sample decodes with the operation's generated response type (the catalogue's
//!   `decode_response`), and the value encoded back keeps every documented field, every digit,
//!   and the documented JSON type (a number sent for a documented string comes back as that
//!   string, a numeric string sent for a documented integer comes back as the number);
//! - each sample fits the *corrected* document (`specs/<api>/overlay.yaml` applied), except where
//!   the decoding policy says so: numeric strings for integers and numbers. Any other difference
//!   (a number where the docs say string, a null the docs do not allow) must be a reviewed
//!   correction in the overlay;
//! - every overlay action that corrects a response is needed: without it, some sample no
//!   longer fits (a correction no sample shows is unproven).

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use support::apis;
use support::operation::is_json;
use support::schema::resolve;

/// One sample of a fixture file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // `seen` and `query` document the sample; the test reads only the rest
struct Sample {
    name: String,
    status: u16,
    seen: String,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    query: Option<Box<RawValue>>,
    body: Box<RawValue>,
}

/// A sample located: the API, `METHOD /path`, the file it is in, and the sample.
struct Located {
    key: String,
    file: String,
    sample: Sample,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every sample of `api`, and the problems found while reading them.
fn samples(api: &str, problems: &mut Vec<String>) -> Vec<Located> {
    let dir = root().join("tests/fixtures/responses").join(api);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.expect("a directory entry").path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let shown = format!("tests/fixtures/responses/{api}/{}", path.file_name().unwrap().to_string_lossy());
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let has_page = ["md", "json", "yaml", "yml"].iter().any(|ext| root().join("specs").join(api).join(format!("{stem}.{ext}")).is_file());
        if !has_page {
            problems.push(format!("{shown}: no page `specs/{api}/{stem}.md`: a fixture file is named after the spec page of its operations"));
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{shown}: {e}"));
        let parsed: BTreeMap<String, Vec<Sample>> = match serde_json::from_str(&text) {
            Ok(p) => p,
            Err(e) => {
                problems.push(format!("{shown}: not a response fixture file: {e}"));
                continue;
            }
        };
        for (key, list) in parsed {
            if list.is_empty() {
                problems.push(format!("{shown}: `{key}` has no samples"));
            }
            for sample in list {
                out.push(Located { key: key.clone(), file: shown.clone(), sample });
            }
        }
    }
    out
}

// ---- exact JSON --------------------------------------------------------------------------

/// A JSON value with numbers kept as their text (serde_json's `Value` would round
/// `100000000000000000123`, hiding exactly the loss this test looks for).
#[derive(Debug, Clone, PartialEq)]
enum Exact {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Exact>),
    Object(Vec<(String, Exact)>),
}

fn exact(raw: &RawValue) -> Exact {
    let text = raw.get().trim();
    match text.as_bytes().first() {
        Some(b'{') => {
            let map: BTreeMap<String, Box<RawValue>> = serde_json::from_str(text).expect("an object");
            Exact::Object(map.into_iter().map(|(k, v)| (k, exact(&v))).collect())
        }
        Some(b'[') => {
            let items: Vec<Box<RawValue>> = serde_json::from_str(text).expect("an array");
            Exact::Array(items.iter().map(|v| exact(v)).collect())
        }
        Some(b'"') => Exact::String(serde_json::from_str(text).expect("a string")),
        Some(b't') => Exact::Bool(true),
        Some(b'f') => Exact::Bool(false),
        Some(b'n') => Exact::Null,
        _ => Exact::Number(text.to_owned()),
    }
}

impl Exact {
    fn kind(&self) -> &'static str {
        match self {
            Exact::Null => "null",
            Exact::Bool(_) => "a boolean",
            Exact::Number(_) => "a number",
            Exact::String(_) => "a string",
            Exact::Array(_) => "an array",
            Exact::Object(_) => "an object",
        }
    }
}

// ---- schemas -----------------------------------------------------------------------------

/// The response schema of `key` for `status` and `content_type`, when JSON.
fn response_schema(document: &Value, key: &str, status: u16, content_type: &str) -> Option<Value> {
    let (method, path) = key.split_once(' ')?;
    let op = document["paths"].get(path)?.get(method.to_lowercase())?;
    let responses = op.get("responses")?;
    let response = responses.get(status.to_string()).or_else(|| responses.get(format!("{}XX", status / 100))).or_else(|| responses.get("default"))?;
    let response = resolve(document, response);
    response.get("content")?.get(content_type)?.get("schema").cloned()
}

/// Documented properties and required names of an object schema (through `allOf`).
fn properties(document: &Value, schema: &Value, props: &mut BTreeMap<String, Value>, required: &mut Vec<String>) {
    let schema = resolve(document, schema);
    if let Some(own) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in own {
            props.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    required.extend(schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_owned));
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        properties(document, part, props, required);
    }
}

fn alternatives(schema: &Value) -> Option<&Vec<Value>> {
    schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array)
}

fn admits_null(document: &Value, schema: &Value) -> bool {
    let schema = resolve(document, schema);
    schema.get("nullable") == Some(&Value::Bool(true))
        || schema.get("type").is_none() && schema.get("properties").is_none() && alternatives(schema).is_none() && schema.get("allOf").is_none()
        || alternatives(schema).is_some_and(|alts| alts.iter().any(|a| admits_null(document, a)))
        || schema.get("allOf").and_then(Value::as_array).is_some_and(|parts| parts.iter().all(|p| admits_null(document, p)))
}

fn is_integer_text(t: &str) -> bool {
    let t = t.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) || t.parse::<f64>().is_ok_and(|f| f.is_finite() && f.fract() == 0.0)
}

/// Where `value` does not fit `schema`, beyond what the decoding policy accepts (numeric strings
/// for integers and numbers). Enum values are not checked: unknown values are kept by design.
fn fits(document: &Value, schema: &Value, value: &Exact, at: &str, out: &mut Vec<String>) {
    let schema = resolve(document, schema);
    if *value == Exact::Null {
        if !admits_null(document, schema) {
            out.push(format!("`{at}` is null, which the document does not allow (no `nullable: true`)"));
        }
        return;
    }
    if let Some(alts) = alternatives(schema) {
        let fitting = alts.iter().any(|a| {
            let mut probe = Vec::new();
            fits(document, a, value, at, &mut probe);
            probe.is_empty()
        });
        if !fitting {
            out.push(format!("`{at}` is {}, which fits none of the documented alternatives", value.kind()));
        }
    }
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        fits(document, part, value, at, out);
    }
    let typ = schema.get("type").and_then(Value::as_str).or_else(|| schema.get("properties").map(|_| "object"));
    let wrong = |out: &mut Vec<String>, what: &str| out.push(format!("`{at}` is {}, documented as {what}", value.kind()));
    match (typ, value) {
        (None, _) => {}
        (Some("string"), Exact::String(_)) | (Some("boolean"), Exact::Bool(_)) | (Some("number"), Exact::Number(_)) => {}
        (Some("integer"), Exact::Number(t)) if is_integer_text(t) => {}
        // The decoding policy: numeric strings for integers and numbers.
        (Some("integer"), Exact::String(t)) if is_integer_text(t) => {}
        (Some("number"), Exact::String(t)) if t.trim().parse::<f64>().is_ok_and(f64::is_finite) => {}
        (Some("object"), Exact::Object(members)) => {
            let mut props = BTreeMap::new();
            let mut required = Vec::new();
            properties(document, schema, &mut props, &mut required);
            for (k, v) in members {
                if let Some(sub) = props.get(k) {
                    fits(document, sub, v, &format!("{at}.{k}"), out);
                }
            }
        }
        (Some("array"), Exact::Array(items)) => {
            let item = schema.get("items").cloned().unwrap_or(Value::Null);
            if !item.is_null() {
                for (i, v) in items.iter().enumerate() {
                    fits(document, &item, v, &format!("{at}[{i}]"), out);
                }
            }
        }
        (Some(t), _) => wrong(out, t),
    }
}

// ---- what the re-encoded value keeps -----------------------------------------------------

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn holds_text(document: &Value, schema: &Value) -> bool {
    let schema = resolve(document, schema);
    schema.get("type").and_then(Value::as_str) == Some("string")
        || alternatives(schema).is_some_and(|alts| alts.iter().any(|a| resolve(document, a).get("type").and_then(Value::as_str) == Some("string")))
}

/// Where the value decoded and encoded back (`decoded`) lost a documented field of `sent`,
/// changed a digit, or is not of the documented JSON type. `null` and absent are the same.
fn kept(document: &Value, schema: &Value, sent: &Exact, decoded: &Value, at: &str, out: &mut Vec<String>) {
    let schema = resolve(document, schema);
    match sent {
        Exact::Null => {}
        Exact::Object(members) => {
            let Some(decoded) = decoded.as_object() else {
                return out.push(format!("`{at}`: sent an object, encoded back as {decoded}"));
            };
            let mut props = BTreeMap::new();
            properties(document, schema, &mut props, &mut Vec::new());
            let open = match schema.get("additionalProperties") {
                Some(Value::Bool(b)) => *b,
                Some(_) => true,
                None => false,
            };
            for (k, v) in members {
                let sub = match props.get(k) {
                    Some(sub) => sub.clone(),
                    None if open => schema.get("additionalProperties").filter(|s| s.is_object()).cloned().unwrap_or(serde_json::json!({})),
                    None => continue,
                };
                let here = format!("{at}.{k}");
                match decoded.get(k) {
                    Some(d) => kept(document, &sub, v, d, &here, out),
                    None if *v == Exact::Null || *v == Exact::Array(Vec::new()) => {}
                    None => out.push(format!("`{here}` is documented and was sent, but the decoded value lost it")),
                }
            }
        }
        Exact::Array(items) => {
            let Some(decoded) = decoded.as_array() else {
                return out.push(format!("`{at}`: sent an array, encoded back as {decoded}"));
            };
            if decoded.len() != items.len() {
                return out.push(format!("`{at}`: sent {} items, encoded back {}", items.len(), decoded.len()));
            }
            let item = schema.get("items").cloned().unwrap_or(serde_json::json!({}));
            for (i, (v, d)) in items.iter().zip(decoded).enumerate() {
                kept(document, &item, v, d, &format!("{at}[{i}]"), out);
            }
        }
        Exact::Bool(_) | Exact::Number(_) | Exact::String(_) => {
            let sent_text = match sent {
                Exact::Bool(b) => b.to_string(),
                Exact::Number(t) | Exact::String(t) => t.clone(),
                _ => unreachable!(),
            };
            let Some(got) = text_of(decoded) else {
                return out.push(format!("`{at}`: sent {sent_text}, encoded back as {decoded}"));
            };
            let typ = schema.get("type").and_then(Value::as_str);
            let type_ok = match typ {
                _ if holds_text(document, schema) => decoded.is_string(),
                Some("integer" | "number") => decoded.is_number(),
                Some("boolean") => decoded.is_boolean(),
                _ => true,
            };
            if !type_ok {
                out.push(format!("`{at}`: encoded back as {decoded}, not as the documented {}", typ.unwrap_or("type")));
            }
            let same = got == sent_text
                || schema.get("format").and_then(Value::as_str) == Some("date-time")
                    && matches!((chrono::DateTime::parse_from_rfc3339(&got), chrono::DateTime::parse_from_rfc3339(&sent_text)), (Ok(a), Ok(b)) if a == b)
                // `3.0` sent for an integer comes back as `3`; short numbers compare as numbers
                // (a 21-digit id must come back digit for digit).
                || sent_text.trim().len() <= 15 && matches!((got.parse::<f64>(), sent_text.trim().parse::<f64>()), (Ok(a), Ok(b)) if a == b);
            if !same {
                out.push(format!("`{at}`: sent {sent_text}, encoded back as {got}"));
            }
        }
    }
}

// ---- the tests ---------------------------------------------------------------------------

/// Checks every sample of `api` against `document`; returns the problems, each naming the
/// operation and the sample.
fn check_api(api: &str, document: &Value, decode: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let located = samples(api, &mut problems);
    let mut by_key: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &located {
        *by_key.entry(l.key.as_str()).or_default() += 1;
    }
    if decode {
        for key in apis::document_operations(document) {
            if !by_key.contains_key(key.as_str()) {
                problems.push(format!(
                    "[{api}] {key}: no response fixture; add samples shaped like live responses to tests/fixtures/responses/{api}/<page>.json"
                ));
            }
        }
    }
    for l in &located {
        let who = format!("[{api}] {} sample {:?} ({})", l.key, l.sample.name, l.file);
        let Some((method, path)) = l.key.split_once(' ') else {
            problems.push(format!("{who}: the key must be `METHOD /path/template`"));
            continue;
        };
        let Some(id) = apis::find(api, method, path) else {
            problems.push(format!("{who}: no such operation in generated/openapi/{api}.json"));
            continue;
        };
        let ct = l.sample.content_type.clone().unwrap_or_else(|| "application/json".to_owned());
        let body_exact = exact(&l.sample.body);
        let bytes: Vec<u8> = if is_json(&ct) {
            l.sample.body.get().as_bytes().to_vec()
        } else {
            match &body_exact {
                Exact::String(s) => s.as_bytes().to_vec(),
                _ => {
                    problems.push(format!("{who}: a `{ct}` body is written as a JSON string"));
                    continue;
                }
            }
        };
        let schema = if is_json(&ct) { response_schema(document, &l.key, l.sample.status, &ct) } else { None };
        if let Some(schema) = &schema {
            let mut out = Vec::new();
            fits(document, schema, &body_exact, "body", &mut out);
            for p in out {
                problems.push(format!(
                    "{who}: {p}: if the live API sends this, correct the docs in specs/{api}/overlay.yaml (saying where it was seen); otherwise fix the sample"
                ));
            }
        }
        if !decode {
            continue;
        }
        match apis::decode_response(api, id, l.sample.status, &ct, &bytes) {
            Ok(decoded) if l.sample.status < 400 => {
                if let Some(schema) = &schema {
                    let mut out = Vec::new();
                    kept(document, schema, &body_exact, &decoded, "body", &mut out);
                    problems.extend(out.into_iter().map(|p| format!("{who}: {p}")));
                }
            }
            Ok(decoded) => problems.push(format!("{who}: an error status decoded as a success: {decoded}")),
            Err(make_runtime::catalogue::CatalogueError::Call(make_runtime::Error::Api { .. })) if l.sample.status >= 400 => {}
            Err(e) => problems.push(format!("{who}: does not decode: {e}")),
        }
    }
    problems
}

#[test]
fn every_operation_has_samples_that_decode_keep_every_digit_and_fit_the_corrected_docs() {
    apis::every_api_is_listed();
    let mut problems = Vec::new();
    let mut count = 0;
    for api in apis::APIS {
        let document = apis::document(api);
        count += samples(api, &mut Vec::new()).len();
        problems.extend(check_api(api, &document, true));
    }
    assert!(count > 0);
    assert!(problems.is_empty(), "{} problem(s) in the response fixtures:\n{}", problems.len(), problems.join("\n"));
}

/// Whether `without` (the merged document without one correction) says `number` somewhere
/// `full` says `integer`. The client reads ID-like numbers as integers whatever the docs say,
/// so such a correction leaves the Rust types alone; it is what keeps the published document
/// in agreement with the client, so that mock servers and other tools reading it send whole
/// numbers (Prism sent `58433328.496748` for an `id` without it).
fn integers_lost(full: &Value, without: &Value) -> bool {
    match (full, without) {
        (Value::Object(f), Value::Object(w)) => {
            (f.get("type") == Some(&Value::from("integer")) && w.get("type") == Some(&Value::from("number")))
                || f.iter().any(|(k, v)| w.get(k).is_some_and(|wv| integers_lost(v, wv)))
        }
        (Value::Array(f), Value::Array(w)) => f.iter().zip(w).any(|(f, w)| integers_lost(f, w)),
        _ => false,
    }
}

/// A correction of a response in an overlay must be needed: each action whose target lies
/// under `responses` is removed in turn, and then some sample must no longer fit the corrected
/// document, or the generated types must change, or the document must lose an `integer` the
/// client relies on (see [`integers_lost`]) (an action that only completes another, such
/// as dropping the `type` that a new `oneOf` replaces, shows through its partner).
#[test]
fn every_response_correction_in_an_overlay_is_needed() {
    use xtask::codegen::{generate_api, ApiInput, EmitOptions, SourceFile};
    let opts = EmitOptions { runtime_path: "../../crates/make-runtime".into() };
    let run = |input: &ApiInput| -> (xtask::codegen::ir::Api, Value) {
        let (api, files) = generate_api(input, &opts).unwrap_or_else(|d| panic!("{d}"));
        let doc = files.iter().find(|f| f.path == format!("openapi/{}.json", input.name)).expect("the merged document");
        (api, serde_json::from_str(&doc.contents).expect("JSON"))
    };
    let inputs = xtask::codegen::read_specs(&root().join("specs"), "specs").expect("the specs read");
    let mut unproven = Vec::new();
    let mut checked = 0;
    for input in &inputs {
        let Some(file) = &input.overlay else { continue };
        let (full_api, full_doc) = run(input);
        let baseline = check_api(&input.name, &full_doc, false);
        assert!(baseline.is_empty(), "{}", baseline.join("\n"));
        let overlay: serde_yaml::Value = serde_yaml::from_slice(&file.bytes).expect("the overlay is YAML");
        let actions = overlay["actions"].as_sequence().expect("actions").clone();
        for (i, action) in actions.iter().enumerate() {
            let target = action["target"].as_str().unwrap_or_default();
            if !target.contains("responses") {
                continue;
            }
            checked += 1;
            let mut without = overlay.clone();
            without["actions"].as_sequence_mut().expect("actions").remove(i);
            let bytes = serde_yaml::to_string(&without).expect("YAML").into_bytes();
            let changed = ApiInput { overlay: Some(SourceFile { path: file.path.clone(), bytes }), ..input.clone() };
            let needed = match generate_api(&changed, &opts) {
                Err(_) => true, // a later action depends on it
                Ok(_) => {
                    let (api, doc) = run(&changed);
                    api != full_api || !check_api(&input.name, &doc, false).is_empty() || integers_lost(&full_doc, &doc)
                }
            };
            if !needed {
                unproven.push(format!("{}: actions[{i}] (target `{target}`)", file.path));
            }
        }
    }
    assert!(checked > 0, "no response correction found in any overlay");
    assert!(
        unproven.is_empty(),
        "overlay corrections that change nothing (no sample needs them, no generated type changes, no integer of the document depends on them): add a sample with the live shape they correct, or drop them:\n{}",
        unproven.join("\n")
    );
}
