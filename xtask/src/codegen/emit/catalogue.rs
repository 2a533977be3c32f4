//! The operation catalogue of a client crate (`<client>/src/catalogue.rs`, behind the crate's
//! `catalogue` feature): every operation as data (`OPERATIONS`: id, method, path, summary,
//! scopes, hints, the JSON Schema of its arguments), `call` to send any operation from a JSON
//! object of arguments through the typed builder, `decode_response` to decode a body with the
//! operation's response type, and `find` by `METHOD /path`. It serves data-driven tests, and
//! can serve a command line or a tool list. The argument handling lives in the runtime's
//! `catalogue` module; this file holds only what is about one operation.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Map, Value};

use super::{format_file, header, ident, rust_type, OutputFile};
use crate::codegen::ir::{Api, BodyKind, Group, Operation, Param, ParamLocation, ResponseKind, TypeKind, TypeRef};

/// The key of the request body in an arguments object, unless a parameter already has that
/// wire name (then [`BODY_KEY_FALLBACK`]).
pub const BODY_KEY: &str = "body";
/// The body's key when a parameter is called `body`.
pub const BODY_KEY_FALLBACK: &str = "requestBody";

/// `<client>/src/catalogue.rs`.
pub fn emit(api: &Api) -> OutputFile {
    OutputFile { path: format!("{}/src/catalogue.rs", api.client_crate), contents: format_file(&header(api, "//"), catalogue_rs(api)) }
}

/// The operations sorted by id, as the catalogue lists them.
fn sorted(api: &Api) -> Vec<(&Group, &Operation)> {
    let mut ops: Vec<_> = api.operations().collect();
    ops.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    ops
}

fn catalogue_rs(api: &Api) -> TokenStream {
    let ops = sorted(api);
    let defaults = super::defaultable(api);
    let infos = ops.iter().map(|(g, o)| info(api, g, o, &defaults));
    let names = call_fn_names(&ops);
    let calls = ops.iter().map(|(_, o)| {
        let id = &o.id;
        let f = &names[&o.id];
        quote!(#id => #f(client, args).await,)
    });
    let call_fns = ops.iter().map(|(g, o)| call_fn(api, g, o, &names[&o.id], &defaults));
    let decodes = ops.iter().map(|(_, o)| decode_arm(o));
    let count = ops.len();
    let doc = format!(
        "The {} operations of the {} as data, and a way to call any of them from JSON.\n\n\
         [`OPERATIONS`] lists each operation (sorted by id) with its scopes, hints and the JSON Schema of its arguments; \
         [`call`] sends one through the typed request builder from a JSON object of arguments (parameters by their wire name, the request body under `{BODY_KEY}`) \
         and returns the typed response encoded as JSON; [`decode_response`] decodes a response body with an operation's response type; [`find`] looks an operation up by method and path.\n\n\
         Binary values are base64 strings. Enabled by the `catalogue` feature.",
        count,
        super::api_title(api),
    );
    let doc = super::docs::inner_attrs(&doc);
    quote! {
        #doc

        pub use ::make_runtime::catalogue::CatalogueError;

        /// One operation of the API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct OperationInfo {
            /// The handle path and method name (`connections.list`): the id [`call`] takes.
            pub id: &'static str,
            /// The section of the docs (the OpenAPI tag) it is listed under.
            pub group: &'static str,
            /// The HTTP method (`GET`).
            pub method: &'static str,
            /// The path template, as in the merged OpenAPI document (`/connections/{connectionId}`).
            pub path: &'static str,
            /// The docs' summary.
            pub summary: &'static str,
            /// The docs' description (markdown; empty when there is none).
            pub description: &'static str,
            /// The token scopes the operation requires.
            pub scopes: &'static [&'static str],
            /// The operation only reads (`GET`, `HEAD`).
            pub read_only: bool,
            /// The operation deletes something (`DELETE`).
            pub destructive: bool,
            /// The docs mark the operation deprecated.
            pub deprecated: bool,
            /// The JSON Schema (as JSON text) of the arguments object [`call`] takes.
            pub input_schema: &'static str,
        }

        /// Every operation, sorted by id.
        pub static OPERATIONS: &[OperationInfo] = &[#(#infos),*];

        /// The operation with this id.
        pub fn operation(id: &str) -> ::std::option::Option<&'static OperationInfo> {
            OPERATIONS.binary_search_by(|o| o.id.cmp(id)).ok().map(|i| &OPERATIONS[i])
        }

        /// The operation of `METHOD /path/template` (the method in any case; the path as in the
        /// merged OpenAPI document).
        pub fn find(method: &str, path: &str) -> ::std::option::Option<&'static OperationInfo> {
            OPERATIONS.iter().find(|o| o.path == path && o.method.eq_ignore_ascii_case(method))
        }

        /// Calls the operation `id` with a JSON object of arguments (keys: the parameters' wire
        /// names and `body`) and returns its response encoded as JSON (text as a string, bytes
        /// as base64, no body as `null`). Paginated lists return the one page asked for.
        pub async fn call(
            client: &crate::Client,
            id: &str,
            args: ::serde_json::Value,
        ) -> ::std::result::Result<::serde_json::Value, CatalogueError> {
            match id {
                #(#calls)*
                _ => ::std::result::Result::Err(CatalogueError::UnknownOperation(id.to_owned())),
            }
        }

        #(#call_fns)*

        /// Decodes a response body of the operation `id` with its generated response type and
        /// encodes it back to JSON, as [`call`] would return it. A non-2xx status is decoded
        /// as the client's error for it (Make's error body becomes
        /// [`Error::Api`](crate::Error::Api)).
        pub fn decode_response(
            id: &str,
            status: u16,
            content_type: &str,
            body: &[u8],
        ) -> ::std::result::Result<::serde_json::Value, CatalogueError> {
            let ::std::option::Option::Some(info) = operation(id) else {
                return ::std::result::Result::Err(CatalogueError::UnknownOperation(id.to_owned()));
            };
            match info.id {
                #(#decodes)*
                _ => ::std::result::Result::Err(CatalogueError::UnknownOperation(id.to_owned())),
            }
        }
    }
}

