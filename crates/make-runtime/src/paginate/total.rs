//! The size of a whole list, as a list response reports it (`pg.totalCount`, `count`).

use serde::Serialize;

/// The count a list response reports, whatever type the docs gave it: a JSON number or a numeric
/// string (Make's docs type `pg.totalCount` as a string in places). `None` when absent, null,
/// negative or not a whole number.
pub fn total_count<V: Serialize + ?Sized>(value: Option<&V>) -> Option<u64> {
    match serde_json::to_value(value?).ok()? {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1e19).map(|f| f as u64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_numeric_strings() {
        assert_eq!(total_count(Some(&json!(42))), Some(42));
        assert_eq!(total_count(Some(&json!("42"))), Some(42));
        assert_eq!(total_count(Some(&json!(42.0))), Some(42));
        assert_eq!(total_count(Some(&Some(7_i64))), Some(7));
        assert_eq!(total_count(Some(&json!(-1))), None);
        assert_eq!(total_count(Some(&json!(1.5))), None);
        assert_eq!(total_count(Some(&json!(null))), None);
        assert_eq!(total_count(Some(&json!("many"))), None);
        assert_eq!(total_count::<i64>(None), None);
    }
}
