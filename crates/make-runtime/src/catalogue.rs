//! What the generated operation catalogues share (the `catalogue` feature of a client crate).
//!
//! A catalogue lists an API's operations as data and calls any of them from a JSON object of
//! arguments, so one piece of code (a test harness, a command line, a tool list for a model)
//! serves every operation. The generated `call` reads the arguments with [`Arguments`]
//! (parameters by their wire name, the request body under `body`), sends the typed request
//! and turns the typed response back into JSON with [`response_json`]; the generated
//! `decode_response` uses [`decode_json`], [`decode_text`] and [`decode_bytes`]. Binary
//! values are base64 strings (standard alphabet, padded) in both directions.

use base64::Engine as _;
use bytes::Bytes;
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{body_start, Error};
use crate::request::{decode_json as decode_json_body, Raw};

/// An error of a catalogue call: the arguments did not fit the operation, or the call itself
/// failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// No operation has this id.
    #[error("no operation `{0}` in the catalogue")]
    UnknownOperation(String),

    /// The arguments object does not fit the operation's input schema. Nothing was sent.
    #[error("{operation}: invalid arguments: {message}")]
    InvalidArguments {
        /// The operation id.
        operation: &'static str,
        /// What is wrong, naming the argument (and the JSON path inside it).
        message: String,
    },

    /// The call was made and failed, or a response did not decode.
    #[error(transparent)]
    Call(#[from] Error),
}

/// The future of one operation's call, boxed so that a catalogue's `call` stays small however
/// many operations it dispatches to.
pub type CallFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Value, CatalogueError>> + Send + 'a>>;

/// The JSON arguments of one call, taken out one by one by the generated `call`.
#[derive(Debug)]
pub struct Arguments {
    operation: &'static str,
    values: Map<String, Value>,
}

impl Arguments {
    /// Takes an arguments object; `null` is an empty one.
    pub fn new(operation: &'static str, args: Value) -> Result<Arguments, CatalogueError> {
        let values = match args {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            other => {
                return Err(CatalogueError::InvalidArguments {
                    operation,
                    message: format!("expected a JSON object of arguments, got {}", kind(&other)),
                })
            }
        };
        Ok(Arguments { operation, values })
    }

    fn invalid(&self, message: String) -> CatalogueError {
        CatalogueError::InvalidArguments {
            operation: self.operation,
            message,
        }
    }

    fn decode<T: DeserializeOwned>(&self, name: &str, value: Value) -> Result<T, CatalogueError> {
        serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
            let path = e.path().to_string();
            let at = if path == "." {
                format!("`{name}`")
            } else {
                format!("`{name}` at `{path}`")
            };
            self.invalid(format!("{at}: {}", e.inner()))
        })
    }

    /// The argument `name`, which must be present (`null` is passed on to `T`, so a nullable
    /// value may be `null`).
    pub fn required<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, CatalogueError> {
        match self.values.remove(name) {
            Some(v) => self.decode(name, v),
            None => Err(self.invalid(format!("the required argument `{name}` is missing"))),
        }
    }

    /// The argument `name`; absent or `null` is `None`.
    pub fn optional<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<T>, CatalogueError> {
        match self.values.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.decode(name, v).map(Some),
        }
    }

    /// A parameter whose name is chosen at run time (`<connectionType>[]`): an object whose keys
    /// are the chosen names, in order; absent or `null` is none.
    pub fn named<T: DeserializeOwned>(&mut self, name: &str) -> Result<Vec<(String, T)>, CatalogueError> {
        match self.values.remove(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Object(map)) => map
                .into_iter()
                .map(|(key, v)| {
                    let value = self.decode(&format!("{name}.{key}"), v)?;
                    Ok((key, value))
                })
                .collect(),
            Some(other) => Err(self.invalid(format!(
                "`{name}` must be an object whose keys are the names to send, got {}",
                kind(&other)
            ))),
        }
    }

    /// A required binary argument, given as a base64 string.
    pub fn required_bytes(&mut self, name: &str) -> Result<Bytes, CatalogueError> {
        let text: String = self.required(name)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Bytes::from)
            .map_err(|e| self.invalid(format!("`{name}` must be base64: {e}")))
    }

    /// Fails naming every argument the operation does not take.
    pub fn finish(self) -> Result<(), CatalogueError> {
        if self.values.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = self.values.keys().map(|k| format!("`{k}`")).collect();
        Err(self.invalid(format!("unknown argument(s) {}", names.join(", "))))
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What a successful call returns, as JSON.
pub trait IntoJson {
    /// The value as JSON: structures as they serialize, text as a string, bytes as base64,
    /// nothing as `null`.
    fn into_json(self) -> Value;
}

/// A JSON response model.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoJson for Json<T> {
    fn into_json(self) -> Value {
        // The generated models serialize infallibly (string keys, no custom serializers that
        // fail); `null` is the honest answer should one ever not.
        serde_json::to_value(self.0).unwrap_or(Value::Null)
    }
}

impl IntoJson for String {
    fn into_json(self) -> Value {
        Value::String(self)
    }
}

impl IntoJson for Bytes {
    fn into_json(self) -> Value {
        Value::String(base64::engine::general_purpose::STANDARD.encode(&self))
    }
}

impl IntoJson for () {
    fn into_json(self) -> Value {
        Value::Null
    }
}

