//! [`JsonString`]: a value the API takes as a string holding its JSON.

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value sent as a string that holds its JSON: Make takes a scenario's `blueprint` and
/// `scheduling` as `"{\"name\":\"...\",\"flow\":[...]}"`, not as objects.
///
/// Build it from the typed value (`JsonString::new(blueprint)` or `.into()`); it is encoded as
/// `serde_json::to_string(&value)` inside a JSON string. Decoding accepts both forms a response
/// may use: a string holding JSON, and the JSON value itself (Make's `GET` answers send the
/// blueprint as an object). A string that is not JSON is decoded as the JSON string it is (so a
/// `JsonString<String>` or `JsonString<serde_json::Value>` keeps text such as `"daily"`).
///
/// ```
/// use make_runtime::JsonString;
/// let scheduling = JsonString::new(serde_json::json!({"type": "indefinitely", "interval": 900}));
/// let body = serde_json::json!({"scheduling": scheduling});
/// let sent = body["scheduling"].as_str().unwrap(); // a string...
/// let held: serde_json::Value = serde_json::from_str(sent).unwrap(); // ...holding the JSON
/// assert_eq!(held, serde_json::json!({"type": "indefinitely", "interval": 900}));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JsonString<T>(pub T);

impl<T> JsonString<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        JsonString(value)
    }

    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned> JsonString<T> {
    /// Reads JSON text you already hold, such as a blueprint exported from Make, so that it is
    /// sent as that JSON; `JsonString::new(Value::String(text))` would send a string holding a
    /// JSON *string*. Fails, naming line and column, when `text` is not JSON of type `T`.
    ///
    /// ```
    /// use make_runtime::JsonString;
    /// let text = r#"{"name":"Sync orders","flow":[],"metadata":{"version":1}}"#;
    /// let blueprint = JsonString::<serde_json::Value>::from_json_text(text).unwrap();
    /// let sent = serde_json::to_value(&blueprint).unwrap();
    /// assert_eq!(sent.as_str(), Some(text)); // one string, holding the blueprint's JSON
    /// assert!(JsonString::<serde_json::Value>::from_json_text("{\"flow\": [}").is_err());
    /// ```
    pub fn from_json_text(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text).map(JsonString)
    }
}

impl<T> From<T> for JsonString<T> {
    fn from(value: T) -> Self {
        JsonString(value)
    }
}

impl<T> Deref for JsonString<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for JsonString<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Serialize> Serialize for JsonString<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(&self.0).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for JsonString<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if let serde_json::Value::String(text) = &value {
            match serde_json::from_str::<T>(text) {
                Ok(inner) => return Ok(JsonString(inner)),
                // Not JSON (or JSON of another shape): the string itself may be the value.
                Err(as_json) => {
                    return serde_json::from_value::<T>(value.clone())
                        .map(JsonString)
                        .map_err(|_| D::Error::custom(format_args!("a string holding JSON was expected: {as_json}")));
                }
            }
        }
        serde_json::from_value::<T>(value).map(JsonString).map_err(D::Error::custom)
    }
}

/// The JSON text, as it is sent (a query parameter carries it as it is).
impl<T: Serialize> fmt::Display for JsonString<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(&self.0).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Scheduling {
        #[serde(rename = "type")]
        kind: String,
        interval: Option<u32>,
    }

    #[test]
    fn encodes_as_a_string_holding_json() {
        let s = JsonString::new(Scheduling { kind: "indefinitely".into(), interval: Some(900) });
        assert_eq!(serde_json::to_value(&s).unwrap(), json!(r#"{"type":"indefinitely","interval":900}"#));
        assert_eq!(s.to_string(), r#"{"type":"indefinitely","interval":900}"#);
    }

    #[test]
    fn decodes_a_string_holding_json_and_the_json_itself() {
        let want = Scheduling { kind: "once".into(), interval: None };
        let from_text: JsonString<Scheduling> = serde_json::from_value(json!(r#"{"type":"once"}"#)).unwrap();
        let from_value: JsonString<Scheduling> = serde_json::from_value(json!({"type": "once"})).unwrap();
        assert_eq!(from_text.into_inner(), want);
        assert_eq!(*from_value, want);
        let round: JsonString<Scheduling> = serde_json::from_value(serde_json::to_value(JsonString::new(want.clone())).unwrap()).unwrap();
        assert_eq!(round.0, want);
    }

    #[test]
    fn plain_text_and_errors() {
        let any: JsonString<serde_json::Value> = serde_json::from_value(json!("daily")).unwrap();
        assert_eq!(any.0, json!("daily"));
        let any: JsonString<serde_json::Value> = serde_json::from_value(json!("[1,2]")).unwrap();
        assert_eq!(any.0, json!([1, 2]));
        let err = serde_json::from_value::<JsonString<Scheduling>>(json!("{not json")).unwrap_err().to_string();
        assert!(err.contains("a string holding JSON"), "{err}");
        assert!(serde_json::from_value::<JsonString<Scheduling>>(json!(5)).is_err());
    }
}
