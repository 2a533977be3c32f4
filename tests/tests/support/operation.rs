//! One operation as the merged OpenAPI document describes it: its arguments (generated from the
//! document's schemas, kept to what the catalogue's input schema accepts), the request those
//! arguments must put on the wire, a response for it, and whether a decoded response kept what
//! the document describes. Knows no operation by name.

use std::collections::BTreeSet;

use percent_encoding::percent_decode_str;
use serde_json::{json, Map, Value};
use xtask::codegen::lower::{media_class, MediaClass};

use super::apis::Op;
use super::schema::{self, resolve, validate, Check, Gen, Text};

/// The key of the request body in an arguments object (the catalogue's convention).
pub fn body_key(doc_op: &Value) -> &'static str {
    let clash = params(doc_op).iter().any(|p| p["name"] == "body");
    if clash {
        "requestBody"
    } else {
        "body"
    }
}

/// The operation object of `op` in `document`.
pub fn doc_operation<'a>(document: &'a Value, op: &Op) -> &'a Value {
    let found = &document["paths"][op.path][op.method.to_lowercase()];
    assert!(found.is_object(), "[{}] {} ({}) is not in the merged document", op.api, op.key(), op.id);
    found
}

pub fn params(doc_op: &Value) -> Vec<&Value> {
    doc_op.get("parameters").and_then(Value::as_array).map(|p| p.iter().filter(|p| !ignored_header(p)).collect()).unwrap_or_default()
}

/// OpenAPI 3.0: header parameters named `Accept`, `Content-Type` or `Authorization` "SHALL be
/// ignored" (the media types and the security scheme say those); Make's pages declare some.
pub fn ignored_header(p: &Value) -> bool {
    p["in"] == "header" && p["name"].as_str().is_some_and(|n| ["accept", "content-type", "authorization"].contains(&n.to_ascii_lowercase().as_str()))
}

/// A parameter whose name is chosen at run time (`<connectionType>[]`): (prefix, suffix).
pub fn placeholder(name: &str) -> Option<(&str, &str)> {
    let open = name.find('<')?;
    let close = name[open..].find('>')? + open;
    Some((&name[..open], &name[close + 1..]))
}

/// The request body's media types and the one the client sends (JSON when offered).
fn body_media(doc_op: &Value) -> Option<(String, &Value)> {
    let content = doc_op.get("requestBody")?.get("content")?.as_object()?;
    let (ct, media) = content.iter().find(|(ct, _)| is_json(ct)).or_else(|| content.iter().next())?;
    Some((ct.clone(), media))
}

/// JSON as the generator carries it (`application/json`, `*+json`). The tests follow the
/// generator's one classification of media types ([`media_class`]) rather than keeping second
/// lists that could drift from it.
pub fn is_json(content_type: &str) -> bool {
    media_class(content_type) == MediaClass::Json
}

/// Text as the generator carries it (`text/*` and textual `application/*` types such as
/// JavaScript, JSONC, XML and YAML). An event stream is bytes.
fn is_text(content_type: &str) -> bool {
    media_class(content_type) == MediaClass::Text
}

/// The schema of one argument in the document's terms.
fn body_schema(doc_op: &Value) -> Option<Value> {
    let (ct, media) = body_media(doc_op)?;
    let schema = media.get("schema").cloned().unwrap_or(json!({}));
    Some(if is_json(&ct) {
        schema
    } else if is_text(&ct) {
        json!({"type": "string"})
    } else {
        json!({"type": "string", "contentEncoding": "base64"})
    })
}

/// Which optional arguments a round sets: none in round 0, all in round 1, a coin flip after.
fn set_optional(gen: &mut Gen, round: usize) -> bool {
    match round {
        0 => false,
        1 => true,
        _ => gen.coin(0.5),
    }
}

