//! The client crate: a `Client` with one handle per tag (`client.connections()`), one request
//! builder per operation (required parameters are arguments, optional ones chained setters,
//! `.send().await` sends), the servers enum, and re-exports of the runtime types its API uses so
//! a user adds one dependency. Everything that is not about one operation lives in the runtime.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::{crate_ident, docs, format_file, header, ident, rust_type, OutputFile};
use crate::codegen::ir::{Api, BodyKind, Cursor, Group, Operation, Pagination, Param, ParamLocation, ParamStyle, PropertyEncoding, RequestBody, ResponseKind, Total, TypeKind, TypeRef};
use crate::codegen::naming;

/// `<client>/src/lib.rs` and one module per group.
pub fn emit(api: &Api) -> Vec<OutputFile> {
    let links = link_table(api);
    let link = |slug: &str| links.get(slug).cloned();
    let defaults = super::defaultable(api);
    let hdr = header(api, "//");
    let mut files = vec![OutputFile { path: format!("{}/src/lib.rs", api.client_crate), contents: format_file(&hdr, lib_rs(api, &link)) }];
    files.extend(super::par_map(&api.groups, |g| OutputFile {
        path: format!("{}/src/{}.rs", api.client_crate, g.path.join("/")),
        contents: format_file(&hdr, group_rs(api, g, &link, &defaults)),
    }));
    files
}

/// Make page name -> intra-doc path of the generated method.
fn link_table(api: &Api) -> BTreeMap<String, String> {
    api.operations()
        .map(|(g, o)| (o.doc_slug.clone(), format!("crate::{}::{}::{}", g.module_path(), g.rust_name, o.method_name)))
        .collect()
}

fn inner_doc(text: &str) -> TokenStream {
    docs::inner_attrs(text)
}

fn lib_rs(api: &Api, link: &dyn Fn(&str) -> Option<String>) -> TokenStream {
    let models = crate_ident(&api.models_crate);
    let krate = crate_ident(&api.client_crate);
    let first = api.groups.iter().find_map(|g| g.operations.iter().find(|o| !o.deprecated).map(|o| (g, o)));
    let example = match first {
        Some((g, o)) if example_args(api, o, &super::defaultable(api)).is_some() => {
            let args = example_args(api, o, &super::defaultable(api)).unwrap_or_default();
            format!(
                "\n\n```no_run\n# async fn run() -> Result<(), {krate}::Error> {{\nlet client = {krate}::Client::builder(std::env::var(\"MAKE_API_TOKEN\").unwrap_or_default())\n    .build()?;\nlet response = client.{}.{}({args}).send().await?;\n# let _ = response;\n# Ok(())\n# }}\n```",
                g.call_chain(), o.method_name
            )
        }
        _ => String::new(),
    };
    let crate_doc = inner_doc(&format!(
        "Async client for the {} ({}), generated from its published documentation.\n\nBuild a [`Client`], {}, and call operations through one handle per section of the docs; each returns a request builder that `.send().await`s. Retries, rate limits, auth and errors are handled by the runtime and re-exported here.{example}",
        super::api_title(api),
        api.name,
        if api.servers.is_empty() {
            "give it the server's URL with [`ClientBuilder::base_url`] (the docs name no server)".to_string()
        } else {
            format!("pick a [`{}`] (or a custom URL)", api.servers_enum)
        }
    ));
    let mods = child_mods(api, None);
    let accessors = child_accessors(api, None, quote!(self.inner), link);
    let server_enum = servers(api);
    let scope_use = (!api.scopes.is_empty()).then(|| quote!(pub use models::Scope;));
    // Without servers in the docs there is no default: the user must call `base_url`.
    let default_url = api.servers.get(api.default_server).map_or("", |s| s.url.as_str());
    let api_name = &api.name;
    let auth_header = &api.auth.header;
    let auth_prefix = &api.auth.prefix;
    let auth_doc = format!(
        "Requests carry the token in the `{auth_header}` header{}.",
        if auth_prefix.is_empty() { " as it is".to_string() } else { format!(", as `{}<token>`", auth_prefix) }
    );
    let new_doc_attrs = docs::attrs(&if default_url.is_empty() {
        format!("A client with default settings. The docs name no server, so this fails: use [`Client::builder`] and [`ClientBuilder::base_url`].\n\n{auth_doc}")
    } else {
        format!("A client for the default server (`{default_url}`) with default settings.\n\n{auth_doc}")
    });
    quote! {
        #crate_doc

        /// The request and response types (the models crate), documented here too so that the
        /// client's docs link every type its methods take and return.
        #[doc(inline)]
        pub use ::#models as models;
        #scope_use
        pub use ::make_runtime::{chrono, middleware, serde_json, uuid, ApiError, Base64, ByteStream, Bytes, ClientBuilder, Credentials, CredentialsKind, Error, ErrorCode, FilePart, Method, Operation, Plan, RateLimit, RetryPolicy, SortDir, StatusCode, Stream, StreamExt, SubError, Token, TryStreamExt};

        #(#mods)*

        #[cfg(feature = "catalogue")]
        pub mod catalogue;

        /// What the runtime needs to know about this API: name, auth header and default server.
        pub static API: ::make_runtime::ApiInfo = ::make_runtime::ApiInfo {
            name: #api_name,
            auth_header: #auth_header,
            auth_prefix: #auth_prefix,
            default_base_url: #default_url,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
        };

        #server_enum

        /// The API client. Cheap to clone: clones share the connection pool, the rate limiter and
        /// the settings.
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: ::make_runtime::Client,
        }

        impl Client {
            #new_doc_attrs
            pub fn new(credentials: impl ::std::convert::Into<Credentials>) -> ::std::result::Result<Self, Error> {
                Self::builder(credentials).build()
            }

            /// A builder to choose the server, scopes, retries, rate limit, timeouts and middleware.
            ///
            /// A string is an API token; for an OAuth 2.0 access token pass [`Credentials::oauth_access_token`].
            pub fn builder(credentials: impl ::std::convert::Into<Credentials>) -> ClientBuilder<Client> {
                ClientBuilder::new(credentials, &API)
            }

            /// The same client acting with other credentials (another user's token), sharing this
            /// one's connection pool, settings and rate limiter.
            pub fn with_credentials(&self, credentials: impl ::std::convert::Into<Credentials>) -> Self {
                Client { inner: self.inner.with_credentials(credentials) }
            }

            /// The runtime client underneath, for calls this crate does not cover: build an
            /// [`Operation`] and send it with `client.runtime().request(&OPERATION)`.
            pub fn runtime(&self) -> &::make_runtime::Client {
                &self.inner
            }

            #(#accessors)*
        }

        impl ::std::convert::From<::make_runtime::Client> for Client {
            fn from(inner: ::make_runtime::Client) -> Self {
                Client { inner }
            }
        }
    }
}

