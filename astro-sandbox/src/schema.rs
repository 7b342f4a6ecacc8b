//! Shaping stored objects to the schema of an answer: a workspace kept as the read schema
//! answers a create whose schema has only `id`, a record built through v1 answers through
//! v1beta1.
//!
//! Values are checked with [`astro_spec::validate`] and missing required parts come from
//! [`astro_spec::samples`], which are valid by construction.

use astro_spec::Document;
use astro_spec::samples::sample;
use serde_json::{Map, Value};

pub use astro_spec::validate::{Mismatch, check};

/// `value` reshaped to fit `schema`: fields the schema does not know are dropped, optional
/// fields that do not fit are dropped, and required fields that are missing or do not fit are
/// filled with samples of their schema. A value that already fits keeps every field the schema knows.
pub fn conform(document: &Document, schema: &Value, value: &Value) -> Value {
    fit(document, schema, value).unwrap_or_else(|| sample(document, schema))
}

/// `value` reshaped as [`conform`] does, or `None` if it still does not fit.
fn fit(document: &Document, schema: &Value, value: &Value) -> Option<Value> {
    let resolved = document.resolve(schema);
    let shaped = match (value, kind_of(resolved)) {
        (Value::Object(object), Some("object")) => conform_object(document, resolved, object),
        (Value::Array(items), Some("array")) => conform_array(document, resolved, items),
        _ => value.clone(),
    };
    check(document, schema, &shaped).is_ok().then_some(shaped)
}

fn kind_of(schema: &Value) -> Option<&str> {
    match schema.get("type").and_then(Value::as_str) {
        Some(kind) => Some(kind),
        None if schema.get("properties").is_some() => Some("object"),
        None if schema.get("items").is_some() => Some("array"),
        None => None,
    }
}

fn conform_object(document: &Document, schema: &Value, object: &Map<String, Value>) -> Value {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let is_required = required.contains(&name.as_str());
            let fitted = match object.get(name) {
                Some(value) if is_required => Some(conform(document, property, value)),
                Some(value) => fit(document, property, value),
                None if is_required => Some(sample(document, property)),
                None => None,
            };
            if let Some(fitted) = fitted {
                out.insert(name.clone(), fitted);
            }
        }
    }
    Value::Object(out)
}

fn conform_array(document: &Document, schema: &Value, items: &[Value]) -> Value {
    let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
    let unique = schema.get("uniqueItems").and_then(Value::as_bool) == Some(true);
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        if let Some(fitted) = fit(document, &item_schema, item)
            && !(unique && out.contains(&fitted))
        {
            out.push(fitted);
        }
    }
    if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
        out.truncate(max as usize);
    }
    let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
    if out.len() < min {
        let filler = sample(document, &item_schema);
        if !(unique && out.contains(&filler)) {
            out.push(filler);
        }
    }
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc() -> Document {
        Document::from_value(json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "v"},
            "paths": {"/a": {"get": {"operationId": "A", "responses": {}}}},
            "components": {"schemas": {
                "Req": {"type": "object", "required": ["name", "type"], "properties": {
                    "name": {"type": "string", "maxLength": 5},
                    "type": {"type": "string", "enum": ["A", "B"]},
                    "days": {"type": "integer", "minimum": 1, "maximum": 10},
                    "at": {"type": "string", "format": "date-time"},
                    "tags": {"type": "array", "uniqueItems": true, "items": {"type": "string"}}
                }}
            }}
        }))
        .unwrap()
    }

    #[test]
    fn conform_keeps_what_fits_and_fills_the_rest() {
        let document = doc();
        let schema = json!({"$ref": "#/components/schemas/Req"});
        let fixed = conform(
            &document,
            &schema,
            &json!({"name": "toolongname", "days": 3, "unknown": 1, "tags": ["a", "a", 2]}),
        );
        assert!(check(&document, &schema, &fixed).is_ok(), "{fixed}");
        assert_eq!(fixed["days"], 3);
        assert_eq!(fixed["type"], "A");
        assert_eq!(fixed["tags"], json!(["a"]));
        assert_eq!(
            fixed["name"], "strin",
            "a required field that does not fit is a sample"
        );
        assert!(fixed.get("unknown").is_none());
    }

    #[test]
    fn samples_of_every_schema_of_the_served_documents_are_valid() {
        let catalog = crate::catalog::Catalog::pinned().unwrap();
        let mut checked = 0;
        for api in &catalog.apis {
            let mut schemas: Vec<(String, Value)> = api
                .document
                .schemas()
                .keys()
                .map(|name| {
                    let reference = format!("#/components/schemas/{name}");
                    (name.clone(), serde_json::json!({ "$ref": reference }))
                })
                .collect();
            for route in &api.routes {
                let operation = &route.operation;
                for schema in [&operation.success_schema, &operation.request_body]
                    .into_iter()
                    .flatten()
                {
                    schemas.push((operation.id.clone(), schema.clone()));
                }
            }
            for (name, schema) in &schemas {
                for value in [
                    sample(&api.document, schema),
                    astro_spec::samples::minimal_sample(&api.document, schema),
                ] {
                    let verdict = check(&api.document, schema, &value);
                    assert!(
                        verdict.is_ok(),
                        "{} {name}: {verdict:?} in {value}",
                        api.name
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 2 * 167, "{checked}");
    }
}