fn info(api: &Api, g: &Group, o: &Operation, defaults: &BTreeSet<String>) -> TokenStream {
    let id = &o.id;
    let group = &g.tag;
    let method = &o.http_method;
    let path = &o.path;
    let summary = &o.summary;
    let description = o.docs.as_deref().unwrap_or("").trim();
    let scopes = &o.scopes;
    let read_only = matches!(o.http_method.as_str(), "GET" | "HEAD");
    let destructive = o.http_method == "DELETE";
    let deprecated = o.deprecated;
    let schema = input_schema(api, o, defaults).to_string();
    quote! {
        OperationInfo {
            id: #id,
            group: #group,
            method: #method,
            path: #path,
            summary: #summary,
            description: #description,
            scopes: &[#(#scopes),*],
            read_only: #read_only,
            destructive: #destructive,
            deprecated: #deprecated,
            input_schema: #schema,
        }
    }
}

/// The key of the request body in the arguments object of `o`.
pub fn body_key(o: &Operation) -> &'static str {
    if o.params.iter().any(|p| p.wire == BODY_KEY) { BODY_KEY_FALLBACK } else { BODY_KEY }
}

/// Whether a JSON body of this type may be left out of the arguments, meaning its empty
/// default: a map, or a struct that derives `Default` and has no required property.
fn body_defaults(api: &Api, t: &TypeRef, defaults: &BTreeSet<String>) -> bool {
    fn no_required(api: &Api, name: &str, depth: usize) -> bool {
        match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Struct { fields, flatten, .. }) => {
                depth < 16
                    && fields.iter().all(|f| !f.required)
                    && flatten.iter().all(|f| matches!(&f.ty, TypeRef::Named(n) if no_required(api, n, depth + 1)))
            }
            _ => false,
        }
    }
    match t {
        TypeRef::Named(n) => defaults.contains(n) && no_required(api, n, 0),
        TypeRef::Map(_) => true,
        _ => false,
    }
}

/// The expression that reaches the operation's handle from `client`.
fn handle(g: &Group) -> TokenStream {
    let accessors = g.path.iter().map(|a| ident(a));
    quote!(client #(.#accessors())*)
}

/// `call_scenarios_logs_list`: the name of the function that calls each operation, by id (a
/// number is appended where two ids would give the same name).
fn call_fn_names(ops: &[(&Group, &Operation)]) -> BTreeMap<String, syn::Ident> {
    let mut taken = BTreeSet::new();
    let mut out = BTreeMap::new();
    for (_, o) in ops {
        let base: String = o.id.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        let mut name = format!("call_{base}");
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("call_{base}_{n}");
            n += 1;
        }
        out.insert(o.id.clone(), ident(&name));
    }
    out
}

