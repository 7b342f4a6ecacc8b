//! Building and changing stored objects from requests.

use std::collections::BTreeMap;

use astro_spec::Document;
use serde_json::{Map, Value};

use crate::catalog::Api;
use crate::ids::now;
use crate::resources::Resource;
use astro_spec::samples::sample;

use crate::schema::check;

/// A new object for `resource`: a sample of its schema with the request's fields, path
/// parameters and timestamps set, and `id` as its id.
///
/// Fields the request could have set (they are in `request_schema`) but left out start empty
/// (`""`, `[]`) or absent rather than as samples. Request fields with no field of the same name
/// in the object fill the one item of a list of objects that has them (`role` and `entityId` of
/// an API-token request become the token's `roles`).
pub fn new_record(
    api: &Api,
    resource: &Resource,
    params: &BTreeMap<String, String>,
    body: Option<&Value>,
    request_schema: Option<&Value>,
    id: &str,
) -> Value {
    let document = &api.document;
    let mut record = match sample(document, &resource.record_schema) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let empty = Map::new();
    let given = match body {
        Some(Value::Object(given)) => given,
        _ => &empty,
    };
    if let Some(request_schema) = request_schema {
        blank_unset(
            document,
            &resource.record_schema,
            request_schema,
            given,
            &mut record,
        );
    }
    merge_fields(api, resource, &mut record, given);
    nest_homeless(document, &resource.record_schema, given, &mut record);
    let from_path: Map<String, Value> = params
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    merge_fields(api, resource, &mut record, &from_path);
    record.insert(resource.id_property.clone(), Value::String(id.to_string()));
    stamp(api, resource, &mut record, &["createdAt", "updatedAt"]);
    Value::Object(record)
}

/// Copies the fields of `changes` that the record schema has and whose values fit it.
pub fn merge_fields(
    api: &Api,
    resource: &Resource,
    record: &mut Map<String, Value>,
    changes: &Map<String, Value>,
) {
    let schema = api.document.resolve(&resource.record_schema);
    for (name, value) in changes {
        if let Some(property) = schema.pointer(&format!("/properties/{name}"))
            && check(&api.document, property, value).is_ok()
        {
            record.insert(name.clone(), value.clone());
        }
    }
}

/// Sets the named timestamp fields that the record schema has to the current time.
pub fn stamp(api: &Api, resource: &Resource, record: &mut Map<String, Value>, names: &[&str]) {
    let schema = api.document.resolve(&resource.record_schema);
    let time = now();
    for name in names {
        if schema.pointer(&format!("/properties/{name}")).is_some() {
            record.insert((*name).to_string(), Value::String(time.clone()));
        }
    }
}

/// The property names of an object schema, following `allOf`/`anyOf`/`oneOf` members.
fn property_names(document: &Document, schema: &Value) -> Vec<String> {
    let schema = document.resolve(schema);
    let mut names: Vec<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for keyword in ["allOf", "anyOf", "oneOf"] {
        for member in schema
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            names.extend(property_names(document, member));
        }
    }
    names.sort();
    names.dedup();
    names
}

fn blank_unset(
    document: &Document,
    record_schema: &Value,
    request_schema: &Value,
    given: &Map<String, Value>,
    record: &mut Map<String, Value>,
) {
    let resolved = document.resolve(record_schema);
    for name in property_names(document, request_schema) {
        if given.contains_key(&name) || !record.contains_key(&name) {
            continue;
        }
        let Some(property) = resolved.pointer(&format!("/properties/{name}")) else {
            continue;
        };
        let blank = match document
            .resolve(property)
            .get("type")
            .and_then(Value::as_str)
        {
            Some("string") => Value::String(String::new()),
            Some("array") => Value::Array(Vec::new()),
            _ => Value::Null,
        };
        if !blank.is_null() && check(document, property, &blank).is_ok() {
            record.insert(name, blank);
        } else if !is_required(resolved, &name) {
            record.remove(&name);
        }
    }
}

fn is_required(schema: &Value, name: &str) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|n| n == name))
}

fn nest_homeless(
    document: &Document,
    record_schema: &Value,
    given: &Map<String, Value>,
    record: &mut Map<String, Value>,
) {
    let resolved = document.resolve(record_schema);
    let Some(properties) = resolved.get("properties").and_then(Value::as_object) else {
        return;
    };
    let homeless: Vec<(&String, &Value)> = given
        .iter()
        .filter(|(name, _)| !properties.contains_key(*name))
        .collect();
    for (name, property) in properties {
        let property = document.resolve(property);
        if given.contains_key(name) || property.get("type").and_then(Value::as_str) != Some("array")
        {
            continue;
        }
        let Some(item_schema) = property.get("items") else {
            continue;
        };
        let item = document.resolve(item_schema);
        let fitting: Vec<(&String, &Value)> = homeless
            .iter()
            .copied()
            .filter(|(field, value)| {
                item.pointer(&format!("/properties/{field}"))
                    .is_some_and(|schema| check(document, schema, value).is_ok())
            })
            .collect();
        if fitting.len() < 2 {
            continue;
        }
        let mut built = match sample(document, item_schema) {
            Value::Object(map) => map,
            _ => continue,
        };
        for (field, value) in fitting {
            built.insert(field.clone(), value.clone());
        }
        record.insert(name.clone(), Value::Array(vec![Value::Object(built)]));
    }
}
