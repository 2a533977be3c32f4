//! Stage 1, extract: finds the OpenAPI documents in the spec files. A markdown page yields one
//! [`Fragment`] per fenced ```json block (found with pulldown-cmark, with the block's line, the
//! heading above it and the quoted description); a `.json`/`.yaml` file yields one whole document.
//! This stage parses but does not read files: [`super::SourceFile`]s come from the caller.

use openapiv3::OpenAPI;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

use super::diagnostics::{json_kind as kind, Diagnostic, Diagnostics, Location};
use super::SourceFile;

/// One OpenAPI document found in a spec file.
#[derive(Debug, Clone)]
pub struct Fragment {
    /// Where the block starts (the fence line, or line 1 of a whole-document file).
    pub location: Location,
    /// The nearest heading above the block, if any.
    pub heading: Option<String>,
    /// The text of the blockquote between that heading and the block (GitBook's description).
    pub quote: Option<String>,
    /// The parsed document.
    pub doc: OpenAPI,
}

/// Extracts every document of every file, collecting all errors.
pub fn extract(files: &[SourceFile]) -> Result<Vec<Fragment>, Diagnostics> {
    let mut out = Vec::new();
    let mut diags = Diagnostics::default();
    for file in files {
        match extract_file(file) {
            Ok(fragments) => out.extend(fragments),
            Err(d) => diags.extend(d),
        }
    }
    diags.into_result(out)
}

/// Extracts the documents of one file.
pub fn extract_file(file: &SourceFile) -> Result<Vec<Fragment>, Diagnostics> {
    let text = match std::str::from_utf8(&file.bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &file.bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
            let loc = Location { file: file.path.clone(), line, col: Some(col) };
            return Err(Diagnostic::at(&loc, "the file is not valid UTF-8").into());
        }
    };
    let lower = file.path.to_ascii_lowercase();
    if lower.ends_with(".json") || lower.ends_with(".yaml") || lower.ends_with(".yml") {
        let yaml = !lower.ends_with(".json");
        let loc = Location::new(&file.path, 1);
        let doc = parse_document(text, yaml, &loc)?;
        return Ok(vec![Fragment { location: loc, heading: None, quote: None, doc }]);
    }
    let blocks = json_blocks(text);
    let mut out = Vec::new();
    let mut diags = Diagnostics::default();
    for block in blocks {
        let loc = Location::new(&file.path, block.line);
        match parse_document(&block.content, false, &loc) {
            Ok(doc) => out.push(Fragment { location: loc, heading: block.heading, quote: block.quote, doc }),
            Err(d) => diags.extend(d),
        }
    }
    diags.into_result(out)
}

/// A fenced json block of a markdown page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonBlock {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The block's text.
    pub content: String,
    /// The nearest heading above it.
    pub heading: Option<String>,
    /// The blockquote after that heading.
    pub quote: Option<String>,
}

/// Finds the fenced blocks whose info string starts with `json`.
pub fn json_blocks(text: &str) -> Vec<JsonBlock> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset);

    let mut blocks = Vec::new();
    let mut heading: Option<String> = None;
    let mut quote: Option<String> = None;
    let mut in_heading: Option<(HeadingLevel, String)> = None;
    let mut quote_depth = 0usize;
    let mut quote_text = String::new();
    let mut block: Option<(usize, String)> = None;

    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => in_heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((_, h)) = in_heading.take() {
                    heading = Some(h.trim().to_string());
                    quote = None;
                }
            }
            Event::Start(Tag::BlockQuote(_)) => {
                if quote_depth == 0 {
                    quote_text.clear();
                }
                quote_depth += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                quote_depth = quote_depth.saturating_sub(1);
                if quote_depth == 0 {
                    quote = Some(quote_text.trim().to_string());
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let lang = info.split(|c: char| c.is_whitespace() || c == ',' || c == '{').next().unwrap_or("");
                if lang.eq_ignore_ascii_case("json") {
                    block = Some((line_of(range.start), String::new()));
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((line, content)) = block.take() {
                    blocks.push(JsonBlock { line, content, heading: heading.clone(), quote: quote.clone() });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, content)) = &mut block {
                    content.push_str(&t);
                } else if let Some((_, h)) = &mut in_heading {
                    h.push_str(&t);
                } else if quote_depth > 0 {
                    quote_text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak if quote_depth > 0 && block.is_none() => quote_text.push('\n'),
            _ => {}
        }
    }
    blocks
}