/// Arguments for one call: every required argument, optional ones as the round says, each
/// value generated from the document's schema (so the server accepts it) and drawn again until
/// the catalogue's input schema accepts it too (so the client can carry it).
pub fn arguments(gen: &mut Gen, document: &Value, op: &Op, round: usize) -> Value {
    let doc_op = doc_operation(document, op);
    let input = &op.input_schema;
    let input_props = input["properties"].as_object().cloned().unwrap_or_default();
    let mut args = Map::new();
    let mut taken: BTreeSet<String> = params(doc_op).iter().filter_map(|p| p["name"].as_str().map(str::to_owned)).collect();
    for p in params(doc_op) {
        let name = p["name"].as_str().expect("a parameter name");
        let required = p["required"].as_bool() == Some(true);
        if !required && !set_optional(gen, round) {
            continue;
        }
        let text = match p["in"].as_str() {
            Some("path") => Text::Segment,
            Some("header") => Text::Header,
            _ => Text::Free,
        };
        let mut schema = p.get("schema").cloned().unwrap_or(json!({}));
        if p["in"] == "query" && p["allowEmptyValue"] != true {
            without_empty_strings(&mut schema);
        }
        let input_schema = input_props.get(name).unwrap_or_else(|| panic!("[{}] {}: the input schema has no `{name}`", op.api, op.id));
        if let Some((prefix, suffix)) = placeholder(name) {
            // Names that collide with no documented parameter.
            let mut named = Map::new();
            for _ in 0..gen.rng_range(1, 3) {
                let key = format!("x{}", gen.word());
                if taken.insert(format!("{prefix}{key}{suffix}")) {
                    let value = draw(gen, document, &schema, input, &input_schema["additionalProperties"], text, op, name);
                    named.insert(key, value);
                }
            }
            args.insert(name.to_owned(), Value::Object(named));
        } else {
            let value = draw(gen, document, &schema, input, input_schema, text, op, name);
            args.insert(name.to_owned(), value);
        }
    }
    if let Some(schema) = body_schema(doc_op) {
        let key = body_key(doc_op);
        let input_schema = input_props.get(key).unwrap_or_else(|| panic!("[{}] {}: the input schema has no `{key}`", op.api, op.id));
        let value = draw(gen, document, &schema, input, input_schema, Text::Free, op, key);
        args.insert(key.to_owned(), value);
    }
    Value::Object(args)
}

