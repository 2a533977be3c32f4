//! The intermediate representation the emitters read: plain, sorted, semantic data. It holds no
//! openapiv3 types and no tokens; every item keeps its wire name, its Rust name, its docs and,
//! for operations, where in the specs it came from. `insta` snapshots of it lock what the
//! generator understood of the docs.

use serde::Serialize;

use super::diagnostics::Location;

/// One API: everything needed to write its models and client crates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Api {
    /// Folder name under `specs/` (`make-api-v2`).
    pub name: String,
    /// `info.title` of the docs.
    pub title: String,
    /// `info.version` of the docs.
    pub version: String,
    /// Spec files it was generated from, relative to the specs root's parent.
    pub sources: Vec<String>,
    /// Models crate name.
    pub models_crate: String,
    /// Client crate name.
    pub client_crate: String,
    /// Name of the servers enum (`Zone`).
    pub servers_enum: String,
    /// Servers, in the docs' order.
    pub servers: Vec<Server>,
    /// Index into `servers` of the default one.
    pub default_server: usize,
    /// How the token is sent.
    pub auth: Auth,
    /// Every scope any operation requires, sorted.
    pub scopes: Vec<ScopeDef>,
    /// Operations grouped by tag, in the docs' order.
    pub groups: Vec<Group>,
    /// Named model types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Package metadata of the generated crates.
    pub package: Package,
}

/// Package metadata written into both generated manifests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Package {
    /// Version of both crates.
    pub version: String,
    /// SPDX license expression.
    pub license: String,
    /// Source repository URL.
    pub repository: Option<String>,
    /// Home page URL.
    pub homepage: Option<String>,
    /// Documentation URL; `{crate}` stands for the crate's name.
    pub documentation: String,
    /// README path relative to a generated crate's folder.
    pub readme: Option<String>,
    /// crates.io keywords.
    pub keywords: Vec<String>,
    /// crates.io categories.
    pub categories: Vec<String>,
}

/// A server the API is served from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Server {
    /// Variant name (`Eu1`).
    pub rust_name: String,
    /// Base URL (`https://eu1.make.com/api/v2`).
    pub url: String,
    /// The docs' description.
    pub description: Option<String>,
}

/// How requests are authorized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Auth {
    /// Header carrying the token.
    pub header: String,
    /// Text before the token (`Token `).
    pub prefix: String,
    /// The security scheme's description.
    pub docs: Option<String>,
}

/// A token scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScopeDef {
    /// `connections:read`
    pub wire: String,
    /// `ConnectionsRead`
    pub rust_name: String,
    /// Ids of the operations that require it.
    pub operations: Vec<String>,
}

/// The operations of one section of the docs (one tag). A nested section (`Scenarios > Logs`)
/// is a handle reached through its parent's (`client.scenarios().logs()`); a parent section with
/// no operations of its own still gets a handle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// The tag as written in the docs (the first spelling seen, when several tags name the same
    /// section; the joined sections for a parent that has no tag of its own).
    pub tag: String,
    /// Accessors from the client down to this handle (`["scenarios", "logs"]`); also the module
    /// path (`crate::scenarios::logs`).
    pub path: Vec<String>,
    /// Handle type (`Connections`, `ScenarioLogs`).
    pub rust_name: String,
    /// Accessor on the parent handle (or the client) and module name: the last of `path`.
    pub accessor: String,
    /// The tag's description.
    pub docs: Option<String>,
    /// Operations in the docs' order.
    pub operations: Vec<Operation>,
}

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    /// Stable id used in errors and tracing (`connections.list`).
    pub id: String,
    /// Method on the group handle (`list`).
    pub method_name: String,
    /// Request builder type (`ListConnections`).
    pub builder: String,
    /// `GET`, `POST`, ...
    pub http_method: String,
    /// Path template (`/connections/{connectionId}`).
    pub path: String,
    /// The summary.
    pub summary: String,
    /// The description (markdown).
    pub docs: Option<String>,
    /// Marked deprecated in the docs.
    pub deprecated: bool,
    /// For a deprecated operation: the docs' note (the sentence of its description that says
    /// so), or a plain statement when the docs give none.
    pub deprecation: Option<String>,
    /// Scopes the token needs.
    pub scopes: Vec<String>,
    /// Parameters: required ones first, each group in the docs' order.
    pub params: Vec<Param>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// What a successful response carries.
    pub response: Response,
    /// Set when the operation declares Make's `pg[offset]`/`pg[limit]` parameters and returns
    /// one list: the client then offers a stream over every page.
    pub pagination: Option<Pagination>,
    /// Make's page name for the operation (`get--connections--connectionid`), used to turn the
    /// docs' relative links into links to the generated method.
    pub doc_slug: String,
    /// Where the operation is defined.
    pub source: Location,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
}

