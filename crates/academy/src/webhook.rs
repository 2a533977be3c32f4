//! Verifying the webhook requests the Academy sends.
//!
//! Every webhook request carries a `Signature` header: the HMAC-SHA256 of the
//! raw request body computed with the webhook's secret key (the `secretKey`
//! given to [`Webhooks::attach`](crate::webhooks::Webhooks::attach)), as hex.
//! The receiver must answer `200` when the signature is correct and `400`
//! with `Content-type: application/json` and the body
//! `{"message": "Invalid signature"}` when it is not (see
//! [`WebhookError::response_body`]).
//!
//! [`verify`] (or a [`Verifier`] that keeps the key) checks the header against
//! the exact bytes received (verify before parsing, and do not re-serialize
//! the body first) and then decodes the body into a [`WebhookEvent`].
//!
//! Accepted header forms (the docs say the header "contains the SHA algorithm
//! used", without showing the exact form): `sha256=<hex>` (the algorithm name
//! is case-insensitive) and a bare `<hex>`; the hex digest has 64 digits of
//! either case, and whitespace around the header and around the digest is
//! ignored. A `name=<hex>` header with another algorithm name is refused with
//! [`WebhookError::UnsupportedAlgorithm`]. The digests are compared in
//! constant time. No input makes these functions panic.
//!
//! ```
//! use app_academy::models::WebhookEventEventType;
//! use app_academy::webhook::{self, WebhookError};
//!
//! let secret = b"yourSecretKey";
//! let body = br#"{"eventType": "verification", "data": {}}"#;
//! let signature = webhook::sign(secret, body); // what the Academy puts in `Signature`
//!
//! let event = webhook::verify(secret, body, Some(&signature)).unwrap();
//! assert_eq!(event.event_type, Some(WebhookEventEventType::Verification));
//!
//! let err = webhook::verify(b"another key", body, Some(&signature)).unwrap_err();
//! assert!(matches!(err, WebhookError::InvalidSignature));
//! assert_eq!(err.response_status(), 400);
//! assert_eq!(err.response_body(), r#"{"message": "Invalid signature"}"#);
//! ```

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub use academy_client::models::{WebhookEvent, WebhookEventEventType};

/// The name of the header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Signature";

/// The body the docs require in the `400` answer to a request whose signature
/// is incorrect.
pub const INVALID_SIGNATURE_BODY: &str = r#"{"message": "Invalid signature"}"#;

/// The body of the `400` answer to a correctly signed request whose body is
/// not a webhook payload (the docs define no answer for this case).
pub const INVALID_PAYLOAD_BODY: &str = r#"{"message": "Invalid payload"}"#;

/// The `Content-Type` of the error answers.
pub const RESPONSE_CONTENT_TYPE: &str = "application/json";

/// The HTTP status of the error answers.
pub const ERROR_STATUS: u16 = 400;

/// The algorithm name accepted in a `name=<hex>` header.
const ALGORITHM: &str = "sha256";

/// How many characters of an unknown algorithm name an error keeps.
const MAX_ALGORITHM_CHARS: usize = 32;

/// Why a webhook request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The request has no `Signature` header, or it is empty.
    #[error("the webhook request has no `Signature` header")]
    MissingSignature,

    /// The `Signature` header is not `sha256=<hex>` or `<hex>` with a 64-digit hex digest.
    #[error(
        "the webhook `Signature` header is malformed: expected `sha256=<hex>` or `<hex>` \
         with a 64-digit hex HMAC-SHA256"
    )]
    MalformedSignature,

    /// The `Signature` header names an algorithm other than `sha256`
    /// (the name is cut to 32 characters).
    #[error("the webhook `Signature` header uses the algorithm `{0}`; only sha256 is supported")]
    UnsupportedAlgorithm(String),

    /// The signature does not match the body and the secret key.
    #[error("the webhook signature does not match the body (wrong secret key or altered body)")]
    InvalidSignature,

    /// The signature is correct but the body is not a webhook payload
    /// (not JSON, not an object, or a field of the wrong type).
    #[error("the webhook body is not a valid payload: {message}")]
    InvalidPayload {
        /// What was wrong.
        message: String,
    },
}

impl WebhookError {
    /// Whether the request was refused for its signature (every variant but
    /// [`WebhookError::InvalidPayload`]).
    pub fn is_signature_error(&self) -> bool {
        !matches!(self, WebhookError::InvalidPayload { .. })
    }

    /// The HTTP status to answer with: always `400`.
    pub fn response_status(&self) -> u16 {
        ERROR_STATUS
    }

    /// The JSON body to answer with (content type [`RESPONSE_CONTENT_TYPE`]):
    /// [`INVALID_SIGNATURE_BODY`], `{"message": "Invalid signature"}`, for
    /// every signature error, as the docs require, and
    /// [`INVALID_PAYLOAD_BODY`] for [`WebhookError::InvalidPayload`].
    pub fn response_body(&self) -> &'static str {
        if self.is_signature_error() {
            INVALID_SIGNATURE_BODY
        } else {
            INVALID_PAYLOAD_BODY
        }
    }
}

