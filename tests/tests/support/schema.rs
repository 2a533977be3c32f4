//! Values from schemas: a seeded generator of values a schema accepts, and a validator, for the
//! OpenAPI 3.0 schemas of the merged documents and the JSON Schemas of the catalogues alike
//! (`$ref`s are resolved against the document they are in).

use std::collections::BTreeSet;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

/// The schema a `$ref` chain ends at (`#/components/schemas/X`, `#/$defs/X`).
pub fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    let mut hops = 0;
    while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let pointer = reference.strip_prefix('#').unwrap_or_else(|| panic!("only local $refs are supported: {reference}"));
        schema = root.pointer(pointer).unwrap_or_else(|| panic!("unresolvable $ref {reference}"));
        hops += 1;
        assert!(hops < 64, "a cycle of $refs at {reference}");
    }
    schema
}

/// What a string is for: what characters it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// Anything: every ASCII punctuation mark, spaces, non-ASCII.
    Free,
    /// A header value: visible ASCII, not empty.
    Header,
    /// One path segment: not empty, `.` or `..`, and not one of the document's fixed segments
    /// (which would route the request to another operation).
    Segment,
}

/// Characters of free text: letters, digits, every ASCII punctuation mark (reserved in URLs or
/// not), spaces and non-ASCII.
const TEXT_CHARS: &[char] = &[
    'a', 'b', 'c', 'x', 'y', 'z', 'A', 'Q', 'Z', '0', '1', '9', ' ', '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+', ',', '-',
    '.', '/', ':', ';', '<', '=', '>', '?', '@', '[', '\\', ']', '^', '_', '`', '{', '|', '}', '~', 'é', 'ß', 'Ж', '日', '本', '🦀',
    '\u{a0}',
];