/// A parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    /// Name on the wire (`type[]`).
    pub wire: String,
    /// Rust name (`types`).
    pub rust_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Required by the docs (path parameters always are).
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// Its description.
    pub docs: Option<String>,
    /// For a name chosen at run time (`<connectionType>[]`): the placeholder.
    pub placeholder: Option<Placeholder>,
    /// Make's column selection (`cols[]`), which also takes `*` for every column: the builder
    /// gets an `all_<name>()` setter sending that.
    pub all_columns: bool,
    /// For a parameter the docs mark deprecated: their note (see [`Operation::deprecation`]).
    pub deprecation: Option<String>,
    /// How the value is laid out (`style`, with OpenAPI's default for the location filled in).
    pub style: ParamStyle,
    /// `explode`, with OpenAPI's default for the style filled in.
    pub explode: bool,
    /// The documented values of a number or integer (`enum`), as JSON text; empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
}

/// An OpenAPI parameter (or form property) `style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum ParamStyle {
    /// `form`: the query default.
    Form,
    /// `simple`: the path and header default.
    Simple,
    /// `label`: `.`-prefixed path values.
    Label,
    /// `matrix`: `;name=`-prefixed path values.
    Matrix,
    /// `spaceDelimited` query lists.
    SpaceDelimited,
    /// `pipeDelimited` query lists.
    PipeDelimited,
    /// `deepObject` query objects (`name[key]=value`).
    DeepObject,
}

impl ParamStyle {
    /// The default style of a location, and its default `explode`.
    pub fn default_for(location: ParamLocation) -> (ParamStyle, bool) {
        match location {
            ParamLocation::Query => (ParamStyle::Form, true),
            ParamLocation::Path | ParamLocation::Header => (ParamStyle::Simple, false),
        }
    }
}

/// A parameter name with a part chosen at run time: `<connectionType>[]` is
/// `prefix + value + suffix` = `"" + "slack" + "[]"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placeholder {
    /// The placeholder's name in the docs (`connectionType`).
    pub name: String,
    /// Text before it.
    pub prefix: String,
    /// Text after it.
    pub suffix: String,
}

/// How to walk the pages of a list operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pagination {
    /// Rust name of the `pg[limit]` parameter.
    pub limit: String,
    /// Rust name of the `pg[offset]` parameter.
    pub offset: String,
    /// Rust name of the response field holding the page's items.
    pub items_field: String,
    /// Its JSON name: a page whose body lacks it is an error, not an empty last page.
    pub items_wire: String,
    /// Whether that field is optional in the response type.
    pub items_optional: bool,
    /// Type of one item.
    pub item: TypeRef,
    /// The response's `pg` object, when its type declares `limit` or `offset`: the runtime reads
    /// the page size and offset the server applied from it.
    pub echo: Option<PageEcho>,
    /// Set when the list also pages by key (`pg[last]`): the stream then walks it by key.
    pub cursor: Option<Cursor>,
    /// Set when the response reports the size of the whole list.
    pub total: Option<Total>,
}

/// A list that pages by key: Make's `pg[last]` (the key of the last item received).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cursor {
    /// Rust name of the `pg[last]` parameter (always a string: keys are text).
    pub last: String,
    /// Rust name of `pg[showLast]` (include the item with the key itself), cleared after the
    /// first page so that item is not yielded twice.
    pub show_last: Option<String>,
    /// Rust name of `pg[sortBy]`: the field whose value is an item's key.
    pub sort_by: Option<String>,
    /// The response field that echoes `pg` (any shape: the runtime reads `last`, `sortBy` and
    /// `limit` from it), as a path of (Rust name, is an `Option`).
    pub echo: Vec<(String, bool)>,
}

/// Where a list response reports how many items the whole list has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Total {
    /// Path of (Rust field name, is an `Option`) from the response to the count
    /// (`pg.totalCount`, `count`, `total`).
    pub field: Vec<(String, bool)>,
    /// Rust name of the parameter that asks for the count (`pg[returnTotalCount]`), if any.
    pub request: Option<String>,
}