/// One operation's call, boxed: `call` awaits only a pointer, so its state machine stays small
/// and each operation compiles as a function of its own.
fn call_fn(api: &Api, g: &Group, o: &Operation, name: &syn::Ident, defaults: &BTreeSet<String>) -> TokenStream {
    let models = quote!(crate::models::);
    let id = &o.id;
    let method = ident(&o.method_name);
    let handle = handle(g);
    let mut required = Vec::new();
    for p in o.params.iter().filter(|p| p.required && p.placeholder.is_none()) {
        let wire = &p.wire;
        let ty = rust_type(&p.ty, &models);
        required.push(quote!(args.required::<#ty>(#wire)?));
    }
    if let Some(b) = &o.body {
        let key = body_key(o);
        required.push(match &b.kind {
            BodyKind::Json(t) | BodyKind::Form(t) | BodyKind::Multipart(t) => {
                let ty = rust_type(t, &models);
                if body_defaults(api, t, defaults) {
                    quote!(args.optional::<#ty>(#key)?.unwrap_or_default())
                } else {
                    quote!(args.required::<#ty>(#key)?)
                }
            }
            BodyKind::Bytes => quote!(args.required_bytes(#key)?),
            BodyKind::Text => quote!(args.required::<::std::string::String>(#key)?),
        });
    }
    let mut optional = Vec::new();
    for p in o.params.iter().filter(|p| !p.required || p.placeholder.is_some()) {
        let wire = &p.wire;
        let setter = ident(&p.rust_name);
        let ty = rust_type(&p.ty, &models);
        optional.push(if p.placeholder.is_some() {
            quote! {
                for (name, value) in args.named::<#ty>(#wire)? {
                    request = request.#setter(name, value);
                }
            }
        } else {
            quote! {
                if let ::std::option::Option::Some(value) = args.optional::<#ty>(#wire)? {
                    request = request.#setter(value);
                }
            }
        });
    }
    let mutable = (!optional.is_empty()).then(|| quote!(mut));
    let args_mut = (!required.is_empty() || !optional.is_empty()).then(|| quote!(mut));
    let wrap = match &o.response.kind {
        ResponseKind::Json(_) => quote!(.map(::make_runtime::catalogue::Json)),
        _ => TokenStream::new(),
    };
    // A streamed response is read to its end.
    let sent = match &o.response.kind {
        ResponseKind::Stream => quote!(::make_runtime::read_stream(request.send().await).await),
        _ => quote!(request.send().await),
    };
    // Calls a deprecated method or setter on purpose: the catalogue covers every operation. (A
    // lint attribute takes effect on a `let` statement, not on a match arm's block.)
    let allow = (o.deprecated || o.params.iter().any(|p| p.deprecation.is_some())).then(|| quote!(#[allow(deprecated)]));
    let build = match allow {
        None => quote! {
            let #mutable request = #handle.#method(#(#required),*);
            #(#optional)*
        },
        Some(allow) if optional.is_empty() => quote! {
            #allow
            let request = #handle.#method(#(#required),*);
        },
        Some(allow) => quote! {
            #allow
            let request = {
                let mut request = #handle.#method(#(#required),*);
                #(#optional)*
                request
            };
        },
    };
    let doc = format!("Calls `{id}` (`{} {}`).", o.http_method, o.path);
    quote! {
        #[doc = #doc]
        fn #name(client: &crate::Client, args: ::serde_json::Value) -> ::make_runtime::catalogue::CallFuture<'_> {
            ::std::boxed::Box::pin(async move {
                let #args_mut args = ::make_runtime::catalogue::Arguments::new(#id, args)?;
                #build
                args.finish()?;
                ::make_runtime::catalogue::response_json(#sent #wrap)
            })
        }
    }
}

fn decode_arm(o: &Operation) -> TokenStream {
    let id = &o.id;
    let decode = match &o.response.kind {
        ResponseKind::Json(t) => {
            let ty = rust_type(t, &quote!(crate::models::));
            quote!(::make_runtime::catalogue::decode_json::<#ty>)
        }
        ResponseKind::Text => quote!(::make_runtime::catalogue::decode_text),
        ResponseKind::Bytes | ResponseKind::Stream => quote!(::make_runtime::catalogue::decode_bytes),
        ResponseKind::Empty => quote!(::make_runtime::catalogue::decode_empty),
    };
    quote! {
        #id => #decode(info.id, info.scopes, status, content_type, body),
    }
}

// ------------------------------------------------------------------ input schemas

/// The JSON Schema (draft 2020-12) of the arguments object of `o`: one property per parameter
/// (by wire name) and the body, the named model types it uses under `$defs`.
pub fn input_schema(api: &Api, o: &Operation, defaults: &BTreeSet<String>) -> Value {
    let mut defs = BTreeMap::new();
    let mut properties = Map::new();
    let mut required = Vec::new();
    for p in &o.params {
        properties.insert(p.wire.clone(), param_schema(api, p, &mut defs));
        if p.required && p.placeholder.is_none() {
            required.push(Value::String(p.wire.clone()));
        }
    }
    if let Some(b) = &o.body {
        let key = body_key(o);
        let mut schema = match &b.kind {
            BodyKind::Json(t) | BodyKind::Form(t) | BodyKind::Multipart(t) => type_schema(api, t, &mut defs),
            BodyKind::Bytes => json!({"type": "string", "contentEncoding": "base64"}),
            BodyKind::Text => json!({"type": "string"}),
        };
        let d = b.docs.as_deref().map(first_paragraph).unwrap_or_default();
        describe(&mut schema, &format!("{d}{}Sent as the `{}` request body.", if d.is_empty() { "" } else { " " }, b.content_type));
        let optional_body = matches!(&b.kind, BodyKind::Json(t) | BodyKind::Form(t) | BodyKind::Multipart(t) if body_defaults(api, t, defaults));
        properties.insert(key.to_string(), schema);
        if !optional_body {
            required.push(Value::String(key.to_string()));
        }
    }
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    schema.insert("additionalProperties".into(), json!(false));
    if !defs.is_empty() {
        schema.insert("$defs".into(), Value::Object(defs.into_iter().collect()));
    }
    Value::Object(schema)
}

fn param_schema(api: &Api, p: &Param, defs: &mut BTreeMap<String, Value>) -> Value {
    let value = type_schema(api, &p.ty, defs);
    let place = match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    };
    let d = p.docs.as_deref().map(first_paragraph).unwrap_or_default();
    let sep = if d.is_empty() { "" } else { " " };
    match &p.placeholder {
        Some(ph) => json!({
            "type": "object",
            "additionalProperties": value,
            "description": format!(
                "{d}{sep}Each key is a `{}`; its value is sent as the `{}KEY{}` {place} parameter.",
                ph.name, ph.prefix, ph.suffix
            ),
        }),
        None => {
            let mut schema = value;
            with_allowed(&mut schema, &p.allowed);
            describe(&mut schema, &format!("{d}{sep}The `{}` {place} parameter.", p.wire));
            schema
        }
    }
}

/// The documented values of a number or integer as the schema's `enum`.
fn with_allowed(schema: &mut Value, allowed: &[String]) {
    let values: Vec<Value> = allowed.iter().filter_map(|v| serde_json::from_str(v).ok()).collect();
    if let (Value::Object(map), false) = (schema, values.is_empty()) {
        map.insert("enum".into(), Value::Array(values));
    }
}

fn describe(schema: &mut Value, text: &str) {
    if text.is_empty() {
        return;
    }
    if schema.get("$ref").is_some() {
        // Keywords beside `$ref` are fine in 2020-12, but some tools drop them: wrap instead.
        *schema = json!({"allOf": [schema.take()]});
    }
    if let Value::Object(map) = schema {
        map.insert("description".into(), Value::String(text.to_string()));
    }
}

fn first_paragraph(text: &str) -> String {
    text.trim().split("\n\n").next().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn type_schema(api: &Api, t: &TypeRef, defs: &mut BTreeMap<String, Value>) -> Value {
    match t {
        TypeRef::String => json!({"type": "string"}),
        TypeRef::Bytes => json!({"type": "string", "format": "binary"}),
        TypeRef::Integer { bits: 32 } => json!({"type": "integer", "format": "int32"}),
        TypeRef::Integer { .. } => json!({"type": "integer", "format": "int64"}),
        TypeRef::Unsigned { bits } => json!({"type": "integer", "format": format!("uint{bits}"), "minimum": 0}),
        TypeRef::Base64 => json!({"type": "string", "contentEncoding": "base64"}),
        TypeRef::Uuid => json!({"type": "string", "format": "uuid"}),
        TypeRef::File => json!({
            "type": "object",
            "properties": {
                "fileName": {"type": "string"},
                "contentType": {"type": "string"},
                "data": {"type": "string", "contentEncoding": "base64"}
            },
            "required": ["data"],
            "additionalProperties": false
        }),
        TypeRef::Number { bits: 32 } => json!({"type": "number", "format": "float"}),
        TypeRef::Number { .. } => json!({"type": "number"}),
        TypeRef::Boolean => json!({"type": "boolean"}),
        TypeRef::DateTime => json!({"type": "string", "format": "date-time"}),
        TypeRef::Date => json!({"type": "string", "format": "date"}),
        TypeRef::Any => json!({}),
        TypeRef::SortDir => json!({"type": "string", "enum": ["asc", "desc"]}),
        TypeRef::Vec(inner) => json!({"type": "array", "items": type_schema(api, inner, defs)}),
        TypeRef::Map(inner) => json!({"type": "object", "additionalProperties": type_schema(api, inner, defs)}),
        // `JsonString<T>` takes the value itself or a string holding its JSON; it sends the string.
        TypeRef::JsonString(inner) => json!({"anyOf": [type_schema(api, inner, defs), {"type": "string", "contentMediaType": "application/json"}]}),
        TypeRef::Named(n) => {
            if !defs.contains_key(n) {
                // Placeholder first: a recursive type refers to itself.
                defs.insert(n.clone(), Value::Null);
                let schema = named_schema(api, n, defs);
                defs.insert(n.clone(), schema);
            }
            json!({"$ref": format!("#/$defs/{n}")})
        }
    }
}

fn named_schema(api: &Api, name: &str, defs: &mut BTreeMap<String, Value>) -> Value {
    let Some(def) = api.type_def(name) else { return json!({}) };
    let mut schema = match &def.kind {
        TypeKind::Struct { .. } => {
            let mut properties = Map::new();
            let mut required = Vec::new();
            let mut extra = None;
            let mut others = Vec::new();
            struct_members(api, name, defs, &mut properties, &mut required, &mut extra, &mut others, &mut BTreeSet::new());
            let mut map = Map::new();
            map.insert("type".into(), json!("object"));
            map.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                map.insert("required".into(), Value::Array(required));
            }
            // Undocumented properties are dropped by the typed model, so they are refused here,
            // unless the type keeps them or includes a type that is not an object.
            match (extra, others.is_empty()) {
                (Some(e), _) => {
                    map.insert("additionalProperties".into(), e);
                }
                (None, true) => {
                    map.insert("additionalProperties".into(), json!(false));
                }
                (None, false) => {}
            }
            if !others.is_empty() {
                map.insert("allOf".into(), Value::Array(others));
            }
            Value::Object(map)
        }
        TypeKind::Enum { values } => json!({"type": "string", "enum": values.iter().map(|v| v.wire.clone()).collect::<Vec<_>>()}),
        TypeKind::Union { variants, .. } => json!({"anyOf": variants.iter().map(|v| type_schema(api, &v.ty, defs)).collect::<Vec<_>>()}),
    };
    if let Some(d) = def.docs.as_deref().map(first_paragraph).filter(|d| !d.is_empty()) {
        if let Value::Object(map) = &mut schema {
            map.insert("description".into(), Value::String(d));
        }
    }
    schema
}

/// The properties of struct `name`, with those of the structs it flattens merged in.
#[allow(clippy::too_many_arguments)]
fn struct_members(
    api: &Api,
    name: &str,
    defs: &mut BTreeMap<String, Value>,
    properties: &mut Map<String, Value>,
    required: &mut Vec<Value>,
    extra: &mut Option<Value>,
    others: &mut Vec<Value>,
    seen: &mut BTreeSet<String>,
) {
    if !seen.insert(name.to_string()) {
        return;
    }
    let Some(TypeKind::Struct { fields, flatten, extra: own_extra }) = api.type_def(name).map(|d| &d.kind) else { return };
    for f in fields {
        let mut schema = type_schema(api, &f.ty, defs);
        with_allowed(&mut schema, &f.allowed);
        if f.nullable {
            schema = json!({"anyOf": [schema, {"type": "null"}]});
        }
        if let Some(d) = f.docs.as_deref().map(first_paragraph).filter(|d| !d.is_empty()) {
            describe(&mut schema, &d);
        }
        properties.insert(f.wire.clone(), schema);
        if f.required {
            required.push(Value::String(f.wire.clone()));
        }
    }
    if let Some(e) = own_extra {
        *extra = Some(type_schema(api, e, defs));
    }
    for fl in flatten {
        match &fl.ty {
            TypeRef::Named(n) if matches!(api.type_def(n).map(|d| &d.kind), Some(TypeKind::Struct { .. })) => {
                struct_members(api, n, defs, properties, required, extra, others, seen);
            }
            other => others.push(type_schema(api, other, defs)),
        }
    }
}