/// A seeded generator of values that schemas accept.
pub struct Gen {
    pub rng: StdRng,
    /// Path segments a path parameter must not take (the literal segments of every path).
    pub reserved_segments: BTreeSet<String>,
    /// Add undocumented properties to objects that allow them, as the live API does.
    pub extra_properties: bool,
}

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen { rng: StdRng::seed_from_u64(seed), reserved_segments: BTreeSet::new(), extra_properties: false }
    }

    pub fn coin(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }

    /// A value `schema` accepts; `depth` bounds the nesting of optional parts.
    pub fn value(&mut self, root: &Value, schema: &Value, depth: u32, text: Text) -> Value {
        let schema = resolve(root, schema);
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            let merged = merge_all_of(root, schema, all);
            return self.value(root, &merged, depth, text);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(variants) = schema.get(key).and_then(Value::as_array).filter(|v| !v.is_empty()) {
                if nullable(schema) && self.coin(0.1) {
                    return Value::Null;
                }
                for _ in 0..50 {
                    let pick = &variants[self.rng.gen_range(0..variants.len())];
                    let v = self.value(root, pick, depth, text);
                    // `oneOf` needs exactly one match.
                    let ok = key == "anyOf" || variants.iter().filter(|s| validate(root, s, &v, Check::Full).is_ok()).count() == 1;
                    if ok {
                        return v;
                    }
                }
                panic!("no value found for {key} {}", shorten(schema));
            }
        }
        if nullable(schema) && self.coin(0.1) {
            return Value::Null;
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if !values.is_empty() {
                return values[self.rng.gen_range(0..values.len())].clone();
            }
        }
        if let Some(c) = schema.get("const") {
            return c.clone();
        }
        match type_of(schema) {
            Some("integer") => self.integer(schema),
            Some("number") => self.number(schema),
            Some("boolean") => Value::Bool(self.rng.gen()),
            // A string that carries JSON (`JsonString<T>` in the client): JSON text, compact as
            // serde_json writes it, of the inner schema the overlay gives or of any value.
            // (`contentMediaType: application/json` says the same in the catalogue's schemas.)
            Some("string") if text == Text::Free && (xtask::codegen::lower::is_json_string(schema) || schema["contentMediaType"] == "application/json") => {
                let inner = match schema.get("x-json-string") {
                    Some(inner @ Value::Object(_)) => self.value(root, inner, depth, Text::Free),
                    _ => self.any(depth),
                };
                Value::String(serde_json::to_string(&inner).expect("JSON"))
            }
            Some("string") => Value::String(self.string(schema, text)),
            Some("array") => self.array(root, schema, depth, text),
            Some("object") => self.object(root, schema, depth),
            Some("null") => Value::Null,
            _ => self.any(depth),
        }
    }

    fn integer(&mut self, schema: &Value) -> Value {
        let (lo, hi) = int_bounds(schema);
        let v = match self.rng.gen_range(0..5) {
            0 => self.rng.gen_range(0..1000).clamp(lo, hi),
            1 => self.rng.gen_range(-1000..0).clamp(lo, hi),
            2 => [lo, hi, 0.clamp(lo, hi), 1.clamp(lo, hi)][self.rng.gen_range(0..4)],
            _ => self.rng.gen_range(lo..=hi),
        };
        json!(v)
    }

    fn number(&mut self, schema: &Value) -> Value {
        let lo = schema.get("minimum").and_then(Value::as_f64).unwrap_or(-1.0e9);
        let hi = schema.get("maximum").and_then(Value::as_f64).unwrap_or(1.0e9);
        if self.coin(0.5) {
            let v = self.rng.gen_range(lo.ceil()..=hi.floor());
            return json!(v.round() as i64);
        }
        json!(self.float(lo, hi))
    }

    /// A float with at most 12 significant digits, which every JSON parser reads back exactly
    /// (longer ones may lose their last bit in a parser that is not exact).
    fn float(&mut self, lo: f64, hi: f64) -> f64 {
        let v: f64 = self.rng.gen_range(lo..=hi);
        ((v * 1000.0).round() / 1000.0).clamp(lo, hi)
    }

    fn string(&mut self, schema: &Value, text: Text) -> String {
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = schema.get("maxLength").and_then(Value::as_u64).map_or(min.max(16), |m| m as usize);
        let word = |g: &mut Gen| -> String { (0..g.rng.gen_range(1..10)).map(|_| g.rng.gen_range(b'a'..=b'z') as char).collect() };
        match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => return self.date_time(),
            Some("date") => return format!("{:04}-{:02}-{:02}", self.rng.gen_range(1970..2100), self.rng.gen_range(1..=12), self.rng.gen_range(1..=28)),
            Some("email") => return format!("{}@{}.example", word(self), word(self)),
            Some("uri" | "url") => return format!("https://{}.example/{}", word(self), word(self)),
            Some("uuid") => {
                let n: u128 = self.rng.gen();
                let h = format!("{n:032x}");
                return format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]);
            }
            _ => {}
        }
        if schema.get("contentEncoding").and_then(Value::as_str) == Some("base64") || schema.get("format").and_then(Value::as_str) == Some("binary") {
            let bytes: Vec<u8> = (0..self.rng.gen_range(1..4)).map(|_| self.rng.gen()).collect();
            return base64(&bytes);
        }
        if let Some(example) = schema.get("example").and_then(Value::as_str) {
            if schema.get("pattern").is_some() || self.coin(0.1) {
                return example.to_owned();
            }
        }
        loop {
            let len = self.rng.gen_range(min..=max.max(min));
            let s: String = match text {
                Text::Header => (0..len.max(1)).map(|_| self.rng.gen_range(0x21u8..=0x7e) as char).collect(),
                Text::Free | Text::Segment => (0..len).map(|_| TEXT_CHARS[self.rng.gen_range(0..TEXT_CHARS.len())]).collect(),
            };
            let bad_segment = text == Text::Segment && (s.is_empty() || s == "." || s == ".." || self.reserved_segments.contains(&s));
            if !bad_segment {
                return s;
            }
        }
    }

    fn date_time(&mut self) -> String {
        let secs = self.rng.gen_range(0i64..4_102_444_800);
        let t = chrono::DateTime::from_timestamp(secs, self.rng.gen_range(0..1000) * 1_000_000).expect("in range");
        if self.coin(0.5) {
            t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        } else {
            let offset = chrono::FixedOffset::east_opt(self.rng.gen_range(-12..=12) * 3600).expect("in range");
            t.with_timezone(&offset).to_rfc3339()
        }
    }

    fn array(&mut self, root: &Value, schema: &Value, depth: u32, text: Text) -> Value {
        let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = schema.get("maxItems").and_then(Value::as_u64).map_or(min.max(3), |m| m as usize);
        let n = if depth == 0 { min } else { self.rng.gen_range(min..=max.max(min)) };
        let items = schema.get("items").cloned().unwrap_or(json!({}));
        let unique = schema.get("uniqueItems").and_then(Value::as_bool) == Some(true);
        let mut out: Vec<Value> = Vec::new();
        let mut tries = 0;
        while out.len() < n && tries < n * 20 + 20 {
            tries += 1;
            let v = self.value(root, &items, depth.saturating_sub(1), text);
            if !unique || !out.contains(&v) {
                out.push(v);
            }
        }
        Value::Array(out)
    }

    fn object(&mut self, root: &Value, schema: &Value, depth: u32) -> Value {
        let props = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        let required: Vec<&str> = schema.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let min = schema.get("minProperties").and_then(Value::as_u64).unwrap_or(0) as usize;
        let mut out = Map::new();
        let mut optional: Vec<&String> = Vec::new();
        for (name, sub) in &props {
            if required.contains(&name.as_str()) {
                out.insert(name.clone(), self.value(root, sub, depth.saturating_sub(1), Text::Free));
            } else {
                optional.push(name);
            }
        }
        for name in &optional {
            if depth > 0 && self.coin(0.5) {
                out.insert((*name).clone(), self.value(root, &props[name.as_str()], depth - 1, Text::Free));
            }
        }
        // Fill up to minProperties with the documented ones first.
        for name in &optional {
            if out.len() >= min {
                break;
            }
            if !out.contains_key(name.as_str()) {
                out.insert((*name).clone(), self.value(root, &props[name.as_str()], depth.saturating_sub(1), Text::Free));
            }
        }
        let extra = match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => None,
            Some(Value::Bool(true)) | None => Some(json!({})),
            Some(s) => Some(s.clone()),
        };
        if let Some(extra) = extra {
            let declared = schema.get("additionalProperties").is_some() && extra != json!({}) || props.is_empty();
            let wanted = if declared || self.extra_properties { self.rng.gen_range(0..3) } else { 0 };
            let mut tries = 0;
            while (out.len() < min || tries < wanted) && tries < 20 {
                tries += 1;
                let key = self.string(&json!({"minLength": 1, "maxLength": 12}), Text::Free);
                if !props.contains_key(&key) && !out.contains_key(&key) {
                    let v = self.value(root, &extra, depth.saturating_sub(1), Text::Free);
                    out.insert(key, v);
                }
            }
        }
        Value::Object(out)
    }

    /// Any JSON value.
    pub fn any(&mut self, depth: u32) -> Value {
        match self.rng.gen_range(0..if depth == 0 { 6 } else { 8 }) {
            0 => Value::Null,
            1 => Value::Bool(self.rng.gen()),
            2 => json!(self.rng.gen::<i64>()),
            3 => json!(self.float(-1.0e9, 1.0e9)),
            4 | 5 => Value::String(self.string(&json!({}), Text::Free)),
            6 => Value::Array((0..self.rng.gen_range(0..4)).map(|_| self.any(depth - 1)).collect()),
            _ => {
                let mut map = Map::new();
                for _ in 0..self.rng.gen_range(0..4) {
                    let key = self.string(&json!({"maxLength": 8}), Text::Free);
                    let v = self.any(depth - 1);
                    map.insert(key, v);
                }
                Value::Object(map)
            }
        }
    }
}

