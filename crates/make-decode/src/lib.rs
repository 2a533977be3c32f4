//! The decoding policy of the generated models, written once: what a response field accepts
//! beyond the JSON type its docs give. Make's live API drifts from its docs (an account id sent
//! as a 21-digit number where the docs say string, `"teamId": "123"` where they say integer),
//! and one such field must not make a whole response undecodable.
//!
//! | documented type | also accepted | kept as |
//! | --- | --- | --- |
//! | string | a JSON number or boolean | its exact JSON text (`100000000000000000123` stays `"100000000000000000123"`) |
//! | integer | a string holding an integer; a number with a zero fraction (`3.0`, `1e3`) | the integer; one beyond the Rust type's range is an error naming it, never wrapped |
//! | number | a string holding a finite number | the number |
//! | optional list | `null` | an empty list |
//!
//! `null` in an optional field is `None` (serde's `Option`), whatever the docs say about null.
//! Anything else, including `null` in a required field the docs do not mark nullable, is an error
//! naming the expected type; the runtime adds the field's full JSON path (`connections[3].uid`).
//! Encoding is unchanged: a value is written with its documented type.
//!
//! The generated models use this crate through `#[serde(deserialize_with = "::make_decode::lenient")]`
//! on the fields whose type is (an `Option`, `Vec` or map of) a string or number; see
//! [`Lenient`]. It depends on serde and serde_json only, so a models crate stays light.
//!
//! How exact text is read: when the deserializer is serde_json's (directly, or through
//! `serde_path_to_error`), a field asks for the value's raw JSON text, the request serde_json
//! answers for its `RawValue` (feature `raw_value`). Where serde has buffered the input first
//! (inside an untagged union), numbers have already been read as `u64`/`i64`/`f64`; there a
//! number too large for `f64` to hold exactly is an error rather than a silently changed id.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::OnceLock;

use serde::de::{self, DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::Deserialize;

/// A type the decoding policy knows how to read leniently.
pub trait Lenient: Sized {
    /// Reads `Self` from `deserializer`, accepting what the policy allows.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// `deserialize_with` for a field under the policy.
pub fn lenient<'de, D: Deserializer<'de>, T: Lenient>(deserializer: D) -> Result<T, D::Error> {
    T::deserialize_lenient(deserializer)
}

/// `deserialize_with` for an optional list of strings or numbers: `null` is an empty list.
pub fn lenient_or_default<'de, D: Deserializer<'de>, T: Lenient + Default>(deserializer: D) -> Result<T, D::Error> {
    Option::<T>::deserialize_lenient(deserializer).map(Option::unwrap_or_default)
}

/// `deserialize_with` for an optional list of objects: `null` is an empty list.
pub fn or_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(deserializer: D) -> Result<T, D::Error> {
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

// ---- reading one scalar ------------------------------------------------------------------

/// One JSON value as the policy sees it.
enum Scalar<'de> {
    /// Raw JSON text of a number (exact).
    NumberText(Cow<'de, str>),
    Str(Cow<'de, str>),
    Bool(bool),
    I64(i64),
    U64(u64),
    I128(i128),
    F64(f64),
    Null,
    /// An object or array: never a scalar.
    Compound(&'static str),
}

impl Scalar<'_> {
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Scalar::NumberText(t) => Unexpected::Other(t),
            Scalar::Str(s) => Unexpected::Str(s),
            Scalar::Bool(b) => Unexpected::Bool(*b),
            Scalar::I64(v) => Unexpected::Signed(*v),
            Scalar::U64(v) => Unexpected::Unsigned(*v),
            Scalar::I128(_) => Unexpected::Other("a 128-bit integer"),
            Scalar::F64(v) => Unexpected::Float(*v),
            Scalar::Null => Unexpected::Other("null"),
            Scalar::Compound(what) => Unexpected::Other(what),
        }
    }
}

/// The name serde_json answers with a value's raw text (`RawValue`'s private token), read once
/// from `RawValue`'s own `Deserialize` so that no private string is copied here.
fn raw_value_token() -> &'static str {
    static TOKEN: OnceLock<&'static str> = OnceLock::new();
    TOKEN.get_or_init(|| {
        struct Probe;
        impl<'de> Deserializer<'de> for Probe {
            type Error = de::value::Error;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
                Err(de::value::Error::custom("probe"))
            }
            fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, _: V) -> Result<V::Value, Self::Error> {
                Err(de::value::Error::custom(name))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
                unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
            }
        }
        match Box::<serde_json::value::RawValue>::deserialize(Probe) {
            Err(e) => Box::leak(e.to_string().into_boxed_str()),
            Ok(_) => "",
        }
    })
}