/// Parses one OpenAPI document, with errors located inside the block (line and column for syntax
/// errors, a JSON pointer for documents that are JSON but not valid OpenAPI 3.0).
pub fn parse_document(text: &str, yaml: bool, block: &Location) -> Result<OpenAPI, Diagnostics> {
    // A line and column of `text` as a place in its file: a fenced block's content starts on the
    // line after the fence.
    let at = |line: usize, col: usize| Location {
        file: block.file.clone(),
        line: if block.line == 1 && text_is_whole_file(block) { line } else { block.line + line },
        col: Some(col.max(1)),
    };
    let value: serde_json::Value = if yaml {
        super::yaml::to_json(text).map_err(|e| {
            let loc = e.at.map_or_else(|| block.clone(), |(line, col)| at(line, col));
            e.diagnostic(&loc)
        })?
    } else {
        serde_json::from_str(text).map_err(|e| {
            let msg = e.to_string();
            let msg = msg.rsplit_once(" at line ").map_or(msg.as_str(), |(m, _)| m);
            Diagnostic::at(&at(e.line(), e.column()), format!("invalid JSON: {msg}"))
        })?
    };
    document_from_value(&value, block)
}

/// Reads an OpenAPI document from JSON already parsed (a page's block, or the merged document
/// after an overlay changed it), with the same located checks as [`parse_document`].
pub fn document_from_value(value: &serde_json::Value, block: &Location) -> Result<OpenAPI, Diagnostics> {
    check_openapi(value, block)?;
    // openapiv3 reads schemas through untagged enums and `flatten`, which backtrack: on an
    // invalid schema nested n levels deep it takes time exponential in n (a fuzzer found a page
    // that took minutes). Checking the schema keywords first turns those into a quick, located
    // error before openapiv3 sees them.
    if let Some((pointer, message)) = check_schemas(value) {
        return Err(Diagnostic::at(block, format!("not a valid OpenAPI 3.0 document: {message}")).with_pointer(pointer).into());
    }
    serde_path_to_error::deserialize::<_, OpenAPI>(value).map_err(|e| {
        let (pointer, inner) = locate(value).unwrap_or_else(|| (path_to_pointer(e.path()), e.into_inner().to_string()));
        Diagnostic::at(block, format!("not a valid OpenAPI 3.0 document: {inner}")).with_pointer(pointer).into()
    })
}

