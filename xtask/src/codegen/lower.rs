//! Stage 3, lower: turns the merged OpenAPI document into the [`ir::Api`]. Operations are named
//! from their summaries (there are no operationIds); parameters get Rust names; inline schemas
//! become named types, and structurally identical ones become one type; `$ref`s are resolved,
//! with a located error for a reference to nothing or a cycle of bare aliases.
//!
//! Schemas are first interned as anonymous *shapes* (keyed by structure, docs ignored), each
//! collecting the names its uses suggest; names are given once every use is known, so the name
//! of a type does not depend on which page mentions it first.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::config::{ApiConfig, PackageConfig};
use super::diagnostics::{pointer_token, Diagnostic, Diagnostics, Location};
use super::ir::{self, TypeRef};
use super::merge::{Merged, METHODS};
use super::naming;
use super::refs;

/// Type names the models crate defines itself.
const RESERVED_TYPES: &[&str] = &["Scope", "Value", "Map", "Vec", "String", "Option", "Box", "Result", "DateTime", "Utc", "NaiveDate"];

/// Lowers one merged API.
pub fn lower(api_name: &str, config: &ApiConfig, config_file: &str, merged: &Merged, sources: Vec<String>) -> Result<ir::Api, Diagnostics> {
    let mut l = Lowerer::new(&merged.doc, merged);
    let fallback_loc = merged.origins.values().next().map(|o| o.location.clone()).unwrap_or_else(|| Location::new(api_name, 1));

    // Components first: their names are given by the docs.
    if let Some(c) = &merged.doc.components {
        for name in c.schemas.keys() {
            let loc = merged.schema_origins.get(name).cloned().unwrap_or_else(|| fallback_loc.clone());
            l.component(name, &loc, &format!("#/components/schemas/{}", pointer_token(name)));
        }
    }

    let mut groups: Vec<RawGroup> = Vec::new();
    for (path, item) in &merged.doc.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        for method in METHODS {
            let op = match method {
                "get" => &item.get,
                "put" => &item.put,
                "post" => &item.post,
                "delete" => &item.delete,
                "options" => &item.options,
                "head" => &item.head,
                "patch" => &item.patch,
                _ => &item.trace,
            };
            let Some(op) = op else { continue };
            let origin = merged.origin(path, method);
            let loc = origin.map(|o| o.location.clone()).unwrap_or_else(|| fallback_loc.clone());
            let tag = op.tags.first().cloned().unwrap_or_else(|| default_tag(path));
            let sections = naming::tag_sections(&tag);
            let group_path = group_path(&sections);
            // Tags that name the same section (`Scenarios > Logs`, `Scenarios / Logs`) are one handle.
            let gi = match groups.iter().position(|g| g.path == group_path) {
                Some(i) => {
                    if !groups[i].tags.contains(&tag) {
                        groups[i].tags.push(tag.clone());
                    }
                    i
                }
                None => {
                    groups.push(RawGroup { tags: vec![tag.clone()], sections: sections.clone(), path: group_path, ops: Vec::new() });
                    groups.len() - 1
                }
            };
            let summary = op
                .summary
                .clone()
                .filter(|s| !s.trim().is_empty())
                .or_else(|| origin.and_then(|o| o.heading.clone()))
                .unwrap_or_else(|| naming::summary_from_path(method, path));
            let key = format!("{} {}", method.to_uppercase(), path);
            let mut names = naming::operation(&summary, &sections.join(" "));
            if let Some(n) = config.names.operations.get(&key) {
                names.method = naming::snake(n.method());
                if let Some(b) = n.builder() {
                    names.builder = naming::pascal(b);
                }
            }
            let pointer = format!("#/paths/{}/{method}", pointer_token(path));
            let raw = l.operation(RawOpInput { method, path, op, names, summary, loc, pointer, quote: origin.and_then(|o| o.quote.clone()) });
            groups[gi].ops.push(raw);
        }
    }
    for key in config.names.operations.keys() {
        let known = merged.origins.keys().any(|(p, m)| format!("{} {}", m.to_uppercase(), p) == *key);
        if !known {
            l.diags.push(Diagnostic::global(format!("{config_file} [names.operations]: no operation `{key}` in the docs")));
        }
    }

    let groups = nest_groups(groups);
    let names = l.name_shapes(config, config_file);
    let types = l.type_defs(&names);
    let groups = l.finish_groups(groups, &names, &types);

    let tag_docs: BTreeMap<&str, Option<String>> =
        merged.doc.tags.iter().map(|t| (t.name.as_str(), text(&t.description))).collect();
    let groups: Vec<ir::Group> = groups
        .into_iter()
        .map(|(g, operations)| ir::Group {
            docs: g.tags.iter().find_map(|t| tag_docs.get(t.as_str()).cloned().flatten()),
            rust_name: naming::handle_type(&g.sections),
            accessor: g.path.last().cloned().unwrap_or_default(),
            tag: g.tags.first().cloned().unwrap_or_else(|| g.sections.join(" > ")),
            path: g.path,
            operations,
        })
        .collect();

    let mut scopes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for g in &groups {
        for o in &g.operations {
            for s in &o.scopes {
                scopes.entry(s.clone()).or_default().push(o.id.clone());
            }
        }
    }
    let mut scope_names = BTreeSet::new();
    let scopes = scopes
        .into_iter()
        .map(|(wire, operations)| {
            let rust_name = naming::unique(naming::pascal(&wire), |n| scope_names.contains(n) || n == "Other");
            scope_names.insert(rust_name.clone());
            ir::ScopeDef { wire, rust_name, operations }
        })
        .collect();

    let (servers, default_server) = servers(&merged.doc, config, config_file, &mut l.diags);
    let auth = auth(&merged.doc, config);
    let crate_base = naming::crate_name(api_name);
    let api = ir::Api {
        name: api_name.to_string(),
        title: merged.doc.info.title.trim().to_string(),
        version: merged.doc.info.version.clone(),
        sources,
        models_crate: config.crates.models.clone().unwrap_or_else(|| format!("{crate_base}-models")),
        client_crate: config.crates.client.clone().unwrap_or_else(|| format!("{crate_base}-client")),
        servers_enum: config.client.servers_enum.clone().unwrap_or_else(|| "Server".into()),
        servers,
        default_server,
        auth,
        scopes,
        groups,
        types,
        package: package(&config.package, config_file, &mut l.diags),
    };
    l.diags.into_result(api)
}

/// The docs' note on a deprecation: the first sentence of the description that mentions it
/// (`"Deprecated: use the new endpoint."`), else a plain statement.
fn deprecation_note(description: Option<&str>) -> String {
    let text = description.unwrap_or("").replace("<br>", "\n");
    let sentence = text
        .split(['\n', '.'])
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|s| s.to_lowercase().contains("deprecat"))
        .map(|s| s.replace("**", "").replace("__", "").trim_matches(['*', '_', '>', ' ']).to_string())
        .filter(|s| !s.is_empty());
    match sentence {
        Some(s) if s.chars().count() > 200 => format!("{}…", s.chars().take(200).collect::<String>()),
        Some(s) => s,
        None => "Marked deprecated in the API docs.".to_string(),
    }
}

/// The overlay extension that marks a string holding JSON (see [`Lowerer::json_string`]).
const JSON_STRING_EXTENSION: &str = "x-json-string";

/// What a description says of a string that holds JSON.
const JSON_STRING_PHRASES: &[&str] =
    &["json string", "json-encoded", "json encoded", "stringified json", "json-stringified", "serialized json", "json-serialized", "string containing json", "string holding json"];

/// The documented values of an integer or number schema (`enum: [1, 4, 9]`), as JSON text. The
/// Rust type stays the integer (a value the docs do not list is still sent and decoded); the
/// catalogue's argument schema and the docs carry the list.
fn numeric_enum(s: &Schema) -> Vec<String> {
    match &s.schema_kind {
        SchemaKind::Type(Type::Integer(t)) => t.enumeration.iter().flatten().map(i64::to_string).collect(),
        SchemaKind::Type(Type::Number(t)) => t.enumeration.iter().flatten().filter_map(|n| serde_json::Number::from_f64(*n)).map(|n| n.to_string()).collect(),
        SchemaKind::Any(a) if matches!(a.typ.as_deref(), Some("integer" | "number")) => {
            a.enumeration.iter().filter(|e| e.is_number()).map(serde_json::Value::to_string).collect()
        }
        _ => Vec::new(),
    }
}

/// Whether a string schema's `format` or description says it holds JSON (`format: json`, "a
/// JSON-encoded string"...). The overlay's `x-json-string` comes first (see
/// [`is_json_string`]).
fn describes_json_string(format: Option<&str>, description: Option<&str>) -> bool {
    let format = format.map(str::to_ascii_lowercase);
    let description = description.unwrap_or("").to_ascii_lowercase();
    matches!(format.as_deref(), Some("json" | "json-string")) || JSON_STRING_PHRASES.iter().any(|p| description.contains(p))
}

/// Whether a string schema (as JSON, after the overlay) carries JSON inside the string, by the
/// rules the generator follows for `JsonString<T>`: for tools that read the merged document,
/// such as the data-driven tests that must send such a field a string holding JSON.
pub fn is_json_string(schema: &serde_json::Value) -> bool {
    match schema.get(JSON_STRING_EXTENSION) {
        Some(serde_json::Value::Bool(marked)) => *marked,
        Some(_) => true,
        None => schema.get("type").and_then(serde_json::Value::as_str) == Some("string") && describes_json_string(schema.get("format").and_then(serde_json::Value::as_str), schema.get("description").and_then(serde_json::Value::as_str)),
    }
}

/// Make's key-paging parameter: the key of the last item received.
const CURSOR_PARAM: &str = "pg[last]";

/// Make's column selection; `cols[]=*` asks for every column (seed overview: "Filtering").
const COLUMNS_PARAM: &str = "cols[]";

/// The `[package]` settings with their defaults; a version Cargo would refuse is an error at the
/// config file.
fn package(config: &PackageConfig, config_file: &str, diags: &mut Diagnostics) -> ir::Package {
    let version = config.version.clone().unwrap_or_else(|| "0.1.0".into());
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0'));
    if parts.len() != 3 || !parts.iter().all(numeric) {
        diags.push(Diagnostic::global(format!("{config_file} [package]: version `{version}` is not a semantic version (MAJOR.MINOR.PATCH)")));
    }
    ir::Package {
        version,
        license: config.license.clone().unwrap_or_else(|| "MIT OR Apache-2.0".into()),
        repository: config.repository.clone(),
        homepage: config.homepage.clone(),
        documentation: config.documentation.clone().unwrap_or_else(|| "https://docs.rs/{crate}".into()),
        readme: config.readme.clone(),
        keywords: config.keywords.clone(),
        categories: config.categories.clone(),
    }
}

/// Names a client method cannot take (`Client::new`, the `models` re-export, the `catalogue`
/// module...), names a handle method cannot take (its constructor), and names a request
/// builder's parameter setter cannot take (its fields and methods besides the setters).
const CLIENT_RESERVED: &[&str] = &["client", "models", "catalogue", "new", "builder", "runtime", "with_credentials"];
const HANDLE_RESERVED: &[&str] = &["new"];
const BUILDER_RESERVED: &[&str] = &["body", "client", "send", "stream", "credentials"];

/// Accessors from the client to a section's handle: one per section, each a snake_case name.
fn group_path(sections: &[String]) -> Vec<String> {
    sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let reserved = if i == 0 { CLIENT_RESERVED } else { HANDLE_RESERVED };
            naming::unique(naming::snake(s), |n| reserved.contains(&n))
        })
        .collect()
}