/// Checks webhook requests against one secret key; see the [module docs](self).
///
/// Its `Debug` output does not show the key.
#[derive(Clone)]
pub struct Verifier {
    mac: Hmac<Sha256>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for the webhook's secret key (the `secretKey` it was attached with).
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        Verifier {
            // HMAC takes keys of any length: this never fails.
            mac: <Hmac<Sha256> as Mac>::new_from_slice(secret.as_ref())
                .expect("HMAC accepts keys of any length"),
        }
    }

    /// Checks the `Signature` header value against `body`, then decodes `body`
    /// into a [`WebhookEvent`].
    pub fn verify(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
    ) -> Result<WebhookEvent, WebhookError> {
        self.verify_signature(body, signature_header)?;
        decode_event(body)
    }

    /// Checks the `Signature` header value against `body` only.
    pub fn verify_signature(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
    ) -> Result<(), WebhookError> {
        let expected = parse_signature(signature_header)?;
        let mut mac = self.mac.clone();
        mac.update(body);
        mac.verify_slice(&expected)
            .map_err(|_| WebhookError::InvalidSignature)
    }

    /// The signature of `body` as the Academy sends it: the lowercase hex
    /// HMAC-SHA256 (64 digits, without an algorithm prefix). Useful for tests
    /// and for sending signed requests to your own endpoint.
    pub fn sign(&self, body: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Checks the `Signature` header value of a webhook request against its raw
/// `body` and the webhook's `secret` key, then decodes the body.
///
/// Pass `None` when the request has no `Signature` header.
pub fn verify(
    secret: &[u8],
    body: &[u8],
    signature_header: Option<&str>,
) -> Result<WebhookEvent, WebhookError> {
    Verifier::new(secret).verify(body, signature_header)
}

/// The lowercase hex HMAC-SHA256 of `body` with `secret`; see [`Verifier::sign`].
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    Verifier::new(secret).sign(body)
}

/// The 32 digest bytes of a `Signature` header value.
fn parse_signature(header: Option<&str>) -> Result<[u8; 32], WebhookError> {
    let header = header.map(str::trim).unwrap_or_default();
    if header.is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let digest = match header.split_once('=') {
        Some((algorithm, digest)) => {
            let algorithm = algorithm.trim();
            if algorithm.is_empty() {
                return Err(WebhookError::MalformedSignature);
            }
            if !algorithm.eq_ignore_ascii_case(ALGORITHM) {
                let mut name: String = algorithm.chars().take(MAX_ALGORITHM_CHARS).collect();
                if name.len() < algorithm.len() {
                    name.push('…');
                }
                return Err(WebhookError::UnsupportedAlgorithm(name));
            }
            digest.trim()
        }
        None => header,
    };
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(digest, &mut bytes).map_err(|_| WebhookError::MalformedSignature)?;
    Ok(bytes)
}

/// Decodes a verified body; it must be a JSON object.
fn decode_event(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let invalid = |message: String| WebhookError::InvalidPayload { message };
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| invalid(format!("not JSON: {e}")))?;
    if !value.is_object() {
        return Err(invalid("not a JSON object".to_owned()));
    }
    serde_json::from_value(value).map_err(|e| invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_forms() {
        let digest = [0xabu8; 32];
        let hex_lower = hex::encode(digest);
        let hex_upper = hex_lower.to_uppercase();
        for header in [
            hex_lower.clone(),
            hex_upper.clone(),
            format!("sha256={hex_lower}"),
            format!("SHA256={hex_upper}"),
            format!("  sha256 = {hex_lower}  "),
        ] {
            assert_eq!(parse_signature(Some(&header)), Ok(digest), "{header}");
        }
        assert_eq!(parse_signature(None), Err(WebhookError::MissingSignature));
        assert_eq!(
            parse_signature(Some("  ")),
            Err(WebhookError::MissingSignature)
        );
        for bad in [
            "sha256=".to_owned(),
            "sha256=zz".to_owned(),
            "=abc".to_owned(),
            "abc".to_owned(),
            hex_lower[..63].to_owned(),
            format!("{hex_lower}00"),
            format!("sha256={}", "é".repeat(32)),
            format!("sha256={hex_lower}={hex_lower}"),
        ] {
            assert_eq!(
                parse_signature(Some(&bad)),
                Err(WebhookError::MalformedSignature),
                "{bad}"
            );
        }
        assert_eq!(
            parse_signature(Some(&format!("md5={hex_lower}"))),
            Err(WebhookError::UnsupportedAlgorithm("md5".into()))
        );
        let long = "ä".repeat(1000);
        match parse_signature(Some(&format!("{long}=00"))) {
            Err(WebhookError::UnsupportedAlgorithm(name)) => {
                assert_eq!(name.chars().count(), MAX_ALGORITHM_CHARS + 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn debug_hides_secret() {
        let v = Verifier::new("top-secret-key");
        assert!(!format!("{v:?}").contains("top-secret"));
    }
}
