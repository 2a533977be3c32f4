//! `multipart/form-data` request bodies.
//!
//! Generated code declares the parts of a body (one [`Multipart::field`] or
//! [`Multipart::files`] call per property, with the docs' `encoding.contentType`); this module
//! decides how each value goes on the wire, following OpenAPI 3.0's defaults:
//!
//! | property | part |
//! | --- | --- |
//! | `format: binary` ([`FilePart`]) | the raw bytes, with its file name, `application/octet-stream` unless the docs or the file say otherwise |
//! | string, number, boolean | plain text |
//! | object (or any value whose `contentType` is JSON) | its JSON, `application/json` |
//! | array | one part per item, by the rules above |
//! | absent (`None`) | no part |
//!
//! The parts are kept as bytes, so a retried request sends the same body again; reqwest's
//! multipart writer builds the body (boundary, `Content-Disposition` escaping) for each attempt.

use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::base64::Base64;

/// A file sent as one part of a multipart body: bytes, a file name and, optionally, a media
/// type (which wins over the docs' `encoding.contentType`).
///
/// In JSON (for example in arguments given as data) it is
/// `{"fileName": "a.png", "contentType": "image/png", "data": "<base64>"}`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilePart {
    /// File name sent in `Content-Disposition`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Media type of the part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The file's bytes.
    pub data: Base64,
}

impl FilePart {
    /// A file with a name.
    pub fn new(file_name: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        FilePart { file_name: Some(file_name.into()), content_type: None, data: Base64(data.into()) }
    }

    /// Bytes without a file name.
    pub fn bytes(data: impl Into<Vec<u8>>) -> Self {
        FilePart { file_name: None, content_type: None, data: Base64(data.into()) }
    }

    /// Sets the part's media type (`image/png`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .finish()
    }
}

/// A property holding files: one [`FilePart`], an optional one, or a list.
pub trait FileParts {
    /// The files, in order.
    fn file_parts(&self) -> Vec<&FilePart>;
}

impl FileParts for FilePart {
    fn file_parts(&self) -> Vec<&FilePart> {
        vec![self]
    }
}

impl FileParts for Option<FilePart> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.iter().collect()
    }
}

impl FileParts for Vec<FilePart> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.iter().collect()
    }
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    data: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

/// The parts of a `multipart/form-data` body, in order; hand it to
/// [`RequestBuilder::multipart`](crate::RequestBuilder::multipart).
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    parts: Vec<Part>,
    error: Option<String>,
}

fn is_json_type(ct: &str) -> bool {
    let ct = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    ct == "application/json" || ct.ends_with("+json")
}

impl Multipart {
    /// No parts yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the files of a `format: binary` property (none for `None` or an empty list).
    /// `content_type` is the docs' `encoding.contentType`; a file's own media type wins, and
    /// `application/octet-stream` is the default.
    pub fn files<F: FileParts + ?Sized>(mut self, name: &str, files: &F, content_type: Option<&str>) -> Self {
        for f in files.file_parts() {
            self.parts.push(Part {
                name: name.to_owned(),
                data: Bytes::from(f.data.0.clone()),
                file_name: f.file_name.clone(),
                content_type: f.content_type.clone().or_else(|| content_type.map(str::to_owned)).or_else(|| Some("application/octet-stream".into())),
            });
        }
        self
    }

    /// Adds a property that is not a file: text for a scalar, JSON for an object (or when
    /// `content_type` is a JSON type), one part per item for a list, nothing for `None`.
    pub fn field<T: Serialize + ?Sized>(mut self, name: &str, value: &T, content_type: Option<&str>) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => self.value(name, &v, content_type, true),
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some(format!("could not serialize the multipart part `{name}`: {e}"));
                }
            }
        }
        self
    }

    /// Adds every property of an object (a body whose schema names no properties), each by the
    /// rules of [`Self::field`].
    pub fn properties<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(Value::Object(map)) => {
                for (k, v) in &map {
                    self.value(k, v, None, true);
                }
            }
            Ok(Value::Null) => {}
            Ok(_) => self.error = Some("a multipart body must be an object".into()),
            Err(e) => self.error = Some(format!("could not serialize the multipart body: {e}")),
        }
        self
    }

    fn value(&mut self, name: &str, v: &Value, content_type: Option<&str>, top: bool) {
        let json = content_type.is_some_and(is_json_type);
        let (data, ct) = match v {
            Value::Null => return,
            Value::Array(items) if top && !json => {
                for item in items {
                    self.value(name, item, content_type, false);
                }
                return;
            }
            Value::Array(_) | Value::Object(_) => (v.to_string(), content_type.unwrap_or("application/json")),
            _ if json => (v.to_string(), content_type.unwrap_or("application/json")),
            Value::String(s) => (s.clone(), content_type.unwrap_or("text/plain")),
            other => (other.to_string(), content_type.unwrap_or("text/plain")),
        };
        self.parts.push(Part { name: name.to_owned(), data: Bytes::from(data), file_name: None, content_type: Some(ct.to_owned()) });
    }

    pub(crate) fn take_error(&mut self) -> Option<String> {
        self.error.take()
    }

    /// The reqwest form for one attempt (parts are cheap `Bytes` clones).
    pub(crate) fn to_form(&self) -> Result<reqwest::multipart::Form, String> {
        let mut form = reqwest::multipart::Form::new();
        for p in &self.parts {
            let mut part = reqwest::multipart::Part::stream_with_length(reqwest::Body::from(p.data.clone()), p.data.len() as u64);
            if let Some(f) = &p.file_name {
                part = part.file_name(f.clone());
            }
            // A plain-text part without an explicit media type carries no Content-Type header
            // (RFC 7578's default is text/plain).
            if let Some(ct) = p.content_type.as_deref().filter(|ct| *ct != "text/plain" || p.file_name.is_some()) {
                part = part.mime_str(ct).map_err(|e| format!("invalid media type `{ct}` for the multipart part `{}`: {e}", p.name))?;
            }
            form = form.part(p.name.clone(), part);
        }
        Ok(form)
    }
}