/// Adds a handle for every parent section that has no operations of its own (`Users > Me` when
/// only `Users > Me > API Tokens` has operations), then puts every handle right after its parent:
/// sections in the order the docs first mention them, each followed by its subsections.
fn nest_groups(groups: Vec<RawGroup>) -> Vec<RawGroup> {
    let mut groups = groups;
    let mut i = 0;
    while i < groups.len() {
        for len in 1..groups[i].path.len() {
            let prefix = groups[i].path[..len].to_vec();
            if !groups.iter().any(|g| g.path == prefix) {
                let sections = groups[i].sections[..len].to_vec();
                groups.insert(i, RawGroup { tags: Vec::new(), sections, path: prefix, ops: Vec::new() });
                i += 1;
            }
        }
        i += 1;
    }
    // Siblings in the order of the first mention of anything in their subtree.
    let first_mention = |path: &[String]| groups.iter().position(|g| g.path.starts_with(path)).unwrap_or(usize::MAX);
    let children = |path: &[String]| {
        let mut c: Vec<usize> = (0..groups.len()).filter(|&j| groups[j].path.len() == path.len() + 1 && groups[j].path.starts_with(path)).collect();
        c.sort_by_key(|&j| first_mention(&groups[j].path));
        c
    };
    let mut order = Vec::with_capacity(groups.len());
    let mut stack: Vec<usize> = children(&[]).into_iter().rev().collect();
    while let Some(i) = stack.pop() {
        order.push(i);
        stack.extend(children(&groups[i].path).into_iter().rev());
    }
    let mut slots: Vec<Option<RawGroup>> = groups.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

fn default_tag(path: &str) -> String {
    path.split('/').find(|s| !s.is_empty() && !s.starts_with('{')).unwrap_or("default").to_string()
}

fn servers(doc: &OpenAPI, config: &ApiConfig, config_file: &str, diags: &mut Diagnostics) -> (Vec<ir::Server>, usize) {
    let descs: Vec<Vec<String>> = doc
        .servers
        .iter()
        .map(|s| s.description.as_deref().unwrap_or("").split_whitespace().map(str::to_lowercase).collect())
        .collect();
    // Words every description ends with ("production zone") say nothing about the server.
    let mut common = 0;
    if doc.servers.len() > 1 && descs.iter().all(|d| !d.is_empty()) {
        let min = descs.iter().map(Vec::len).min().unwrap_or(0);
        while common < min.saturating_sub(1) && descs.iter().all(|d| d[d.len() - 1 - common] == descs[0][descs[0].len() - 1 - common]) {
            common += 1;
        }
    }
    let mut taken = BTreeSet::new();
    let mut out = Vec::new();
    for (s, d) in doc.servers.iter().zip(&descs) {
        // One server needs no distinguishing name.
        let from_desc = if d.is_empty() || doc.servers.len() == 1 { String::new() } else { naming::pascal(&d[..d.len() - common].join(" ")) };
        let base = if !from_desc.is_empty() && from_desc != "Empty" {
            from_desc
        } else {
            let host = s.url.split("://").nth(1).unwrap_or(&s.url).split(['/', ':']).next().unwrap_or("");
            let label = host.split('.').next().unwrap_or("");
            if doc.servers.len() == 1 || label.is_empty() { "Default".into() } else { naming::pascal(label) }
        };
        let name = naming::unique(base, |n| taken.contains(n) || n == "Other");
        taken.insert(name.clone());
        out.push(ir::Server { rust_name: name, url: s.url.trim_end_matches('/').to_string(), description: s.description.clone() });
    }
    let default = match &config.client.default_server {
        Some(url) => match out.iter().position(|s| s.url == url.trim_end_matches('/')) {
            Some(i) => i,
            None => {
                diags.push(Diagnostic::global(format!("{config_file} [client] default_server `{url}` is not one of the docs' servers")));
                0
            }
        },
        None => 0,
    };
    (out, default)
}

fn auth(doc: &OpenAPI, config: &ApiConfig) -> ir::Auth {
    let mut header = "Authorization".to_string();
    let mut prefix = String::new();
    let mut docs = None;
    if let Some(c) = &doc.components {
        for scheme in c.security_schemes.values() {
            let ReferenceOr::Item(scheme) = scheme else { continue };
            match scheme {
                openapiv3::SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Header, name, description, .. } => {
                    header.clone_from(name);
                    docs.clone_from(description);
                    break;
                }
                openapiv3::SecurityScheme::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                    prefix = "Bearer ".into();
                    docs.clone_from(description);
                    break;
                }
                _ => {}
            }
        }
    }
    if let Some(h) = &config.auth.header {
        header.clone_from(h);
    }
    if let Some(p) = &config.auth.prefix {
        prefix.clone_from(p);
    }
    ir::Auth { header, prefix, docs }
}

struct RawGroup {
    /// Every tag naming this section, first seen first.
    tags: Vec<String>,
    /// The sections of the first tag (`["Scenarios", "Logs"]`).
    sections: Vec<String>,
    /// Accessors from the client (`["scenarios", "logs"]`).
    path: Vec<String>,
    ops: Vec<RawOp>,
}

struct RawOpInput<'a> {
    method: &'a str,
    path: &'a str,
    op: &'a openapiv3::Operation,
    names: naming::OperationNames,
    summary: String,
    loc: Location,
    pointer: String,
    quote: Option<String>,
}

/// An operation whose types still point at unnamed shapes.
struct RawOp {
    names: naming::OperationNames,
    http_method: String,
    path: String,
    summary: String,
    docs: Option<String>,
    deprecated: bool,
    scopes: Vec<String>,
    params: Vec<RawParam>,
    body: Option<RawRequestBody>,
    response: (u16, Vec<(String, RawResponse)>),
    loc: Location,
}

struct RawParam {
    deprecated: bool,
    style: ir::ParamStyle,
    explode: bool,
    wire: String,
    location: ir::ParamLocation,
    required: bool,
    ty: Ty,
    docs: Option<String>,
    placeholder: Option<ir::Placeholder>,
    allowed: Vec<String>,
}

struct RawRequestBody {
    required: bool,
    docs: Option<String>,
    /// The preferred media type first.
    media: Vec<(String, RawBody, Vec<ir::PropertyEncoding>)>,
}

enum RawBody {
    Json(Ty),
    Bytes,
    Text,
    Form(Ty),
    Multipart(Ty),
}

enum RawResponse {
    Json(Ty),
    Text,
    Bytes,
    Stream,
}

/// How a media type is carried (see [`media_class`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaClass {
    /// A JSON document.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/*`.
    Multipart,
    /// UTF-8 text.
    Text,
    /// `text/event-stream`: bytes as they arrive.
    Stream,
    /// Any other bytes.
    Bytes,
}

impl MediaClass {
    fn name(self) -> &'static str {
        match self {
            MediaClass::Json => "Json",
            MediaClass::Form => "Form",
            MediaClass::Multipart => "Multipart",
            MediaClass::Text => "Text",
            MediaClass::Stream => "Stream",
            MediaClass::Bytes => "Bytes",
        }
    }
}

/// A type whose named parts are shape ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Ty {
    String,
    Int(u8),
    UInt(u8),
    Num(u8),
    Bool,
    DateTime,
    Date,
    Any,
    Bytes,
    Base64,
    Uuid,
    File,
    SortDir,
    Shape(usize),
    /// A schema that is an alias (of a list, a map or another reference) met again while it is
    /// being lowered: an index into `Lowerer::deferred`, filled in when it is done.
    Deferred(usize),
    Vec(Box<Ty>),
    Map(Box<Ty>),
    /// JSON inside a string: see [`ir::TypeRef::JsonString`].
    JsonString(Box<Ty>),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ShapeKind {
    Struct { fields: Vec<SField>, flatten: Vec<Ty>, extra: Option<Ty> },
    Enum(Vec<String>),
    /// The alternatives, and with a usable `discriminator` its property and the tag values of
    /// each alternative (same order).
    Union(Vec<Ty>, Option<(String, Vec<Vec<String>>)>),
    /// A component whose kind is still being lowered.
    Pending,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SField {
    wire: String,
    ty: Ty,
    required: bool,
    nullable: bool,
    docs: Option<String>,
    /// The documented values of a number or integer (`enum`), as JSON text.
    allowed: Vec<String>,
}

struct Shape {
    kind: ShapeKind,
    docs: Option<String>,
    /// Name given by the docs (`components.schemas`).
    component: Option<String>,
    /// A request or response body: named after its operation, never merged with others.
    root: bool,
    /// Names suggested by each use: (preferred, qualified).
    candidates: Vec<(String, String)>,
    /// Order of first use.
    first_seen: usize,
}

/// How the context suggests naming an inline schema.
#[derive(Debug, Clone)]
struct Hint {
    primary: String,
    fallback: String,
}

impl Hint {
    fn new(primary: impl Into<String>) -> Self {
        let p = primary.into();
        Hint { fallback: p.clone(), primary: p }
    }
    fn property(&self, prop: &str) -> Hint {
        Hint { primary: naming::pascal(prop), fallback: format!("{}{}", self.primary, naming::pascal(prop)) }
    }
    fn item(&self, prop: &str) -> Hint {
        let s = naming::singular_name(prop);
        Hint { primary: naming::pascal(&s), fallback: format!("{}{}", self.primary, naming::pascal(&s)) }
    }
    fn qualified(&self, suffix: &str) -> Hint {
        Hint { primary: format!("{}{}", self.primary, naming::pascal(suffix)), fallback: format!("{}{}", self.fallback, naming::pascal(suffix)) }
    }
}

enum RefState {
    /// A schema that makes a named type, being lowered: the type's id.
    Shape(usize),
    /// An alias being lowered: its slot in `Lowerer::deferred`.
    Alias(usize),
    Done(Ty),
}

struct Lowerer<'a> {
    doc: &'a OpenAPI,
    merged: &'a Merged,
    diags: Diagnostics,
    shapes: Vec<Shape>,
    index: HashMap<ShapeKind, usize>,
    /// Referenced schemas by canonical pointer.
    refs: HashMap<String, RefState>,
    /// What each alias met again during its own lowering turned out to be.
    deferred: Vec<Option<Ty>>,
    /// Pending shapes already used by a reference inside themselves.
    handed_out: BTreeSet<usize>,
    /// Where each deferred alias was first met again (for the error of a true alias cycle).
    reentries: BTreeMap<usize, (Location, String)>,
    /// The document as JSON, where references are looked up.
    json: serde_json::Value,
    seen: usize,
}

impl<'a> Lowerer<'a> {
    fn new(doc: &'a OpenAPI, merged: &'a Merged) -> Self {
        Lowerer {
            doc,
            merged,
            diags: Diagnostics::default(),
            shapes: Vec::new(),
            index: HashMap::new(),
            refs: HashMap::new(),
            deferred: Vec::new(),
            handed_out: BTreeSet::new(),
            reentries: BTreeMap::new(),
            json: serde_json::to_value(doc).unwrap_or_default(),
            seen: 0,
        }
    }