/// `pub mod x;` for each handle directly under `parent` (the client for `None`).
fn child_mods(api: &Api, parent: Option<&Group>) -> Vec<TokenStream> {
    api.children(parent)
        .map(|g| {
            let m = ident(&g.accessor);
            let d = docs::attrs(&format!("The {} operations.", g.tag));
            quote! { #d pub mod #m; }
        })
        .collect()
}

/// The methods that reach each handle directly under `parent`, built from `client` (the
/// runtime client expression).
fn child_accessors(api: &Api, parent: Option<&Group>, client: TokenStream, link: &dyn Fn(&str) -> Option<String>) -> Vec<TokenStream> {
    api.children(parent)
        .map(|g| {
            let m = ident(&g.accessor);
            let t = ident(&g.rust_name);
            let d = docs::attrs(&format!(
                "{}\n\n{}",
                format_args!("The {} operations.", g.tag),
                g.docs.as_deref().map(|d| docs::sanitize(d, link)).unwrap_or_default()
            ));
            quote! {
                #d
                pub fn #m(&self) -> #m::#t {
                    #m::#t::new(#client.clone())
                }
            }
        })
        .collect()
}

fn servers(api: &Api) -> TokenStream {
    if api.servers.is_empty() {
        return TokenStream::new();
    }
    let name = ident(&api.servers_enum);
    let variants = api.servers.iter().enumerate().map(|(i, s)| {
        let v = ident(&s.rust_name);
        let d = docs::attrs(&format!("{} (`{}`).", s.description.as_deref().unwrap_or(&s.rust_name), s.url));
        let default = (i == api.default_server).then(|| quote!(#[default]));
        quote! { #d #default #v, }
    });
    let urls = api.servers.iter().map(|s| {
        let v = ident(&s.rust_name);
        let u = &s.url;
        quote! { Self::#v => #u, }
    });
    let descs = api.servers.iter().map(|s| {
        let v = ident(&s.rust_name);
        let d = s.description.clone().unwrap_or_else(|| s.rust_name.clone());
        quote! { Self::#v => #d, }
    });
    let parse = api.servers.iter().map(|s| {
        let v = ident(&s.rust_name);
        let key = s.rust_name.to_ascii_lowercase();
        let u = &s.url;
        quote! { #key | #u => Ok(Self::#v), }
    });
    let all = api.servers.iter().map(|s| {
        let v = ident(&s.rust_name);
        quote!(Self::#v)
    });
    let count = proc_macro2::Literal::usize_unsuffixed(api.servers.len());
    let kebab = |n: &str| naming::snake(n).replace('_', "-");
    let known = api.servers.iter().map(|s| kebab(&s.rust_name)).collect::<Vec<_>>().join(", ");
    let names = api.servers.iter().map(|s| {
        let v = ident(&s.rust_name);
        let n = kebab(&s.rust_name);
        quote! { Self::#v => #n, }
    });
    let doc = format!(
        "The servers the docs list. Pass one to [`ClientBuilder::base_url`]; for a private instance use [`ClientBuilder::environment_url`] with its root URL (the API path `{}` is appended).",
        api_path(api)
    );
    let doc_attrs = docs::attrs(&doc);
    let parse_err = format!(
        "unknown {} `{{value}}`: expected one of {known} or one of their URLs; for another environment use `ClientBuilder::environment_url`",
        api.servers_enum
    );
    quote! {
        #doc_attrs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// Every server, in the docs' order.
            pub const ALL: [#name; #count] = [#(#all),*];

            /// The base URL.
            pub const fn url(self) -> &'static str {
                match self {
                    #(#urls)*
                }
            }

            /// The short name (`eu1`), as accepted by `from_str`.
            pub const fn name(self) -> &'static str {
                match self {
                    #(#names)*
                }
            }

            /// The docs' description.
            pub const fn description(self) -> &'static str {
                match self {
                    #(#descs)*
                }
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.url()
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.url())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = Error;

            /// Parses a name such as `eu1` or `EU1` (case, `-` and `_` ignored) or a server URL.
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                let key: ::std::string::String = if value.contains("://") {
                    value.trim_end_matches('/').to_string()
                } else {
                    value.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
                };
                match key.as_str() {
                    #(#parse)*
                    _ => Err(Error::Config(format!(#parse_err))),
                }
            }
        }
    }
}

fn api_path(api: &Api) -> String {
    let url = api.servers.get(api.default_server).map_or("", |s| s.url.as_str());
    let after = url.split("://").nth(1).unwrap_or(url);
    after.find('/').map(|i| after[i..].to_string()).unwrap_or_default()
}

/// (argument type, conversion expression) for taking a value of this type from a caller.
fn arg_type(ty: &TypeRef, models: &TokenStream, name: &syn::Ident) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::String => (quote!(impl ::std::convert::Into<::std::string::String>), quote!(#name.into())),
        TypeRef::Vec(inner) if **inner == TypeRef::String => (
            quote!(impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<::std::string::String>>),
            quote!(#name.into_iter().map(::std::convert::Into::into).collect()),
        ),
        TypeRef::Vec(inner) => {
            let t = rust_type(inner, models);
            (quote!(impl ::std::iter::IntoIterator<Item = #t>), quote!(#name.into_iter().collect()))
        }
        other => (rust_type(other, models), quote!(#name)),
    }
}

fn param_doc(p: &Param, link: &dyn Fn(&str) -> Option<String>) -> String {
    let d = p.docs.as_deref().map(|d| docs::sanitize(d, link)).unwrap_or_default();
    if p.placeholder.is_some() {
        return d;
    }
    let wire = format!("`{}`", p.wire);
    let place = match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    };
    let allowed = docs::allowed(&p.allowed);
    if d.is_empty() { format!("The {wire} {place} parameter.{allowed}") } else { format!("{d}\n\nSent as the {wire} {place} parameter.{allowed}") }
}

fn group_rs(api: &Api, g: &Group, link: &dyn Fn(&str) -> Option<String>, defaults: &BTreeSet<String>) -> TokenStream {
    let models = quote!(crate::models::);
    let handle = ident(&g.rust_name);
    let module_doc = inner_doc(&format!(
        "The {} operations.\n\n{}",
        g.tag,
        g.docs.as_deref().map(|d| docs::sanitize(d, link)).unwrap_or_default()
    ));
    let methods = g.operations.iter().map(|o| handle_method(api, g, o, &models, link, defaults));
    let builders = g.operations.iter().map(|o| {
        let b = builder(api, g, o, &models, link);
        let content = content_enum_def(o, &models);
        quote!(#b #content)
    });
    let mods = child_mods(api, Some(g));
    let accessors = child_accessors(api, Some(g), quote!(self.client), link);
    let handle_doc_attrs = docs::attrs(&format!("The {} operations: `client.{}`.", g.tag, g.call_chain()));
    quote! {
        #module_doc

        #(#mods)*

        #handle_doc_attrs
        #[derive(Debug, Clone)]
        pub struct #handle {
            client: ::make_runtime::Client,
        }

        impl #handle {
            pub(crate) fn new(client: ::make_runtime::Client) -> Self {
                Self { client }
            }

            #(#accessors)*

            #(#methods)*
        }

        #(#builders)*
    }
}

fn op_static(o: &Operation) -> syn::Ident {
    ident(&naming::screaming(&o.builder))
}

fn required_params(o: &Operation) -> impl Iterator<Item = &Param> {
    o.params.iter().filter(|p| p.required && p.placeholder.is_none())
}

fn body_arg(o: &Operation, models: &TokenStream) -> Option<(TokenStream, TokenStream)> {
    let b = o.body.as_ref()?;
    if !b.alternatives.is_empty() {
        let e = ident(&content_enum(o));
        return Some((quote!(impl ::std::convert::Into<#e>), quote!(body.into())));
    }
    Some(match &b.kind {
        BodyKind::Json(t) | BodyKind::Form(t) | BodyKind::Multipart(t) => (rust_type(t, models), quote!(body)),
        BodyKind::Bytes => (quote!(impl ::std::convert::Into<::make_runtime::Bytes>), quote!(body.into())),
        BodyKind::Text => (quote!(impl ::std::convert::Into<::std::string::String>), quote!(body.into())),
    })
}

fn body_field_type(kind: &BodyKind, models: &TokenStream) -> TokenStream {
    match kind {
        BodyKind::Json(t) | BodyKind::Form(t) | BodyKind::Multipart(t) => rust_type(t, models),
        BodyKind::Bytes => quote!(::make_runtime::Bytes),
        BodyKind::Text => quote!(::std::string::String),
    }
}

/// Name of the enum of an operation's body media types (when the docs offer several).
fn content_enum(o: &Operation) -> String {
    format!("{}Content", o.builder)
}

/// One variant per media type: named by its kind (`Json`, `Multipart`, `Text`...), or by the
/// whole media type when two share a kind (`TextPlain`, `TextMarkdown`).
fn content_variants(b: &RequestBody) -> Vec<(String, &str, &BodyKind, &[PropertyEncoding])> {
    let all: Vec<(&str, &BodyKind, &[PropertyEncoding])> = std::iter::once((b.content_type.as_str(), &b.kind, b.encoding.as_slice()))
        .chain(b.alternatives.iter().map(|m| (m.content_type.as_str(), &m.kind, m.encoding.as_slice())))
        .collect();
    let kind_name = |k: &BodyKind| match k {
        BodyKind::Json(_) => "Json",
        BodyKind::Form(_) => "Form",
        BodyKind::Multipart(_) => "Multipart",
        BodyKind::Text => "Text",
        BodyKind::Bytes => "Bytes",
    };
    let mut used = BTreeSet::new();
    all.iter()
        .map(|(ct, k, enc)| {
            let shared = all.iter().filter(|(_, k2, _)| kind_name(k2) == kind_name(k)).count() > 1;
            let base = if shared { naming::pascal(ct) } else { kind_name(k).to_string() };
            let name = naming::unique(base, |n| used.contains(n));
            used.insert(name.clone());
            (name, *ct, *k, *enc)
        })
        .collect()
}

/// The enum of an operation's body media types, with `From` each distinct body type.
fn content_enum_def(o: &Operation, models: &TokenStream) -> TokenStream {
    let Some(b) = o.body.as_ref().filter(|b| !b.alternatives.is_empty()) else { return TokenStream::new() };
    let name = ident(&content_enum(o));
    let variants = content_variants(b);
    let vs = variants.iter().map(|(vn, ct, k, _)| {
        let vn = ident(vn);
        let ty = body_field_type(k, models);
        let d = docs::attrs(&format!("Sent as `{ct}`."));
        quote! { #d #vn(#ty), }
    });
    let types: Vec<String> = variants.iter().map(|(_, _, k, _)| body_field_type(k, models).to_string()).collect();
    let froms = variants.iter().enumerate().filter(|(i, _)| types.iter().filter(|t| **t == types[*i]).count() == 1).map(|(_, (vn, _, k, _))| {
        let vn = ident(vn);
        let ty = body_field_type(k, models);
        quote! {
            impl ::std::convert::From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#vn(value)
                }
            }
        }
    });
    let d = docs::attrs(&format!(
        "The request body of [`{}`], in one of the media types the docs offer: {}.",
        o.builder,
        variants.iter().map(|(_, ct, _, _)| format!("`{ct}`")).collect::<Vec<_>>().join(", ")
    ));
    quote! {
        #d
        #[derive(Debug, Clone)]
        pub enum #name {
            #(#vs)*
        }

        #(#froms)*
    }
}

/// The runtime call that puts `value` (an expression of the body's type) on `request`.
fn attach_body(api: &Api, ct: &str, kind: &BodyKind, encoding: &[PropertyEncoding], value: TokenStream) -> TokenStream {
    match kind {
        BodyKind::Json(_) => {
            let essence = ct.split(';').next().unwrap_or("").trim();
            if essence.eq_ignore_ascii_case("application/json") || essence == "*/*" {
                quote!(request.json(&#value))
            } else {
                quote!(request.json(&#value).header("content-type", #ct))
            }
        }
        BodyKind::Bytes | BodyKind::Text => quote!(request.bytes(#value, #ct)),
        BodyKind::Form(_) => {
            let enc = encoding.iter().filter_map(|e| {
                let style = e.style?;
                let wire = &e.wire;
                let st = style_tokens(style);
                let explode = e.explode.unwrap_or(style == ParamStyle::Form);
                Some(quote!((#wire, #st, #explode)))
            });
            quote!(request.form(&#value, &[#(#enc),*]))
        }
        BodyKind::Multipart(t) => {
            let fields = match t {
                TypeRef::Named(n) => match api.type_def(n).map(|d| &d.kind) {
                    Some(TypeKind::Struct { fields, .. }) => Some(fields),
                    _ => None,
                },
                _ => None,
            };
            let Some(fields) = fields else {
                return quote!(request.multipart(::make_runtime::Multipart::new().properties(&#value)));
            };
            let parts = fields.iter().map(|f| {
                let fname = ident(&f.rust_name);
                let wire = &f.wire;
                let ct = match encoding.iter().find(|e| &e.wire == wire).and_then(|e| e.content_type.as_deref()) {
                    Some(c) => quote!(::std::option::Option::Some(#c)),
                    None => quote!(::std::option::Option::None),
                };
                let is_file = matches!(&f.ty, TypeRef::File) || matches!(&f.ty, TypeRef::Vec(i) if **i == TypeRef::File);
                if is_file {
                    quote!(.files(#wire, &#value.#fname, #ct))
                } else {
                    quote!(.field(#wire, &#value.#fname, #ct))
                }
            });
            quote!(request.multipart(::make_runtime::Multipart::new()#(#parts)*))
        }
    }
}

fn style_tokens(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Form => quote!(::make_runtime::Style::Form),
        ParamStyle::Simple => quote!(::make_runtime::Style::Simple),
        ParamStyle::Label => quote!(::make_runtime::Style::Label),
        ParamStyle::Matrix => quote!(::make_runtime::Style::Matrix),
        ParamStyle::SpaceDelimited => quote!(::make_runtime::Style::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(::make_runtime::Style::PipeDelimited),
        ParamStyle::DeepObject => quote!(::make_runtime::Style::DeepObject),
    }
}

/// Literal arguments for a doc example, when every required argument has an obvious one.
fn example_args(api: &Api, o: &Operation, defaults: &BTreeSet<String>) -> Option<String> {
    let mut args = Vec::new();
    for p in required_params(o) {
        args.push(example_value(api, &p.ty, defaults)?);
    }
    if let Some(b) = o.body.as_ref() {
        args.push(match &b.kind {
            _ if !b.alternatives.is_empty() => return None,
            // The body's required fields with placeholder values, the others left to `Default`
            // (never an empty body: that would be a harmful thing to copy, an update that
            // clears fields).
            BodyKind::Json(TypeRef::Named(n)) | BodyKind::Form(TypeRef::Named(n)) | BodyKind::Multipart(TypeRef::Named(n)) => body_literal(api, n, defaults)?,
            // A free-form object: an empty one, to be filled by the caller.
            BodyKind::Json(TypeRef::Map(_)) => "Default::default()".into(),
            BodyKind::Json(_) | BodyKind::Form(_) | BodyKind::Multipart(_) => return None,
            BodyKind::Bytes => "b\"data\".to_vec()".into(),
            BodyKind::Text => "\"text\"".into(),
        });
    }
    Some(args.join(", "))
}

/// `models::CreateHookBody { name: "value".into(), team_id: 1, ..Default::default() }`: a body
/// of type `name` with its required fields set, for a doc example. `None` when the type has no
/// `Default` or a required field has no simple placeholder.
fn body_literal(api: &Api, name: &str, defaults: &BTreeSet<String>) -> Option<String> {
    let Some(TypeKind::Struct { fields, flatten, extra }) = api.type_def(name).map(|t| &t.kind) else { return None };
    // Without `Default`, every field is written out: the optional ones as absent.
    let every = !defaults.contains(name);
    if every && !flatten.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for f in fields.iter().filter(|f| every || (f.required && !f.is_option())) {
        let value = match &f.ty {
            _ if f.is_option() => "None".to_string(),
            TypeRef::Vec(_) if !f.required => "Vec::new()".to_string(),
            _ if f.boxed => "Default::default()".to_string(),
            TypeRef::String | TypeRef::Bytes => "\"value\".into()".to_string(),
            TypeRef::Vec(_) => "Vec::new()".to_string(),
            t => example_value(api, t, defaults)?,
        };
        parts.push(format!("{}: {value}", f.rust_name));
    }
    let krate = crate_ident(&api.client_crate);
    if every {
        if extra.is_some() {
            parts.push("extra: Default::default()".into());
        }
        return Some(format!("{krate}::models::{name} {{ {} }}", parts.join(", ")));
    }
    if parts.len() == fields.len() && !parts.is_empty() {
        return Some(format!("{krate}::models::{name} {{ {} }}", parts.join(", ")));
    }
    parts.push("..Default::default()".into());
    Some(format!("{krate}::models::{name} {{ {} }}", parts.join(", ")))
}

fn example_value(api: &Api, t: &TypeRef, defaults: &BTreeSet<String>) -> Option<String> {
    Some(match t {
        TypeRef::String | TypeRef::Bytes => "\"value\"".into(),
        TypeRef::Integer { .. } | TypeRef::Unsigned { .. } => "1".into(),
        TypeRef::Base64 | TypeRef::Uuid | TypeRef::File => "Default::default()".into(),
        TypeRef::Number { .. } => "1.0".into(),
        TypeRef::Boolean => "true".into(),
        TypeRef::Vec(_) => "Vec::<String>::new()".into(),
        TypeRef::Map(_) | TypeRef::Any | TypeRef::DateTime | TypeRef::Date | TypeRef::JsonString(_) => "Default::default()".into(),
        TypeRef::SortDir => "make_runtime::SortDir::Asc".into(),
        TypeRef::Named(n) => match api.type_def(n).map(|t| &t.kind) {
            Some(TypeKind::Enum { .. }) => "\"value\".into()".into(),
            Some(TypeKind::Struct { .. }) if defaults.contains(n) => "Default::default()".into(),
            _ => return None,
        },
    })
}

fn handle_method(api: &Api, g: &Group, o: &Operation, models: &TokenStream, link: &dyn Fn(&str) -> Option<String>, defaults: &BTreeSet<String>) -> TokenStream {
    let method = ident(&o.method_name);
    let builder = ident(&o.builder);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in required_params(o) {
        let n = ident(&p.rust_name);
        let (ty, conv) = arg_type(&p.ty, models, &n);
        args.push(quote!(#n: #ty));
        if is_identity(&conv) {
            inits.push(quote!(#n));
        } else {
            inits.push(quote!(#n: #conv));
        }
    }
    for p in o.params.iter().filter(|p| !p.required || p.placeholder.is_some()) {
        let n = ident(&p.rust_name);
        if p.placeholder.is_some() {
            inits.push(quote!(#n: ::std::vec::Vec::new()));
        } else {
            inits.push(quote!(#n: ::std::option::Option::None));
        }
    }
    match (o.body.as_ref(), body_arg(o, models)) {
        (Some(_), Some((ty, conv))) => {
            args.push(quote!(body: #ty));
            if is_identity(&conv) {
                inits.push(quote!(body));
            } else {
                inits.push(quote!(body: #conv));
            }
        }
        (Some(_), None) => inits.push(quote!(body: ::std::option::Option::None)),
        (None, _) => {}
    }
    let mut doc = format!("{}\n\n", o.summary.trim_end_matches('.'));
    if let Some(d) = &o.docs {
        doc.push_str(docs::sanitize(d, link).trim_end());
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("`{} {}`", o.http_method, o.path));
    if !o.scopes.is_empty() {
        doc.push_str(&format!("\n\nRequired scopes: {}.", o.scopes.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")));
    }
    let required: Vec<&Param> = required_params(o).collect();
    if !required.is_empty() || o.body.is_some() {
        doc.push_str("\n\n# Arguments\n");
        for p in &required {
            let pd = param_doc(p, link).replace('\n', " ");
            doc.push_str(&format!("\n- `{}`: {}", p.rust_name, pd.split("  ").next().unwrap_or("")));
        }
        if let Some(b) = o.body.as_ref() {
            let bd = b.docs.as_deref().map(|d| docs::sanitize(d, link).replace('\n', " ")).unwrap_or_else(|| format!("The `{}` request body.", b.content_type));
            doc.push_str(&format!("\n- `body`: {bd}"));
        }
    }
    if let Some(args) = example_args(api, o, defaults) {
        let krate = crate_ident(&api.client_crate);
        doc.push_str(&format!(
            "\n\n# Example\n\n```no_run\n{}# async fn run(client: {krate}::Client) -> Result<(), {krate}::Error> {{\nlet response = client.{}.{}({args}).send().await?;\n# let _ = response;\n# Ok(())\n# }}\n```",
            if o.deprecated { "# #![allow(deprecated)]\n" } else { "" },
            g.call_chain(),
            o.method_name
        ));
    }
    let doc = docs::attrs(&doc);
    let deprecated = o.deprecation.as_ref().map(|note| quote!(#[deprecated = #note]));
    // Required parameters are arguments, as many as the docs require (Azure paths carry seven).
    let many = (args.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #deprecated
        #many
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder {
                client: self.client.clone(),
                #(#inits,)*
            }
        }
    }
}

fn builder(api: &Api, g: &Group, o: &Operation, models: &TokenStream, link: &dyn Fn(&str) -> Option<String>) -> TokenStream {
    let name = ident(&o.builder);
    let op_static = op_static(o);
    let op_id = &o.id;
    let http = ident(&o.http_method);
    let path = &o.path;
    let scopes = &o.scopes;

    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut sends = Vec::new();
    for p in &o.params {
        let n = ident(&p.rust_name);
        let wire = &p.wire;
        let ty = rust_type(&p.ty, models);
        if let Some(ph) = &p.placeholder {
            fields.push(quote!(#n: ::std::vec::Vec<(::std::string::String, #ty)>));
            let (arg_ty, conv) = arg_type(&p.ty, models, &ident("values"));
            let d = docs::attrs(&format!(
                "{}\n\nSent as the `{}NAME{}` query parameter, where NAME is the `{}` you pass: the docs' `{}`. Each call adds one name.",
                param_doc(p, link),
                ph.prefix,
                ph.suffix,
                ph.name,
                p.wire
            ));
            setters.push(quote! {
                #d
                pub fn #n(mut self, name: impl ::std::convert::Into<::std::string::String>, values: #arg_ty) -> Self {
                    self.#n.push((name.into(), #conv));
                    self
                }
            });
            let fmt = format!("{}{{name}}{}", ph.prefix.replace('{', "{{").replace('}', "}}"), ph.suffix.replace('{', "{{").replace('}', "}}"));
            let add = send_param(api, p, quote!(&format!(#fmt)), quote!(values));
            sends.push(quote! {
                for (name, values) in &self.#n {
                    request = #add;
                }
            });
            continue;
        }
        if p.required {
            fields.push(quote!(#n: #ty));
            let value = if is_copy(&p.ty) { quote!(self.#n) } else { quote!(&self.#n) };
            let add = send_param(api, p, quote!(#wire), value);
            sends.push(quote!(request = #add;));
        } else {
            fields.push(quote!(#n: ::std::option::Option<#ty>));
            let (arg_ty, conv) = arg_type(&p.ty, models, &ident("value"));
            let d = docs::attrs(&param_doc(p, link));
            let deprecated = p.deprecation.as_ref().map(|note| quote!(#[deprecated = #note]));
            setters.push(quote! {
                #d
                #deprecated
                pub fn #n(mut self, value: #arg_ty) -> Self {
                    self.#n = ::std::option::Option::Some(#conv);
                    self
                }
            });
            if p.all_columns {
                let all = ident(&format!("all_{}", p.rust_name));
                let d = docs::attrs(&format!(
                    "Asks for every column (`{}=*`), also those the API does not return by default. Replaces the columns set with [`Self::{}`].",
                    p.wire, p.rust_name
                ));
                setters.push(quote! {
                    #d
                    pub fn #all(mut self) -> Self {
                        self.#n = ::std::option::Option::Some(::std::vec![::std::convert::From::from("*")]);
                        self
                    }
                });
            }
            let add = send_param(api, p, quote!(#wire), quote!(value));
            sends.push(quote! {
                if let ::std::option::Option::Some(value) = &self.#n {
                    request = #add;
                }
            });
        }
    }
    if let Some(b) = &o.body {
        if b.alternatives.is_empty() {
            let ty = body_field_type(&b.kind, models);
            fields.push(quote!(body: #ty));
            let a = attach_body(api, &b.content_type, &b.kind, &b.encoding, quote!(self.body));
            sends.push(quote!(request = #a;));
        } else {
            let e = ident(&content_enum(o));
            fields.push(quote!(body: #e));
            let arms = content_variants(b).into_iter().map(|(vn, ct, k, enc)| {
                let vn = ident(&vn);
                let a = attach_body(api, ct, k, enc, quote!(body));
                quote!(#e::#vn(body) => #a,)
            });
            sends.push(quote! {
                request = match self.body {
                    #(#arms)*
                };
            });
        }
    }
    let primary_accept = match (&o.response.kind, &o.response.content_type) {
        (ResponseKind::Json(_) | ResponseKind::Empty, _) | (_, None) => TokenStream::new(),
        (_, Some(ct)) => quote!(let request = request.header("accept", #ct);),
    };
    let (ret, call) = response_call(&o.response.kind, models);
    // Other media types of the same response: one `send_<kind>` per kind the primary is not.
    let mut alt_methods = Vec::new();
    let mut kinds_done: Vec<&str> = vec![kind_key(&o.response.kind)];
    for alt in &o.response.alternatives {
        let key = kind_key(&alt.kind);
        if kinds_done.contains(&key) {
            continue;
        }
        kinds_done.push(key);
        let cts: Vec<&str> = o.response.alternatives.iter().filter(|a| kind_key(&a.kind) == key).map(|a| a.content_type.as_str()).collect();
        let accept_value = cts.join(", ");
        let (ret, call) = response_call(&alt.kind, models);
        let m = ident(&format!("send_{key}"));
        let how = match key {
            "text" => "as text",
            "stream" => "as a stream of chunks",
            _ => "as bytes",
        };
        let d = docs::attrs(&format!(
            "Sends `{} {}` asking for {} and returns the body {how}.",
            o.http_method,
            o.path,
            cts.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" or ")
        ));
        let mutable = (!sends.is_empty()).then(|| quote!(mut));
        alt_methods.push(quote! {
            #d
            pub async fn #m(self) -> ::std::result::Result<#ret, ::make_runtime::Error> {
                let #mutable request = self.client.request(&#op_static);
                #(#sends)*
                let request = request.header("accept", #accept_value);
                #call
            }
        });
    }
    let struct_doc = format!("Request builder for [`{}::{}`]: set options, then `.send().await`.", g.rust_name, o.method_name);
    let outcome = match &o.response.kind {
        ResponseKind::Json(_) => "decodes the response",
        ResponseKind::Text => "returns the response body as text",
        ResponseKind::Bytes => "returns the response body",
        ResponseKind::Stream => "returns the response body as a stream of chunks, as they arrive (not parsed into events)",
        ResponseKind::Empty => "checks the response status",
    };
    let send_doc_attrs = docs::attrs(&format!("Sends `{} {}` and {outcome}.", o.http_method, o.path));
    let op_doc_attrs = docs::attrs(&format!("`{} {}`", o.http_method, o.path));
    let struct_doc_attrs = docs::attrs(&struct_doc);
    let mutable = (!sends.is_empty()).then(|| quote!(mut));
    let cursor_stream = o.pagination.as_ref().and_then(|pg| pg.cursor.as_ref().map(|c| cursor_stream(o, pg, c, models, &op_static, &ret)));
    let total = o.pagination.as_ref().and_then(|pg| pg.total.as_ref().map(|t| total_method(o, pg, t)));
    let stream = o.pagination.as_ref().filter(|pg| pg.cursor.is_none()).map(|pg| {
        let limit = ident(&pg.limit);
        let offset = ident(&pg.offset);
        let items = ident(&pg.items_field);
        let items_wire = &pg.items_wire;
        let item = rust_type(&pg.item, models);
        let take = if pg.items_optional { quote!(response.#items.unwrap_or_default()) } else { quote!(response.#items) };
        // The `pg` echo's limit and offset, as `Option`s, read before the items move out.
        let echo = pg.echo.as_ref().map(|e| {
            let field = ident(&e.field);
            let pg_ref = if e.optional { quote!(response.#field.as_ref()) } else { quote!(::std::option::Option::Some(&response.#field)) };
            let read = |f: &Option<(String, bool)>, setter: TokenStream| {
                f.as_ref().map(|(name, optional)| {
                    let name = ident(name);
                    let get = if *optional { quote!(and_then(|pg| pg.#name)) } else { quote!(map(|pg| pg.#name)) };
                    quote!(.#setter(pg.#get))
                })
            };
            let (limit, offset) = (read(&e.limit, quote!(echoed_limit)), read(&e.offset, quote!(echoed_offset)));
            (quote!(let pg = #pg_ref;), quote!(#limit #offset))
        });
        let (read_echo, set_echo) = echo.unzip();
        let doc = docs::attrs(&format!(
            "Every item of every page, in order: sends `{} {}` once per page, each page starting where the items received so far end. It ends after an empty page or a page shorter than the page size the server applied (the `pg.limit` it echoes), and fails with `Error::Pagination` if the server does not honour `pg[offset]`.\n\nThe page size asked for is the `{}` you set, or {DEFAULT_PAGE_SIZE}. To take one page only, use [`Self::send`].",
            o.http_method, o.path, pg.limit
        ));
        let page_size = proc_macro2::Literal::u64_unsuffixed(DEFAULT_PAGE_SIZE);
        quote! {
            #doc
            pub fn stream(self) -> impl ::make_runtime::Stream<Item = ::std::result::Result<#item, ::make_runtime::Error>> + ::std::marker::Send + 'static {
                let page_size = self.#limit.and_then(|n| u64::try_from(n).ok()).filter(|n| *n > 0).unwrap_or(#page_size);
                let start = self.#offset.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
                ::make_runtime::paginate(#op_static.name, start, page_size, move |offset, limit| {
                    let mut page = self.clone();
                    page.#offset = i64::try_from(offset).ok();
                    page.#limit = i64::try_from(limit).ok();
                    async move {
                        let response = page.request().send_page::<#ret>(#items_wire).await?;
                        #read_echo
                        ::std::result::Result::Ok(::make_runtime::Page::new(#take) #set_echo)
                    }
                })
            }
        }
    });
    // A paged list's request is built by a method of its own, which `stream()` sends as a page
    // (`send_page`: the body must hold the list). `send()` reads the body as documented, where
    // the list is an optional property like any other.
    let build = quote! {
        let #mutable request = self.client.request(&#op_static);
        #(#sends)*
        #primary_accept
    };
    let send_and_request = if o.pagination.is_some() {
        quote! {
            #send_doc_attrs
            pub async fn send(self) -> ::std::result::Result<#ret, ::make_runtime::Error> {
                let request = self.request();
                #call
            }

            /// The request this builder describes, not yet sent.
            fn request(self) -> ::make_runtime::RequestBuilder {
                #build
                request
            }
        }
    } else {
        quote! {
            #send_doc_attrs
            pub async fn send(self) -> ::std::result::Result<#ret, ::make_runtime::Error> {
                #build
                #call
            }
        }
    };
    quote! {
        #op_doc_attrs
        static #op_static: ::make_runtime::Operation = ::make_runtime::Operation {
            name: #op_id,
            method: ::make_runtime::Method::#http,
            path: #path,
            scopes: &[#(#scopes),*],
        };

        #struct_doc_attrs
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent with `.send().await`"]
        pub struct #name {
            client: ::make_runtime::Client,
            #(#fields,)*
        }

        impl #name {
            #(#setters)*

            /// Sends this request with other credentials than the client's (another user's token).
            pub fn credentials(mut self, credentials: impl ::std::convert::Into<::make_runtime::Credentials>) -> Self {
                self.client = self.client.with_credentials(credentials);
                self
            }

            #send_and_request

            #(#alt_methods)*

            #stream
            #cursor_stream
            #total
        }
    }
}

/// `root` followed down `path` (Rust field name, is an `Option`): an `Option<&T>` of the last
/// field. It borrows only the first field of `root`, so other fields can still move out.
fn field_path(root: TokenStream, path: &[(String, bool)]) -> TokenStream {
    let Some(((first, first_optional), rest)) = path.split_first() else { return quote!(::std::option::Option::Some(&#root)) };
    let first = ident(first);
    let mut expr = if *first_optional { quote!(#root.#first.as_ref()) } else { quote!(::std::option::Option::Some(&#root.#first)) };
    for (name, optional) in rest {
        let name = ident(name);
        expr = if *optional { quote!(#expr.and_then(|v| v.#name.as_ref())) } else { quote!(#expr.map(|v| &v.#name)) };
    }
    expr
}

/// `stream()` for a list that pages by key (`pg[last]`): the runtime's `paginate_cursor`.
fn cursor_stream(o: &Operation, pg: &Pagination, c: &Cursor, models: &TokenStream, op_static: &syn::Ident, ret: &TokenStream) -> TokenStream {
    let items_wire = &pg.items_wire;
    let limit = ident(&pg.limit);
    let offset = ident(&pg.offset);
    let last = ident(&c.last);
    let items = ident(&pg.items_field);
    let item = rust_type(&pg.item, models);
    let take = if pg.items_optional { quote!(response.#items.unwrap_or_default()) } else { quote!(response.#items) };
    let echo = if c.echo.is_empty() { quote!(::std::option::Option::<&()>::None) } else { field_path(quote!(response), &c.echo) };
    let show_last = c.show_last.as_ref().map(|s| {
        let s = ident(s);
        quote!(page.#s = ::std::option::Option::None;)
    });
    let sort_by = match &c.sort_by {
        Some(s) => {
            let s = ident(s);
            quote!(self.#s.as_ref().and_then(::make_runtime::cursor_key))
        }
        None => quote!(::std::option::Option::None),
    };
    let page_size = proc_macro2::Literal::u64_unsuffixed(DEFAULT_PAGE_SIZE);
    let doc = docs::attrs(&format!(
        "Every item of every page, in order: sends `{} {}` once per page, each page asking for the items after the key of the last item received (`pg[last]`), so items that arrive meanwhile at the head of the list neither shift nor repeat what is yielded. It starts after the `{}` you set, or at the head of the list; it ends after an empty page or a page shorter than the page size the server applied, and fails with `Error::Pagination` if the server does not honour `pg[last]`.\n\nThe page size asked for is the `{}` you set, or {DEFAULT_PAGE_SIZE}. To take one page only, use [`Self::send`].",
        o.http_method, o.path, c.last, pg.limit
    ));
    quote! {
        #doc
        pub fn stream(self) -> impl ::make_runtime::Stream<Item = ::std::result::Result<#item, ::make_runtime::Error>> + ::std::marker::Send + 'static {
            let page_size = self.#limit.and_then(|n| u64::try_from(n).ok()).filter(|n| *n > 0).unwrap_or(#page_size);
            let start = self.#last.clone();
            let sort_by = #sort_by;
            ::make_runtime::paginate_cursor(#op_static.name, start, sort_by, page_size, move |cursor, limit| {
                let mut page = self.clone();
                if cursor.is_some() {
                    page.#last = cursor;
                    page.#offset = ::std::option::Option::None;
                    #show_last
                }
                page.#limit = i64::try_from(limit).ok();
                async move {
                    let response = page.request().send_page::<#ret>(#items_wire).await?;
                    let echo = #echo;
                    ::std::result::Result::Ok(::make_runtime::CursorPage::new(#take).echo(echo))
                }
            })
        }
    }
}

/// `total()` for a list whose response reports the size of the whole list.
fn total_method(o: &Operation, pg: &Pagination, t: &Total) -> TokenStream {
    let limit = ident(&pg.limit);
    let ask = t.request.as_ref().map(|r| {
        let r = ident(r);
        quote!(page.#r = ::std::option::Option::Some(true);)
    });
    let read = field_path(quote!(response), &t.field);
    let wire: Vec<&str> = t.field.iter().map(|(n, _)| n.as_str()).collect();
    let doc = docs::attrs(&format!(
        "The number of items in the whole list, with the filters you set: sends `{} {}` once for one item{} and reads `{}` from the response. `None` when the response does not carry it.",
        o.http_method,
        o.path,
        if t.request.is_some() { ", asking for the count (`pg[returnTotalCount]`)," } else { "" },
        wire.join(".")
    ));
    quote! {
        #doc
        pub async fn total(self) -> ::std::result::Result<::std::option::Option<u64>, ::make_runtime::Error> {
            let mut page = self;
            page.#limit = ::std::option::Option::Some(1);
            #ask
            let response = page.send().await?;
            ::std::result::Result::Ok(::make_runtime::total_count(#read))
        }
    }
}

fn kind_key(kind: &ResponseKind) -> &'static str {
    match kind {
        ResponseKind::Json(_) => "json",
        ResponseKind::Text => "text",
        ResponseKind::Bytes => "bytes",
        ResponseKind::Stream => "stream",
        ResponseKind::Empty => "empty",
    }
}

/// The return type and the runtime call that reads a response of this kind.
fn response_call(kind: &ResponseKind, models: &TokenStream) -> (TokenStream, TokenStream) {
    match kind {
        ResponseKind::Json(t) => {
            let t = rust_type(t, models);
            (t.clone(), quote!(request.send_json::<#t>().await))
        }
        ResponseKind::Text => (quote!(::std::string::String), quote!(request.send_text().await)),
        ResponseKind::Bytes => (quote!(::make_runtime::Bytes), quote!(request.send_bytes().await)),
        ResponseKind::Stream => (quote!(::make_runtime::ByteStream), quote!(request.send_stream().await)),
        ResponseKind::Empty => (quote!(()), quote!(request.send_empty().await)),
    }
}

/// Page size of `stream()` when the caller sets no limit.
const DEFAULT_PAGE_SIZE: u64 = 100;

/// True when a conversion expression is the bare argument (`x`, not `x.into()`).
fn is_identity(conv: &TokenStream) -> bool {
    let mut it = conv.clone().into_iter();
    matches!((it.next(), it.next()), (Some(proc_macro2::TokenTree::Ident(_)), None))
}

fn is_copy(t: &TypeRef) -> bool {
    matches!(t, TypeRef::Integer { .. } | TypeRef::Unsigned { .. } | TypeRef::Number { .. } | TypeRef::Boolean | TypeRef::Date | TypeRef::DateTime | TypeRef::SortDir | TypeRef::Uuid)
}

/// Whether a value of this type is one piece of text on the wire (`Display`).
fn is_scalar(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::Named(n) => matches!(api.type_def(n).map(|d| &d.kind), Some(TypeKind::Enum { .. })),
        TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Any | TypeRef::File => false,
        _ => true,
    }
}

/// The runtime call that adds one parameter to `request`: the plain calls for the layouts Make
/// uses (a scalar; a list as repeated `name=value` pairs), the runtime's `style` module for
/// every other `style`/`explode` and for objects.
fn send_param(api: &Api, p: &Param, wire: TokenStream, value: TokenStream) -> TokenStream {
    let scalar = |v: TokenStream, t: &TypeRef| -> TokenStream {
        match t {
            TypeRef::DateTime => quote!(#v.to_rfc3339()),
            _ => v,
        }
    };
    let (default_style, _) = ParamStyle::default_for(p.location);
    let style = style_tokens(p.style);
    let explode = p.explode;
    let list_of_scalars = matches!(&p.ty, TypeRef::Vec(inner) if is_scalar(api, inner));
    let plain = p.style == default_style && (is_scalar(api, &p.ty) || (list_of_scalars && p.location != ParamLocation::Path && (explode || p.location == ParamLocation::Header)));
    if !plain {
        return match p.location {
            ParamLocation::Query => quote!(request.query_styled(#wire, &#value, #style, #explode)),
            ParamLocation::Path => quote!(request.path_styled(#wire, &#value, #style, #explode)),
            ParamLocation::Header => quote!(request.header_styled(#wire, &#value, #explode)),
        };
    }
    match (p.location, &p.ty) {
        (ParamLocation::Query, TypeRef::Vec(inner)) => {
            if **inner == TypeRef::DateTime {
                quote!(request.query_array(#wire, #value.iter().map(|v| v.to_rfc3339())))
            } else {
                quote!(request.query_array(#wire, #value))
            }
        }
        (ParamLocation::Query, t) => {
            let v = scalar(value, t);
            quote!(request.query(#wire, #v))
        }
        (ParamLocation::Path, t) => {
            let v = scalar(value, t);
            quote!(request.path_param(#wire, #v))
        }
        (ParamLocation::Header, TypeRef::Vec(_)) => {
            quote!(request.header(#wire, #value.iter().map(|v| v.to_string()).collect::<::std::vec::Vec<_>>().join(",")))
        }
        (ParamLocation::Header, t) => {
            let v = scalar(value, t);
            quote!(request.header(#wire, #v))
        }
    }
}
