//! A deployment's environment variables, kept as the service keeps them: a request's list
//! replaces the stored one, a secret's value is kept but never answered.
//!
//! Rules for each variable of a create or update request, by its `key`:
//! - with a `value`, that value is stored (`""` empties it);
//! - without a `value`, the value stored for the same key is kept, whatever the variable's
//!   `isSecret` was or becomes (clients send secrets back without their value, and a secret
//!   turned plain without a value keeps its value too); a new key without a value has none;
//! - `updatedAt` changes only when the value or `isSecret` changes.
//!
//! Variables absent from the request are removed. Answers leave out the `value` of every
//! secret variable ([`redact`]); the store keeps it ([`crate::Sandbox::object`] shows it).

use serde_json::{Map, Value};

use crate::ids::now;

/// The record field holding the variables.
pub const FIELD: &str = "environmentVariables";

/// Replaces `record`'s variables with the request's, when the request has a list of them.
/// `stored` is the list the record had before the request (none for a create).
pub fn on_write(record: &mut Map<String, Value>, stored: Option<&Value>, request: Option<&Value>) {
    let Some(requested) = request
        .and_then(|body| body.get(FIELD))
        .and_then(Value::as_array)
    else {
        return;
    };
    let stored = stored
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let time = now();
    let merged = requested
        .iter()
        .filter_map(Value::as_object)
        .map(|variable| Value::Object(merge(variable, stored, &time)))
        .collect();
    record.insert(FIELD.into(), Value::Array(merged));
}

/// One requested variable as stored, given the stored list.
fn merge(requested: &Map<String, Value>, stored: &[Value], time: &str) -> Map<String, Value> {
    let key = requested.get("key").cloned().unwrap_or(Value::Null);
    let is_secret = requested
        .get("isSecret")
        .cloned()
        .unwrap_or(Value::Bool(false));
    let previous = stored.iter().find(|old| old.get("key") == Some(&key));
    let value = requested
        .get("value")
        .or_else(|| previous.and_then(|old| old.get("value")))
        .cloned();
    let unchanged = previous.is_some_and(|old| {
        old.get("value") == value.as_ref() && old.get("isSecret") == Some(&is_secret)
    });
    let updated_at = match previous.and_then(|old| old.get("updatedAt")) {
        Some(at) if unchanged => at.clone(),
        _ => Value::String(time.to_string()),
    };
    let mut variable = Map::new();
    variable.insert("key".into(), key);
    variable.insert("isSecret".into(), is_secret);
    if let Some(value) = value {
        variable.insert("value".into(), value);
    }
    variable.insert("updatedAt".into(), updated_at);
    variable
}

/// `record` as answered: secret variables without their `value`.
pub fn redact(record: &Value) -> Value {
    let mut answer = record.clone();
    if let Some(Value::Array(variables)) = answer.get_mut(FIELD) {
        for variable in variables.iter_mut().filter_map(Value::as_object_mut) {
            if variable.get("isSecret") == Some(&Value::Bool(true)) {
                variable.remove("value");
            }
        }
    }
    answer
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn write(stored: Value, request: Value) -> Value {
        let mut record = Map::new();
        on_write(&mut record, Some(&stored), Some(&json!({ FIELD: request })));
        record.remove(FIELD).unwrap_or_default()
    }

    #[test]
    fn omitted_values_are_kept_and_given_ones_replace() {
        let stored = json!([
            {"key": "A", "isSecret": true, "value": "a", "updatedAt": "t0"},
            {"key": "B", "isSecret": true, "value": "b", "updatedAt": "t0"},
            {"key": "C", "isSecret": true, "value": "c", "updatedAt": "t0"},
            {"key": "D", "isSecret": true, "value": "d", "updatedAt": "t0"},
            {"key": "E", "isSecret": false, "value": "e", "updatedAt": "t0"}
        ]);
        let written = write(
            stored,
            json!([
                {"key": "A", "isSecret": true},
                {"key": "B", "isSecret": true, "value": ""},
                {"key": "C", "isSecret": true, "value": "new"},
                {"key": "D", "isSecret": false},
                {"key": "F", "isSecret": true}
            ]),
        );
        let values: Vec<(&str, Option<&str>, bool)> = written
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["key"].as_str().unwrap(),
                    v.get("value").and_then(Value::as_str),
                    v["updatedAt"] == "t0",
                )
            })
            .collect();
        assert_eq!(
            values,
            [
                ("A", Some("a"), true),
                ("B", Some(""), false),
                ("C", Some("new"), false),
                ("D", Some("d"), false),
                ("F", None, false)
            ]
        );
    }

    #[test]
    fn answers_hide_secret_values_only() {
        let record = json!({FIELD: [
            {"key": "S", "isSecret": true, "value": "hidden", "updatedAt": "t"},
            {"key": "P", "isSecret": false, "value": "shown", "updatedAt": "t"}
        ]});
        let answer = redact(&record);
        assert!(answer[FIELD][0].get("value").is_none());
        assert_eq!(answer[FIELD][1]["value"], "shown");
        assert_eq!(record[FIELD][0]["value"], "hidden");
    }
}
