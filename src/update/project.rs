//! Fitting a JSON value to a type's JSON schema: fields the schema does not have are dropped,
//! recursively. Used to turn what the API answers into what it accepts, without naming every
//! field by hand, so a field added upstream to both is carried over after a regen.

use serde_json::{Map, Value};

/// `value` with every object field the schema does not declare removed. `root` is the whole
/// schema (for `$ref`s into its `$defs`), `schema` the part that describes `value`.
pub(crate) fn project(value: &Value, schema: &Value, root: &Value) -> Value {
    let schema = resolve(schema, root);
    match value {
        Value::Object(fields) => match object_schema(schema, root) {
            Some(properties) => Value::Object(
                fields
                    .iter()
                    .filter_map(|(name, field)| {
                        let field_schema = properties.get(name)?;
                        Some((name.clone(), project(field, field_schema, root)))
                    })
                    .collect(),
            ),
            None => value.clone(),
        },
        Value::Array(items) => match array_items(schema, root) {
            Some(item_schema) => Value::Array(
                items
                    .iter()
                    .map(|item| project(item, item_schema, root))
                    .collect(),
            ),
            None => value.clone(),
        },
        _ => value.clone(),
    }
}

/// The target of a `$ref` into the root's `$defs`, or the schema itself.
fn resolve<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
            .map(|target| resolve(target, root))
            .unwrap_or(schema),
        None => schema,
    }
}

/// The alternatives of a union (`anyOf`/`oneOf`, as schemars writes `Option<T>`).
fn alternatives(schema: &Value) -> impl Iterator<Item = &Value> {
    ["anyOf", "oneOf"]
        .into_iter()
        .filter_map(|key| schema.get(key).and_then(Value::as_array))
        .flatten()
}

/// The declared properties of an object schema, looking through unions.
fn object_schema<'a>(schema: &'a Value, root: &'a Value) -> Option<&'a Map<String, Value>> {
    let schema = resolve(schema, root);
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        return Some(properties);
    }
    alternatives(schema).find_map(|alternative| object_schema(alternative, root))
}

/// The item schema of an array schema, looking through unions.
fn array_items<'a>(schema: &'a Value, root: &'a Value) -> Option<&'a Value> {
    let schema = resolve(schema, root);
    if let Some(items) = schema.get("items") {
        return Some(items);
    }
    alternatives(schema).find_map(|alternative| array_items(alternative, root))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn drops_undeclared_fields_through_refs_unions_and_arrays() {
        let root = json!({
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "queues": {"type": ["array", "null"], "items": {"$ref": "#/$defs/Queue"}},
                "spec": {"anyOf": [{"$ref": "#/$defs/Spec"}, {"type": "null"}]},
            },
            "$defs": {
                "Queue": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Spec": {"type": "object", "properties": {"on": {"type": "boolean"}}},
            }
        });
        let value = json!({
            "name": "a", "id": "x",
            "queues": [{"name": "q", "podCpu": "1"}],
            "spec": {"on": true, "isActive": false},
        });
        assert_eq!(
            project(&value, &root, &root),
            json!({"name": "a", "queues": [{"name": "q"}], "spec": {"on": true}})
        );
    }
}
