//! Binary values carried inside JSON as base64 text (OpenAPI `type: string, format: byte`).
//!
//! [`Base64`] holds the bytes; on the wire it is standard, padded base64 (RFC 4648 section 4).
//! Decoding is lenient about the alphabet and padding servers actually send: standard or URL-safe
//! alphabet, with or without `=` padding, and line breaks (MIME-style wrapping) are accepted; any
//! other text is a decode error, never silently kept.

use std::fmt;
use std::ops::Deref;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const LENIENT_URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Bytes that travel as base64 text: `b"hi"` is the JSON string `"aGk="`.
///
/// Derefs to `[u8]`; build one from a `Vec<u8>`, a byte slice or a byte array.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Base64(pub Vec<u8>);

impl Base64 {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Base64(bytes.into())
    }

    /// The bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }

    /// The standard, padded base64 text of the bytes (what is sent).
    pub fn encode(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// Decodes base64 text: standard or URL-safe alphabet, padded or not, ASCII whitespace ignored.
    pub fn decode(text: &str) -> Result<Self, InvalidBase64> {
        let compact: String;
        let text = if text.bytes().any(|b| b.is_ascii_whitespace()) {
            compact = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            compact.as_str()
        } else {
            text
        };
        let engine = if text.contains(['-', '_']) { &LENIENT_URL_SAFE } else { &LENIENT_STANDARD };
        engine.decode(text).map(Base64).map_err(|e| InvalidBase64(e.to_string()))
    }
}

/// Text that is not base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidBase64(String);

impl fmt::Display for InvalidBase64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid base64: {}", self.0)
    }
}

impl std::error::Error for InvalidBase64 {}

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64({} bytes)", self.0.len())
    }
}

impl fmt::Display for Base64 {
    /// The base64 text, as sent (used when the value is a parameter).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

impl Deref for Base64 {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Base64 {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Base64(bytes)
    }
}

impl From<&[u8]> for Base64 {
    fn from(bytes: &[u8]) -> Self {
        Base64(bytes.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Base64 {
    fn from(bytes: &[u8; N]) -> Self {
        Base64(bytes.to_vec())
    }
}

impl From<bytes::Bytes> for Base64 {
    fn from(bytes: bytes::Bytes) -> Self {
        Base64(bytes.to_vec())
    }
}

impl From<Base64> for Vec<u8> {
    fn from(value: Base64) -> Self {
        value.0
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Base64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Base64, E> {
                Base64::decode(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_padded_on_the_wire() {
        assert_eq!(serde_json::to_string(&Base64::from(b"hi")).unwrap(), "\"aGk=\"");
        assert_eq!(serde_json::from_str::<Base64>("\"aGk=\"").unwrap().0, b"hi");
        // Bytes that need `+` and `/` in the standard alphabet.
        assert_eq!(Base64::from(&[0xfb, 0xff]).encode(), "+/8=");
    }

    #[test]
    fn decoding_accepts_what_servers_send() {
        for text in ["aGk=", "aGk", "aGk=\n", "+/8=", "-_8", "-_8=", "+/8", "aG\r\nk="] {
            assert!(Base64::decode(text).is_ok(), "{text:?}");
        }
        assert_eq!(Base64::decode("-_8").unwrap().0, [0xfb, 0xff]);
        for text in ["not base64!", "a", "aGk=x", "\"aGk=\""] {
            assert!(Base64::decode(text).is_err(), "{text:?}");
        }
        assert!(serde_json::from_str::<Base64>("[104, 105]").is_err());
    }
}