/// Finds the first schema keyword of the wrong JSON type, anywhere a schema can stand.
fn check_schemas(doc: &serde_json::Value) -> Option<(String, String)> {
    use serde_json::Value;
    let tok = super::diagnostics::pointer_token;
    fn schema(v: &Value, at: &str) -> Option<(String, String)> {
        let Some(obj) = v.as_object() else {
            return Some((at.to_string(), format!("a schema must be an object, found {}", kind(v))));
        };
        if obj.contains_key("$ref") {
            return match obj.get("$ref") {
                Some(Value::String(_)) => None,
                Some(other) => Some((format!("{at}/$ref"), format!("`$ref` must be a string, found {}", kind(other)))),
                None => None,
            };
        }
        if let Some(e) = keywords(obj, at) {
            return Some(e);
        }
        // Then the node itself, with its sub-schemas emptied: whatever else openapiv3 would
        // reject here is found in time linear in the document's size.
        if let Err(e) = serde_json::from_value::<openapiv3::Schema>(Value::Object(shallow(obj))) {
            return Some((at.to_string(), e.to_string()));
        }
        None
    }
    fn shallow(obj: &serde_json::Map<String, Value>) -> serde_json::Map<String, Value> {
        let empty = || Value::Object(serde_json::Map::new());
        obj.iter()
            .map(|(k, v)| {
                let v = match (k.as_str(), v) {
                    ("items" | "not", _) => empty(),
                    ("additionalProperties", Value::Object(_)) => empty(),
                    ("properties", Value::Object(props)) => Value::Object(props.keys().map(|name| (name.clone(), empty())).collect()),
                    ("allOf" | "oneOf" | "anyOf", Value::Array(members)) => Value::Array(members.iter().map(|_| empty()).collect()),
                    _ => v.clone(),
                };
                (k.clone(), v)
            })
            .collect()
    }
    fn keywords(obj: &serde_json::Map<String, Value>, at: &str) -> Option<(String, String)> {
        let tok = super::diagnostics::pointer_token;
        for (key, value) in obj {
            let here = format!("{at}/{}", tok(key));
            let expected = match key.as_str() {
                "type" | "format" | "pattern" | "title" | "description" => value.is_string().then_some(()).ok_or("a string"),
                "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems" | "exclusiveMinimum" | "exclusiveMaximum" => {
                    value.is_boolean().then_some(()).ok_or("a boolean")
                }
                "minimum" | "maximum" | "multipleOf" => value.is_number().then_some(()).ok_or("a number"),
                "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
                    value.is_u64().then_some(()).ok_or("a non-negative integer")
                }
                "required" => (value.as_array().is_some_and(|a| a.iter().all(Value::is_string))).then_some(()).ok_or("an array of strings"),
                "enum" => value.is_array().then_some(()).ok_or("an array"),
                "properties" => match value.as_object() {
                    Some(props) => {
                        for (name, p) in props {
                            if let Some(e) = schema(p, &format!("{here}/{}", tok(name))) {
                                return Some(e);
                            }
                        }
                        Ok(())
                    }
                    None => Err("an object"),
                },
                "items" | "not" => match schema(value, &here) {
                    Some(e) => return Some(e),
                    None => Ok(()),
                },
                "additionalProperties" => match value {
                    Value::Bool(_) => Ok(()),
                    _ => match schema(value, &here) {
                        Some(e) => return Some(e),
                        None => Ok(()),
                    },
                },
                "allOf" | "oneOf" | "anyOf" => match value.as_array() {
                    Some(members) => {
                        for (i, m) in members.iter().enumerate() {
                            if let Some(e) = schema(m, &format!("{here}/{i}")) {
                                return Some(e);
                            }
                        }
                        Ok(())
                    }
                    None => Err("an array of schemas"),
                },
                "discriminator" => value.get("propertyName").is_some_and(Value::is_string).then_some(()).ok_or("an object with a string `propertyName`"),
                "externalDocs" => value.get("url").is_some_and(Value::is_string).then_some(()).ok_or("an object with a string `url`"),
                "xml" => value.is_object().then_some(()).ok_or("an object"),
                _ => Ok(()),
            };
            if let Err(what) = expected {
                return Some((here, format!("`{key}` must be {what}, found {}", kind(value))));
            }
        }
        None
    }
    fn media(content: &Value, at: &str) -> Option<(String, String)> {
        let tok = super::diagnostics::pointer_token;
        for (ct, m) in content.as_object()? {
            if let Some(s) = m.get("schema") {
                if let Some(e) = schema(s, &format!("{at}/{}/schema", tok(ct))) {
                    return Some(e);
                }
            }
        }
        None
    }
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, s) in schemas {
            if let Some(e) = schema(s, &format!("#/components/schemas/{}", tok(name))) {
                return Some(e);
            }
        }
    }
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let at = format!("#/paths/{}/{}", tok(path), tok(method));
            for (i, p) in op.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
                if let Some(s) = p.get("schema") {
                    if let Some(e) = schema(s, &format!("{at}/parameters/{i}/schema")) {
                        return Some(e);
                    }
                }
            }
            if let Some(c) = op.pointer("/requestBody/content") {
                if let Some(e) = media(c, &format!("{at}/requestBody/content")) {
                    return Some(e);
                }
            }
            for (code, r) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                if let Some(c) = r.get("content") {
                    if let Some(e) = media(c, &format!("{at}/responses/{}/content", tok(code))) {
                        return Some(e);
                    }
                }
            }
        }
    }
    None
}

