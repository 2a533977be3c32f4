//! The per-API config file, `specs/<api>/api.toml`: only what the docs do not carry (crate names,
//! the default server, the auth prefix, the servers enum's name, name overrides). Every key is
//! optional; a folder without the file gets names derived from the folder and the document.

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
    /// `"GET /connections/{connectionId}" = "get"`: method name of an operation in its group.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
    /// `GeneratedName = "BetterName"`: renames a generated type.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
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
    }
}
