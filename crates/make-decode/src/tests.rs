use serde::Deserialize;

use super::*;

#[derive(Debug, Deserialize, PartialEq)]
struct Connection {
    #[serde(default, deserialize_with = "lenient")]
    uid: Option<String>,
    #[serde(rename = "teamId", default, deserialize_with = "lenient")]
    team_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    size: Option<f64>,
    #[serde(default, deserialize_with = "lenient_or_default")]
    scopes: Vec<String>,
    #[serde(default, deserialize_with = "lenient")]
    name: String,
}

fn conn(json: &str) -> Result<Connection, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

fn path_error<T: serde::de::DeserializeOwned + fmt::Debug>(json: &str) -> (String, String) {
    let de = &mut serde_json::Deserializer::from_str(json);
    let err = serde_path_to_error::deserialize::<_, T>(de).unwrap_err();
    (err.path().to_string(), err.into_inner().to_string())
}

#[test]
fn strings_take_numbers_and_booleans_as_their_exact_text() {
    for (sent, kept) in [
        (r#"100000000000000000123"#, "100000000000000000123"),
        (r#"-100000000000000000000000000000123"#, "-100000000000000000000000000000123"),
        (r#"42"#, "42"),
        (r#"1.50"#, "1.50"),
        (r#"1e400"#, "1e400"),
        (r#"true"#, "true"),
        (r#""abc""#, "abc"),
        (r#""a\"b\u00e9\n""#, "a\"bé\n"),
    ] {
        let c = conn(&format!(r#"{{"uid": {sent}}}"#)).unwrap();
        assert_eq!(c.uid.as_deref(), Some(kept), "{sent}");
    }
    assert_eq!(conn(r#"{"uid": null}"#).unwrap().uid, None);
    assert_eq!(conn(r#"{}"#).unwrap().uid, None);
}

#[test]
fn numbers_decode_to_the_nearest_f64_whichever_way_they_are_read() {
    // Without serde_json's `float_roundtrip`, a plain `serde_json::Value` read `...575` (sent by
    // Prism in the contract test) as the double next to the nearest one, so the same body gave
    // two different numbers depending on how it was read.
    for text in ["10106400.197838575", "0.30000000000000004", "-87227869.40580304", "2.2250738585072014e-308"] {
        let want: f64 = text.parse().unwrap();
        for json in [format!(r#"{{"size": {text}}}"#), format!(r#"{{"size": "{text}"}}"#)] {
            let got = conn(&json).unwrap().size.unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{json}");
        }
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(value.as_f64().map(f64::to_bits), Some(want.to_bits()), "{text} as a serde_json::Value");
    }
}

#[test]
fn the_same_from_a_reader_and_from_a_value() {
    let c: Connection = serde_json::from_reader(&br#"{"uid": 100000000000000000123, "name": "x\ty"}"#[..]).unwrap();
    assert_eq!((c.uid.as_deref(), c.name.as_str()), (Some("100000000000000000123"), "x\ty"));
    let v = serde_json::json!({"uid": 42, "teamId": "35", "name": false});
    let c: Connection = serde_json::from_value(v).unwrap();
    assert_eq!((c.uid.as_deref(), c.team_id, c.name.as_str()), (Some("42"), Some(35), "false"));
}

#[test]
fn integers_and_numbers_take_numeric_strings() {
    let c = conn(r#"{"teamId": "123", "size": "620"}"#).unwrap();
    assert_eq!((c.team_id, c.size), (Some(123), Some(620.0)));
    let c = conn(r#"{"teamId": 3.0, "size": " 1.5 "}"#).unwrap();
    assert_eq!((c.team_id, c.size), (Some(3), Some(1.5)));
    assert_eq!(conn(r#"{"teamId": 1e3}"#).unwrap().team_id, Some(1000));
    assert_eq!(conn(r#"{"teamId": null, "size": null}"#).unwrap(), conn("{}").unwrap());
}

#[test]
fn integers_beyond_the_type_are_errors_never_wrapped() {
    let err = conn(r#"{"teamId": 100000000000000000123}"#).unwrap_err();
    assert!(err.contains("integer 100000000000000000123 is out of range for i64"), "{err}");
    let err = conn(r#"{"teamId": "9223372036854775808"}"#).unwrap_err();
    assert!(err.contains("integer 9223372036854775808 is out of range for i64"), "{err}");
    assert_eq!(conn(r#"{"teamId": -9223372036854775808}"#).unwrap().team_id, Some(i64::MIN));
    #[derive(Debug, Deserialize)]
    struct U {
        #[serde(deserialize_with = "lenient")]
        v: u64,
    }
    let u: U = serde_json::from_str(r#"{"v": "18446744073709551615"}"#).unwrap();
    assert_eq!(u.v, u64::MAX);
    assert!(serde_json::from_str::<U>(r#"{"v": -1}"#).unwrap_err().to_string().contains("integer -1 is out of range for u64"));
    assert!(conn(r#"{"teamId": 1e30}"#).unwrap_err().contains("out of range for i64"));
}

#[test]
fn anything_else_is_an_error_naming_the_expected_type() {
    let err = conn(r#"{"teamId": "12a"}"#).unwrap_err();
    assert!(err.contains(r#"invalid value: string "12a", expected an integer, or a string holding one"#), "{err}");
    let err = conn(r#"{"teamId": 1.5}"#).unwrap_err();
    assert!(err.contains("expected an integer"), "{err}");
    let err = conn(r#"{"size": "NaN"}"#).unwrap_err();
    assert!(err.contains("expected a number, or a string holding one"), "{err}");
    let err = conn(r#"{"uid": {"a": 1}}"#).unwrap_err();
    assert!(err.contains("invalid type: an object, expected a string"), "{err}");
    let err = conn(r#"{"uid": [1]}"#).unwrap_err();
    assert!(err.contains("invalid type: an array"), "{err}");
    // A required string: null is not made up into "".
    let err = conn(r#"{"name": null}"#).unwrap_err();
    assert!(err.contains("invalid type: null, expected a string"), "{err}");
    let err = conn(r#"{"teamId": true}"#).unwrap_err();
    assert!(err.contains("invalid type: boolean `true`"), "{err}");
}

#[test]
fn optional_lists_take_null_and_their_items_follow_the_policy() {
    assert_eq!(conn(r#"{"scopes": null}"#).unwrap().scopes, Vec::<String>::new());
    assert_eq!(conn(r#"{"scopes": ["a", 1, 100000000000000000123]}"#).unwrap().scopes, ["a", "1", "100000000000000000123"]);
    #[derive(Deserialize, Default)]
    struct Page {
        #[serde(default, deserialize_with = "or_default")]
        items: Vec<serde_json::Value>,
        #[serde(default, deserialize_with = "lenient")]
        sizes: BTreeMap<String, Vec<i32>>,
    }
    let p: Page = serde_json::from_str(r#"{"items": null, "sizes": {"a": ["1", 2]}}"#).unwrap();
    assert!(p.items.is_empty());
    assert_eq!(p.sizes["a"], [1, 2]);
}

#[test]
fn errors_carry_the_full_json_path() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct List {
        connections: Vec<Connection>,
    }
    let (path, msg) = path_error::<List>(r#"{"connections": [{}, {}, {}, {"uid": {}}]}"#);
    assert_eq!(path, "connections[3].uid");
    assert!(msg.contains("expected a string"), "{msg}");
    let (path, _) = path_error::<List>(r#"{"connections": [{"scopes": ["a", {}]}]}"#);
    assert_eq!(path, "connections[0].scopes[1]");
    // Exact text survives path tracking too.
    let de = &mut serde_json::Deserializer::from_str(r#"{"connections": [{"uid": 100000000000000000123}]}"#);
    let list: List = serde_path_to_error::deserialize(de).unwrap();
    assert_eq!(list.connections[0].uid.as_deref(), Some("100000000000000000123"));
}

#[test]
fn inside_an_untagged_union_numbers_are_read_buffered() {
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(untagged)]
    enum Id {
        Object { id: i64 },
        Text(#[serde(deserialize_with = "lenient")] String),
    }
    #[derive(Debug, Deserialize, PartialEq)]
    struct Holder {
        ids: Vec<Id>,
    }
    let h: Holder = serde_json::from_str(r#"{"ids": [{"id": 1}, "a", 42, 1.5, true, 18446744073709551615]}"#).unwrap();
    assert_eq!(
        h.ids,
        [Id::Object { id: 1 }, Id::Text("a".into()), Id::Text("42".into()), Id::Text("1.5".into()), Id::Text("true".into()), Id::Text("18446744073709551615".into())]
    );
    // A number beyond u64 was read as a float before the field saw it: an error, not a changed id.
    assert!(serde_json::from_str::<Holder>(r#"{"ids": [100000000000000000123]}"#).is_err());
    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Big {
        Text(#[serde(deserialize_with = "lenient")] String),
    }
    let err = serde_json::from_str::<Big>("100000000000000000123").unwrap_err().to_string();
    assert!(err.contains("did not match any variant") || err.contains("too large"), "{err}");
}

#[test]
fn the_raw_value_token_is_found() {
    assert!(!raw_value_token().is_empty());
    assert_ne!(raw_value_token(), "probe");
}

#[test]
fn an_object_given_where_raw_text_was_asked_for_is_an_object() {
    // A deserializer that answers every request, the raw-text one included, with an object.
    struct ObjectAnswer;
    impl<'de> Deserializer<'de> for ObjectAnswer {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
            v.visit_map(de::value::MapDeserializer::<_, de::value::Error>::new(vec![("region", 2u32), ("zone", 7)].into_iter()))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
        }
    }
    let err = String::deserialize_lenient(ObjectAnswer).unwrap_err().to_string();
    assert!(err.contains("an object") && err.contains("expected a string"), "{err}");
    let err = i64::deserialize_lenient(ObjectAnswer).unwrap_err().to_string();
    assert!(err.contains("an object"), "{err}");
}