/// `allOf` members merged into one object schema (properties, required, additionalProperties).
fn merge_all_of(root: &Value, schema: &Value, all: &[Value]) -> Value {
    let mut merged = schema.as_object().cloned().unwrap_or_default();
    merged.remove("allOf");
    let mut props = merged.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut required: Vec<Value> = merged.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
    for part in all {
        let part = resolve(root, part);
        let part = match part.get("allOf").and_then(Value::as_array) {
            Some(inner) => merge_all_of(root, part, inner),
            None => part.clone(),
        };
        if let Some(p) = part.get("properties").and_then(Value::as_object) {
            props.extend(p.clone());
        }
        if let Some(r) = part.get("required").and_then(Value::as_array) {
            required.extend(r.iter().cloned());
        }
        for (k, v) in part.as_object().into_iter().flatten() {
            if !matches!(k.as_str(), "properties" | "required" | "description") {
                merged.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    if !props.is_empty() {
        merged.insert("properties".into(), Value::Object(props));
        merged.entry("type").or_insert(json!("object"));
    }
    if !required.is_empty() {
        merged.insert("required".into(), Value::Array(required));
    }
    Value::Object(merged)
}

fn nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
        || schema.get("type").and_then(Value::as_array).is_some_and(|t| t.iter().any(|t| t == "null"))
}

/// The (non-null) type a schema names.
fn type_of(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t),
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ if schema.get("properties").is_some() => Some("object"),
        _ if schema.get("items").is_some() => Some("array"),
        _ => None,
    }
}

