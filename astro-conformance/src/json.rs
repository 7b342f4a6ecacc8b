//! Comparing the JSON that was meant with the JSON that came out of a typed round trip.

use serde_json::Value;

/// Checks that `actual` is `expected` after a round trip through a generated type: the same
/// properties with equivalent values, where numbers are compared by value (`1` and `1.0` are
/// equal) and RFC 3339 times by instant. The error names the first difference by its JSON path.
pub fn same_json(expected: &Value, actual: &Value) -> Result<(), String> {
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
            match got.iter().find(|(key, _)| !want.contains_key(*key)) {
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
    fn accepts_equivalent_numbers_and_times() {
        let want = json!({"a": 1, "t": "2024-01-01T00:00:00.000Z", "l": [{"x": "y"}]});
        let got = json!({"a": 1.0, "t": "2024-01-01T00:00:00Z", "l": [{"x": "y"}]});
        assert_eq!(same_json(&want, &got), Ok(()));
    }

    #[test]
    fn names_the_first_difference() {
        let want = json!({"a": {"b": [1, 2]}});
        let check = |got: Value| same_json(&want, &got).unwrap_err();
        assert_eq!(
            check(json!({"a": {"b": [1]}})),
            "$.a.b has 1 items, expected 2"
        );
        assert_eq!(check(json!({"a": {}})), "$.a.b is missing (expected [1,2])");
        assert_eq!(
            check(json!({"a": {"b": [1, 3]}})),
            "$.a.b[1] is 3, expected 2"
        );
        assert_eq!(
            check(json!({"a": {"b": [1, 2]}, "c": ""})),
            "$.c = \"\" was not sent"
        );
        assert_eq!(
            same_json(&json!("x"), &json!("y")).unwrap_err(),
            "$ is \"y\", expected \"x\""
        );
    }
}
