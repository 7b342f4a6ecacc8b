//! Telling documentation from structure: descriptions, summaries and examples change no
//! generated type, so the comparison looks at them separately.

use std::collections::BTreeMap;

use serde_json::Value;

/// The keys that only document a schema, parameter or operation.
pub const DOC_KEYS: [&str; 5] = [
    "description",
    "summary",
    "example",
    "examples",
    "externalDocs",
];

/// A copy of a value without its documentation keys. Property names are left alone, so a
/// property called `description` is kept.
pub fn without_docs(value: &Value) -> Value {
    without_keys(value, &DOC_KEYS)
}

/// A copy of a value without some schema keywords, leaving property names alone.
pub fn without_keys(value: &Value, keys: &[&str]) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !keys.contains(&key.as_str()))
                .map(|(key, child)| {
                    let child = match child {
                        Value::Object(properties) if key == "properties" => Value::Object(
                            properties
                                .iter()
                                .map(|(name, schema)| (name.clone(), without_keys(schema, keys)))
                                .collect(),
                        ),
                        other => without_keys(other, keys),
                    };
                    (key.clone(), child)
                })
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| without_keys(item, keys)).collect())
        }
        other => other.clone(),
    }
}

/// A copy of a value without vendor extensions (`x-…` keys) and security requirements, which
/// change no generated type (the runtime sends the token whatever the document says). Property
/// names are left alone.
pub fn without_extensions(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !key.starts_with("x-") && key.as_str() != "security")
                .map(|(key, child)| {
                    let child = match child {
                        Value::Object(properties) if key == "properties" => Value::Object(
                            properties
                                .iter()
                                .map(|(name, schema)| (name.clone(), without_extensions(schema)))
                                .collect(),
                        ),
                        other => without_extensions(other),
                    };
                    (key.clone(), child)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_extensions).collect()),
        other => other.clone(),
    }
}

/// The keywords that only narrow the values a schema accepts.
const LIMIT_KEYS: [&str; 11] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "minProperties",
];

/// Whether `new` is `old` with some limits (`maxLength`, `minItems`...) taken away and nothing
/// else changed: every value the old schema accepted is still accepted. String enum values are
/// compared as sets (their order changes no generated variant).
pub fn only_limits_removed(old: &Value, new: &Value) -> bool {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            b.keys().all(|key| a.contains_key(key))
                && a.iter().all(|(key, value)| match b.get(key) {
                    None => LIMIT_KEYS.contains(&key.as_str()),
                    Some(other) if key == "enum" => same_set(value, other),
                    Some(other) => only_limits_removed(value, other),
                })
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| only_limits_removed(x, y))
        }
        (a, b) => a == b,
    }
}

fn same_set(a: &Value, b: &Value) -> bool {
    let sorted = |value: &Value| {
        let mut items: Vec<String> = value
            .as_array()
            .into_iter()
            .flatten()
            .map(Value::to_string)
            .collect();
        items.sort();
        items
    };
    sorted(a) == sorted(b)
}

/// How many documentation fields differ between two versions of the same item, counting only
/// fields whose owner exists in both (the text that arrives with a new property is part of that
/// addition, not a documentation change).
pub fn changed_doc_fields(old: &Value, new: &Value) -> usize {
    let mut old_docs = BTreeMap::new();
    let mut new_docs = BTreeMap::new();
    collect(old, String::new(), &mut old_docs);
    collect(new, String::new(), &mut new_docs);
    let mut owners: Vec<&String> = old_docs.keys().chain(new_docs.keys()).collect();
    owners.sort();
    owners.dedup();
    owners
        .into_iter()
        .filter(|pointer| {
            let owner = pointer.rsplit_once('/').map_or("", |(owner, _)| owner);
            old.pointer(owner).is_some()
                && new.pointer(owner).is_some()
                && old_docs.get(*pointer) != new_docs.get(*pointer)
        })
        .count()
}

/// Every documentation field below a value, by JSON pointer.
fn collect<'a>(value: &'a Value, pointer: String, out: &mut BTreeMap<String, &'a Value>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_pointer = format!("{pointer}/{}", escape(key));
                if key == "properties" {
                    if let Value::Object(properties) = child {
                        for (name, schema) in properties {
                            collect(schema, format!("{child_pointer}/{}", escape(name)), out);
                        }
                    }
                } else if DOC_KEYS.contains(&key.as_str()) {
                    out.insert(child_pointer, child);
                } else {
                    collect(child, child_pointer, out);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect(item, format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_properties_named_like_doc_keys() {
        let schema = json!({"description": "d", "properties": {"description": {"type": "string", "example": "x"}}});
        assert_eq!(
            without_docs(&schema),
            json!({"properties": {"description": {"type": "string"}}})
        );
    }

    #[test]
    fn drops_extensions_and_security_but_not_properties_so_named() {
        let op =
            json!({"x-permission": [1], "security": [], "properties": {"security": {"x-a": 1}}});
        assert_eq!(
            without_extensions(&op),
            json!({"properties": {"security": {}}})
        );
    }

    #[test]
    fn tells_limits_taken_away_from_other_changes() {
        let old =
            json!({"type": "array", "minItems": 1, "enum": ["B", "A"], "items": {"maxLength": 3}});
        let looser = json!({"type": "array", "enum": ["A", "B"], "items": {}});
        assert!(only_limits_removed(&old, &looser));
        assert!(!only_limits_removed(&looser, &old));
        assert!(!only_limits_removed(
            &old,
            &json!({"type": "array", "enum": ["A"], "items": {}})
        ));
    }

    #[test]
    fn counts_doc_fields_of_items_present_in_both() {
        let old = json!({"description": "a", "properties": {"x": {"type": "string"}}});
        let new = json!({"description": "b", "properties": {"x": {"type": "string", "example": "e"},
                                                              "y": {"description": "new"}}});
        assert_eq!(changed_doc_fields(&old, &new), 2);
        assert_eq!(changed_doc_fields(&old, &old), 0);
    }
}