fn int_bounds(schema: &Value) -> (i64, i64) {
    let (mut lo, mut hi) = match schema.get("format").and_then(Value::as_str) {
        Some("int32") => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    };
    if let Some(m) = schema.get("minimum").and_then(Value::as_f64) {
        lo = lo.max(m.ceil() as i64);
        if schema.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
            lo += 1;
        }
    }
    if let Some(m) = schema.get("maximum").and_then(Value::as_f64) {
        hi = hi.min(m.floor() as i64);
        if schema.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
            hi -= 1;
        }
    }
    (lo, hi.max(lo))
}

fn shorten(schema: &Value) -> String {
    let s = schema.to_string();
    s.chars().take(300).collect()
}

/// Standard base64 with padding, as the catalogues take and return binary values.
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes standard base64.
pub fn unbase64(text: &str) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).map_err(|e| format!("not base64 ({e}): {text:?}"))
}

/// How much of a schema to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Every keyword the generator knows.
    Full,
    /// Shapes only: types, properties, required, enums; no bounds, lengths or formats.
    Shape,
}

/// Whether `schema` accepts `value`; the error names the JSON path and the keyword.
pub fn validate(root: &Value, schema: &Value, value: &Value, check: Check) -> Result<(), String> {
    validate_at(root, schema, value, check, "$")
}

