//! Helpers for the generated `oneOf`/`anyOf` types that have a `discriminator`: the value of
//! the discriminator property picks the alternative on decode, and encoding writes it back.
//! Generated code lists the tag values of each alternative; the work is here.

use serde::{Serialize, Serializer};
use serde_json::Value;

/// The discriminator value of a JSON object (`None` when it is not an object or the property is
/// missing or not a string).
pub fn tag<'v>(value: &'v Value, property: &str) -> Option<&'v str> {
    value.as_object()?.get(property)?.as_str()
}

/// Serializes an alternative, adding `property: tag` when the alternative's own fields do not
/// carry it (so decode then encode gives the same JSON).
pub fn serialize_tagged<T: Serialize + ?Sized, S: Serializer>(
    value: &T,
    property: &str,
    tag: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    if let Value::Object(map) = &mut json {
        if !map.contains_key(property) {
            map.insert(property.to_owned(), Value::String(tag.to_owned()));
        }
    }
    json.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tags_are_read_and_written_back() {
        assert_eq!(tag(&json!({"kind": "dog"}), "kind"), Some("dog"));
        assert_eq!(tag(&json!({"kind": 1}), "kind"), None);
        assert_eq!(tag(&json!([1]), "kind"), None);
        #[derive(Serialize)]
        struct Dog {
            name: &'static str,
        }
        let out = serialize_tagged(&Dog { name: "rex" }, "kind", "dog", serde_json::value::Serializer).unwrap();
        assert_eq!(out, json!({"name": "rex", "kind": "dog"}));
        let out = serialize_tagged(&json!({"kind": "puppy"}), "kind", "dog", serde_json::value::Serializer).unwrap();
        assert_eq!(out, json!({"kind": "puppy"}));
    }
}