/// Where a list response echoes Make's `pg` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageEcho {
    /// Rust name of the response field (`pg`).
    pub field: String,
    /// Whether that field is optional.
    pub optional: bool,
    /// Rust name of its integer `limit` field and whether that is optional.
    pub limit: Option<(String, bool)>,
    /// Rust name of its integer `offset` field and whether that is optional.
    pub offset: Option<(String, bool)>,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestBody {
    /// Media type sent (the preferred one when the docs offer several: JSON first).
    pub content_type: String,
    /// Required by the docs.
    pub required: bool,
    /// What is sent.
    pub kind: BodyKind,
    /// The body's description.
    pub docs: Option<String>,
    /// The docs' `encoding` of form and multipart properties, by property name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub encoding: Vec<PropertyEncoding>,
    /// The other media types the docs offer for this body, in the docs' order; the caller
    /// chooses one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<BodyMedia>,
}

/// One more media type a request body may be sent as.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyMedia {
    /// The media type.
    pub content_type: String,
    /// What is sent.
    pub kind: BodyKind,
    /// The docs' `encoding` of form and multipart properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub encoding: Vec<PropertyEncoding>,
}

/// The docs' `encoding` entry for one property of a form or multipart body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PropertyEncoding {
    /// Property name.
    pub wire: String,
    /// `contentType` of a multipart part.
    pub content_type: Option<String>,
    /// `style` of a form property.
    pub style: Option<ParamStyle>,
    /// `explode` of a form property.
    pub explode: Option<bool>,
}

/// What a body carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum BodyKind {
    /// JSON of this type.
    Json(TypeRef),
    /// Raw bytes (`application/octet-stream`, `image/png` and other binary media types).
    Bytes,
    /// Text (`text/*`, `application/javascript`, `application/jsonc`, XML, YAML).
    Text,
    /// `application/x-www-form-urlencoded`: an object of this type, one form field per property.
    Form(TypeRef),
    /// `multipart/form-data`: an object of this type, one part per property (`File` fields
    /// are file parts).
    Multipart(TypeRef),
}

/// A successful response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    /// The documented success status (200 when the docs give only `default`).
    pub status: u16,
    /// What it carries.
    pub kind: ResponseKind,
    /// The media type of `kind` (none for an empty response).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The other media types the docs list for the same status, in the docs' order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<ResponseMedia>,
}

/// One more media type a response may come as.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseMedia {
    /// The media type.
    pub content_type: String,
    /// What it carries.
    pub kind: ResponseKind,
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ResponseKind {
    /// JSON of this type.
    Json(TypeRef),
    /// Text (`text/plain`, `text/html`...).
    Text,
    /// Raw bytes.
    Bytes,
    /// A body read as it arrives (`text/event-stream`).
    Stream,
    /// Nothing.
    Empty,
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum TypeRef {
    /// `String`
    String,
    /// `i8` ... `i64`
    Integer {
        /// 8, 16, 32 or 64.
        bits: u8,
    },
    /// `u8` ... `u64` (`uint32`, `uint64`, or bounds beyond `i64`).
    Unsigned {
        /// 8, 16, 32 or 64.
        bits: u8,
    },
    /// `f32` or `f64`
    Number {
        /// 32 or 64.
        bits: u8,
    },
    /// `bool`
    Boolean,
    /// An RFC 3339 date-time.
    DateTime,
    /// A calendar date.
    Date,
    /// Any JSON value.
    Any,
    /// Make's sort direction (`asc`/`desc`), the runtime's `SortDir`.
    SortDir,
    /// `format: binary` inside JSON: text as sent.
    Bytes,
    /// `format: byte`: bytes, base64 on the wire (the runtime's `Base64`).
    Base64,
    /// `format: uuid`.
    Uuid,
    /// A file part of a multipart body (`format: binary` there; the runtime's `FilePart`).
    File,
    /// A named model type.
    Named(String),
    /// A list.
    Vec(Box<TypeRef>),
    /// A map with string keys.
    Map(Box<TypeRef>),
    /// A value sent as a string that holds its JSON (Make's scenario `blueprint`): the models'
    /// `JsonString<T>`, which encodes `T` as JSON text and decodes either form.
    JsonString(Box<TypeRef>),
}

/// A named model type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Description.
    pub docs: Option<String>,
    /// What it is.
    pub kind: TypeKind,
}