fn validate_at(root: &Value, schema: &Value, value: &Value, check: Check, at: &str) -> Result<(), String> {
    let schema = resolve(root, schema);
    if schema.is_boolean() {
        return if schema == &Value::Bool(false) { Err(format!("{at}: no value is allowed")) } else { Ok(()) };
    }
    if value.is_null() && nullable(schema) {
        return Ok(());
    }
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        // An `allOf` member may close its object; check its own properties only through the merge.
        validate_at(root, &open(root, part), value, check, at)?;
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let merged = merge_all_of(root, schema, all);
        if merged.get("additionalProperties") == Some(&Value::Bool(false)) {
            check_closed(&merged, value, at)?;
        }
    }
    if let Some(variants) = schema.get("anyOf").and_then(Value::as_array) {
        if !variants.iter().any(|s| validate_at(root, s, value, check, at).is_ok()) {
            return Err(format!("{at}: matches no anyOf alternative: {value}"));
        }
    }
    if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
        let n = variants.iter().filter(|s| validate_at(root, s, value, check, at).is_ok()).count();
        if n != 1 {
            return Err(format!("{at}: matches {n} oneOf alternatives, not one: {value}"));
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if !values.contains(value) {
            return Err(format!("{at}: {value} is not one of {}", Value::Array(values.clone())));
        }
    }
    let ok_type = match type_of(schema) {
        None => true,
        Some("integer") => value.as_i64().is_some() || value.as_u64().is_some() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("string") => value.is_string(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        Some("null") => value.is_null(),
        Some(_) => true,
    };
    if !ok_type {
        return Err(format!("{at}: {value} is not of type {}", type_of(schema).unwrap_or("?")));
    }
    if check == Check::Full {
        if let Some(n) = value.as_f64() {
            if schema.get("minimum").and_then(Value::as_f64).is_some_and(|m| n < m) {
                return Err(format!("{at}: {value} is below the minimum"));
            }
            if schema.get("maximum").and_then(Value::as_f64).is_some_and(|m| n > m) {
                return Err(format!("{at}: {value} is above the maximum"));
            }
        }
        if let Some(s) = value.as_str() {
            let len = s.chars().count() as u64;
            if schema.get("minLength").and_then(Value::as_u64).is_some_and(|m| len < m) || schema.get("maxLength").and_then(Value::as_u64).is_some_and(|m| len > m) {
                return Err(format!("{at}: {value} has a length out of bounds"));
            }
            if schema.get("format").and_then(Value::as_str) == Some("date-time") && chrono::DateTime::parse_from_rfc3339(s).is_err() {
                return Err(format!("{at}: {value} is not an RFC 3339 date-time"));
            }
        }
    }
    if let Some(items) = value.as_array() {
        if check == Check::Full {
            let n = items.len() as u64;
            if schema.get("minItems").and_then(Value::as_u64).is_some_and(|m| n < m) || schema.get("maxItems").and_then(Value::as_u64).is_some_and(|m| n > m) {
                return Err(format!("{at}: {n} items is out of bounds"));
            }
        }
        if let Some(item) = schema.get("items") {
            for (i, v) in items.iter().enumerate() {
                validate_at(root, item, v, check, &format!("{at}[{i}]"))?;
            }
        }
    }
    if let Some(map) = value.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !map.contains_key(name) {
                return Err(format!("{at}: the required property `{name}` is missing"));
            }
        }
        if check == Check::Full {
            let n = map.len() as u64;
            if schema.get("minProperties").and_then(Value::as_u64).is_some_and(|m| n < m) || schema.get("maxProperties").and_then(Value::as_u64).is_some_and(|m| n > m) {
                return Err(format!("{at}: {n} properties is out of bounds"));
            }
        }
        for (k, v) in map {
            match props.and_then(|p| p.get(k)) {
                Some(sub) => validate_at(root, sub, v, check, &format!("{at}.{k}"))?,
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) if schema.get("allOf").is_none() => return Err(format!("{at}: the property `{k}` is not allowed")),
                    Some(extra @ Value::Object(_)) => validate_at(root, extra, v, check, &format!("{at}.{k}"))?,
                    _ => {}
                },
            }
        }
    }
    Ok(())
}

/// A schema with `additionalProperties: false` lifted (an `allOf` member sees only part of the
/// object).
fn open(root: &Value, schema: &Value) -> Value {
    let mut s = resolve(root, schema).clone();
    if let Some(map) = s.as_object_mut() {
        if map.get("additionalProperties") == Some(&Value::Bool(false)) {
            map.remove("additionalProperties");
        }
    }
    s
}

fn check_closed(merged: &Value, value: &Value, at: &str) -> Result<(), String> {
    let props = merged.get("properties").and_then(Value::as_object);
    for k in value.as_object().into_iter().flat_map(|m| m.keys()) {
        if !props.is_some_and(|p| p.contains_key(k)) {
            return Err(format!("{at}: the property `{k}` is not allowed"));
        }
    }
    Ok(())
}