fn read_scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar<'de>, D::Error> {
    d.deserialize_newtype_struct(raw_value_token(), ScalarVisitor { buffered: false })
}

struct ScalarVisitor {
    /// Set once serde_json's raw-text answer is known not to come (buffered input).
    buffered: bool,
}

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number, boolean or null")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(ScalarVisitor { buffered: true })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if self.buffered {
            return Ok(Scalar::Compound("an object"));
        }
        // serde_json's raw-text answer: one entry whose key is the token and whose value is
        // the JSON text. Any other map is a real object.
        match map.next_key_seed(IsRawToken)? {
            Some(true) => {}
            Some(false) => {
                map.next_value::<de::IgnoredAny>()?;
                while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                return Ok(Scalar::Compound("an object"));
            }
            None => return Ok(Scalar::Compound("an object")),
        }
        let raw: Cow<'de, str> = map.next_value::<RawText<'de>>()?.0;
        from_json_text(raw).map_err(A::Error::custom)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Scalar::Compound("an array"))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar::I64(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Scalar::U64(v))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(Scalar::I128(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(i128::try_from(v).map_or_else(|_| Scalar::NumberText(Cow::Owned(v.to_string())), Scalar::I128))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Scalar::F64(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Reads a map key and says whether it is serde_json's raw-text token, without copying it:
/// serde_json hands the token over as a transient `&str`, so reading it as a `Cow` (or a
/// `String`) would allocate once per string and number field decoded.
struct IsRawToken;

impl<'de> DeserializeSeed<'de> for IsRawToken {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsRawToken {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == raw_value_token())
    }
}

/// The raw JSON text serde_json hands over: borrowed from the input when it can be.
struct RawText<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for RawText<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON text")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(RawText(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RawText(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(RawText(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Classifies one JSON value from its text (whitespace already trimmed by serde_json).
fn from_json_text(raw: Cow<'_, str>) -> Result<Scalar<'_>, serde_json::Error> {
    Ok(match raw.as_bytes().first() {
        // A string without escapes is the text between its quotes; only escapes need a parse.
        Some(b'"') if raw.len() >= 2 && !raw.contains('\\') => Scalar::Str(match raw {
            Cow::Borrowed(text) => Cow::Borrowed(&text[1..text.len() - 1]),
            Cow::Owned(text) => Cow::Owned(text[1..text.len() - 1].to_owned()),
        }),
        Some(b'"') => Scalar::Str(match raw {
            Cow::Borrowed(text) => serde_json::from_str::<Cow<'_, str>>(text)?,
            Cow::Owned(text) => Cow::Owned(serde_json::from_str::<String>(&text)?),
        }),
        Some(b't') => Scalar::Bool(true),
        Some(b'f') => Scalar::Bool(false),
        Some(b'n') => Scalar::Null,
        Some(b'{') => Scalar::Compound("an object"),
        Some(b'[') => Scalar::Compound("an array"),
        _ => Scalar::NumberText(raw),
    })
}

// ---- the policy per type -----------------------------------------------------------------

impl Lenient for String {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = read_scalar(d)?;
        Ok(match s {
            Scalar::Str(s) => s.into_owned(),
            Scalar::NumberText(t) => t.into_owned(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::I64(v) => v.to_string(),
            Scalar::U64(v) => v.to_string(),
            Scalar::I128(v) => v.to_string(),
            // Buffered input: the number was read as a float. Below 2^53 its shortest form is
            // the text that was sent; beyond, digits may already be lost, so say so.
            Scalar::F64(v) if v.is_finite() && (v.fract() != 0.0 || v.abs() < 9_007_199_254_740_992.0) => {
                serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string())
            }
            Scalar::F64(v) => {
                return Err(D::Error::custom(format!(
                    "the number {v} is too large to keep as exact text here (inside a union); expected a string"
                )))
            }
            other => return Err(D::Error::invalid_type(other.unexpected(), &"a string (or a number or boolean, kept as text)")),
        })
    }
}

/// An integer from any form the policy accepts; `what` names the Rust type in errors.
fn integer<'de, D: Deserializer<'de>>(d: D, what: &'static str) -> Result<i128, D::Error> {
    let out_of_range = |text: &str| D::Error::custom(format!("integer {text} is out of range for {what}"));
    let from_text = |text: &str, quoted: bool| -> Result<i128, D::Error> {
        let t = text.trim();
        if let Ok(v) = t.parse::<i128>() {
            return Ok(v);
        }
        let digits = t.strip_prefix('-').unwrap_or(t);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(out_of_range(t));
        }
        match t.parse::<f64>() {
            Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => Ok(f as i128),
            Ok(f) if f.is_finite() && f.fract() == 0.0 => Err(out_of_range(t)),
            _ if quoted => Err(D::Error::invalid_value(Unexpected::Str(text), &"an integer, or a string holding one")),
            _ => Err(D::Error::invalid_value(Unexpected::Other(text), &"an integer")),
        }
    };
    match read_scalar(d)? {
        Scalar::NumberText(t) => from_text(&t, false),
        Scalar::Str(s) => from_text(&s, true),
        Scalar::I64(v) => Ok(v.into()),
        Scalar::U64(v) => Ok(v.into()),
        Scalar::I128(v) => Ok(v),
        Scalar::F64(f) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => Ok(f as i128),
        Scalar::F64(f) if f.is_finite() && f.fract() == 0.0 => Err(out_of_range(&f.to_string())),
        other => Err(D::Error::invalid_type(other.unexpected(), &"an integer, or a string holding one")),
    }
}

macro_rules! lenient_integer {
    ($($t:ty),*) => {$(
        impl Lenient for $t {
            fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = integer(d, stringify!($t))?;
                <$t>::try_from(v).map_err(|_| D::Error::custom(format!("integer {v} is out of range for {}", stringify!($t))))
            }
        }
    )*};
}
lenient_integer!(i8, i16, i32, i64, u8, u16, u32, u64, i128);

