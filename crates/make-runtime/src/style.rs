//! Parameter serialization by OpenAPI `style` and `explode`.
//!
//! A parameter value is first turned into JSON (`serde_json::Value`), then laid out by the
//! rules of OpenAPI 3.0's "Style Values" table: `simple`, `label` and `matrix` in the path,
//! `form`, `spaceDelimited`, `pipeDelimited` and `deepObject` in the query, `simple` in headers.
//! Values and keys are percent-encoded (a path value as a path segment, a query name or value
//! form-urlencoded, exactly like [`RequestBuilder::query`](crate::RequestBuilder::query)), while
//! the delimiters the style adds (`,` `.` `;` `=` `|`, the `%20` of `spaceDelimited`, the `[]`
//! of `deepObject`) are written as the style says, so a comma inside a value never reads as a
//! separator. Header values are not percent-encoded.
//!
//! Scalars are strings, numbers and booleans; a list or object nested inside a list or object
//! is sent as its JSON text (OpenAPI defines no layout for it). `null` is an empty value.

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;
use url::form_urlencoded::byte_serialize;

/// Characters kept as is in a path value: RFC 3986 "unreserved".
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// An OpenAPI parameter `style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// `form`: query default (`a=1&a=2`, or `a=1,2` without explode).
    Form,
    /// `simple`: path and header default (`1,2`).
    Simple,
    /// `label`: path, `.`-prefixed (`.1.2`).
    Label,
    /// `matrix`: path, `;name=`-prefixed (`;a=1;a=2`).
    Matrix,
    /// `spaceDelimited`: query list joined by spaces (`a=1%202`).
    SpaceDelimited,
    /// `pipeDelimited`: query list joined by `|` (`a=1|2`).
    PipeDelimited,
    /// `deepObject`: query object as `name[key]=value`.
    DeepObject,
}

impl Style {
    /// The style as OpenAPI writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Style::Form => "form",
            Style::Simple => "simple",
            Style::Label => "label",
            Style::Matrix => "matrix",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
        }
    }
}

/// A value a style cannot lay out (the style is not allowed where the parameter goes, or the
/// value does not serialize).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyleError(String);

impl fmt::Display for StyleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StyleError {}

/// A parameter value reduced to what the styles distinguish.
enum Shape {
    /// `null`: an empty value.
    Empty,
    Scalar(String),
    List(Vec<String>),
    Object(Vec<(String, String)>),
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

fn shape<T: Serialize + ?Sized>(value: &T) -> Result<Shape, StyleError> {
    let v = serde_json::to_value(value).map_err(|e| StyleError(format!("could not serialize the value: {e}")))?;
    Ok(match &v {
        Value::Null => Shape::Empty,
        Value::Array(items) => Shape::List(items.iter().map(scalar_text).collect()),
        Value::Object(map) => Shape::Object(map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), scalar_text(v))).collect()),
        other => Shape::Scalar(scalar_text(other)),
    })
}

