//! The per-API config file, `specs/<api>/api.toml`: only what the docs do not carry (crate names
//! and package metadata, the default server, the auth prefix, the servers enum's name, name
//! overrides). Every key is optional; a folder without the file gets names derived from the
//! folder and the document. Unknown keys are errors.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::diagnostics::{Diagnostic, Location};

/// The parsed `api.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// Crate names.
    #[serde(default)]
    pub crates: CratesConfig,
    /// Client-level settings.
    #[serde(default)]
    pub client: ClientConfig,
    /// How the token is sent.
    #[serde(default)]
    pub auth: AuthConfig,
    /// Name overrides.
    #[serde(default)]
    pub names: NamesConfig,
    /// Package metadata of both generated crates.
    #[serde(default)]
    pub package: PackageConfig,
}

/// `[package]`: what `cargo package`/`cargo publish` want in the generated manifests.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PackageConfig {
    /// Version of both crates (default `0.1.0`); the client depends on its models at this version.
    pub version: Option<String>,
    /// SPDX license expression (default `MIT OR Apache-2.0`).
    pub license: Option<String>,
    /// Source repository URL.
    pub repository: Option<String>,
    /// Home page URL.
    pub homepage: Option<String>,
    /// Documentation URL, `{crate}` standing for the crate's name (default `https://docs.rs/{crate}`).
    pub documentation: Option<String>,
    /// README file, relative to each generated crate's folder (e.g. `../../README.md`).
    pub readme: Option<String>,
    /// crates.io keywords (at most 5).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// crates.io category slugs.
    #[serde(default)]
    pub categories: Vec<String>,
}

/// `[crates]`
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CratesConfig {
    /// Models crate name (default `<api>-models`).
    pub models: Option<String>,
    /// Client crate name (default `<api>-client`).
    pub client: Option<String>,
}

/// `[client]`
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// URL of the server used when the user picks none (default: the first in the docs).
    pub default_server: Option<String>,
    /// Name of the generated servers enum (default `Server`).
    pub servers_enum: Option<String>,
}

/// `[auth]`
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// Text sent before the token (`"Token "`); default: none for apiKey, `Bearer ` for bearer.
    pub prefix: Option<String>,
    /// Header name, when the docs carry no security scheme.
    pub header: Option<String>,
}

/// `[names]`
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NamesConfig {
    /// `"GET /connections/{connectionId}" = "get"`: method name of an operation in its group, or
    /// `{ method = "list_across_scenarios", builder = "ListLogsAcrossScenarios" }` to also name its
    /// request builder (and with it the body and response types named after the builder).
    #[serde(default)]
    pub operations: BTreeMap<String, OperationName>,
    /// `GeneratedName = "BetterName"`: renames a generated type.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
}

/// The names `[names.operations]` gives one operation.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged, expecting = "expected a method name (\"get\") or a table { method = \"...\", builder = \"...\" }")]
pub enum OperationName {
    /// The method name only.
    Method(String),
    /// The method name and the request builder's.
    Names {
        /// Method name on its group's handle.
        method: String,
        /// Request builder type name.
        builder: String,
    },
}

impl OperationName {
    /// The method name.
    pub fn method(&self) -> &str {
        match self {
            OperationName::Method(m) | OperationName::Names { method: m, .. } => m,
        }
    }

    /// The builder name, when given.
    pub fn builder(&self) -> Option<&str> {
        match self {
            OperationName::Method(_) => None,
            OperationName::Names { builder, .. } => Some(builder),
        }
    }
}

/// Parses the config text; errors name the file and line.
pub fn parse(file: &str, text: &str) -> Result<ApiConfig, Diagnostic> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1).unwrap_or(1);
        Diagnostic::at(&Location::new(file, line), format!("invalid config: {}", e.message()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_unknown_keys() {
        let c = parse("a.toml", "[crates]\nmodels = \"m\"\n[auth]\nprefix = \"Token \"\n").unwrap();
        assert_eq!(c.crates.models.as_deref(), Some("m"));
        assert_eq!(c.auth.prefix.as_deref(), Some("Token "));
        let e = parse("a.toml", "[crates]\nmodel = \"m\"\n").unwrap_err();
        assert!(e.to_string().starts_with("a.toml:2: invalid config: unknown field `model`"), "{e}");
        let c = parse("a.toml", "[package]\nversion = \"1.2.3\"\nkeywords = [\"make\"]\n").unwrap();
        assert_eq!((c.package.version.as_deref(), c.package.keywords.as_slice()), (Some("1.2.3"), &["make".to_string()][..]));
        let e = parse("a.toml", "[package]\nversion = \"1\"\nlicence = \"MIT\"\n").unwrap_err();
        assert!(e.to_string().starts_with("a.toml:3: invalid config: unknown field `licence`"), "{e}");
    }

    #[test]
    fn an_operation_is_named_by_its_method_or_by_method_and_builder() {
        let text = "[names.operations]
\"GET /a\" = \"get\"
\"GET /b\" = { method = \"list_all\", builder = \"ListAllB\" }
";
        let c = parse("a.toml", text).unwrap();
        let a = &c.names.operations["GET /a"];
        assert_eq!((a.method(), a.builder()), ("get", None));
        let b = &c.names.operations["GET /b"];
        assert_eq!((b.method(), b.builder()), ("list_all", Some("ListAllB")));
        let e = parse("a.toml", "[names.operations]\n\"GET /c\" = { builder = \"X\" }\n").unwrap_err().to_string();
        assert!(e.starts_with("a.toml:2: invalid config: expected a method name (\"get\") or a table"), "{e}");
    }
}