/// The result of a typed call, as JSON.
pub fn response_json<T: IntoJson>(result: Result<T, Error>) -> Result<Value, CatalogueError> {
    Ok(result?.into_json())
}

/// Checks the status of a response given as parts: a non-2xx status is the error the client
/// would return for it (Make's error body as [`Error::Api`], anything else [`Error::Status`]).
fn check_status(
    operation: &'static str,
    scopes: &'static [&'static str],
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<StatusCode, CatalogueError> {
    let status = StatusCode::from_u16(status).map_err(|e| CatalogueError::InvalidArguments {
        operation,
        message: format!("invalid HTTP status {status}: {e}"),
    })?;
    if status.is_success() {
        return Ok(status);
    }
    Err(CatalogueError::Call(crate::request::response_error(
        operation,
        scopes,
        status,
        (!content_type.is_empty()).then(|| content_type.to_owned()),
        body,
        None,
    )))
}

/// Decodes a JSON response body of `operation` as `T`, as the client does, and encodes the
/// result back to JSON.
pub fn decode_json<T: DeserializeOwned + Serialize>(
    operation: &'static str,
    scopes: &'static [&'static str],
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<Value, CatalogueError> {
    let status = check_status(operation, scopes, status, content_type, body)?;
    let raw = Raw::from_parts(status, body);
    let value: T = decode_json_body(operation, &raw)?;
    Ok(Json(value).into_json())
}

/// Decodes a text response body (UTF-8) to a JSON string.
pub fn decode_text(
    operation: &'static str,
    scopes: &'static [&'static str],
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<Value, CatalogueError> {
    let status = check_status(operation, scopes, status, content_type, body)?;
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Value::String(text.to_owned())),
        Err(e) => Err(CatalogueError::Call(Error::Decode {
            operation,
            status,
            path: ".".into(),
            message: format!("the body is not valid UTF-8: {e}"),
            body_start: body_start(body),
        })),
    }
}

/// A binary response body as a base64 JSON string.
pub fn decode_bytes(
    operation: &'static str,
    scopes: &'static [&'static str],
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<Value, CatalogueError> {
    check_status(operation, scopes, status, content_type, body)?;
    Ok(Bytes::copy_from_slice(body).into_json())
}

/// A response documented without a body: `null` (a body sent anyway is ignored, as the client
/// does).
pub fn decode_empty(
    operation: &'static str,
    scopes: &'static [&'static str],
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<Value, CatalogueError> {
    check_status(operation, scopes, status, content_type, body)?;
    Ok(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_are_taken_by_name_and_leftovers_are_named() {
        let mut a = Arguments::new("x.list", json!({"teamId": 35, "type[]": ["a"], "extra": 1})).unwrap();
        assert_eq!(a.required::<i64>("teamId").unwrap(), 35);
        assert_eq!(a.optional::<Vec<String>>("type[]").unwrap(), Some(vec!["a".to_owned()]));
        assert_eq!(a.optional::<i64>("pg[limit]").unwrap(), None);
        let err = a.finish().unwrap_err().to_string();
        assert!(err.contains("unknown argument(s) `extra`"), "{err}");
    }

    #[test]
    fn errors_name_the_argument_and_the_path_inside_it() {
        let mut a = Arguments::new("x.create", json!({"body": {"scopes": ["a", 2]}})).unwrap();
        #[derive(serde::Deserialize, Debug)]
        struct Body {
            #[allow(dead_code)]
            scopes: Vec<String>,
        }
        let err = a.required::<Body>("body").unwrap_err().to_string();
        assert!(err.contains("`body` at `scopes[1]`"), "{err}");
        let mut a = Arguments::new("x.get", json!({})).unwrap();
        let err = a.required::<i64>("id").unwrap_err().to_string();
        assert!(err.contains("required argument `id` is missing"), "{err}");
        let err = Arguments::new("x.get", json!([1])).unwrap_err().to_string();
        assert!(err.contains("got an array"), "{err}");
    }

    #[test]
    fn named_parameters_keep_their_order_and_bytes_are_base64() {
        let mut a = Arguments::new("x", json!({"<t>[]": {"slack": ["a"], "gmail": []}, "body": "AAH/"})).unwrap();
        let named = a.named::<Vec<String>>("<t>[]").unwrap();
        assert_eq!(named[0].0, "slack");
        assert_eq!(named[1].0, "gmail");
        assert_eq!(a.required_bytes("body").unwrap().as_ref(), &[0, 1, 255]);
        assert_eq!(Bytes::from_static(&[0, 1, 255]).into_json(), json!("AAH/"));
    }

    #[test]
    fn error_statuses_decode_as_the_client_reports_them() {
        let body = br#"{"detail":"no","message":"Forbidden","code":"SC403"}"#;
        let err = decode_json::<Value>("x.get", &["a:read"], 403, "application/json", body).unwrap_err();
        assert!(matches!(err, CatalogueError::Call(Error::Api { .. })), "{err:?}");
        let err = decode_text("x.get", &[], 502, "text/html", b"<html>").unwrap_err();
        assert!(matches!(err, CatalogueError::Call(Error::Status { .. })), "{err:?}");
        assert_eq!(decode_empty("x.delete", &[], 204, "", b"").unwrap(), Value::Null);
    }
}
