//! The generated clients under test, reached through their operation catalogues, and their
//! merged OpenAPI documents. Adding an API folder to `specs/` adds one line to [`apis!`] (and
//! the crate to `tests/Cargo.toml`); [`every_api_is_listed`] fails naming any that is missing.
//! Adding operations or pages adds nothing here.

use std::path::{Path, PathBuf};

use make_runtime::catalogue::CatalogueError;
use make_runtime::ClientBuilder;
use serde_json::Value;

/// One operation of a catalogue, whichever client it comes from.
#[derive(Debug, Clone)]
pub struct Op {
    pub api: &'static str,
    pub id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub scopes: &'static [&'static str],
    pub read_only: bool,
    pub destructive: bool,
    pub deprecated: bool,
    /// The parsed `input_schema`.
    pub input_schema: Value,
}

impl Op {
    /// `METHOD /path`, as the merged documents and the response fixtures key operations.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

macro_rules! apis {
    ($($variant:ident: $krate:ident => $name:literal),* $(,)?) => {
        /// The name of every API folder under `specs/` that the tests cover.
        pub const APIS: &[&str] = &[$($name),*];

        /// A client of one of the APIs.
        #[derive(Debug, Clone)]
        pub enum Client {
            $($variant($krate::Client),)*
        }

        impl Client {
            /// A client of `api`, set up by `configure` (base URL, retries, middleware...).
            pub fn build(api: &str, configure: impl FnOnce(ClientBuilder<make_runtime::Client>) -> ClientBuilder<make_runtime::Client>) -> Client {
                match api {
                    $($name => {
                        let runtime = configure(ClientBuilder::new("test-token", &$krate::API)).build().expect("a valid client");
                        Client::$variant($krate::Client::from(runtime))
                    })*
                    other => panic!("no client for the API `{other}`: add it to apis! in tests/tests/support/apis.rs"),
                }
            }

            /// The catalogue's `call`.
            pub async fn call(&self, id: &str, args: Value) -> Result<Value, CatalogueError> {
                match self {
                    $(Client::$variant(c) => $krate::catalogue::call(c, id, args).await,)*
                }
            }
        }

        /// Every operation of `api`'s catalogue, sorted by id.
        pub fn operations(api: &str) -> Vec<Op> {
            match api {
                $($name => $krate::catalogue::OPERATIONS.iter().map(|o| Op {
                    api: $name,
                    id: o.id,
                    method: o.method,
                    path: o.path,
                    scopes: o.scopes,
                    read_only: o.read_only,
                    destructive: o.destructive,
                    deprecated: o.deprecated,
                    input_schema: serde_json::from_str(o.input_schema)
                        .unwrap_or_else(|e| panic!("{}: the input schema of {} is not JSON: {e}", $name, o.id)),
                }).collect(),)*
                other => panic!("no catalogue for the API `{other}`"),
            }
        }

        /// The catalogue's `decode_response`.
        pub fn decode_response(api: &str, id: &str, status: u16, content_type: &str, body: &[u8]) -> Result<Value, CatalogueError> {
            match api {
                $($name => $krate::catalogue::decode_response(id, status, content_type, body),)*
                other => panic!("no catalogue for the API `{other}`"),
            }
        }

        /// The catalogue's `find`: the id of `METHOD /path`.
        pub fn find(api: &str, method: &str, path: &str) -> Option<&'static str> {
            match api {
                $($name => $krate::catalogue::find(method, path).map(|o| o.id),)*
                other => panic!("no catalogue for the API `{other}`"),
            }
        }
    };
}

apis! {
    Make: make_client => "make-api-v2",
    Admin: make_admin_client => "make-admin-v2",
    Academy: academy_client => "app-academy-v3",
}

/// `generated/openapi/`.
pub fn documents_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/openapi")
}

/// The merged OpenAPI document of `api`.
pub fn document(api: &str) -> Value {
    let path = documents_dir().join(format!("{api}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Fails naming every merged document in `generated/openapi/` whose API is not in [`APIS`].
pub fn every_api_is_listed() {
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(documents_dir()).expect("generated/openapi exists") {
        let path = entry.expect("a directory entry").path();
        if path.extension().and_then(|e| e.to_str()) == Some("json") {
            let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
            if !APIS.contains(&name.as_str()) {
                missing.push(name);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "APIs without tests: {missing:?}; add each to apis! in tests/tests/support/apis.rs and its client crate \
         (with the `catalogue` feature) to tests/Cargo.toml"
    );
}

/// Every `METHOD /path` of a merged document.
pub fn document_operations(document: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            if is_method(method) {
                out.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    out.sort();
    out
}

pub fn is_method(key: &str) -> bool {
    matches!(key, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace")
}
