//! Spec-conformant sample values: a value for any schema of a document, built from the schema's
//! `example` where it has one and from type-correct fallbacks where it does not.
//!
//! The sandbox answers with these, and the tests use them as request bodies and expected
//! responses.

use serde_json::{Map, Value, json};

use crate::document::Document;

/// How deep sample building follows nested schemas before it stops at required fields only.
const MAX_DEPTH: usize = 12;

/// The fixed time used for `date-time` strings without an example.
pub const SAMPLE_TIME: &str = "2024-01-01T00:00:00Z";

/// A sample value for `schema`, including every optional property.
pub fn sample(document: &Document, schema: &Value) -> Value {
    build(document, schema, 0, true)
}

/// A sample value for `schema` with only the required properties of objects.
pub fn minimal_sample(document: &Document, schema: &Value) -> Value {
    build(document, schema, 0, false)
}

fn build(document: &Document, schema: &Value, depth: usize, full: bool) -> Value {
    let schema = document.resolve(schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for member in members {
            if let Value::Object(part) = build(document, member, depth + 1, full) {
                merged.extend(part);
            }
        }
        return Value::Object(merged);
    }
    for combinator in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(combinator)
            .and_then(Value::as_array)
            .and_then(|m| m.first())
        {
            return build(document, first, depth + 1, full);
        }
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    if let Some(default) = schema.get("default") {
        return default.clone();
    }
    let kind = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_else(|| {
            if schema.get("properties").is_some() {
                "object"
            } else if schema.get("items").is_some() {
                "array"
            } else {
                "object"
            }
        });
    match kind {
        "object" => object(document, schema, depth, full),
        "array" => {
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let count = if depth >= MAX_DEPTH { min } else { min.max(1) };
            let item = schema.get("items").cloned().unwrap_or(json!({}));
            Value::Array(
                (0..count)
                    .map(|_| build(document, &item, depth + 1, full))
                    .collect(),
            )
        }
        "string" => string(schema),
        "integer" => {
            let low = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            let high = schema
                .get("maximum")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX);
            json!(0i64.clamp(low, high.max(low)))
        }
        "number" => {
            let low = schema.get("minimum").and_then(Value::as_f64).unwrap_or(0.0);
            json!(low.max(0.0))
        }
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

fn object(document: &Document, schema: &Value, depth: usize, full: bool) -> Value {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let wanted = required.contains(&name.as_str()) || (full && depth < MAX_DEPTH);
            if wanted {
                out.insert(name.clone(), build(document, property, depth + 1, full));
            }
        }
    }
    Value::Object(out)
}

fn string(schema: &Value) -> Value {
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let base = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => SAMPLE_TIME.to_string(),
        Some("date") => "2024-01-01".to_string(),
        Some("email") => "user@example.com".to_string(),
        Some("uri" | "url") => "https://example.com".to_string(),
        Some("uuid") => "00000000-0000-4000-8000-000000000000".to_string(),
        _ => "string".to_string(),
    };
    if base.len() >= min {
        Value::String(base)
    } else {
        Value::String(format!("{base}{}", "x".repeat(min - base.len())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        Document::from_value(json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "v"},
            "paths": {"/a": {"get": {"operationId": "A", "responses": {}}}},
            "components": {"schemas": {
                "Node": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "string", "example": "n1"},
                    "at": {"type": "string", "format": "date-time"},
                    "size": {"type": "string", "enum": ["S", "L"]},
                    "count": {"type": "integer", "minimum": 1},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
                }}
            }}
        }))
        .unwrap()
    }

    #[test]
    fn uses_examples_and_fallbacks_and_stops_on_cycles() {
        let document = doc();
        let node = json!({"$ref": "#/components/schemas/Node"});
        let value = sample(&document, &node);
        assert_eq!(value["id"], "n1");
        assert_eq!(value["at"], SAMPLE_TIME);
        assert_eq!(value["size"], "S");
        assert_eq!(value["count"], 1);
        assert!(value["children"].is_array());
        assert_eq!(minimal_sample(&document, &node), json!({"id": "n1"}));
    }
}
