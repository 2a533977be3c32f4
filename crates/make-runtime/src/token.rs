//! The secret API token.
//!
//! [`Token`] wraps the token string so that it cannot be printed by accident:
//! its `Debug` and `Display` output is `Token(***)`, and only this crate can
//! read the value (to build the authentication header, which is marked
//! sensitive).

use std::fmt;

/// A secret Make API token.
///
/// Build it from a `String` or `&str`. It is never printed: both `Debug` and
/// `Display` show `Token(***)`.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// The secret value; readable only inside this crate.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let t = Token::from("super-secret");
        assert_eq!(format!("{t:?}"), "Token(***)");
        assert_eq!(t.to_string(), "Token(***)");
        assert_eq!(format!("{t:#?}"), "Token(***)");
        assert_eq!(t.expose(), "super-secret");
    }
}