/// OpenAPI does not allow an empty value for a query parameter unless it says
/// `allowEmptyValue` (Prism refuses `agentId=`): its strings, and the strings of its list, get
/// at least one character.
fn without_empty_strings(schema: &mut Value) {
    let target = if schema["type"] == "array" { &mut schema["items"] } else { schema };
    if let Some(object) = target.as_object_mut() {
        if object.get("type").and_then(Value::as_str) == Some("string") && !object.contains_key("minLength") {
            object.insert("minLength".into(), json!(1));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn draw(gen: &mut Gen, document: &Value, schema: &Value, input: &Value, input_schema: &Value, text: Text, op: &Op, name: &str) -> Value {
    let mut last = String::new();
    for _ in 0..200 {
        let v = gen.value(document, schema, 3, text);
        match validate(input, input_schema, &v, Check::Full) {
            Ok(()) => return v,
            Err(e) => last = e,
        }
    }
    panic!(
        "[{}] {}: no value of `{name}` that both the document and the catalogue's input schema accept; last refusal: {last}",
        op.api, op.id
    )
}

impl Gen {
    fn rng_range(&mut self, lo: usize, hi: usize) -> usize {
        use rand::Rng;
        self.rng.gen_range(lo..=hi)
    }

    fn word(&mut self) -> String {
        use rand::Rng;
        (0..self.rng.gen_range(1..8)).map(|_| self.rng.gen_range(b'a'..=b'z') as char).collect()
    }
}

/// Every literal path segment of the document: path parameters never take these, so a request
/// routes to the operation meant (`GET /files/x` is not `GET /{recordType}/{id}`).
pub fn literal_segments(document: &Value) -> BTreeSet<String> {
    document["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.keys())
        .flat_map(|path| path.split('/'))
        .filter(|s| !s.is_empty() && !s.contains('{'))
        .map(str::to_owned)
        .collect()
}

// ------------------------------------------------------------------ the request on the wire

/// A request as a server received it.
#[derive(Debug, Clone)]
pub struct Wire {
    pub method: String,
    /// The URL path below the base URL's path, still percent-encoded.
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// The query as sent, still percent-encoded.
    pub raw_query: Option<String>,
    /// Header names (lowercase) and values.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Wire {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl std::fmt::Display for Wire {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "  {} {} query {:?}", self.method, self.path, self.query)?;
        writeln!(f, "  headers {:?}", self.headers)?;
        write!(f, "  body {}", String::from_utf8_lossy(&self.body).chars().take(1500).collect::<String>())
    }
}

/// How a scalar argument is written in a path, query or header.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether two texts carry the same value of `schema` (date-times compare as instants, numbers
/// as numbers).
fn same_text(document: &Value, schema: &Value, sent: &str, expected: &str) -> bool {
    if sent == expected {
        return true;
    }
    let schema = resolve(document, schema);
    match (schema.get("format").and_then(Value::as_str), schema.get("type").and_then(Value::as_str)) {
        (Some("date-time"), _) => matches!((chrono::DateTime::parse_from_rfc3339(sent), chrono::DateTime::parse_from_rfc3339(expected)), (Ok(a), Ok(b)) if a == b),
        (_, Some("number" | "integer")) => matches!((sent.parse::<f64>(), expected.parse::<f64>()), (Ok(a), Ok(b)) if a == b),
        _ => false,
    }
}

/// Checks the request on the wire against the document and the arguments: method; path with
/// every path parameter filled; exactly the query pairs the arguments give, under the
/// document's names (arrays as repeated `name[]` pairs, in order); header parameters; the auth
/// header; the body with a documented content type, equal to the argument and accepted by the
/// document's schema.
pub fn check_request(document: &Value, op: &Op, args: &Value, wire: &Wire) -> Result<(), String> {
    let doc_op = doc_operation(document, op);
    if wire.method != op.method {
        return Err(format!("method {} instead of {}", wire.method, op.method));
    }
    // Every argument is a parameter of the document, or the body.
    for key in args.as_object().into_iter().flat_map(|m| m.keys()) {
        if key != body_key(doc_op) && !params(doc_op).iter().any(|p| p["name"] == key.as_str()) {
            return Err(format!("the argument `{key}` is no parameter of the document"));
        }
    }
    // Path: literal segments equal, parameters equal after percent-decoding.
    let template: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
    let sent: Vec<&str> = wire.path.trim_start_matches('/').split('/').collect();
    if template.len() != sent.len() {
        return Err(format!("path {} does not fit {}", wire.path, op.path));
    }
    for (t, s) in template.iter().zip(&sent) {
        let decoded = percent_decode_str(s).decode_utf8().map_err(|e| format!("path segment {s} is not UTF-8: {e}"))?;
        match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(name) => {
                let p = params(doc_op).into_iter().find(|p| p["name"] == name && p["in"] == "path").ok_or(format!("no path parameter {name}"))?;
                let expected = scalar_text(&args[name]);
                if !same_text(document, &p["schema"], &decoded, &expected) {
                    return Err(format!("path parameter {name}: sent {decoded:?}, argument {expected:?}"));
                }
            }
            None if decoded == *t => {}
            None => return Err(format!("path {} does not fit {}", wire.path, op.path)),
        }
    }
    // Query.
    let mut expected: Vec<(String, String, Value)> = Vec::new();
    for p in params(doc_op).into_iter().filter(|p| p["in"] == "query") {
        let name = p["name"].as_str().unwrap_or_default();
        let schema = p.get("schema").cloned().unwrap_or(json!({}));
        let item_schema = resolve(document, &schema).get("items").cloned().unwrap_or(json!({}));
        let Some(value) = args.get(name).filter(|v| !v.is_null()) else { continue };
        let mut add = |wire_name: String, v: &Value| match v {
            Value::Array(items) => {
                for item in items {
                    expected.push((wire_name.clone(), scalar_text(item), item_schema.clone()));
                }
            }
            other => expected.push((wire_name, scalar_text(other), schema.clone())),
        };
        match placeholder(name) {
            Some((prefix, suffix)) => {
                for (key, v) in value.as_object().into_iter().flatten() {
                    add(format!("{prefix}{key}{suffix}"), v);
                }
            }
            None => add(name.to_owned(), value),
        }
    }
    let by_name = |pairs: &[(String, String)]| {
        let mut p = pairs.to_vec();
        p.sort_by(|a, b| a.0.cmp(&b.0)); // stable: values of one name keep their order
        p
    };
    let sent = by_name(&wire.query);
    let want = by_name(&expected.iter().map(|(n, v, _)| (n.clone(), v.clone())).collect::<Vec<_>>());
    let query_ok = sent.len() == want.len()
        && sent.iter().zip(&want).all(|((sn, sv), (wn, wv))| {
            sn == wn && expected.iter().find(|(n, v, _)| n == wn && v == wv).is_some_and(|(_, _, schema)| same_text(document, schema, sv, wv))
        });
    if !query_ok {
        return Err(format!("query pairs {sent:?}, expected {want:?}"));
    }
    // Make's bracketed names (`cols[]`, `pg[limit]`) go out percent-encoded, as its docs ask.
    if wire.raw_query.as_deref().is_some_and(|q| q.contains(['[', ']'])) {
        return Err(format!("brackets not percent-encoded in the query {:?}", wire.raw_query));
    }
    // Headers.
    for p in params(doc_op).into_iter().filter(|p| p["in"] == "header") {
        let name = p["name"].as_str().unwrap_or_default();
        match (args.get(name).filter(|v| !v.is_null()), wire.header(name)) {
            (Some(v), Some(sent)) if same_text(document, &p["schema"], sent, &scalar_text(v)) => {}
            (None, None) => {}
            (v, sent) => return Err(format!("header {name}: sent {sent:?}, argument {v:?}")),
        }
    }
    if wire.header("authorization").is_none_or(|v| !v.contains("test-token")) {
        return Err("no authorization header with the token".into());
    }
    // Body.
    match (body_media(doc_op), args.get(body_key(doc_op))) {
        (None, _) => {
            if !wire.body.is_empty() {
                return Err("a body was sent where the document has none".into());
            }
        }
        (Some((ct, media)), arg) => {
            let sent_ct = wire.header("content-type").unwrap_or_default();
            let documented = doc_op["requestBody"]["content"].as_object().is_some_and(|c| c.keys().any(|k| k.eq_ignore_ascii_case(sent_ct.split(';').next().unwrap_or("").trim())));
            if !documented {
                return Err(format!("content type {sent_ct:?} is not one the document lists"));
            }
            if is_json(&ct) {
                let sent: Value = serde_json::from_slice(&wire.body).map_err(|e| format!("the body is not JSON: {e}"))?;
                let schema = media.get("schema").cloned().unwrap_or(json!({}));
                validate(document, &schema, &sent, Check::Shape).map_err(|e| format!("the body does not fit the document: {e}"))?;
                let arg = arg.cloned().unwrap_or(Value::Null);
                let a = canonical(document, &schema, &arg);
                let b = canonical(document, &schema, &sent);
                // An absent body argument is the type's empty default.
                let empty = a.is_null() && b.as_object().is_some_and(Map::is_empty);
                if a != b && !empty {
                    return Err(format!("the body differs from the argument\n  argument: {a}\n  sent:     {b}"));
                }
            } else {
                let arg = arg.and_then(Value::as_str).unwrap_or_default();
                let want = if is_text(&ct) { arg.as_bytes().to_vec() } else { schema::unbase64(arg)? };
                if wire.body != want {
                    return Err(format!("the body {:?} differs from the argument {want:?}", wire.body));
                }
            }
        }
    }
    Ok(())
}

/// `value` in a canonical form for comparison: properties that are `null` or empty lists where
/// the schema does not require them dropped (the models skip absent values), date-times in UTC,
/// numbers as floats, numbers and booleans where the schema holds text as their text.
pub fn canonical(document: &Value, schema: &Value, value: &Value) -> Value {
    let schema = resolve(document, schema);
    // A string holding JSON is compared by the JSON it holds: the client takes the value itself
    // or its text, and sends the text.
    if xtask::codegen::lower::is_json_string(schema) {
        let inner = match value {
            Value::String(text) => serde_json::from_str(text).unwrap_or_else(|_| value.clone()),
            other => other.clone(),
        };
        return canonical(document, &json!({}), &inner);
    }
    match value {
        Value::Object(map) => {
            let (props, required, extra) = object_shape(document, schema);
            let mut out = Map::new();
            for (k, v) in map {
                let sub = props.get(k).cloned().or_else(|| extra.clone()).unwrap_or(json!({}));
                let v = canonical(document, &sub, v);
                let empty = v.is_null() || v.as_array().is_some_and(Vec::is_empty);
                if !empty || required.contains(k) {
                    out.insert(k.clone(), v);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let item = element_schema(document, schema);
            Value::Array(items.iter().map(|v| canonical(document, &item, v)).collect())
        }
        Value::String(s) if schema.get("format").and_then(Value::as_str) == Some("date-time") => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => Value::String(t.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            Err(_) => value.clone(),
        },
        // The decoding policy keeps a number or boolean sent for a documented string as its text.
        Value::Number(_) | Value::Bool(_) if holds_text(document, schema) => Value::String(value.to_string()),
        Value::Number(n) => json!(n.as_f64()),
        _ => value.clone(),
    }
}

/// A schema whose value the models keep as a `String`: `type: string`, or a `oneOf`/`anyOf`
/// with a string alternative (Make's `uid`: string or integer).
fn holds_text(document: &Value, schema: &Value) -> bool {
    let schema = resolve(document, schema);
    schema.get("type").and_then(Value::as_str) == Some("string")
        || ["oneOf", "anyOf"].iter().any(|k| schema.get(*k).and_then(Value::as_array).is_some_and(|m| m.iter().any(|m| resolve(document, m).get("type").and_then(Value::as_str) == Some("string"))))
}

fn element_schema(document: &Value, schema: &Value) -> Value {
    let schema = resolve(document, schema);
    schema.get("items").cloned().unwrap_or(json!({}))
}

/// The properties an object schema documents (through `allOf` too), the required ones, and the
/// schema of other properties when it allows them.
fn object_shape(document: &Value, schema: &Value) -> (Map<String, Value>, BTreeSet<String>, Option<Value>) {
    let schema = resolve(document, schema);
    let mut props = Map::new();
    let mut required = BTreeSet::new();
    let mut extra = match schema.get("additionalProperties") {
        Some(Value::Bool(false)) => None,
        Some(Value::Bool(true)) | None => Some(json!({})),
        Some(s) => Some(s.clone()),
    };
    if let Some(own) = schema.get("properties").and_then(Value::as_object) {
        props.extend(own.clone());
    }
    for r in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        required.insert(r.to_owned());
    }
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        let (p, r, e) = object_shape(document, part);
        props.extend(p);
        required.extend(r);
        if extra.is_none() {
            extra = e;
        }
    }
    (props, required, extra)
}

/// Whether a closed object schema (`additionalProperties: false` or no extra properties
/// documented) drops a property.
fn documented(document: &Value, schema: &Value) -> (Map<String, Value>, bool) {
    let schema = resolve(document, schema);
    let (props, _, _) = object_shape(document, schema);
    let open = matches!(schema.get("additionalProperties"), Some(v) if v != &Value::Bool(false));
    (props, open)
}

/// `value` restricted to what `schema` documents, canonical: undocumented properties of objects
/// that do not declare `additionalProperties` dropped (the models ignore them), then
/// [`canonical`].
pub fn project(document: &Value, schema: &Value, value: &Value) -> Value {
    let schema_r = resolve(document, schema);
    let projected = match value {
        Value::Object(map) => {
            let (props, open) = documented(document, schema_r);
            let union = ["oneOf", "anyOf"].iter().any(|k| schema_r.get(*k).is_some());
            let mut out = Map::new();
            for (k, v) in map {
                match props.get(k) {
                    Some(sub) => {
                        out.insert(k.clone(), project(document, sub, v));
                    }
                    None if open || union || props.is_empty() => {
                        out.insert(k.clone(), v.clone());
                    }
                    None => {}
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let item = element_schema(document, schema_r);
            Value::Array(items.iter().map(|v| project(document, &item, v)).collect())
        }
        _ => value.clone(),
    };
    canonical(document, schema, &projected)
}

// ------------------------------------------------------------------ responses

/// The documented successful response: status, media type and schema (none for no body).
pub fn success_response(document: &Value, op: &Op) -> (u16, Option<(String, Value)>) {
    let doc_op = doc_operation(document, op);
    let responses = doc_op["responses"].as_object().cloned().unwrap_or_default();
    let (status, response) = responses
        .iter()
        .filter_map(|(code, r)| code.parse::<u16>().ok().filter(|c| (200..300).contains(c)).map(|c| (c, r)))
        .min_by_key(|(c, _)| *c)
        .or_else(|| responses.get("default").map(|r| (200, r)))
        .unwrap_or_else(|| panic!("[{}] {}: no successful response documented", op.api, op.key()));
    let response = resolve(document, response);
    let media = response.get("content").and_then(Value::as_object).and_then(|c| c.iter().find(|(ct, _)| is_json(ct)).or_else(|| c.iter().next()));
    (status, media.map(|(ct, m)| (ct.clone(), m.get("schema").cloned().unwrap_or(json!({})))))
}

/// A response body the document allows, shaped like the live API's: undocumented properties
/// where objects allow them.
pub fn response_body(gen: &mut Gen, document: &Value, content: &Option<(String, Value)>) -> Vec<u8> {
    match content {
        None => Vec::new(),
        Some((ct, schema)) if is_json(ct) => {
            let previous = std::mem::replace(&mut gen.extra_properties, true);
            let v = gen.value(document, schema, 4, Text::Free);
            gen.extra_properties = previous;
            serde_json::to_vec(&v).expect("JSON")
        }
        Some((ct, _)) if is_text(ct) => gen.value(document, &json!({"type": "string"}), 1, Text::Free).as_str().unwrap_or_default().as_bytes().to_vec(),
        Some(_) => {
            let text = gen.value(document, &json!({"type": "string", "format": "binary"}), 1, Text::Free);
            schema::unbase64(text.as_str().unwrap_or_default()).expect("the generator's own base64")
        }
    }
}

/// Whether `decoded` (what the catalogue returned) carries the response body `sent` as the
/// document describes it: equal after [`project`] for JSON, the same text or bytes otherwise.
pub fn check_response(document: &Value, content: &Option<(String, Value)>, sent: &[u8], decoded: &Value) -> Result<(), String> {
    match content {
        None => (decoded.is_null()).then_some(()).ok_or(format!("expected null for no body, got {decoded}")),
        Some((ct, schema)) if is_json(ct) => {
            let sent: Value = if sent.iter().all(u8::is_ascii_whitespace) { Value::Null } else { serde_json::from_slice(sent).map_err(|e| format!("the response is not JSON: {e}"))? };
            let expected = project(document, schema, &sent);
            let got = project(document, schema, decoded);
            if expected == got {
                Ok(())
            } else {
                Err(format!("the decoded response differs from the body (documented properties only)\n  body:    {expected}\n  decoded: {got}"))
            }
        }
        Some((ct, _)) if is_text(ct) => (decoded.as_str() == std::str::from_utf8(sent).ok()).then_some(()).ok_or(format!("text response decoded as {decoded}")),
        Some(_) => {
            let bytes = schema::unbase64(decoded.as_str().ok_or(format!("bytes decoded as {decoded}, not base64"))?)?;
            (bytes == sent).then_some(()).ok_or(format!("the bytes {bytes:?} differ from the body {sent:?}"))
        }
    }
}