fn path_enc(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

fn form_enc(s: &str) -> String {
    byte_serialize(s.as_bytes()).collect()
}

/// Lays out a path parameter: the text that replaces `{name}` in the path template, already
/// percent-encoded. `style` is `simple` (the default), `label` or `matrix`.
pub fn path<T: Serialize + ?Sized>(name: &str, value: &T, style: Style, explode: bool) -> Result<String, StyleError> {
    let shape = shape(value)?;
    let (prefix, sep) = match style {
        Style::Simple => ("", ","),
        Style::Label => (".", if explode { "." } else { "," }),
        Style::Matrix => return Ok(matrix(name, &shape, explode)),
        other => return Err(StyleError(format!("style `{}` is not allowed for the path parameter `{name}`", other.as_str()))),
    };
    Ok(match shape {
        Shape::Empty => prefix.to_string(),
        Shape::Scalar(s) => format!("{prefix}{}", path_enc(&s)),
        Shape::List(items) => format!("{prefix}{}", items.iter().map(|i| path_enc(i)).collect::<Vec<_>>().join(sep)),
        Shape::Object(fields) => {
            let parts: Vec<String> = if explode {
                fields.iter().map(|(k, v)| format!("{}={}", path_enc(k), path_enc(v))).collect()
            } else {
                fields.iter().flat_map(|(k, v)| [path_enc(k), path_enc(v)]).collect()
            };
            format!("{prefix}{}", parts.join(sep))
        }
    })
}

fn matrix(name: &str, shape: &Shape, explode: bool) -> String {
    let n = path_enc(name);
    match shape {
        Shape::Empty => format!(";{n}"),
        Shape::Scalar(s) => format!(";{n}={}", path_enc(s)),
        Shape::List(items) if explode => items.iter().map(|i| format!(";{n}={}", path_enc(i))).collect(),
        Shape::List(items) => format!(";{n}={}", items.iter().map(|i| path_enc(i)).collect::<Vec<_>>().join(",")),
        Shape::Object(fields) if explode => fields.iter().map(|(k, v)| format!(";{}={}", path_enc(k), path_enc(v))).collect(),
        Shape::Object(fields) => {
            format!(";{n}={}", fields.iter().flat_map(|(k, v)| [path_enc(k), path_enc(v)]).collect::<Vec<_>>().join(","))
        }
    }
}

/// Lays out a query parameter: the `name=value` pieces of the query string, already encoded,
/// to be joined with `&`. `style` is `form` (the default), `spaceDelimited`, `pipeDelimited` or
/// `deepObject`. An exploded empty list adds nothing.
pub fn query<T: Serialize + ?Sized>(name: &str, value: &T, style: Style, explode: bool) -> Result<Vec<String>, StyleError> {
    let shape = shape(value)?;
    let n = form_enc(name);
    let pair = |k: &str, v: &str| format!("{}={}", form_enc(k), form_enc(v));
    let sep = match style {
        Style::Form => ",",
        Style::SpaceDelimited => "%20",
        Style::PipeDelimited => "|",
        Style::DeepObject => {
            return Ok(match shape {
                Shape::Object(fields) => fields.iter().map(|(k, v)| format!("{n}{}={}", form_enc(&format!("[{k}]")), form_enc(v))).collect(),
                // deepObject defines objects only; anything else is sent in form style.
                other => form_pieces(&n, other, explode, ",", &pair),
            });
        }
        other => return Err(StyleError(format!("style `{}` is not allowed for the query parameter `{name}`", other.as_str()))),
    };
    Ok(form_pieces(&n, shape, explode, sep, &pair))
}

fn form_pieces(n: &str, shape: Shape, explode: bool, sep: &str, pair: &dyn Fn(&str, &str) -> String) -> Vec<String> {
    let joined = |parts: Vec<String>| format!("{n}={}", parts.join(sep));
    match shape {
        Shape::Empty => vec![format!("{n}=")],
        Shape::Scalar(s) => vec![format!("{n}={}", form_enc(&s))],
        Shape::List(items) if explode => items.iter().map(|i| format!("{n}={}", form_enc(i))).collect(),
        Shape::List(items) if items.is_empty() => Vec::new(),
        Shape::List(items) => vec![joined(items.iter().map(|i| form_enc(i)).collect())],
        Shape::Object(fields) if explode => fields.iter().map(|(k, v)| pair(k, v)).collect(),
        Shape::Object(fields) => vec![joined(fields.iter().flat_map(|(k, v)| [form_enc(k), form_enc(v)]).collect())],
    }
}

/// Lays out a header parameter (`simple` style): `a,b,c` for a list, `k,v,k2,v2` (or with
/// explode `k=v,k2=v2`) for an object. Not percent-encoded.
pub fn header<T: Serialize + ?Sized>(value: &T, explode: bool) -> Result<String, StyleError> {
    Ok(match shape(value)? {
        Shape::Empty => String::new(),
        Shape::Scalar(s) => s,
        Shape::List(items) => items.join(","),
        Shape::Object(fields) if explode => fields.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
        Shape::Object(fields) => fields.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]).collect::<Vec<_>>().join(","),
    })
}

