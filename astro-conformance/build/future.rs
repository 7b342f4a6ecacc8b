//! A response from a later version of the service: every object carries a property this
//! client has never seen, and every string enum value is one it does not know. The generated
//! types must still decode it (open enums, no `deny_unknown_fields`).

use astro_spec::Document;
use serde_json::{Map, Value};

/// The name of the property added to every object.
pub const NEW_PROPERTY: &str = "conformanceFutureProperty";

/// The value given to every string enum.
pub const NEW_ENUM_VALUE: &str = "CONFORMANCE_FUTURE_VALUE";

/// `sample` (a value of `schema`) as a future server sends it (`with_new_properties`), or as
/// the client must give it back (without the new properties, which it cannot know).
pub fn future(
    document: &Document,
    schema: &Value,
    sample: &Value,
    with_new_properties: bool,
) -> Value {
    let schema = document.resolve(schema);
    if let Some(first) = ["allOf", "oneOf", "anyOf"]
        .iter()
        .find_map(|key| schema.get(*key).and_then(Value::as_array))
    {
        let merged = merged_properties(document, first);
        let object = serde_json::json!({ "type": "object", "properties": merged });
        return future(document, &object, sample, with_new_properties);
    }
    match sample {
        Value::String(_) if schema.get("enum").is_some() => {
            Value::String(NEW_ENUM_VALUE.to_string())
        }
        Value::Array(items) => {
            let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
            Value::Array(
                items
                    .iter()
                    .map(|item| future(document, &item_schema, item, with_new_properties))
                    .collect(),
            )
        }
        Value::Object(object) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let mut out = Map::new();
            for (name, value) in object {
                let property = properties
                    .and_then(|p| p.get(name))
                    .cloned()
                    .unwrap_or(Value::Null);
                out.insert(
                    name.clone(),
                    future(document, &property, value, with_new_properties),
                );
            }
            if with_new_properties && properties.is_some() {
                out.insert(
                    NEW_PROPERTY.to_string(),
                    Value::String("added later".to_string()),
                );
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// The properties of the members of a combinator, merged (the members of `allOf`, or the
/// alternatives of `oneOf`/`anyOf`, whose sample is the first member's).
fn merged_properties(document: &Document, members: &[Value]) -> Map<String, Value> {
    let mut merged = Map::new();
    for member in members {
        if let Some(properties) = document
            .resolve(member)
            .get("properties")
            .and_then(Value::as_object)
        {
            for (name, property) in properties {
                merged
                    .entry(name.clone())
                    .or_insert_with(|| property.clone());
            }
        }
    }
    merged
}