    fn error(&mut self, loc: &Location, pointer: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::at(loc, message).with_pointer(pointer));
    }

    // ---- schemas ----------------------------------------------------------------------------

    fn component(&mut self, name: &str, loc: &Location, pointer: &str) -> Ty {
        let key = format!("#/components/schemas/{}", pointer_token(name));
        if let Some(ty) = self.cached(&key, (loc, pointer)) {
            return ty;
        }
        let Some(schema) = self.doc.components.as_ref().and_then(|c| c.schemas.get(name)) else {
            self.error(loc, pointer, format!("`$ref` to `{key}`, which is not defined"));
            return Ty::Any;
        };
        let comp_loc = self.merged.schema_origins.get(name).cloned().unwrap_or_else(|| loc.clone());
        self.target(&key, &schema.clone(), &Hint::new(naming::pascal(name)), Some(name), &comp_loc)
    }

    /// The type of a schema reference already met, if any; `at` is where it is met again.
    fn cached(&mut self, key: &str, at: (&Location, &str)) -> Option<Ty> {
        match self.refs.get(key)? {
            RefState::Done(ty) => Some(ty.clone()),
            RefState::Shape(id) => {
                self.handed_out.insert(*id);
                Some(Ty::Shape(*id))
            }
            RefState::Alias(slot) => {
                let slot = *slot;
                self.reentries.entry(slot).or_insert_with(|| (at.0.clone(), at.1.to_string()));
                Some(Ty::Deferred(slot))
            }
        }
    }

    /// Lowers the schema a reference points at (a component, or any other place in the
    /// document), once per location. A schema that makes a named type gets its id before its
    /// parts are lowered, so references back to it are recursion; an alias (a list, a map or a
    /// reference) met again inside itself is [`Ty::Deferred`], an error only when nothing but
    /// aliases, lists and maps lies in between.
    fn target(&mut self, key: &str, schema: &ReferenceOr<Schema>, hint: &Hint, component: Option<&str>, loc: &Location) -> Ty {
        let ty = match schema {
            ReferenceOr::Item(s) if makes_shape(s) => {
                let id = self.new_shape(ShapeKind::Pending, None, component.map(str::to_string), false);
                self.refs.insert(key.to_string(), RefState::Shape(id));
                let (kind, docs) = self.shape_kind(s, hint, loc, key);
                let kind = kind.unwrap_or(ShapeKind::Struct { fields: vec![], flatten: vec![], extra: Some(Ty::Any) });
                let existing = self.index.get(&strip_docs(&kind)).copied();
                match existing {
                    // A schema elsewhere in the document is the inline schema written there: one
                    // type, like two identical inline schemas (the pending id stays unused).
                    Some(other) if component.is_none() && !self.handed_out.contains(&id) => {
                        self.shapes[other].candidates.push((hint.primary.clone(), hint.fallback.clone()));
                        if self.shapes[other].docs.is_none() {
                            self.shapes[other].docs = docs;
                        }
                        Ty::Shape(other)
                    }
                    _ => {
                        self.shapes[id].docs = docs;
                        if component.is_some() {
                            self.index.entry(kind.clone()).or_insert(id);
                        } else {
                            self.shapes[id].candidates.push((hint.primary.clone(), hint.fallback.clone()));
                            self.index.entry(strip_docs(&kind)).or_insert(id);
                        }
                        self.shapes[id].kind = kind;
                        Ty::Shape(id)
                    }
                }
            }
            _ => {
                let slot = self.deferred.len();
                self.deferred.push(None);
                self.refs.insert(key.to_string(), RefState::Alias(slot));
                let mut ty = self.schema_ref(schema, hint, loc, key);
                if self.contains_deferred(&ty, slot, 0) {
                    let what = component.map_or_else(|| format!("`{key}`"), |c| format!("schema `{c}`"));
                    let how = if self.direct_deferred(&ty) == Some(slot) { "is an alias of itself" } else { "is a list or map of itself" };
                    let (at_loc, at_ptr) = self.reentries.get(&slot).cloned().unwrap_or_else(|| (loc.clone(), key.to_string()));
                    self.error(&at_loc, &at_ptr, format!("`$ref` cycle: {what} {how} with no object in between"));
                    ty = Ty::Any;
                }
                self.deferred[slot] = Some(ty.clone());
                ty
            }
        };
        self.refs.insert(key.to_string(), RefState::Done(ty.clone()));
        ty
    }

    /// Whether `ty` holds the deferred alias `slot` other than through a named type.
    fn contains_deferred(&self, ty: &Ty, slot: usize, depth: usize) -> bool {
        match ty {
            Ty::Deferred(d) if *d == slot => true,
            Ty::Deferred(d) => depth < 64 && self.deferred[*d].as_ref().is_some_and(|t| self.contains_deferred(t, slot, depth + 1)),
            Ty::Vec(t) | Ty::Map(t) | Ty::JsonString(t) => self.contains_deferred(t, slot, depth),
            _ => false,
        }
    }

    /// The deferred alias a type ends in, through resolved aliases.
    fn direct_deferred(&self, ty: &Ty) -> Option<usize> {
        match ty {
            Ty::Deferred(d) => match &self.deferred[*d] {
                Some(t) => self.direct_deferred(t),
                None => Some(*d),
            },
            _ => None,
        }
    }

    /// The named type a type is, seen through deferred aliases.
    fn direct_shape(&self, ty: &Ty) -> Option<usize> {
        match ty {
            Ty::Shape(i) => Some(*i),
            Ty::Deferred(d) => self.deferred[*d].as_ref().and_then(|t| self.direct_shape(t)),
            _ => None,
        }
    }

    fn resolve_ref(&mut self, reference: &str, loc: &Location, pointer: &str) -> Ty {
        let pointer = format!("{pointer}/$ref");
        let Some(tokens) = refs::tokens(reference) else {
            self.error(loc, &pointer, format!("`$ref` `{reference}` points into another document, which is not supported; bundle the document first"));
            return Ty::Any;
        };
        if let [c, s, name] = tokens.as_slice() {
            if c == "components" && s == "schemas" {
                return self.component(name, loc, &pointer);
            }
        }
        let key = refs::canonical(&tokens);
        if let Some(ty) = self.cached(&key, (loc, &pointer)) {
            return ty;
        }
        let schema = match refs::get(&self.json, &tokens).map(|v| serde_json::from_value::<ReferenceOr<Schema>>(v.clone())) {
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                self.error(loc, &pointer, format!("`$ref` `{reference}` does not point at a schema: {e}"));
                return Ty::Any;
            }
            None => {
                self.error(loc, &pointer, format!("`$ref` to `{reference}`, which is not defined"));
                return Ty::Any;
            }
        };
        let hint = self.pointer_hint(&tokens);
        self.target(&key, &schema, &hint, None, loc)
    }

    /// How the place a reference points at suggests naming it, read from the pointer the way an
    /// inline schema there is named: `.../properties/keys/items` -> `Key`,
    /// `#/paths/~1keys/get/responses/200/...` -> `ListKeysResponse...`.
    fn pointer_hint(&self, tokens: &[String]) -> Hint {
        let t = |i: usize| tokens.get(i).map(String::as_str);
        let mut hint = Hint::new("Type");
        let mut i = 0;
        while i < tokens.len() {
            match (tokens[i].as_str(), t(i + 1)) {
                ("components", Some(_)) if i == 0 && tokens.len() > 2 => {
                    hint = Hint::new(naming::pascal(&tokens[2]));
                    i += 3;
                }
                ("paths", Some(path)) if i == 0 => {
                    let method = t(i + 2).filter(|m| METHODS.contains(m));
                    hint = Hint::new(match method {
                        Some(m) => self.builder_name(path, m),
                        None => naming::pascal(path),
                    });
                    i += if method.is_some() { 3 } else { 2 };
                }
                ("properties", Some(name)) if t(i + 2) == Some("items") => {
                    hint = hint.item(name);
                    i += 3;
                }
                ("properties", Some(name)) => {
                    hint = hint.property(name);
                    i += 2;
                }
                ("parameters", Some(n)) => {
                    let name = refs::get(&self.json, &tokens[..i + 2]).and_then(|p| p.get("name")).and_then(|n| n.as_str()).unwrap_or(n);
                    hint = hint.qualified(&naming::singular_name(&naming::param(name, false)));
                    i += 2;
                }
                ("allOf" | "oneOf" | "anyOf", Some(n)) => {
                    hint = hint.qualified(&format!("Variant{}", n.parse::<usize>().map_or(0, |n| n + 1)));
                    i += 2;
                }
                ("responses", Some(_)) => {
                    hint = hint.qualified("Response");
                    i += 2;
                }
                ("content", Some(_)) => i += 2,
                ("requestBody", _) => {
                    hint = hint.qualified("Body");
                    i += 1;
                }
                ("items", _) => {
                    hint = hint.qualified("Item");
                    i += 1;
                }
                ("additionalProperties", _) => {
                    hint = hint.qualified("Value");
                    i += 1;
                }
                _ => i += 1,
            }
        }
        hint
    }

    /// The builder name the operation at `path`/`method` gets (its summary, or its path).
    fn builder_name(&self, path: &str, method: &str) -> String {
        let op = match self.doc.paths.paths.get(path) {
            Some(ReferenceOr::Item(item)) => item.iter().find(|(m, _)| *m == method).map(|(_, op)| op),
            _ => None,
        };
        let summary = op
            .and_then(|o| o.summary.clone())
            .filter(|s| !s.trim().is_empty())
            .or_else(|| self.merged.origin(path, method).and_then(|o| o.heading.clone()))
            .unwrap_or_else(|| naming::summary_from_path(method, path));
        let tag = op.and_then(|o| o.tags.first().cloned()).unwrap_or_else(|| default_tag(path));
        naming::operation(&summary, &tag).builder
    }

    fn schema_ref<S: std::borrow::Borrow<Schema>>(&mut self, s: &ReferenceOr<S>, hint: &Hint, loc: &Location, pointer: &str) -> Ty {
        match s {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, loc, pointer),
            ReferenceOr::Item(s) => self.schema(s.borrow(), hint, loc, pointer, false),
        }
    }

    fn new_shape(&mut self, kind: ShapeKind, docs: Option<String>, component: Option<String>, root: bool) -> usize {
        self.seen += 1;
        self.shapes.push(Shape { kind, docs, component, root, candidates: Vec::new(), first_seen: self.seen });
        self.shapes.len() - 1
    }

    /// Interns a shape: a structurally identical one is reused (and gets one more name vote).
    fn intern(&mut self, kind: ShapeKind, docs: Option<String>, hint: &Hint, root: bool) -> Ty {
        let key = strip_docs(&kind);
        let id = match (root, self.index.get(&key)) {
            (false, Some(&id)) => id,
            _ => {
                let id = self.new_shape(kind, docs.clone(), None, root);
                if !root {
                    self.index.insert(key, id);
                }
                id
            }
        };
        if self.shapes[id].docs.is_none() {
            self.shapes[id].docs = docs;
        }
        self.shapes[id].candidates.push((hint.primary.clone(), hint.fallback.clone()));
        Ty::Shape(id)
    }

    /// Lowers a schema to a type; `root` marks request and response bodies.
    fn schema(&mut self, s: &Schema, hint: &Hint, loc: &Location, pointer: &str, root: bool) -> Ty {
        if let Some(ty) = self.simple(s, hint, loc, pointer) {
            return ty;
        }
        let (kind, docs) = self.shape_kind(s, hint, loc, pointer);
        match kind {
            Some(kind) => self.intern(kind, docs, hint, root),
            None => Ty::Any,
        }
    }

    /// A request or response body written inline. Another operation may reference it
    /// (`$ref: "#/paths/~1/get/responses/200/content/application~1json/schema"`): both are one
    /// type, whichever is lowered first.
    fn root_schema(&mut self, s: &Schema, hint: &Hint, loc: &Location, pointer: &str) -> Ty {
        let key = refs::tokens(pointer).map(|t| refs::canonical(&t)).unwrap_or_else(|| pointer.to_string());
        if let Some(ty) = self.cached(&key, (loc, pointer)) {
            return ty;
        }
        if let Some(ty) = self.simple(s, hint, loc, pointer) {
            self.refs.insert(key, RefState::Done(ty.clone()));
            return ty;
        }
        // Registered before its parts are lowered, so a reference back to it is recursion.
        let id = self.new_shape(ShapeKind::Pending, None, None, true);
        self.refs.insert(key.clone(), RefState::Shape(id));
        let (kind, docs) = self.shape_kind(s, hint, loc, pointer);
        let ty = match kind {
            Some(kind) => {
                self.shapes[id].kind = kind;
                self.shapes[id].docs = docs;
                self.shapes[id].candidates.push((hint.primary.clone(), hint.fallback.clone()));
                Ty::Shape(id)
            }
            None => Ty::Any,
        };
        self.refs.insert(key, RefState::Done(ty.clone()));
        ty
    }

    /// Types that need no shape: scalars, arrays, maps, single-member compositions.
    fn simple(&mut self, s: &Schema, hint: &Hint, loc: &Location, pointer: &str) -> Option<Ty> {
        let v = View::of(s);
        if let Some(members) = v.composition() {
            let non_null: Vec<(usize, &ReferenceOr<Schema>)> = effective_members(members).collect();
            if non_null.len() == 1 && v.properties.is_empty() {
                let (i, m) = non_null[0];
                return Some(self.schema_ref(m, hint, loc, &format!("{pointer}/{}/{i}", members.0)));
            }
            if non_null.is_empty() {
                return Some(Ty::Any);
            }
            if v.properties.is_empty() && members.0 != "allOf" && is_text_union(non_null.iter().map(|(_, m)| *m)) {
                return Some(Ty::String);
            }
            return None;
        }
        if v.typ.as_deref() == Some("string") && v.enumeration.is_empty() {
            if let Some(inner) = self.json_string(s, hint, loc, pointer) {
                return Some(Ty::JsonString(Box::new(inner)));
            }
        }
        match v.typ.as_deref() {
            Some("string") if v.enumeration.is_empty() => Some(string_ty(v.format.as_deref())),
            Some("string") => None,
            Some("integer") => Some(integer_ty(v.format.as_deref(), v.minimum, v.maximum)),
            Some("number") => Some(match v.format.as_deref() {
                Some("float") => Ty::Num(32),
                // Integer formats on `number` (seen in real docs) are integers.
                Some(f) if int_format(f).is_some() => integer_ty(Some(f), v.minimum, v.maximum),
                _ => Ty::Num(64),
            }),
            Some("boolean") => Some(Ty::Bool),
            Some("array") => Some(match v.items {
                Some(items) => Ty::Vec(Box::new(self.schema_ref(items, &hint.qualified("Item"), loc, &format!("{pointer}/items")))),
                None => Ty::Vec(Box::new(Ty::Any)),
            }),
            Some("object") | None if v.properties.is_empty() => {
                if v.typ.is_none() && v.additional.is_none() {
                    if !v.enumeration.is_empty() && v.enumeration.iter().all(|e| e.is_string()) {
                        return None;
                    }
                    return Some(Ty::Any);
                }
                match v.additional {
                    Some(AdditionalProperties::Schema(inner)) => {
                        Some(Ty::Map(Box::new(self.schema_ref(inner, &hint.qualified("Value"), loc, &format!("{pointer}/additionalProperties")))))
                    }
                    _ => Some(Ty::Map(Box::new(Ty::Any))),
                }
            }
            Some("object") | None => None,
            Some(other) => {
                self.error(loc, &format!("{pointer}/type"), format!("unknown schema type `{other}`"));
                Some(Ty::Any)
            }
        }
    }

    /// The shape of an object, enum or composition; `None` when it turns out to be untyped.
    fn shape_kind(&mut self, s: &Schema, hint: &Hint, loc: &Location, pointer: &str) -> (Option<ShapeKind>, Option<String>) {
        let docs = text(&s.schema_data.description).or_else(|| text(&s.schema_data.title));
        let v = View::of(s);
        if let Some((key, members)) = v.composition() {
            if key == "allOf" {
                return (Some(self.all_of(members, &v, hint, loc, pointer)), docs);
            }
            let discriminator = s.schema_data.discriminator.as_ref();
            let mut variants: Vec<Ty> = Vec::new();
            let mut tags: Vec<Vec<String>> = Vec::new();
            let mut all_tagged = true;
            for (i, m) in members.iter().enumerate() {
                if is_null_schema(m) {
                    continue;
                }
                let t = self.schema_ref(m, &hint.qualified(&format!("Variant{}", i + 1)), loc, &format!("{pointer}/{key}/{i}"));
                // The tag values of a `$ref` member: the mapping keys that point at it (by
                // reference or by schema name), else the schema's name. Inline members have none.
                let mine: Vec<String> = match (discriminator, m) {
                    (Some(d), ReferenceOr::Reference { reference }) => {
                        let name = reference.rsplit('/').next().unwrap_or(reference).replace("~1", "/").replace("~0", "~");
                        let mapped: Vec<String> =
                            d.mapping.iter().filter(|(_, target)| *target == reference || **target == name).map(|(k, _)| k.clone()).collect();
                        if mapped.is_empty() { vec![name] } else { mapped }
                    }
                    _ => {
                        all_tagged = false;
                        Vec::new()
                    }
                };
                match variants.iter().position(|v| *v == t) {
                    Some(j) => tags[j].extend(mine),
                    None => {
                        variants.push(t);
                        tags.push(mine);
                    }
                }
            }
            let tagged = discriminator.filter(|_| all_tagged && !variants.is_empty()).map(|d| (d.property_name.clone(), tags));
            return (Some(ShapeKind::Union(variants, tagged)), docs);
        }
        if v.typ.as_deref() == Some("string") || (!v.enumeration.is_empty() && v.properties.is_empty()) {
            let values: Vec<String> = v.enumeration.iter().filter_map(|e| e.as_str().map(str::to_string)).collect();
            if values.is_empty() {
                return (None, docs);
            }
            let mut uniq = Vec::new();
            for val in values {
                if !uniq.contains(&val) {
                    uniq.push(val);
                }
            }
            return (Some(ShapeKind::Enum(uniq)), docs);
        }
        let (fields, extra) = self.object_fields(&v, hint, loc, pointer);
        (Some(ShapeKind::Struct { fields, flatten: vec![], extra }), docs)
    }

    fn object_fields(&mut self, v: &View<'_>, hint: &Hint, loc: &Location, pointer: &str) -> (Vec<SField>, Option<Ty>) {
        let mut fields = Vec::new();
        for (name, prop) in v.properties {
            let ptr = format!("{pointer}/properties/{}", pointer_token(name));
            let (field_hint, nullable, docs) = match prop {
                ReferenceOr::Item(p) => {
                    let pv = View::of(p);
                    let h = if pv.typ.as_deref() == Some("array") {
                        hint.item(name)
                    } else if pv.typ.as_deref() == Some("string") {
                        Hint { primary: format!("{}{}", hint.primary, naming::pascal(name)), fallback: format!("{}{}", hint.fallback, naming::pascal(name)) }
                    } else {
                        hint.property(name)
                    };
                    (h, admits_null(p), text(&p.schema_data.description))
                }
                ReferenceOr::Reference { .. } => (hint.property(name), false, None),
            };
            let ty = match prop {
                ReferenceOr::Reference { reference } => self.resolve_ref(reference, loc, &ptr),
                ReferenceOr::Item(p) => {
                    // Array items are named after the property, in singular.
                    self.schema_item_aware(p, &field_hint, loc, &ptr)
                }
            };
            let ty = id_number(name, ty, prop);
            let allowed = match prop {
                ReferenceOr::Item(p) => numeric_enum(p),
                ReferenceOr::Reference { .. } => Vec::new(),
            };
            fields.push(SField { wire: name.clone(), ty, required: v.required.contains(name), nullable, docs, allowed });
        }
        let extra = match v.additional {
            Some(AdditionalProperties::Any(true)) => Some(Ty::Any),
            Some(AdditionalProperties::Any(false)) | None => None,
            Some(AdditionalProperties::Schema(inner)) => {
                Some(self.schema_ref(inner, &hint.qualified("Value"), loc, &format!("{pointer}/additionalProperties")))
            }
        };
        (fields, extra)
    }

    /// Like [`Self::schema`], but an array's items take the hint itself (already singular).
    fn schema_item_aware(&mut self, p: &Schema, hint: &Hint, loc: &Location, pointer: &str) -> Ty {
        let v = View::of(p);
        if v.typ.as_deref() == Some("array") && v.composition().is_none() {
            return match v.items {
                Some(items) => Ty::Vec(Box::new(self.schema_ref(items, hint, loc, &format!("{pointer}/items")))),
                None => Ty::Vec(Box::new(Ty::Any)),
            };
        }
        self.schema(p, hint, loc, pointer, false)
    }

    /// `allOf` is one object with the fields of every member: a `$ref`'d or nested object's
    /// fields are copied in (not `#[serde(flatten)]`ed, which hides a failing field's path and
    /// buffers the input), and a property declared again by a later member refines the first
    /// declaration instead of adding a second field. Only a member that is not an object (a
    /// `oneOf` inside `allOf`, or a type still being lowered because it contains itself) stays
    /// flattened.
    fn all_of(&mut self, members: &[ReferenceOr<Schema>], own: &View<'_>, hint: &Hint, loc: &Location, pointer: &str) -> ShapeKind {
        let mut flatten = Vec::new();
        let mut fields: Vec<SField> = Vec::new();
        let mut extra = None;
        let mut required: Vec<String> = own.required.to_vec();
        for (i, m) in members.iter().enumerate() {
            let ptr = format!("{pointer}/allOf/{i}");
            let t = match m {
                ReferenceOr::Reference { reference } => self.resolve_ref(reference, loc, &ptr),
                ReferenceOr::Item(s) => {
                    let v = View::of(s);
                    required.extend(v.required.iter().cloned());
                    if v.composition().is_none() {
                        if v.properties.is_empty() {
                            if v.additional.is_some() {
                                extra = Some(Ty::Any);
                            }
                            continue;
                        }
                        let (fs, ex) = self.object_fields(&v, hint, loc, &ptr);
                        for f in fs {
                            refine(&mut fields, f);
                        }
                        if ex.is_some() {
                            extra = ex;
                        }
                        continue;
                    }
                    self.schema(s, hint, loc, &ptr, false)
                }
            };
            match t {
                Ty::Shape(id) => match &self.shapes[id].kind {
                    ShapeKind::Struct { fields: fs, flatten: fl, extra: ex } => {
                        for f in fs.clone() {
                            refine(&mut fields, f);
                        }
                        for t in fl.clone() {
                            push_flatten(t, &mut flatten);
                        }
                        if ex.is_some() {
                            extra.clone_from(ex);
                        }
                    }
                    _ => push_flatten(t, &mut flatten),
                },
                other => push_flatten(other, &mut flatten),
            }
        }
        if !own.properties.is_empty() {
            let (fs, _) = self.object_fields(own, hint, loc, pointer);
            for f in fs {
                refine(&mut fields, f);
            }
        }
        for f in &mut fields {
            if required.contains(&f.wire) {
                f.required = true;
            }
        }
        ShapeKind::Struct { fields, flatten, extra }
    }

    // ---- operations -------------------------------------------------------------------------

    fn operation(&mut self, input: RawOpInput<'_>) -> RawOp {
        let RawOpInput { method, path, op, names, summary, loc, pointer, quote } = input;
        let builder = names.builder.clone();
        let mut params: Vec<RawParam> = Vec::new();
        let mut seen_params: BTreeSet<(String, &'static str)> = BTreeSet::new();
        let template = match template_params(path) {
            Some(t) => t,
            None => {
                self.error(&loc, &pointer, format!("malformed path template `{path}`: every `{{` needs a `}}`, with a name between"));
                Vec::new()
            }
        };
        for (i, p) in op.parameters.iter().enumerate() {
            let ptr = format!("{pointer}/parameters/{i}");
            let Some(p) = self.deref(p, &loc, &ptr) else { continue };
            let (location, kind) = match &p {
                Parameter::Query { .. } => (ir::ParamLocation::Query, "query"),
                Parameter::Path { .. } => (ir::ParamLocation::Path, "path"),
                Parameter::Header { .. } => (ir::ParamLocation::Header, "header"),
                Parameter::Cookie { .. } => continue,
            };
            let data = p.parameter_data_ref();
            let style = match &p {
                Parameter::Query { style, .. } => query_style(style),
                Parameter::Path { style, .. } => match style {
                    openapiv3::PathStyle::Matrix => ir::ParamStyle::Matrix,
                    openapiv3::PathStyle::Label => ir::ParamStyle::Label,
                    openapiv3::PathStyle::Simple => ir::ParamStyle::Simple,
                },
                _ => ir::ParamStyle::Simple,
            };
            // OpenAPI: `explode` defaults to true for `form`, false for every other style.
            let explode = data.explode.unwrap_or(style == ir::ParamStyle::Form);
            if !seen_params.insert((data.name.clone(), kind)) {
                self.error(&loc, &ptr, format!("duplicate {kind} parameter `{}`", data.name));
                continue;
            }
            if location == ir::ParamLocation::Header
                && ["authorization", "content-type", "accept"].contains(&data.name.to_ascii_lowercase().as_str())
            {
                continue; // OpenAPI: these header parameters are ignored.
            }
            if location == ir::ParamLocation::Path && !template.contains(&data.name.as_str()) {
                self.error(&loc, &ptr, format!("path parameter `{}` does not appear in the path `{path}`", data.name));
                continue;
            }
            let base = naming::param(&data.name, false);
            let hint = Hint::new(format!("{builder}{}", naming::pascal(&naming::singular_name(&base))));
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(s) => match s {
                    ReferenceOr::Item(s) => self.schema_item_aware(s, &hint, &loc, &format!("{ptr}/schema")),
                    r => self.schema_ref(r, &hint, &loc, &format!("{ptr}/schema")),
                },
                ParameterSchemaOrContent::Content(_) => Ty::String,
            };
            let ty = match (&data.format, ty) {
                (ParameterSchemaOrContent::Schema(s), ty) => id_number(&data.name, ty, s),
                (_, ty) => ty,
            };
            // Make's documented sort direction is the runtime's `SortDir`; the key of a list
            // paged by key is text (`1632371744497_scenario.1229.auto.…`), whatever type the
            // docs give it (they say integer).
            let ty = match data.name.as_str() {
                "pg[sortDir]" => Ty::SortDir,
                CURSOR_PARAM => Ty::String,
                _ => ty,
            };
            let placeholder = naming::placeholder(&data.name).map(|(name, prefix, suffix)| ir::Placeholder {
                name: name.to_string(),
                prefix: prefix.to_string(),
                suffix: suffix.to_string(),
            });
            params.push(RawParam {
                deprecated: data.deprecated.unwrap_or(false),
                wire: data.name.clone(),
                location,
                required: data.required || location == ir::ParamLocation::Path,
                ty,
                docs: text(&data.description),
                placeholder,
                style,
                explode,
                allowed: match &data.format {
                    ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => numeric_enum(s),
                    _ => Vec::new(),
                },
            });
        }
        for name in &template {
            if !params.iter().any(|p| p.location == ir::ParamLocation::Path && p.wire == *name) {
                self.error(&loc, &pointer, format!("the path has `{{{name}}}` but no path parameter `{name}` is declared"));
            }
        }
        // Required first; each group keeps the docs' order.
        params.sort_by_key(|p| !p.required);

        let body = op.request_body.as_ref().and_then(|b| {
            let ptr = format!("{pointer}/requestBody");
            let b = self.deref(b, &loc, &ptr)?;
            let order = media_order(&b.content);
            let mut media = Vec::new();
            for (n, (ct, m)) in order.into_iter().enumerate() {
                let ptr = format!("{ptr}/content/{}", pointer_token(ct));
                let class = media_class(ct);
                // The preferred media type names the body `<Builder>Body`; others add their kind.
                let hint = Hint::new(if n == 0 { format!("{builder}Body") } else { format!("{builder}{}Body", class.name()) });
                let kind = match class {
                    MediaClass::Json => RawBody::Json(self.body_schema(m, &hint, &loc, &ptr)),
                    MediaClass::Form => RawBody::Form(self.body_schema(m, &hint, &loc, &ptr)),
                    MediaClass::Multipart => RawBody::Multipart(self.multipart_schema(m, &hint, &loc, &ptr)),
                    MediaClass::Text | MediaClass::Stream => RawBody::Text,
                    MediaClass::Bytes => RawBody::Bytes,
                };
                let encoding = m
                    .encoding
                    .iter()
                    .map(|(wire, e)| ir::PropertyEncoding {
                        wire: wire.clone(),
                        content_type: e.content_type.clone(),
                        style: e.style.as_ref().map(query_style),
                        explode: (e.style.is_some() || e.explode).then_some(e.explode),
                    })
                    .collect();
                media.push((ct.clone(), kind, encoding));
            }
            if media.is_empty() {
                return None;
            }
            Some(RawRequestBody { required: b.required, docs: text(&b.description), media })
        });

        let response = self.response(op, &builder, &loc, &pointer);
        let scopes = op
            .security
            .as_ref()
            .and_then(|reqs| reqs.first())
            .map(|req| {
                let mut s: Vec<String> = req.values().flatten().cloned().collect();
                s.sort();
                s.dedup();
                s
            })
            .unwrap_or_default();
        RawOp {
            names,
            http_method: method.to_uppercase(),
            path: path.to_string(),
            summary,
            docs: op.description.clone().filter(|d| !d.trim().is_empty()).or(quote),
            deprecated: op.deprecated,
            scopes,
            params,
            body,
            response,
            loc,
        }
    }

    /// A parameter, request body or response, following a reference to anywhere in the document.
    fn deref<T: Clone + serde::de::DeserializeOwned>(&mut self, item: &ReferenceOr<T>, loc: &Location, pointer: &str) -> Option<T> {
        match item {
            ReferenceOr::Item(t) => Some(t.clone()),
            ReferenceOr::Reference { reference } => match refs::resolve(&self.json, reference) {
                Ok((_, t)) => Some(t),
                Err(message) => {
                    self.error(loc, &format!("{pointer}/$ref"), message);
                    None
                }
            },
        }
    }

    fn response(&mut self, op: &openapiv3::Operation, builder: &str, loc: &Location, pointer: &str) -> (u16, Vec<(String, RawResponse)>) {
        use openapiv3::StatusCode;
        let mut best: Option<(u16, &ReferenceOr<openapiv3::Response>, String)> = None;
        for (code, r) in &op.responses.responses {
            let (n, key) = match code {
                StatusCode::Code(n) => (*n, n.to_string()),
                StatusCode::Range(n) => (*n * 100, format!("{n}XX")),
            };
            if (200..300).contains(&n) && best.as_ref().is_none_or(|b| n < b.0) {
                best = Some((n, r, key));
            }
        }
        let (status, r, key) = match (best, &op.responses.default) {
            (Some(b), _) => b,
            (None, Some(d)) => (200, d, "default".to_string()),
            (None, None) => return (200, Vec::new()),
        };
        let ptr = format!("{pointer}/responses/{key}");
        let Some(r) = self.deref(r, loc, &ptr) else { return (status, Vec::new()) };
        let mut out = Vec::new();
        let mut json_seen = false;
        for (ct, media) in media_order(&r.content) {
            let ptr = format!("{ptr}/content/{}", pointer_token(ct));
            let kind = match media_class(ct) {
                // One JSON type per response: a second JSON media type decodes the same way.
                MediaClass::Json if json_seen => continue,
                MediaClass::Json => {
                    json_seen = true;
                    RawResponse::Json(self.body_schema(media, &Hint::new(format!("{builder}Response")), loc, &ptr))
                }
                MediaClass::Stream => RawResponse::Stream,
                MediaClass::Text | MediaClass::Form => RawResponse::Text,
                MediaClass::Multipart | MediaClass::Bytes => RawResponse::Bytes,
            };
            out.push((ct.clone(), kind));
        }
        (status, out)
    }

    /// For a string that carries JSON: the type of that JSON. Recognised from the overlay
    /// extension `x-json-string` (`true`: any JSON; a schema: JSON of that schema), from
    /// `format: json` (or `json-string`), or from a description that says the string is JSON
    /// ("JSON string", "JSON-encoded", "stringified JSON"...).
    fn json_string(&mut self, s: &Schema, hint: &Hint, loc: &Location, pointer: &str) -> Option<Ty> {
        match s.schema_data.extensions.get(JSON_STRING_EXTENSION) {
            Some(serde_json::Value::Bool(false)) => return None,
            Some(serde_json::Value::Bool(true)) => return Some(Ty::Any),
            Some(schema) => {
                let ptr = format!("{pointer}/{JSON_STRING_EXTENSION}");
                return match serde_json::from_value::<ReferenceOr<Schema>>(schema.clone()) {
                    Ok(inner) => Some(self.schema_ref(&inner, hint, loc, &ptr)),
                    Err(e) => {
                        self.error(loc, &ptr, format!("`{JSON_STRING_EXTENSION}` is `true`, `false` or a schema: {e}"));
                        Some(Ty::Any)
                    }
                };
            }
            None => {}
        }
        describes_json_string(View::of(s).format.as_deref(), s.schema_data.description.as_deref()).then_some(Ty::Any)
    }

    /// A list of strings or of a string enum (a `*` fits in either).
    fn is_text_list(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Vec(inner) => match **inner {
                Ty::String => true,
                Ty::Shape(i) => matches!(self.shapes[i].kind, ShapeKind::Enum(_)),
                _ => false,
            },
            _ => false,
        }
    }

    /// The type of a JSON or form body's schema (a root shape, named after the operation).
    fn body_schema(&mut self, media: &openapiv3::MediaType, hint: &Hint, loc: &Location, ptr: &str) -> Ty {
        match &media.schema {
            Some(ReferenceOr::Item(s)) => self.root_schema(s, hint, loc, &format!("{ptr}/schema")),
            Some(r) => self.schema_ref(r, hint, loc, &format!("{ptr}/schema")),
            None => Ty::Any,
        }
    }

    /// The type of a multipart body: its object's `format: binary` properties (and lists of
    /// them) are file parts. A referenced schema without such properties is used as it is.
    fn multipart_schema(&mut self, media: &openapiv3::MediaType, hint: &Hint, loc: &Location, ptr: &str) -> Ty {
        let schema_ptr = format!("{ptr}/schema");
        let (schema, from_ref) = match &media.schema {
            None => return Ty::Any,
            Some(ReferenceOr::Item(s)) => (s.clone(), false),
            Some(ReferenceOr::Reference { reference }) => {
                match refs::resolve::<Schema>(&self.json, reference) {
                    Ok((_, s)) => (s, true),
                    Err(_) => return self.body_schema(media, hint, loc, ptr),
                }
            }
        };
        let v = View::of(&schema);
        if v.properties.is_empty() || v.composition().is_some() {
            return self.body_schema(media, hint, loc, ptr);
        }
        let (mut fields, extra) = self.object_fields(&v, hint, loc, &schema_ptr);
        let mut files = false;
        for f in &mut fields {
            match &mut f.ty {
                t @ Ty::Bytes => {
                    *t = Ty::File;
                    files = true;
                }
                Ty::Vec(inner) if **inner == Ty::Bytes => {
                    **inner = Ty::File;
                    files = true;
                }
                _ => {}
            }
        }
        if from_ref && !files {
            return self.body_schema(media, hint, loc, ptr);
        }
        let docs = text(&schema.schema_data.description).or_else(|| text(&schema.schema_data.title));
        self.intern(ShapeKind::Struct { fields, flatten: vec![], extra }, docs, hint, true)
    }

    // ---- naming and output ------------------------------------------------------------------

    /// Gives every shape a name: docs' names first, then bodies, then the most used shapes.
    fn name_shapes(&mut self, config: &ApiConfig, config_file: &str) -> Vec<String> {
        let mut order: Vec<usize> = (0..self.shapes.len()).collect();
        order.sort_by_key(|&i| {
            let s = &self.shapes[i];
            (s.component.is_none(), !s.root, std::cmp::Reverse(s.candidates.len()), s.first_seen)
        });
        let mut taken: BTreeSet<String> = RESERVED_TYPES.iter().map(|s| s.to_string()).collect();
        let mut names = vec![String::new(); self.shapes.len()];
        for i in order {
            let s = &self.shapes[i];
            if matches!(s.kind, ShapeKind::Pending) {
                continue; // a duplicate dropped in favour of an identical shape
            }
            let name = if let Some(c) = &s.component {
                naming::unique(naming::pascal(c), |n| taken.contains(n))
            } else {
                let mut cands: Vec<&str> = s.candidates.iter().map(|c| c.0.as_str()).collect();
                cands.extend(s.candidates.iter().map(|c| c.1.as_str()));
                match cands.iter().find(|c| !taken.contains(**c)) {
                    Some(c) => c.to_string(),
                    None => naming::unique(cands.first().map(|c| c.to_string()).unwrap_or_else(|| "Type".into()), |n| taken.contains(n)),
                }
            };
            taken.insert(name.clone());
            names[i] = name;
        }
        for (from, to) in &config.names.types {
            match names.iter().position(|n| n == from) {
                Some(i) if !names.contains(to) => names[i].clone_from(to),
                Some(_) => self.diags.push(Diagnostic::global(format!("{config_file} [names.types]: cannot rename `{from}` to `{to}`: that name is taken"))),
                None => self.diags.push(Diagnostic::global(format!("{config_file} [names.types]: no generated type named `{from}`"))),
            }
        }
        names
    }

    fn type_ref(&self, t: &Ty, names: &[String]) -> TypeRef {
        match t {
            Ty::String => TypeRef::String,
            Ty::Int(b) => TypeRef::Integer { bits: *b },
            Ty::UInt(b) => TypeRef::Unsigned { bits: *b },
            Ty::Base64 => TypeRef::Base64,
            Ty::Uuid => TypeRef::Uuid,
            Ty::File => TypeRef::File,
            Ty::Num(b) => TypeRef::Number { bits: *b },
            Ty::Bool => TypeRef::Boolean,
            Ty::DateTime => TypeRef::DateTime,
            Ty::Date => TypeRef::Date,
            Ty::Any => TypeRef::Any,
            Ty::Bytes => TypeRef::Bytes,
            Ty::SortDir => TypeRef::SortDir,
            Ty::Shape(i) => TypeRef::Named(names[*i].clone()),
            Ty::Deferred(d) => self.deferred[*d].as_ref().map_or(TypeRef::Any, |t| self.type_ref(t, names)),
            Ty::Vec(t) => TypeRef::Vec(Box::new(self.type_ref(t, names))),
            Ty::Map(t) => TypeRef::Map(Box::new(self.type_ref(t, names))),
            Ty::JsonString(t) => TypeRef::JsonString(Box::new(self.type_ref(t, names))),
        }
    }

    fn type_defs(&self, names: &[String]) -> Vec<ir::TypeDef> {
        let recursive = self.recursive_edges();
        let mut out = Vec::new();
        for (i, s) in self.shapes.iter().enumerate() {
            let kind = match &s.kind {
                ShapeKind::Pending => continue,
                ShapeKind::Struct { fields, flatten, extra } => {
                    // The emitter names the map of additional properties `extra`.
                    let mut used: BTreeSet<String> = extra.iter().map(|_| "extra".to_string()).collect();
                    let mut fs = Vec::new();
                    for f in fields {
                        let rust_name = naming::unique(naming::snake(&f.wire), |n| used.contains(n));
                        used.insert(rust_name.clone());
                        fs.push(ir::Field {
                            wire: f.wire.clone(),
                            rust_name,
                            ty: self.type_ref(&f.ty, names),
                            required: f.required,
                            nullable: f.nullable,
                            boxed: self.direct_shape(&f.ty).is_some_and(|j| recursive.contains(&(i, j))),
                            docs: f.docs.clone(),
                            allowed: f.allowed.clone(),
                        });
                    }
                    let flatten = flatten
                        .iter()
                        .map(|t| {
                            let ty = self.type_ref(t, names);
                            let base = match &ty {
                                TypeRef::Named(n) => naming::snake(n),
                                _ => "base".into(),
                            };
                            let rust_name = naming::unique(base, |n| used.contains(n) || n == "extra");
                            used.insert(rust_name.clone());
                            ir::Flatten { rust_name, ty }
                        })
                        .collect();
                    ir::TypeKind::Struct { fields: fs, flatten, extra: extra.as_ref().map(|t| self.type_ref(t, names)) }
                }
                ShapeKind::Enum(values) => {
                    let mut used = BTreeSet::new();
                    let values = values
                        .iter()
                        .map(|w| {
                            let rust_name = naming::unique(naming::pascal(w), |n| used.contains(n) || n == "Other");
                            used.insert(rust_name.clone());
                            ir::EnumValue { wire: w.clone(), rust_name }
                        })
                        .collect();
                    ir::TypeKind::Enum { values }
                }
                ShapeKind::Union(variants, tagged) => {
                    let mut used = BTreeSet::new();
                    // serde tries untagged variants in order: the object with the most required
                    // fields first, so a looser object does not swallow a stricter one. (With a
                    // discriminator the order does not matter: the tag chooses.)
                    let no_tags = vec![Vec::new(); variants.len()];
                    let tags = tagged.as_ref().map_or(&no_tags, |(_, t)| t);
                    let mut ordered: Vec<(&Ty, &Vec<String>)> = variants.iter().zip(tags).collect();
                    ordered.sort_by_key(|(t, _)| std::cmp::Reverse(self.required_count(t)));
                    let variants = ordered
                        .into_iter()
                        .map(|(t, tags)| {
                            let ty = self.type_ref(t, names);
                            let rust_name = naming::unique(variant_name(&ty), |n| used.contains(n) || n == "Other");
                            used.insert(rust_name.clone());
                            ir::UnionVariant { rust_name, boxed: self.direct_shape(t).is_some_and(|j| recursive.contains(&(i, j))), ty, tags: tags.clone() }
                        })
                        .collect();
                    ir::TypeKind::Union { variants, discriminator: tagged.as_ref().map(|(p, _)| p.clone()) }
                }
            };
            out.push(ir::TypeDef { name: names[i].clone(), docs: s.docs.clone(), kind });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    fn required_count(&self, t: &Ty) -> usize {
        match t {
            Ty::Shape(i) => match &self.shapes[*i].kind {
                ShapeKind::Struct { fields, flatten, .. } => {
                    fields.iter().filter(|f| f.required).count() + flatten.iter().map(|f| self.required_count(f)).sum::<usize>()
                }
                _ => 0,
            },
            _ => 0,
        }
    }

    /// Direct containment edges (not through a `Vec` or map) that close a cycle: those fields
    /// are boxed.
    fn recursive_edges(&self) -> BTreeSet<(usize, usize)> {
        let n = self.shapes.len();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, s) in self.shapes.iter().enumerate() {
            let direct: Vec<&Ty> = match &s.kind {
                ShapeKind::Struct { fields, flatten, .. } => fields.iter().map(|f| &f.ty).chain(flatten.iter()).collect(),
                ShapeKind::Union(v, _) => v.iter().collect(),
                _ => Vec::new(),
            };
            for t in direct {
                if let Some(j) = self.direct_shape(t) {
                    edges[i].push(j);
                }
            }
        }
        let scc = tarjan(&edges);
        let mut out = BTreeSet::new();
        for (i, js) in edges.iter().enumerate() {
            for &j in js {
                if scc[i] == scc[j] {
                    out.insert((i, j));
                }
            }
        }
        out
    }

    fn finish_groups(&self, mut groups: Vec<RawGroup>, names: &[String], types: &[ir::TypeDef]) -> Vec<(RawGroup, Vec<ir::Operation>)> {
        let paths: Vec<Vec<String>> = groups.iter().map(|g| g.path.clone()).collect();
        let mut out = Vec::new();
        for mut g in groups.drain(..) {
            // A child handle's accessor wins over an operation of the same name: the method then
            // takes its builder's name (`logs` -> `list_scenario_logs`).
            let mut methods: BTreeSet<String> = paths
                .iter()
                .filter(|p| p.len() == g.path.len() + 1 && p.starts_with(&g.path))
                .filter_map(|p| p.last().cloned())
                .chain(HANDLE_RESERVED.iter().map(|s| s.to_string()))
                .collect();
            let mut builders: BTreeSet<String> = [naming::handle_type(&g.sections)].into_iter().collect();
            let id_prefix = g.path.join(".");
            let mut ops = Vec::new();
            for op in std::mem::take(&mut g.ops) {
                // Taken (by an earlier operation or a child handle): the full summary, then the
                // HTTP method before it (`logs` -> `get_logs`), then a number.
                let candidates = [
                    op.names.method.clone(),
                    naming::snake(&op.names.builder),
                    naming::snake(&format!("{} {}", op.http_method.to_lowercase(), op.names.builder)),
                ];
                let method = candidates.iter().find(|m| !methods.contains(*m)).cloned();
                let method = naming::unique(method.unwrap_or_else(|| candidates[0].clone()), |n| methods.contains(n));
                methods.insert(method.clone());
                let builder = naming::unique(op.names.builder.clone(), |n| builders.contains(n));
                builders.insert(builder.clone());
                let mut used = BTreeSet::new();
                let bases: Vec<(String, ir::ParamLocation)> = op
                    .params
                    .iter()
                    .map(|p| {
                        let base = match &p.placeholder {
                            Some(ph) => naming::snake(&ph.name),
                            None => naming::param(&p.wire, matches!(p.ty, Ty::Vec(_))),
                        };
                        (base, p.location)
                    })
                    .collect();
                let params: Vec<ir::Param> = op
                    .params
                    .iter()
                    .zip(naming::located_params(&bases))
                    .map(|(p, base)| {
                        let rust_name = naming::unique(base, |n| used.contains(n) || BUILDER_RESERVED.contains(&n));
                        used.insert(rust_name.clone());
                        ir::Param {
                            wire: p.wire.clone(),
                            rust_name,
                            location: p.location,
                            required: p.required,
                            ty: self.type_ref(&p.ty, names),
                            docs: p.docs.clone(),
                            placeholder: p.placeholder.clone(),
                            deprecation: p.deprecated.then(|| deprecation_note(p.docs.as_deref())),
                            all_columns: p.wire == COLUMNS_PARAM && p.location == ir::ParamLocation::Query && self.is_text_list(&p.ty),
                            style: p.style,
                            explode: p.explode,
                            allowed: p.allowed.clone(),
                        }
                    })
                    .collect();
                let body_kind = |kind: &RawBody| match kind {
                    RawBody::Json(t) => ir::BodyKind::Json(self.type_ref(t, names)),
                    RawBody::Bytes => ir::BodyKind::Bytes,
                    RawBody::Text => ir::BodyKind::Text,
                    RawBody::Form(t) => ir::BodyKind::Form(self.type_ref(t, names)),
                    RawBody::Multipart(t) => ir::BodyKind::Multipart(self.type_ref(t, names)),
                };
                let body = op.body.as_ref().and_then(|b| {
                    let ((ct, kind, encoding), rest) = b.media.split_first()?;
                    Some(ir::RequestBody {
                        content_type: ct.clone(),
                        required: b.required,
                        kind: body_kind(kind),
                        docs: b.docs.clone(),
                        encoding: encoding.clone(),
                        alternatives: rest
                            .iter()
                            .map(|(ct, kind, encoding)| ir::BodyMedia { content_type: ct.clone(), kind: body_kind(kind), encoding: encoding.clone() })
                            .collect(),
                    })
                });
                let response_kind = |kind: &RawResponse| match kind {
                    RawResponse::Json(t) => ir::ResponseKind::Json(self.type_ref(t, names)),
                    RawResponse::Text => ir::ResponseKind::Text,
                    RawResponse::Bytes => ir::ResponseKind::Bytes,
                    RawResponse::Stream => ir::ResponseKind::Stream,
                };
                let response = match op.response.1.split_first() {
                    Some(((ct, kind), rest)) => ir::Response {
                        status: op.response.0,
                        kind: response_kind(kind),
                        content_type: Some(ct.clone()),
                        alternatives: rest.iter().map(|(ct, kind)| ir::ResponseMedia { content_type: ct.clone(), kind: response_kind(kind) }).collect(),
                    },
                    None => ir::Response { status: op.response.0, kind: ir::ResponseKind::Empty, content_type: None, alternatives: Vec::new() },
                };
                let pagination = pagination(&params, &response, types, &op.summary);
                let deprecation = op.deprecated.then(|| deprecation_note(op.docs.as_deref()));
                ops.push(ir::Operation {
                    deprecation,
                    pagination,
                    id: format!("{id_prefix}.{method}"),
                    method_name: method,
                    builder,
                    doc_slug: doc_slug(&op.http_method, &op.path),
                    http_method: op.http_method,
                    path: op.path,
                    summary: op.summary,
                    docs: op.docs,
                    deprecated: op.deprecated,
                    scopes: op.scopes,
                    params,
                    body,
                    response,
                    source: op.loc,
                });
            }
            out.push((g, ops));
        }
        out
    }
}