/// openapiv3 deserializes some maps through `flatten`, which hides the path of an error from
/// serde_path_to_error. This probes the usual parts of a document one by one, deepest first, and
/// returns the pointer and message of the first part that fails.
fn locate(doc: &serde_json::Value) -> Option<(String, String)> {
    use openapiv3::{Parameter, PathItem, RequestBody, Response, Schema};
    use serde_json::Value;
    fn probe<T: serde::de::DeserializeOwned>(v: &Value, base: &str) -> Option<(String, String)> {
        if v.get("$ref").is_some_and(Value::is_string) {
            return None;
        }
        serde_path_to_error::deserialize::<_, T>(v).err().map(|e| {
            let sub = path_to_pointer(e.path());
            (format!("{base}{}", &sub[1..]), e.into_inner().to_string())
        })
    }
    let tok = super::diagnostics::pointer_token;
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let base = format!("#/paths/{}", tok(path));
            if let Some(item) = item.as_object() {
                for (method, op) in item {
                    let obase = format!("{base}/{method}");
                    if let Some(params) = op.get("parameters").and_then(Value::as_array) {
                        for (i, p) in params.iter().enumerate() {
                            if let Some(r) = probe::<Parameter>(p, &format!("{obase}/parameters/{i}")) {
                                return Some(r);
                            }
                        }
                    }
                    if let Some(b) = op.get("requestBody") {
                        if let Some(r) = probe::<RequestBody>(b, &format!("{obase}/requestBody")) {
                            return Some(r);
                        }
                    }
                    if let Some(rs) = op.get("responses").and_then(Value::as_object) {
                        for (code, r) in rs {
                            if let Some(r) = probe::<Response>(r, &format!("{obase}/responses/{}", tok(code))) {
                                return Some(r);
                            }
                        }
                    }
                }
            }
            if let Some(r) = probe::<PathItem>(item, &base) {
                return Some(r);
            }
        }
    }
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, s) in schemas {
            if let Some(r) = probe::<Schema>(s, &format!("#/components/schemas/{}", tok(name))) {
                return Some(r);
            }
        }
    }
    None
}

fn text_is_whole_file(block: &Location) -> bool {
    let f = block.file.to_ascii_lowercase();
    f.ends_with(".json") || f.ends_with(".yaml") || f.ends_with(".yml")
}

fn check_openapi(value: &serde_json::Value, block: &Location) -> Result<(), Diagnostic> {
    let Some(obj) = value.as_object() else {
        return Err(Diagnostic::at(block, "expected an OpenAPI document (a JSON object)").with_pointer("#"));
    };
    match obj.get("openapi") {
        Some(serde_json::Value::String(v)) if v.starts_with("3.0") => Ok(()),
        Some(serde_json::Value::String(v)) => Err(Diagnostic::at(
            block,
            format!("unsupported OpenAPI version `{v}`: the generator reads OpenAPI 3.0.x"),
        )
        .with_pointer("#/openapi")),
        Some(_) => Err(Diagnostic::at(block, "`openapi` must be a version string such as \"3.0.0\"")
            .with_pointer("#/openapi")),
        None if obj.contains_key("swagger") => Err(Diagnostic::at(
            block,
            "Swagger 2.0 documents are not supported: convert to OpenAPI 3.0",
        )
        .with_pointer("#/swagger")),
        None => Err(Diagnostic::at(block, "JSON block is not an OpenAPI document: it has no `openapi` field")
            .with_pointer("#")),
    }
}

