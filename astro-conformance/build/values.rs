//! The values the emitted tests send: spec samples, made distinct where the spec gives no
//! example, so that each value is traceable on the wire.

use astro_spec::samples;
use astro_spec::{Document, Parameter};
use serde_json::{Value, json};

/// The value given to a parameter. Arrays get two items, so that repeated query keys are
/// visible. Plain strings without an example, enum or format get a value naming the parameter
/// and holding characters that must be percent-encoded (space, `/`, `&`, `=`, non-ASCII).
pub fn parameter_value(document: &Document, parameter: &Parameter) -> Value {
    let schema = document.resolve(&parameter.schema);
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        let items = schema.get("items").cloned().unwrap_or(json!({}));
        let items = document.resolve(&items);
        if let Some(values) = items.get("enum").and_then(Value::as_array) {
            return Value::Array(values.iter().take(2).cloned().collect());
        }
        if is_plain_string(items) {
            return json!([
                format!("{} a&b=c ä", parameter.name),
                format!("{} d/e f", parameter.name)
            ]);
        }
        let item = samples::sample(document, items);
        return json!([item.clone(), item]);
    }
    if is_plain_string(schema) {
        return json!(format!("{} a/b c&d=e ä", parameter.name));
    }
    samples::sample(document, schema)
}

fn is_plain_string(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && [
            "example",
            "enum",
            "format",
            "pattern",
            "default",
            "maxLength",
        ]
        .iter()
        .all(|key| schema.get(*key).is_none())
}

/// The query pairs a parameter value must produce: one pair per array item, in order.
pub fn query_pairs(name: &str, value: &Value) -> Result<Vec<(String, String)>, String> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| Ok((name.to_string(), scalar_text(name, item)?)))
            .collect(),
        scalar => Ok(vec![(name.to_string(), scalar_text(name, scalar)?)]),
    }
}

/// The text of a scalar as it appears in a URL.
pub fn scalar_text(name: &str, value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!(
            "parameter `{name}`: a {other} value cannot be sent in a URL; this suite does not know how to express it"
        )),
    }
}

/// Gives every free-form map (an object schema with `additionalProperties` and no
/// `properties`) in `value` one entry when the sample left it empty: the generated types leave
/// an empty map out when they serialise, so an empty sample would prove nothing about the map.
pub fn fill_free_maps(document: &Document, schema: &Value, value: &mut Value) {
    let schema = document.resolve(schema);
    for key in ["allOf", "oneOf", "anyOf"] {
        for member in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            fill_free_maps(document, member, value);
        }
    }
    match value {
        Value::Object(object) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let free = schema
                .get("additionalProperties")
                .is_some_and(|extra| extra != &Value::Bool(false));
            if free && properties.is_none() && object.is_empty() {
                object.insert("conformanceKey".into(), json!("conformance value"));
            }
            for (name, property) in properties.into_iter().flatten() {
                if let Some(inner) = object.get_mut(name) {
                    fill_free_maps(document, property, inner);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for inner in items {
                    fill_free_maps(document, item, inner);
                }
            }
        }
        _ => {}
    }
}