/// Pagination applies to an operation with `pg[offset]` and `pg[limit]` whose JSON response is
/// an object with exactly one list (besides Make's `pg` echo).
/// Offset paging: `pg[limit]` and `pg[offset]` query parameters and one list in the response.
/// When the response holds several lists (`records` beside the data store's `spec`), the items
/// are the one list the summary names ("List data store records"); otherwise nothing is paged.
fn pagination(params: &[ir::Param], response: &ir::Response, types: &[ir::TypeDef], summary: &str) -> Option<ir::Pagination> {
    let find = |wire: &str| params.iter().find(|p| p.wire == wire && p.location == ir::ParamLocation::Query && matches!(p.ty, TypeRef::Integer { .. }));
    let (limit, offset) = (find("pg[limit]")?, find("pg[offset]")?);
    let ir::ResponseKind::Json(TypeRef::Named(name)) = &response.kind else { return None };
    let def = types.iter().find(|t| &t.name == name)?;
    let ir::TypeKind::Struct { fields, .. } = &def.kind else { return None };
    let lists: Vec<&ir::Field> = fields.iter().filter(|f| f.wire != "pg" && matches!(f.ty, TypeRef::Vec(_))).collect();
    let named: Vec<&ir::Field> = match lists.as_slice() {
        [_] => lists.clone(),
        _ => {
            let words: Vec<String> = naming::snake(summary).split('_').map(str::to_string).collect();
            lists.iter().copied().filter(|f| words.contains(&naming::snake(&f.wire))).collect()
        }
    };
    let [items] = named.as_slice() else { return None };
    let TypeRef::Vec(item) = &items.ty else { return None };
    Some(ir::Pagination {
        limit: limit.rust_name.clone(),
        offset: offset.rust_name.clone(),
        items_field: items.rust_name.clone(),
        items_wire: items.wire.clone(),
        items_optional: items.is_option(),
        item: (**item).clone(),
        echo: page_echo(fields, types),
        cursor: cursor(params, fields),
        total: total(params, fields, types),
    })
}