/// Turns a serde path (`paths./connections.get`) into a JSON pointer (`#/paths/~1connections/get`).
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("#");
    for seg in path.iter() {
        out.push('/');
        match seg {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push_str(&super::diagnostics::pointer_token(key))
            }
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> SourceFile {
        SourceFile { path: "specs/x/page.md".into(), bytes: text.as_bytes().to_vec() }
    }

    const DOC: &str = r#"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{}}"#;

    #[test]
    fn finds_blocks_with_line_heading_and_quote() {
        let text = format!("# Page\n\n## List things\n\n> Lists `all` things.\\\n> More.\n\n```json\n{DOC}\n```\n\n```js\nx\n```\n");
        let blocks = json_blocks(&text);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].line, 8);
        assert_eq!(blocks[0].heading.as_deref(), Some("List things"));
        assert_eq!(blocks[0].quote.as_deref(), Some("Lists all things.\nMore."));
        assert_eq!(blocks[0].content.trim(), DOC);
    }

    #[test]
    fn invalid_json_reports_file_line_col() {
        let err = extract_file(&md("# P\n\n```json\n{\"openapi\": \n```\n")).unwrap_err();
        let msg = err.0[0].to_string();
        assert!(msg.starts_with("specs/x/page.md:5:"), "{msg}");
        assert!(msg.contains("invalid JSON"), "{msg}");
    }

    #[test]
    fn json_that_is_not_openapi() {
        let err = extract_file(&md("```json\n{\"name\": 1}\n```\n")).unwrap_err();
        assert_eq!(err.0[0].to_string(), "specs/x/page.md:1 #: JSON block is not an OpenAPI document: it has no `openapi` field");
        let err = extract_file(&md("```json\n{\"openapi\": \"3.1.0\"}\n```\n")).unwrap_err();
        assert!(err.0[0].to_string().contains("#/openapi: unsupported OpenAPI version `3.1.0`"));
    }

    #[test]
    fn invalid_openapi_names_pointer() {
        let doc = r#"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":5}}}}}}"#;
        let err = extract_file(&md(&format!("```json\n{doc}\n```\n"))).unwrap_err();
        let msg = err.0[0].to_string();
        assert!(msg.contains("#/paths/~1a/get/responses/200/description"), "{msg}");
    }

    #[test]
    fn invalid_schema_keywords_are_caught_before_openapiv3() {
        // 30 levels deep: openapiv3 alone would backtrack for minutes on this.
        let mut schema = r#"{"type":{"type":"string"}}"#.to_string();
        for _ in 0..30 {
            schema = format!(r#"{{"type":"array","items":{schema}}}"#);
        }
        let doc = format!(
            r#"{{"openapi":"3.0.0","info":{{"title":"t","version":"1"}},"paths":{{"/a":{{"get":{{"responses":{{"200":{{"description":"ok","content":{{"application/json":{{"schema":{schema}}}}}}}}}}}}}}}}}"#
        );
        let err = extract_file(&md(&format!("```json\n{doc}\n```\n"))).unwrap_err();
        let msg = err.0[0].to_string();
        assert!(msg.contains(&format!("/schema{}/type: not a valid OpenAPI 3.0 document: `type` must be a string, found an object", "/items".repeat(30))), "{msg}");
        let bad_length = doc.replace(r#"{"type":{"type":"string"}}"#, r#"{"type":"string","minLength":-1}"#);
        let err = extract_file(&md(&format!("```json\n{bad_length}\n```\n"))).unwrap_err();
        assert!(err.0[0].to_string().contains("`minLength` must be a non-negative integer, found a number"), "{}", err.0[0]);
    }

    #[test]
    fn non_utf8_is_located() {
        let f = SourceFile { path: "p.md".into(), bytes: b"ok\nab\xff".to_vec() };
        assert_eq!(extract_file(&f).unwrap_err().0[0].to_string(), "p.md:2:3: the file is not valid UTF-8");
    }

    #[test]
    fn whole_yaml_and_json_files() {
        let y = SourceFile { path: "api.yaml".into(), bytes: b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n".to_vec() };
        assert_eq!(extract_file(&y).unwrap().len(), 1);
        let j = SourceFile { path: "api.json".into(), bytes: DOC.as_bytes().to_vec() };
        assert_eq!(extract_file(&j).unwrap().len(), 1);
        let bad = SourceFile { path: "api.json".into(), bytes: b"{\n  \"openapi\": }".to_vec() };
        assert!(extract_file(&bad).unwrap_err().0[0].to_string().starts_with("api.json:2:"));
    }

    #[test]
    fn yaml_merge_keys_are_applied_and_yaml_errors_located() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: &ok\n          description: fine\n          content: {text/plain: {schema: {type: string}}}\n  /b:\n    get:\n      responses:\n        200:\n          <<: *ok\n          description: also fine\n";
        let y = SourceFile { path: "api.yaml".into(), bytes: text.as_bytes().to_vec() };
        let docs = extract_file(&y).unwrap();
        let json = serde_json::to_value(&docs[0].doc).unwrap();
        let ok = &json["paths"]["/b"]["get"]["responses"]["200"];
        assert_eq!((&ok["description"], &ok["content"]["text/plain"]["schema"]["type"]), (&serde_json::json!("also fine"), &serde_json::json!("string")), "{ok}");
        let bad = SourceFile { path: "api.yaml".into(), bytes: b"openapi: 3.0.3\ninfo: [1, 2\n".to_vec() };
        let err = extract_file(&bad).unwrap_err().0[0].to_string();
        assert!(err.starts_with("api.yaml:") && err.contains("invalid YAML"), "{err}");
    }
}
