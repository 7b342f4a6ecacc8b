//! Comparing the JSON that was meant with the JSON that came out of a typed round trip.

use serde_json::Value;

/// Checks that `actual` carries everything `expected` does: every expected property, with an
/// equivalent value, and no extra property unless its value is empty (`""`, `[]`, `{}`,
/// `false`, `0`: a default the generated type fills in). Numbers are compared by value (`1`
/// and `1.0` are equal) and RFC 3339 times by instant. The error names the first difference by
/// its JSON path.
pub fn covers(expected: &Value, actual: &Value) -> Result<(), String> {
    compare(expected, actual, "$")
}

fn compare(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, value) in want {
                let inner = format!("{path}.{key}");
                match got.get(key) {
                    Some(found) => compare(value, found, &inner)?,
                    None => return Err(format!("{inner} is missing (expected {value})")),
                }
            }
            match got
                .iter()
                .find(|(key, value)| !want.contains_key(*key) && !is_empty(value))
            {
                Some((key, value)) => Err(format!("{path}.{key} = {value} was not sent")),
                None => Ok(()),
            }
        }
        (Value::Array(want), Value::Array(got)) => {
            if want.len() != got.len() {
                return Err(format!(
                    "{path} has {} items, expected {}",
                    got.len(),
                    want.len()
                ));
            }
            want.iter()
                .zip(got)
                .enumerate()
                .try_for_each(|(index, (w, g))| compare(w, g, &format!("{path}[{index}]")))
        }
        (Value::Number(want), Value::Number(got)) if want.as_f64() == got.as_f64() => Ok(()),
        (Value::String(want), Value::String(got)) if want == got || same_instant(want, got) => {
            Ok(())
        }
        (want, got) if want == got => Ok(()),
        (want, got) => Err(format!("{path} is {got}, expected {want}")),
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Null => false,
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_equivalent_values_and_empty_defaults() {
        let want = json!({"a": 1, "t": "2024-01-01T00:00:00.000Z", "l": [{"x": "y"}]});
        let got =
            json!({"a": 1.0, "t": "2024-01-01T00:00:00Z", "l": [{"x": "y", "z": ""}], "e": []});
        assert_eq!(covers(&want, &got), Ok(()));
    }

    #[test]
    fn names_the_first_difference() {
        let want = json!({"a": {"b": [1, 2]}});
        assert_eq!(
            covers(&want, &json!({"a": {"b": [1]}})),
            Err("$.a.b has 1 items, expected 2".into())
        );
        assert_eq!(
            covers(&want, &json!({"a": {}})),
            Err("$.a.b is missing (expected [1,2])".into())
        );
        assert_eq!(
            covers(&want, &json!({"a": {"b": [1, 3]}})),
            Err("$.a.b[1] is 3, expected 2".into())
        );
        assert_eq!(
            covers(&want, &json!({"a": {"b": [1, 2]}, "c": null})),
            Err("$.c = null was not sent".into())
        );
        assert_eq!(
            covers(&json!("x"), &json!("y")),
            Err("$ is \"y\", expected \"x\"".into())
        );
    }
}