/// Key-based paging: a `pg[last]` query parameter (the key of the last item received).
fn cursor(params: &[ir::Param], fields: &[ir::Field]) -> Option<ir::Cursor> {
    let query = |wire: &str| params.iter().find(|p| p.wire == wire && p.location == ir::ParamLocation::Query && p.placeholder.is_none());
    let last = query(CURSOR_PARAM).filter(|p| p.ty == TypeRef::String)?;
    Some(ir::Cursor {
        last: last.rust_name.clone(),
        show_last: query("pg[showLast]").filter(|p| p.ty == TypeRef::Boolean).map(|p| p.rust_name.clone()),
        sort_by: query("pg[sortBy]").map(|p| p.rust_name.clone()),
        echo: fields.iter().find(|f| f.wire == "pg").map(|f| vec![(f.rust_name.clone(), f.is_option())]).unwrap_or_default(),
    })
}

/// The count of the whole list: `totalCount`/`total`/`count` in the `pg` echo, else at the top
/// of the response; `pg[returnTotalCount]` asks for it.
fn total(params: &[ir::Param], fields: &[ir::Field], types: &[ir::TypeDef]) -> Option<ir::Total> {
    const NAMES: [&str; 3] = ["totalCount", "total", "count"];
    let scalar = |f: &&ir::Field| matches!(f.ty, TypeRef::Integer { .. } | TypeRef::Number { .. } | TypeRef::String);
    let in_pg = fields.iter().find(|f| f.wire == "pg").and_then(|pg| {
        let TypeRef::Named(name) = &pg.ty else { return None };
        let ir::TypeKind::Struct { fields: pg_fields, .. } = &types.iter().find(|t| &t.name == name)?.kind else { return None };
        let count = NAMES.iter().find_map(|n| pg_fields.iter().filter(scalar).find(|f| f.wire == *n))?;
        Some(vec![(pg.rust_name.clone(), pg.is_option()), (count.rust_name.clone(), count.is_option())])
    });
    let top = || NAMES.iter().find_map(|n| fields.iter().filter(scalar).find(|f| f.wire == *n)).map(|f| vec![(f.rust_name.clone(), f.is_option())]);
    let field = in_pg.or_else(top)?;
    let request = params
        .iter()
        .find(|p| p.wire == "pg[returnTotalCount]" && p.location == ir::ParamLocation::Query && p.ty == TypeRef::Boolean)
        .map(|p| p.rust_name.clone());
    Some(ir::Total { field, request })
}

