//! The secrets a client authenticates with.
//!
//! [`Credentials`] is a Make API token or an OAuth 2.0 access token, chosen
//! explicitly by its constructor; [`Token`] wraps a bare API token string.
//! Neither can be printed by accident: their `Debug` and `Display` output
//! hides the secret, and only this crate reads it, to build the
//! authentication header (marked sensitive, added after every user
//! middleware has run, so middleware never sees it either).

use std::fmt;

use http::header::{HeaderName, HeaderValue, AUTHORIZATION};

use crate::client::ApiInfo;

/// A secret Make API token.
///
/// Build it from a `String` or `&str`. It is never printed: both `Debug` and
/// `Display` show `Token(***)`.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl From<String> for Token {
    fn from(value: String) -> Self {
        Token(value)
    }
}

impl From<&str> for Token {
    fn from(value: &str) -> Self {
        Token(value.to_owned())
    }
}

impl From<&String> for Token {
    fn from(value: &String) -> Self {
        Token(value.clone())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// What a client authenticates with: a Make API token or an OAuth 2.0 access
/// token.
///
/// - [`Credentials::api_token`]: a token created in Make's profile settings
///   (API access). It is sent in the API's auth header with its prefix
///   ([`ApiInfo::auth_header`], [`ApiInfo::auth_prefix`]): `Authorization:
///   Token <token>` for Make's API.
/// - [`Credentials::oauth_access_token`]: an access token your OAuth 2.0 app
///   obtained for a user. It is sent as `Authorization: Bearer <token>`.
///   Refreshing it is up to the program (give the client, or one request, the
///   new token with [`Client::with_credentials`](crate::Client::with_credentials)
///   or [`RequestBuilder::credentials`](crate::RequestBuilder::credentials)).
///
/// A plain string or a [`Token`] converts into an API token. The secret is
/// never printed: `Debug` and `Display` show only the kind.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    kind: CredentialsKind,
    secret: String,
}

/// The kind of [`Credentials`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialsKind {
    /// A Make API token, sent with the API's own prefix (`Token `).
    ApiToken,
    /// An OAuth 2.0 access token, sent as `Bearer`.
    OAuthAccessToken,
}

impl Credentials {
    /// A Make API token.
    pub fn api_token(token: impl Into<String>) -> Self {
        Credentials {
            kind: CredentialsKind::ApiToken,
            secret: token.into(),
        }
    }

    /// An OAuth 2.0 access token, sent as `Authorization: Bearer <token>`.
    pub fn oauth_access_token(token: impl Into<String>) -> Self {
        Credentials {
            kind: CredentialsKind::OAuthAccessToken,
            secret: token.into(),
        }
    }

    /// Which kind of secret this is.
    pub fn kind(&self) -> CredentialsKind {
        self.kind
    }

    /// The header (name and sensitive value) that carries these credentials to `api`.
    pub(crate) fn header(&self, api: &ApiInfo) -> Result<AuthHeader, String> {
        // Said here, before any request, rather than by a 401 from Make (the secret itself is
        // never quoted).
        let trimmed = self.secret.trim();
        if trimmed.is_empty() {
            return Err("the token is empty (is the variable or file it is read from set?)".to_owned());
        }
        if trimmed != self.secret {
            return Err(
                "the token starts or ends with whitespace (a newline read from a file?); trim it".to_owned(),
            );
        }
        let (name, value) = match self.kind {
            CredentialsKind::ApiToken => {
                let name = HeaderName::from_bytes(api.auth_header.as_bytes())
                    .map_err(|_| format!("invalid auth header name `{}`", api.auth_header))?;
                (name, format!("{}{}", api.auth_prefix, self.secret))
            }
            CredentialsKind::OAuthAccessToken => (AUTHORIZATION, format!("Bearer {}", self.secret)),
        };
        let mut value = HeaderValue::from_str(&value).map_err(|_| {
            "the token contains characters that are not allowed in an HTTP header".to_owned()
        })?;
        value.set_sensitive(true);
        Ok(AuthHeader { name, value })
    }
}

impl From<Token> for Credentials {
    fn from(token: Token) -> Self {
        Credentials::api_token(token.0)
    }
}

impl From<String> for Credentials {
    fn from(token: String) -> Self {
        Credentials::api_token(token)
    }
}

impl From<&str> for Credentials {
    fn from(token: &str) -> Self {
        Credentials::api_token(token)
    }
}

impl From<&String> for Credentials {
    fn from(token: &String) -> Self {
        Credentials::api_token(token.clone())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            CredentialsKind::ApiToken => f.write_str("ApiToken(***)"),
            CredentialsKind::OAuthAccessToken => f.write_str("OAuthAccessToken(***)"),
        }
    }
}

/// The authentication header of a request; its value is marked sensitive.
#[derive(Clone)]
pub(crate) struct AuthHeader {
    pub(crate) name: HeaderName,
    pub(crate) value: HeaderValue,
}

impl fmt::Debug for AuthHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthHeader({}: ***)", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static API: ApiInfo = ApiInfo {
        name: "t",
        auth_header: "Authorization",
        auth_prefix: "Token ",
        default_base_url: "https://eu1.make.com/api/v2",
        user_agent: "t/1",
    };

    static RAW: ApiInfo = ApiInfo {
        auth_header: "authorization",
        auth_prefix: "",
        ..API
    };

    #[test]
    fn never_printed() {
        let t = Token::from("super-secret");
        assert_eq!(format!("{t:?}"), "Token(***)");
        assert_eq!(t.to_string(), "Token(***)");
        assert_eq!(format!("{t:#?}"), "Token(***)");
        let c = Credentials::oauth_access_token("super-secret");
        let shown = format!("{c} {c:?} {c:#?} {:?}", c.header(&API).unwrap());
        assert!(!shown.contains("super-secret"), "{shown}");
        assert!(shown.contains("OAuthAccessToken(***)"), "{shown}");
        assert_eq!(Credentials::from(t).to_string(), "ApiToken(***)");
    }

    #[test]
    fn headers_per_kind() {
        let h = Credentials::api_token("abc").header(&API).unwrap();
        assert_eq!((h.name.as_str(), h.value.to_str().unwrap()), ("authorization", "Token abc"));
        assert!(h.value.is_sensitive());
        let h = Credentials::oauth_access_token("xyz").header(&API).unwrap();
        assert_eq!(h.value.to_str().unwrap(), "Bearer xyz");
        assert!(h.value.is_sensitive());
        // An API that takes the raw token (no prefix) gets it as is.
        let h = Credentials::from("raw").header(&RAW).unwrap();
        assert_eq!((h.name.as_str(), h.value.to_str().unwrap()), ("authorization", "raw"));
        let e = Credentials::api_token("bad\ntoken").header(&API).unwrap_err();
        assert!(!e.contains("bad\ntoken"));
        // Empty and padded tokens are refused with a reason, not sent for a 401.
        for (secret, says) in [("", "empty"), ("  ", "empty"), ("abc\n", "whitespace"), (" abc", "whitespace")] {
            let e = Credentials::api_token(secret).header(&API).unwrap_err();
            assert!(e.contains(says), "{secret:?}: {e}");
            assert!(Credentials::oauth_access_token(secret).header(&API).unwrap_err().contains(says));
        }
    }
}
