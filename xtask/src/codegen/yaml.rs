//! YAML input (specs written as YAML, overlays), read into the JSON data model every later
//! stage works on.
//!
//! Read through `serde_yaml::Value` rather than straight into `serde_json::Value` so that YAML
//! 1.1 merge keys (`<<: *anchor`), which hand-written OpenAPI documents and overlays use to
//! share a block of properties, are applied instead of arriving as a property named `<<`.

use serde_json::{Map, Number, Value};
use serde_yaml::Value as Yaml;

/// A YAML document that could not be read: the message, and the 1-based line and column in
/// the text when the parser knows them.
#[derive(Debug)]
pub struct YamlError {
    /// What is wrong, in the parser's words.
    pub message: String,
    /// 1-based line and column of the problem in the text given, when known.
    pub at: Option<(usize, usize)>,
    /// JSON pointer (`#/paths/~1a/get`) of the mapping at fault, for a document that parsed as
    /// YAML but has no JSON form (a list as a key, a merge key given a scalar).
    pub pointer: Option<String>,
}

impl YamlError {
    /// The diagnostic for this error, found at `location` (where `at` points, mapped to the
    /// file by the caller), with its JSON pointer when it has one.
    pub fn diagnostic(self, location: &super::diagnostics::Location) -> super::diagnostics::Diagnostic {
        let d = super::diagnostics::Diagnostic::at(location, format!("invalid YAML: {}", self.message));
        match self.pointer {
            Some(pointer) => d.with_pointer(pointer),
            None => d,
        }
    }

    fn shape(message: &str) -> Self {
        YamlError { message: message.into(), at: None, pointer: Some("#".into()) }
    }

    /// The same error, one level further out: `token` is the key or index it was found under.
    fn under(mut self, token: &str) -> Self {
        if let Some(pointer) = &mut self.pointer {
            let inner = pointer.split_off(1);
            *pointer = format!("#/{}{inner}", super::diagnostics::pointer_token(token));
        }
        self
    }
}

/// Parses `text` as one YAML document and returns it as JSON: merge keys applied (the merged
/// entries where `<<` stands, keys the mapping writes itself winning), tags
/// dropped (`!foo x` is `x`), scalar keys written as their text (`200:` is `"200"`), numbers
/// JSON cannot hold (`.inf`, `.nan`) as `null`, as serde_json itself reads them.
pub fn to_json(text: &str) -> Result<Value, YamlError> {
    let located = |e: serde_yaml::Error| YamlError { at: e.location().map(|l| (l.line(), l.column())), message: e.to_string(), pointer: None };
    let yaml: Yaml = serde_yaml::from_str(text).map_err(located)?;
    convert(yaml)
}

fn convert(yaml: Yaml) -> Result<Value, YamlError> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => number(&n),
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => {
            Value::Array(items.into_iter().enumerate().map(|(i, item)| convert(item).map_err(|e| e.under(&i.to_string()))).collect::<Result<_, _>>()?)
        }
        Yaml::Mapping(entries) => {
            // A merge key's entries take its place, behind every key the mapping itself writes
            // (wherever it writes it) and, in a list of sources, behind earlier sources.
            let explicit = entries.keys().filter(|k| !is_merge_key(k)).map(|k| key_text(k.clone())).collect::<Result<Vec<_>, _>>()?;
            let mut map = Map::with_capacity(entries.len());
            for (key, value) in entries {
                if !is_merge_key(&key) {
                    let key = key_text(key)?;
                    let value = convert(value).map_err(|e| e.under(&key))?;
                    map.insert(key, value);
                    continue;
                }
                let sources = match value {
                    Yaml::Sequence(sources) => sources,
                    source => vec![source],
                };
                for source in sources {
                    let Value::Object(merged) = convert(source).map_err(|e| e.under("<<"))? else {
                        return Err(YamlError::shape("a merge key (`<<`) takes a mapping or a list of mappings"));
                    };
                    for (k, v) in merged {
                        if !explicit.contains(&k) && !map.contains_key(&k) {
                            map.insert(k, v);
                        }
                    }
                }
            }
            Value::Object(map)
        }
        Yaml::Tagged(tagged) => convert(tagged.value)?,
    })
}

fn is_merge_key(key: &Yaml) -> bool {
    matches!(key, Yaml::String(s) if s == "<<")
}

fn number(n: &serde_yaml::Number) -> Value {
    if let Some(u) = n.as_u64() {
        Value::from(u)
    } else if let Some(i) = n.as_i64() {
        Value::from(i)
    } else {
        n.as_f64().and_then(Number::from_f64).map_or(Value::Null, Value::Number)
    }
}

fn key_text(key: Yaml) -> Result<String, YamlError> {
    match key {
        Yaml::String(s) => Ok(s),
        Yaml::Number(n) => Ok(n.to_string()),
        Yaml::Bool(b) => Ok(b.to_string()),
        Yaml::Null => Ok("null".into()),
        Yaml::Tagged(tagged) => key_text(tagged.value),
        Yaml::Sequence(_) | Yaml::Mapping(_) => {
            Err(YamlError::shape("a mapping key must be a scalar (a string, number or boolean), not a list or mapping"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_keys_are_applied_and_explicit_keys_win() {
        let text = "base: &base\n  id: {type: integer}\n  name: {type: string}\nuser:\n  <<: *base\n  name: {type: string, nullable: true}\n  email: {type: string}\n";
        let v = to_json(text).unwrap();
        assert_eq!(
            v["user"],
            json!({"id": {"type": "integer"}, "name": {"type": "string", "nullable": true}, "email": {"type": "string"}})
        );
        // The merged keys stand where `<<` is written: the base's fields come first.
        let keys: Vec<&String> = v["user"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "name", "email"]);
        // A list of anchors merges each in turn.
        let v = to_json("a: &a {x: 1, z: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n").unwrap();
        assert_eq!(v["c"], json!({"x": 1, "z": 1, "y": 2}), "an earlier source wins");
    }

    #[test]
    fn scalar_keys_are_their_text_and_tags_are_dropped() {
        let v = to_json("responses:\n  200: {description: ok}\n  true: yes\nx: !custom 5\ny: .inf\n").unwrap();
        assert_eq!(v["responses"]["200"], json!({"description": "ok"}));
        assert_eq!(v["responses"]["true"], json!("yes"));
        assert_eq!((v["x"].clone(), v["y"].clone()), (json!(5), Value::Null));
        assert_eq!(to_json("n: 18446744073709551615\nm: -3\nf: 1.5\n").unwrap(), json!({"n": u64::MAX, "m": -3, "f": 1.5}));
    }

    #[test]
    fn errors_say_where() {
        let e = to_json("a: 1\nb: [1, 2\n").unwrap_err();
        assert!(e.at.is_some_and(|(line, _)| line >= 2), "{e:?}");
        let e = to_json("? [1, 2]\n: x\n").unwrap_err();
        assert!(e.message.contains("must be a scalar"), "{e:?}");
        assert_eq!(e.pointer.as_deref(), Some("#"));
        let e = to_json("a:\n  <<: 5\n").unwrap_err();
        assert!(e.message.contains("merge key"), "{e:?}");
        assert_eq!(e.pointer.as_deref(), Some("#/a"));
        // The pointer names the mapping at fault, however deep, with `/` and `~` escaped.
        let e = to_json("paths:\n  /a~b:\n    - ok\n    - {? [1]: x}\n").unwrap_err();
        assert_eq!(e.pointer.as_deref(), Some("#/paths/~1a~0b/1"), "{e:?}");
    }
}