/// Encodes a whole `application/x-www-form-urlencoded` body: each top-level property of
/// `value` (an object) in `form` style, exploded, unless `encoding` names another style for it
/// (`(property, style, explode)`, from the docs' `encoding` object). `None` properties are left
/// out; enum values are their wire strings.
pub fn form_body<T: Serialize + ?Sized>(value: &T, encoding: &[(&str, Style, bool)]) -> Result<String, StyleError> {
    let v = serde_json::to_value(value).map_err(|e| StyleError(format!("could not serialize the form body: {e}")))?;
    let Value::Object(map) = v else {
        return Err(StyleError("a form body must be an object".into()));
    };
    let mut pieces = Vec::new();
    for (k, v) in &map {
        if v.is_null() {
            continue;
        }
        let (style, explode) = encoding.iter().find(|(n, _, _)| n == k).map(|(_, s, e)| (*s, *e)).unwrap_or((Style::Form, true));
        pieces.extend(query(k, v, style, explode)?);
    }
    Ok(pieces.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// OpenAPI 3.0.3's "Style Examples" table, for `color` = `"blue"`, `["blue","black","brown"]`
    /// and `{"R":100,"G":200,"B":150}` (after form-urlencoding, a `,` inside a value would be
    /// `%2C`; the spec's table shows the delimiters).
    #[test]
    fn the_openapi_style_examples() {
        let s = json!("blue");
        let a = json!(["blue", "black", "brown"]);
        let o = json!({"R": 100, "G": 200, "B": 150});
        let p = |v: &Value, st, ex| path("color", v, st, ex).unwrap();
        let q = |v: &Value, st, ex| query("color", v, st, ex).unwrap().join("&");

        assert_eq!(p(&json!(null), Style::Matrix, false), ";color");
        assert_eq!(p(&json!(null), Style::Label, false), ".");
        assert_eq!(q(&json!(null), Style::Form, false), "color=");

        assert_eq!(p(&s, Style::Matrix, false), ";color=blue");
        assert_eq!(p(&s, Style::Matrix, true), ";color=blue");
        assert_eq!(p(&s, Style::Label, false), ".blue");
        assert_eq!(p(&s, Style::Simple, false), "blue");
        assert_eq!(q(&s, Style::Form, true), "color=blue");

        assert_eq!(p(&a, Style::Matrix, false), ";color=blue,black,brown");
        assert_eq!(p(&a, Style::Matrix, true), ";color=blue;color=black;color=brown");
        assert_eq!(p(&a, Style::Label, false), ".blue,black,brown");
        assert_eq!(p(&a, Style::Label, true), ".blue.black.brown");
        assert_eq!(p(&a, Style::Simple, false), "blue,black,brown");
        assert_eq!(p(&a, Style::Simple, true), "blue,black,brown");
        assert_eq!(q(&a, Style::Form, false), "color=blue,black,brown");
        assert_eq!(q(&a, Style::Form, true), "color=blue&color=black&color=brown");
        assert_eq!(q(&a, Style::SpaceDelimited, false), "color=blue%20black%20brown");
        assert_eq!(q(&a, Style::PipeDelimited, false), "color=blue|black|brown");

        assert_eq!(p(&o, Style::Matrix, false), ";color=R,100,G,200,B,150");
        assert_eq!(p(&o, Style::Matrix, true), ";R=100;G=200;B=150");
        assert_eq!(p(&o, Style::Label, false), ".R,100,G,200,B,150");
        assert_eq!(p(&o, Style::Label, true), ".R=100.G=200.B=150");
        assert_eq!(p(&o, Style::Simple, false), "R,100,G,200,B,150");
        assert_eq!(p(&o, Style::Simple, true), "R=100,G=200,B=150");
        assert_eq!(q(&o, Style::Form, false), "color=R,100,G,200,B,150");
        assert_eq!(q(&o, Style::Form, true), "R=100&G=200&B=150");
        assert_eq!(q(&o, Style::SpaceDelimited, false), "color=R%20100%20G%20200%20B%20150");
        assert_eq!(q(&o, Style::PipeDelimited, false), "color=R|100|G|200|B|150");
        assert_eq!(q(&o, Style::DeepObject, true), "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150");

        assert_eq!(header(&a, false).unwrap(), "blue,black,brown");
        assert_eq!(header(&o, false).unwrap(), "R,100,G,200,B,150");
        assert_eq!(header(&o, true).unwrap(), "R=100,G=200,B=150");
    }

    #[test]
    fn delimiters_inside_values_are_encoded() {
        assert_eq!(path("id", &json!(["a,b", "c/d"]), Style::Simple, false).unwrap(), "a%2Cb,c%2Fd");
        assert_eq!(query("q", &json!(["a|b", "c d"]), Style::PipeDelimited, false).unwrap(), ["q=a%7Cb|c+d"]);
        assert_eq!(query("q", &json!(["x,y", "z"]), Style::Form, false).unwrap(), ["q=x%2Cy,z"]);
        // Make's bracketed names, exploded form: exactly what `query` sends.
        assert_eq!(query("cols[]", &json!(["id", "name"]), Style::Form, true).unwrap(), ["cols%5B%5D=id", "cols%5B%5D=name"]);
        assert_eq!(query("big", &json!(u64::MAX), Style::Form, true).unwrap(), ["big=18446744073709551615"]);
    }

    #[test]
    fn styles_refused_where_openapi_does_not_allow_them() {
        assert!(path("id", &json!(1), Style::Form, false).is_err());
        assert!(path("id", &json!(1), Style::DeepObject, true).is_err());
        assert!(query("id", &json!(1), Style::Matrix, false).is_err());
        assert!(query("id", &json!([]), Style::Form, true).unwrap().is_empty());
    }

    #[test]
    fn form_bodies() {
        let body = json!({"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "scope": "read write", "skip": null, "ids": [1, 2]});
        assert_eq!(
            form_body(&body, &[]).unwrap(),
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&scope=read+write&ids=1&ids=2"
        );
        assert_eq!(form_body(&body, &[("ids", Style::Form, false)]).unwrap().rsplit('&').next(), Some("ids=1,2"));
        assert!(form_body(&json!([1]), &[]).is_err());
    }
}
