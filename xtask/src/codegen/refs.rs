//! Local `$ref`s: a reference is a URI whose fragment is a JSON pointer into the same document
//! (`#/components/schemas/Key`, `#/paths/~1keys~1%7Bkey_id%7D/get/parameters/0`). This module
//! turns one into its RFC 6901 tokens (percent-decoding first, as RFC 6901 section 6 says for the
//! URI-fragment form, then `~1` -> `/` and `~0` -> `~`) and looks a reference up in a document
//! held as JSON, following chains of references. It knows nothing of OpenAPI's meaning.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// How many references in a row are followed before the chain counts as a cycle.
const MAX_HOPS: usize = 64;

/// The tokens of a local reference, or `None` for a reference to another document (or one that
/// is not a URI fragment at all).
pub fn tokens(reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8().ok()?;
    if decoded.is_empty() {
        return Some(Vec::new());
    }
    let rest = decoded.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

/// The reference written in one canonical form (decoded, then re-escaped), so that two spellings
/// of one location are one key.
pub fn canonical(tokens: &[String]) -> String {
    let mut s = String::from("#");
    for t in tokens {
        s.push('/');
        s.push_str(&super::diagnostics::pointer_token(t));
    }
    s
}

/// The value at `tokens` in `doc`.
pub fn get<'v>(doc: &'v Value, tokens: &[String]) -> Option<&'v Value> {
    tokens.iter().try_fold(doc, |v, t| match v {
        Value::Object(m) => m.get(t),
        Value::Array(a) => t.parse::<usize>().ok().filter(|_| t == "0" || !t.starts_with('0')).and_then(|i| a.get(i)),
        _ => None,
    })
}

/// Resolves `reference` in `doc`, following a chain of references, and reads the target as a
/// `T`. Returns the canonical pointer of the final target with it, or a message saying what is
/// wrong.
pub fn resolve<T: DeserializeOwned>(doc: &Value, reference: &str) -> Result<(String, T), String> {
    let (key, value) = target(doc, reference)?;
    let item = serde_json::from_value(value.clone()).map_err(|e| format!("`$ref` `{reference}` points at something of the wrong kind: {e}"))?;
    Ok((key, item))
}

/// The final target of `reference` (after following references) and its canonical pointer.
pub fn target<'v>(doc: &'v Value, reference: &str) -> Result<(String, &'v Value), String> {
    let mut current = reference.to_string();
    for _ in 0..MAX_HOPS {
        let toks = tokens(&current).ok_or_else(|| format!("`$ref` `{current}` points into another document, which is not supported; bundle the document first"))?;
        let value = get(doc, &toks).ok_or_else(|| format!("`$ref` to `{current}`, which is not defined"))?;
        match value.get("$ref").and_then(Value::as_str) {
            Some(next) if value.as_object().is_some() => current = next.to_string(),
            _ => return Ok((canonical(&toks), value)),
        }
    }
    Err(format!("`$ref` `{reference}` is a cycle of references"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_decode_percent_then_tilde_escapes() {
        let cases: &[(&str, Option<&[&str]>)] = &[
            ("#/components/schemas/Key", Some(&["components", "schemas", "Key"])),
            ("#/paths/~1keys~1%7Bkey_id%7D/get", Some(&["paths", "/keys/{key_id}", "get"])),
            ("#/a~01/b~10", Some(&["a~1", "b/0"])),
            ("#/with%20space/%25", Some(&["with space", "%"])),
            ("#", Some(&[])),
            ("other.yaml#/a", None),
            ("#no-slash", None),
        ];
        for (input, want) in cases {
            let got = tokens(input);
            let want: Option<Vec<String>> = want.map(|w| w.iter().map(|s| s.to_string()).collect());
            assert_eq!(got, want, "{input}");
        }
        assert_eq!(canonical(&tokens("#/paths/~1keys~1%7Bkey_id%7D").unwrap()), "#/paths/~1keys~1{key_id}");
    }

    #[test]
    fn resolve_follows_chains_and_reports_cycles_and_holes() {
        let doc = serde_json::json!({
            "a": [{ "$ref": "#/b" }, 7],
            "b": { "$ref": "#/c" },
            "c": { "x": 1 },
            "loop": { "$ref": "#/loop" }
        });
        assert_eq!(target(&doc, "#/a/0").unwrap(), ("#/c".to_string(), &serde_json::json!({ "x": 1 })));
        assert_eq!(resolve::<u8>(&doc, "#/a/1").unwrap().1, 7);
        assert!(target(&doc, "#/a/01").unwrap_err().contains("not defined"));
        assert!(target(&doc, "#/loop").unwrap_err().contains("cycle"));
        assert!(target(&doc, "#/nope").unwrap_err().contains("not defined"));
        assert!(resolve::<String>(&doc, "#/c").unwrap_err().contains("wrong kind"));
    }
}