/// The kinds of model types.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TypeKind {
    /// An object.
    Struct {
        /// Named properties, in the docs' order.
        fields: Vec<Field>,
        /// Types whose fields are included (`allOf` members), serialized flat.
        flatten: Vec<Flatten>,
        /// Type of additional properties, kept in a flattened map.
        extra: Option<TypeRef>,
    },
    /// A string enum; unknown values are kept, not rejected.
    Enum {
        /// Known values, in the docs' order.
        values: Vec<EnumValue>,
    },
    /// One of several types: chosen by the `discriminator` property when the docs give one,
    /// otherwise tried in order.
    Union {
        /// The alternatives.
        variants: Vec<UnionVariant>,
        /// The property whose value names the alternative (`discriminator.propertyName`).
        #[serde(skip_serializing_if = "Option::is_none")]
        discriminator: Option<String>,
    },
}

/// A struct field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// JSON property name.
    pub wire: String,
    /// Rust name.
    pub rust_name: String,
    /// Type.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// Boxed to break a recursive type.
    pub boxed: bool,
    /// Description.
    pub docs: Option<String>,
    /// The documented values of a number or integer (`enum`), as JSON text; empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
}

/// A flattened member of a struct.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flatten {
    /// Field name.
    pub rust_name: String,
    /// The included type.
    pub ty: TypeRef,
}

/// A known enum value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnumValue {
    /// Value on the wire.
    pub wire: String,
    /// Variant name.
    pub rust_name: String,
}

/// One alternative of a union.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnionVariant {
    /// Variant name.
    pub rust_name: String,
    /// Its type.
    pub ty: TypeRef,
    /// Boxed to break a recursive type.
    pub boxed: bool,
    /// With a discriminator: the property values that select this alternative (the docs'
    /// `mapping` keys, or the schema's name).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl Field {
    /// Whether the Rust field is an `Option`: nullable fields, and optional fields that are not
    /// lists (an optional list is a `Vec` that is empty when absent).
    pub fn is_option(&self) -> bool {
        self.nullable || (!self.required && !matches!(self.ty, TypeRef::Vec(_)))
    }
}

impl Group {
    /// `scenarios::logs`
    pub fn module_path(&self) -> String {
        self.path.join("::")
    }

    /// `scenarios().logs()`: the calls from a client to this handle.
    pub fn call_chain(&self) -> String {
        self.path.iter().map(|a| format!("{a}()")).collect::<Vec<_>>().join(".")
    }

    /// True for a handle directly under the client.
    pub fn is_top_level(&self) -> bool {
        self.path.len() == 1
    }
}

impl TypeRef {
    /// Whether this type is or holds a [`TypeRef::JsonString`].
    pub fn has_json_string(&self) -> bool {
        match self {
            TypeRef::JsonString(_) => true,
            TypeRef::Vec(inner) | TypeRef::Map(inner) => inner.has_json_string(),
            _ => false,
        }
    }
}

impl Api {
    /// Whether any model, parameter or body uses `JsonString` (the models then re-export it).
    pub fn uses_json_string(&self) -> bool {
        let in_types = self.types.iter().any(|t| match &t.kind {
            TypeKind::Struct { fields, flatten, extra } => {
                fields.iter().any(|f| f.ty.has_json_string()) || flatten.iter().any(|f| f.ty.has_json_string()) || extra.as_ref().is_some_and(TypeRef::has_json_string)
            }
            TypeKind::Union { variants, .. } => variants.iter().any(|v| v.ty.has_json_string()),
            TypeKind::Enum { .. } => false,
        });
        in_types
            || self.operations().any(|(_, o)| {
                o.params.iter().any(|p| p.ty.has_json_string())
                    || matches!(&o.body, Some(RequestBody { kind: BodyKind::Json(t), .. }) if t.has_json_string())
                    || matches!(&o.response.kind, ResponseKind::Json(t) if t.has_json_string())
            })
    }

    /// The handles directly under `parent` (under the client for `None`), in the docs' order.
    pub fn children<'a>(&'a self, parent: Option<&'a Group>) -> impl Iterator<Item = &'a Group> + 'a {
        let prefix: &[String] = parent.map_or(&[], |p| &p.path);
        self.groups.iter().filter(move |g| g.path.len() == prefix.len() + 1 && g.path.starts_with(prefix))
    }

    /// Every operation, group by group.
    pub fn operations(&self) -> impl Iterator<Item = (&Group, &Operation)> {
        self.groups.iter().flat_map(|g| g.operations.iter().map(move |o| (g, o)))
    }

    /// The named type called `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.binary_search_by(|t| t.name.as_str().cmp(name)).ok().map(|i| &self.types[i])
    }
}