/// The response's `pg` field, when its type is an object with an integer `limit` or `offset`.
fn page_echo(fields: &[ir::Field], types: &[ir::TypeDef]) -> Option<ir::PageEcho> {
    let pg = fields.iter().find(|f| f.wire == "pg")?;
    let TypeRef::Named(name) = &pg.ty else { return None };
    let ir::TypeKind::Struct { fields: pg_fields, .. } = &types.iter().find(|t| &t.name == name)?.kind else { return None };
    let integer = |wire: &str| {
        pg_fields
            .iter()
            .find(|f| f.wire == wire && matches!(f.ty, TypeRef::Integer { .. }))
            .map(|f| (f.rust_name.clone(), f.is_option()))
    };
    let (limit, offset) = (integer("limit"), integer("offset"));
    (limit.is_some() || offset.is_some()).then(|| ir::PageEcho { field: pg.rust_name.clone(), optional: pg.is_option(), limit, offset })
}

/// A `number` without a format in an ID-like property or parameter is an integer: IDs are never
/// fractional, and `35` reads better than `35.0` in a URL.
fn id_number<S: std::borrow::Borrow<Schema>>(name: &str, ty: Ty, schema: &ReferenceOr<S>) -> Ty {
    let plain_number = matches!(schema, ReferenceOr::Item(s) if matches!(&s.borrow().schema_kind, SchemaKind::Type(Type::Number(n)) if matches!(n.format, VariantOrUnknownOrEmpty::Empty)));
    match ty {
        Ty::Num(_) if plain_number && naming::is_id_like(name) => Ty::Int(64),
        Ty::Vec(inner) if naming::is_id_like(name) && matches!(*inner, Ty::Num(64)) => Ty::Vec(Box::new(Ty::Int(64))),
        t => t,
    }
}