fn number<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let from_text = |t: &str, unexpected: Unexpected<'_>| match t.trim().parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(f),
        _ => Err(D::Error::invalid_value(unexpected, &"a number, or a string holding one")),
    };
    match read_scalar(d)? {
        Scalar::NumberText(t) => from_text(&t, Unexpected::Other(&t)),
        Scalar::Str(s) => from_text(&s, Unexpected::Str(&s)),
        Scalar::I64(v) => Ok(v as f64),
        Scalar::U64(v) => Ok(v as f64),
        Scalar::I128(v) => Ok(v as f64),
        Scalar::F64(v) => Ok(v),
        other => Err(D::Error::invalid_type(other.unexpected(), &"a number, or a string holding one")),
    }
}

impl Lenient for f64 {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number(d)
    }
}

impl Lenient for f32 {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = number(d)?;
        let narrow = v as f32;
        if narrow.is_finite() {
            Ok(narrow)
        } else {
            Err(D::Error::custom(format!("number {v} is out of range for f32")))
        }
    }
}

/// The seed that reads one `T` under the policy (for list items and map values).
struct Seed<T>(PhantomData<T>);

impl<'de, T: Lenient> DeserializeSeed<'de> for Seed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::deserialize_lenient(d)
    }
}

impl<T: Lenient> Lenient for Option<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Lenient> Visitor<'de> for V<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                T::deserialize_lenient(d).map(Some)
            }
        }
        d.deserialize_option(V(PhantomData))
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Lenient> Visitor<'de> for V<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element_seed(Seed::<T>(PhantomData))? {
                    out.push(item);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V(PhantomData))
    }
}

impl<T: Lenient> Lenient for BTreeMap<String, T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Lenient> Visitor<'de> for V<T> {
            type Value = BTreeMap<String, T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(k) = map.next_key::<String>()? {
                    let v = map.next_value_seed(Seed::<T>(PhantomData))?;
                    out.insert(k, v);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

impl<T: Lenient> Lenient for Box<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_lenient(d).map(Box::new)
    }
}

#[cfg(test)]
mod tests;