/// Adds an `allOf` member's field, or refines the field of that name declared by an earlier
/// member: `allOf` means the value satisfies every declaration, so the field is required if any
/// says so, takes the type of a declaration that has one (an untyped re-declaration only adds
/// docs or `required`), admits null only if every typed declaration does, and keeps the most
/// specific description.
fn refine(fields: &mut Vec<SField>, f: SField) {
    let Some(existing) = fields.iter_mut().find(|g| g.wire == f.wire) else {
        fields.push(f);
        return;
    };
    existing.required |= f.required;
    match (existing.ty == Ty::Any, f.ty == Ty::Any) {
        (true, false) => {
            existing.ty = f.ty;
            existing.nullable = f.nullable;
        }
        (false, false) => existing.nullable &= f.nullable,
        _ => {}
    }
    if f.docs.is_some() {
        existing.docs = f.docs;
    }
}

/// An `allOf` member that is not an object (a union, or a type still being lowered) is included
/// flat (once); anything else (a scalar or an untyped member) adds no fields.
fn push_flatten(t: Ty, flatten: &mut Vec<Ty>) {
    if matches!(t, Ty::Shape(_)) && !flatten.contains(&t) {
        flatten.push(t);
    }
}

/// A description or title that says something (`""` and blanks are none).
fn text(s: &Option<String>) -> Option<String> {
    s.clone().filter(|d| !d.trim().is_empty())
}

/// The parameter names of a path template, read `{...}` by `{...}` (a segment may hold several,
/// and literal text around them: `/reports/{year}-{month}.{format}`); `None` when a brace is
/// unbalanced or a name is empty.
pub fn template_params(path: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return None;
        }
        let close = open + rest[open..].find('}')?;
        let name = &rest[open + 1..close];
        if name.is_empty() || name.contains('{') {
            return None;
        }
        out.push(name);
        rest = &rest[close + 1..];
    }
    Some(out)
}

fn query_style(style: &openapiv3::QueryStyle) -> ir::ParamStyle {
    match style {
        openapiv3::QueryStyle::Form => ir::ParamStyle::Form,
        openapiv3::QueryStyle::SpaceDelimited => ir::ParamStyle::SpaceDelimited,
        openapiv3::QueryStyle::PipeDelimited => ir::ParamStyle::PipeDelimited,
        openapiv3::QueryStyle::DeepObject => ir::ParamStyle::DeepObject,
    }
}

/// The type of a `string` schema by its `format`; unknown formats (`uri`, `email`, `password`,
/// ...) are strings.
fn string_ty(format: Option<&str>) -> Ty {
    match format {
        Some("date-time") => Ty::DateTime,
        Some("date") => Ty::Date,
        Some("binary") => Ty::Bytes,
        Some("byte") => Ty::Base64,
        Some("uuid") => Ty::Uuid,
        _ => Ty::String,
    }
}

/// `(signed, bits)` of an integer format.
fn int_format(format: &str) -> Option<(bool, u8)> {
    Some(match format {
        "int8" => (true, 8),
        "int16" => (true, 16),
        "int32" => (true, 32),
        "int64" => (true, 64),
        "uint8" => (false, 8),
        "uint16" => (false, 16),
        "uint32" => (false, 32),
        "uint64" => (false, 64),
        _ => return None,
    })
}

/// The integer type of a format, widened when the schema's bounds do not fit it: no format is
/// `i64`, and bounds beyond `i64` with a non-negative minimum (or an unsigned format) are `u64`.
fn integer_ty(format: Option<&str>, minimum: Option<f64>, maximum: Option<f64>) -> Ty {
    let (signed, bits) = format.and_then(int_format).unwrap_or((true, 64));
    let fits = |lo: f64, hi: f64| minimum.is_none_or(|m| m >= lo) && maximum.is_none_or(|m| m <= hi);
    let range = |signed: bool, bits: u8| -> (f64, f64) {
        if signed {
            (-(2f64.powi(i32::from(bits) - 1)), 2f64.powi(i32::from(bits) - 1) - 1.0)
        } else {
            (0.0, 2f64.powi(i32::from(bits)) - 1.0)
        }
    };
    let (lo, hi) = range(signed, bits);
    if fits(lo, hi) {
        return if signed { Ty::Int(bits) } else { Ty::UInt(bits) };
    }
    let (lo64, hi64) = range(true, 64);
    if fits(lo64, hi64) && (signed || minimum.is_some_and(|m| m < 0.0)) {
        Ty::Int(64)
    } else if minimum.is_none_or(|m| m >= 0.0) {
        Ty::UInt(64)
    } else {
        Ty::Int(64)
    }
}

/// Make's page name for an operation: `get--connections--connectionid`.
pub fn doc_slug(method: &str, path: &str) -> String {
    let mut s = method.to_lowercase();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        s.push_str("--");
        s.push_str(&seg.replace(['{', '}'], "").to_lowercase());
    }
    s
}

fn variant_name(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Integer { .. } | TypeRef::Unsigned { .. } => "Integer".into(),
        TypeRef::Base64 => "Base64".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::File => "File".into(),
        TypeRef::Number { .. } => "Number".into(),
        TypeRef::Boolean => "Boolean".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Any => "Value".into(),
        TypeRef::SortDir => "SortDir".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::Vec(inner) => format!("{}List", variant_name(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_name(inner)),
        TypeRef::JsonString(inner) => format!("{}Json", variant_name(inner)),
    }
}

fn strip_docs(kind: &ShapeKind) -> ShapeKind {
    match kind {
        ShapeKind::Struct { fields, flatten, extra } => ShapeKind::Struct {
            fields: fields.iter().map(|f| SField { docs: None, ..f.clone() }).collect(),
            flatten: flatten.clone(),
            extra: extra.clone(),
        },
        k => k.clone(),
    }
}

fn is_json(ct: &str) -> bool {
    let ct = ct.to_ascii_lowercase();
    ct == "application/json" || ct.ends_with("+json") || ct == "*/*" || ct.starts_with("application/json;")
}

/// The media types of a body or response, the preferred one first (the first JSON one, else the
/// first listed), the others in the docs' order.
fn media_order(content: &indexmap::IndexMap<String, openapiv3::MediaType>) -> Vec<(&String, &openapiv3::MediaType)> {
    let mut out: Vec<(&String, &openapiv3::MediaType)> = content.iter().collect();
    if let Some(i) = out.iter().position(|(ct, _)| is_json(ct)) {
        let first = out.remove(i);
        out.insert(0, first);
    }
    out
}

/// How a media type is carried: JSON (`application/json`, `*+json`, `*/*`), form, multipart,
/// text (`text/*` and textual `application/*` types such as JavaScript, JSONC, XML, YAML), an
/// event stream, or bytes (everything else: images, octet streams, archives).
pub fn media_class(ct: &str) -> MediaClass {
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if is_json(&essence) {
        return MediaClass::Json;
    }
    match essence.as_str() {
        "application/x-www-form-urlencoded" => MediaClass::Form,
        "text/event-stream" => MediaClass::Stream,
        "application/javascript" | "application/ecmascript" | "application/jsonc" | "application/json5" | "application/xml" | "application/yaml"
        | "application/x-yaml" | "application/graphql" | "application/sql" => MediaClass::Text,
        e if e.starts_with("multipart/") => MediaClass::Multipart,
        e if e.starts_with("text/") || e.ends_with("+xml") || e.ends_with("+yaml") => MediaClass::Text,
        _ => MediaClass::Bytes,
    }
}

/// A `oneOf`/`anyOf` of scalars that includes a plain string (`uid`: string or integer) is
/// text: under the decoding policy a string field already takes a JSON number or boolean as its
/// exact text, so `String` holds every alternative without loss (an integer beyond `i64`
/// included) and encodes as the string alternative.
fn is_text_union<'m>(members: impl Iterator<Item = &'m ReferenceOr<Schema>>) -> bool {
    let mut text = false;
    for m in members {
        let ReferenceOr::Item(s) = m else { return false };
        let v = View::of(s);
        if v.composition().is_some() || !v.enumeration.is_empty() {
            return false;
        }
        match (v.typ.as_deref(), v.format.as_deref()) {
            (Some("string"), None) => text = true,
            (Some("integer" | "number" | "boolean"), _) => {}
            _ => return false,
        }
    }
    text
}

/// A schema that admits `null`: `nullable: true`, or a composition with a nullable or `null` member.
fn admits_null(s: &Schema) -> bool {
    if s.schema_data.nullable {
        return true;
    }
    let v = View::of(s);
    v.composition().is_some_and(|(_, members)| members.iter().any(|m| is_null_schema(m) || matches!(m, ReferenceOr::Item(m) if m.schema_data.nullable)))
}

/// The members of a composition that say something about the value: not `{type: null}`, and in
/// an `allOf` not a member holding only annotations (`allOf: [{$ref}, {description}]` is the
/// usual way to describe a reference).
fn effective_members<'m>((key, members): (&'static str, &'m [ReferenceOr<Schema>])) -> impl Iterator<Item = (usize, &'m ReferenceOr<Schema>)> {
    members.iter().enumerate().filter(move |(_, m)| !(is_null_schema(m) || key == "allOf" && is_annotation_only(m)))
}

/// A schema with no keyword that constrains the value (only `description`, `title`, `example`,
/// `nullable`, `readOnly`...).
fn is_annotation_only(s: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(s) = s else { return false };
    let v = View::of(s);
    matches!(s.schema_kind, SchemaKind::Any(_))
        && v.typ.is_none()
        && v.format.is_none()
        && v.enumeration.is_empty()
        && v.properties.is_empty()
        && v.additional.is_none()
        && v.items.is_none()
        && v.composition().is_none()
}

fn is_null_schema(s: &ReferenceOr<Schema>) -> bool {
    matches!(s, ReferenceOr::Item(s) if matches!(&s.schema_kind, SchemaKind::Any(a) if a.typ.as_deref() == Some("null")))
}

fn makes_shape(s: &Schema) -> bool {
    let v = View::of(s);
    if let Some(composition) = v.composition() {
        return effective_members(composition).count() > 1 || !v.properties.is_empty();
    }
    match v.typ.as_deref() {
        Some("string") => !v.enumeration.is_empty(),
        Some("object") | None => !v.properties.is_empty() || (v.typ.is_none() && !v.enumeration.is_empty()),
        _ => false,
    }
}

/// A uniform read-only view of a schema, whichever openapiv3 variant holds it (openapiv3 puts
/// any schema with an unusual combination of keywords into `SchemaKind::Any`).
struct View<'s> {
    typ: Option<String>,
    format: Option<String>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    enumeration: Vec<serde_json::Value>,
    properties: &'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
    items: Option<&'s ReferenceOr<Box<Schema>>>,
    one_of: &'s [ReferenceOr<Schema>],
    any_of: &'s [ReferenceOr<Schema>],
    all_of: &'s [ReferenceOr<Schema>],
}

static EMPTY_PROPS: std::sync::OnceLock<indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>> = std::sync::OnceLock::new();

impl<'s> View<'s> {
    fn of(s: &'s Schema) -> Self {
        let empty = EMPTY_PROPS.get_or_init(indexmap::IndexMap::new);
        let mut v = View {
            typ: None,
            format: None,
            minimum: None,
            maximum: None,
            enumeration: Vec::new(),
            properties: empty,
            required: &[],
            additional: None,
            items: None,
            one_of: &[],
            any_of: &[],
            all_of: &[],
        };
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                v.typ = Some("string".into());
                v.format = fmt(&t.format, |f: &StringFormat| match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                });
                v.enumeration = t.enumeration.iter().flatten().map(|s| serde_json::Value::String(s.clone())).collect();
            }
            SchemaKind::Type(Type::Integer(t)) => {
                v.typ = Some("integer".into());
                v.format = fmt(&t.format, |f: &openapiv3::IntegerFormat| match f {
                    openapiv3::IntegerFormat::Int32 => "int32",
                    openapiv3::IntegerFormat::Int64 => "int64",
                });
                v.minimum = t.minimum.map(|n| n as f64);
                v.maximum = t.maximum.map(|n| n as f64);
            }
            SchemaKind::Type(Type::Number(t)) => {
                v.typ = Some("number".into());
                v.format = fmt(&t.format, |f: &openapiv3::NumberFormat| match f {
                    openapiv3::NumberFormat::Float => "float",
                    openapiv3::NumberFormat::Double => "double",
                });
                v.minimum = t.minimum;
                v.maximum = t.maximum;
            }
            SchemaKind::Type(Type::Boolean(_)) => v.typ = Some("boolean".into()),
            SchemaKind::Type(Type::Object(o)) => {
                v.typ = Some("object".into());
                v.properties = &o.properties;
                v.required = &o.required;
                v.additional = o.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(a)) => {
                v.typ = Some("array".into());
                v.items = a.items.as_ref();
            }
            SchemaKind::OneOf { one_of } => v.one_of = one_of,
            SchemaKind::AnyOf { any_of } => v.any_of = any_of,
            SchemaKind::AllOf { all_of } => v.all_of = all_of,
            SchemaKind::Not { .. } => {}
            SchemaKind::Any(a) => {
                v.typ = a.typ.clone();
                if v.typ.is_none() {
                    if a.items.is_some() {
                        v.typ = Some("array".into());
                    } else if !a.properties.is_empty() || a.additional_properties.is_some() {
                        v.typ = Some("object".into());
                    }
                }
                if v.typ.as_deref() == Some("null") {
                    v.typ = None;
                }
                v.format = a.format.clone();
                v.minimum = a.minimum;
                v.maximum = a.maximum;
                v.enumeration = a.enumeration.iter().filter(|e| !e.is_null()).cloned().collect();
                v.properties = &a.properties;
                v.required = &a.required;
                v.additional = a.additional_properties.as_ref();
                v.items = a.items.as_ref();
                v.one_of = &a.one_of;
                v.any_of = &a.any_of;
                v.all_of = &a.all_of;
            }
        }
        v
    }

    fn composition(&self) -> Option<(&'static str, &'s [ReferenceOr<Schema>])> {
        if !self.all_of.is_empty() {
            Some(("allOf", self.all_of))
        } else if !self.one_of.is_empty() {
            Some(("oneOf", self.one_of))
        } else if !self.any_of.is_empty() {
            Some(("anyOf", self.any_of))
        } else {
            None
        }
    }
}

fn fmt<T>(f: &VariantOrUnknownOrEmpty<T>, known: fn(&T) -> &'static str) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(x) => Some(known(x).to_string()),
        VariantOrUnknownOrEmpty::Unknown(u) => Some(u.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// Strongly connected components (Tarjan); returns the component index of each node.
fn tarjan(edges: &[Vec<usize>]) -> Vec<usize> {
    struct State<'e> {
        edges: &'e [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        comp: Vec<usize>,
        next: usize,
        ncomp: usize,
    }
    fn visit(s: &mut State<'_>, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &s.edges[v] {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                s.comp[w] = s.ncomp;
                if w == v {
                    break;
                }
            }
            s.ncomp += 1;
        }
    }
    let n = edges.len();
    let mut s = State { edges, index: vec![None; n], low: vec![0; n], on_stack: vec![false; n], stack: Vec::new(), comp: vec![0; n], next: 0, ncomp: 0 };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    // A node alone in its component is recursive only with a self-edge; callers check edges.
    s.comp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_are_read_brace_by_brace() {
        for (path, want) in [
            ("/connections/{connectionId}", Some(vec!["connectionId"])),
            ("/pages/{pageName}{extension}", Some(vec!["pageName", "extension"])),
            ("/reports/{year}-{month}.{format}", Some(vec!["year", "month", "format"])),
            ("/v1/files:upload", Some(vec![])),
            ("/a/{}", None),
            ("/a/{b", None),
            ("/a/b}", None),
            ("/a/{b{c}}", None),
        ] {
            assert_eq!(template_params(path), want, "{path}");
        }
    }

    #[test]
    fn deprecation_note_table() {
        for (description, want) in [
            (Some("Starts a scenario.\n\nThis endpoint is deprecated, use Run instead. More."), "This endpoint is deprecated, use Run instead"),
            (Some("**Deprecated**: use `POST /scenarios/{id}/run`"), "Deprecated: use `POST /scenarios/{id}/run`"),
            (Some("Line one.<br>DEPRECATED since 2024"), "DEPRECATED since 2024"),
            (Some("Starts a scenario."), "Marked deprecated in the API docs."),
            (None, "Marked deprecated in the API docs."),
        ] {
            assert_eq!(deprecation_note(description), want, "{description:?}");
        }
        assert!(deprecation_note(Some(&format!("Deprecated {}", "x".repeat(300)))).ends_with('…'));
    }

    /// Lowers one plain OpenAPI document (a `.json` file of an API folder).
    fn lower_document(doc: serde_json::Value) -> ir::Api {
        let input = crate::codegen::ApiInput {
            name: "t".into(),
            config: None,
            overlay: None,
            files: vec![crate::codegen::SourceFile { path: "specs/t/openapi.json".into(), bytes: doc.to_string().into_bytes() }],
        };
        let opts = crate::codegen::EmitOptions { runtime_path: "../../crates/make-runtime".into() };
        crate::codegen::generate_api(&input, &opts).unwrap_or_else(|d| panic!("{d}")).0
    }

    #[test]
    fn a_response_with_several_lists_pages_the_one_its_summary_names_and_numeric_enums_are_listed() {
        let paging = serde_json::json!([
            {"name": "pg[offset]", "in": "query", "schema": {"type": "integer"}},
            {"name": "pg[limit]", "in": "query", "schema": {"type": "integer"}},
            {"name": "status", "in": "query", "schema": {"type": "integer", "enum": [1, 2, 3]}}
        ]);
        let two_lists = |summary: &str| serde_json::json!({"summary": summary, "tags": ["Stores"], "parameters": paging, "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
            "type": "object",
            "properties": {
                "records": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "rank": {"type": "number", "enum": [0.5, 1]}}}},
                "spec": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
                "pg": {"type": "object", "properties": {"limit": {"type": "integer"}, "offset": {"type": "integer"}}}
            }
        }}}}}});
        let api = lower_document(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/stores/{id}/data": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "get": two_lists("List data store records")},
                "/stores/{id}/other": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "get": two_lists("List everything")}
            }
        }));
        let ops: Vec<&ir::Operation> = api.groups.iter().flat_map(|g| &g.operations).collect();
        let named = ops.iter().find(|o| o.path == "/stores/{id}/data").unwrap();
        assert_eq!(named.pagination.as_ref().map(|p| p.items_field.as_str()), Some("records"));
        let unnamed = ops.iter().find(|o| o.path == "/stores/{id}/other").unwrap();
        assert!(unnamed.pagination.is_none(), "two lists, neither named: nothing is paged");
        let status = named.params.iter().find(|p| p.wire == "status").unwrap();
        assert_eq!(status.allowed, ["1", "2", "3"]);
        let rank = api.types.iter().find_map(|t| match &t.kind {
            ir::TypeKind::Struct { fields, .. } => fields.iter().find(|f| f.wire == "rank"),
            _ => None,
        });
        assert_eq!(rank.unwrap().allowed, ["0.5", "1.0"]);
    }

    #[test]
    fn parent_sections_are_added_and_children_follow_their_parent() {
        let raw = |path: &[&str]| RawGroup {
            tags: vec![path.join(" > ")],
            sections: path.iter().map(|s| s.to_string()).collect(),
            path: path.iter().map(|s| s.to_string()).collect(),
            ops: Vec::new(),
        };
        let groups = nest_groups(vec![raw(&["b", "x", "y"]), raw(&["a"]), raw(&["b"]), raw(&["a", "z"]), raw(&["b", "w"])]);
        let paths: Vec<String> = groups.iter().map(|g| g.path.join(".")).collect();
        assert_eq!(paths, ["b", "b.x", "b.x.y", "b.w", "a", "a.z"]);
        assert!(groups[1].tags.is_empty(), "an added parent has no tag of its own");
        assert_eq!(group_path(&["Models".into(), "New".into()]), ["models2", "new2"]);
    }
}
