//! Sample values that are valid against their schema by construction: a value for any schema
//! of a document, synthesized from the schema itself.
//!
//! A schema's `example` or `default` is used only when it passes [`crate::validate::check`];
//! otherwise (and always for documents without examples, such as the Astro API v1 document) the
//! value is built from the schema's keywords:
//!
//! - objects carry every required property (and, for [`sample`], every optional one too, down
//!   to a depth limit);
//! - `enum`s take their first value; strings honour `format` (`date-time`, `date`, `email`,
//!   `uri`, `uuid`) and `minLength`/`maxLength`; numbers honour `minimum`/`maximum` and their
//!   exclusive forms; arrays honour `minItems`/`maxItems`/`uniqueItems`;
//! - `oneOf`/`anyOf` take their first alternative, and a `discriminator` property is set to the
//!   value that names that alternative; `allOf` merges its members.
//!
//! The sandbox answers with these, and the tests use them as request bodies and expected
//! responses. `pattern` is not honoured (the validator does not check it either).

use serde_json::{Map, Value, json};

use crate::document::Document;
use crate::validate::check;

/// How deep sample building follows optional properties and array items before it keeps
/// only what is required.
const MAX_DEPTH: usize = 12;

/// Past this depth only what the schema requires is built, and a cycle of required
/// references ends in an empty object.
const HARD_DEPTH: usize = 48;

/// The fixed time used for `date-time` strings.
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
    let resolved = document.resolve(schema);
    for given in ["example", "default"] {
        if let Some(value) = resolved.get(given)
            && check(document, resolved, value).is_ok()
        {
            return value.clone();
        }
    }
    if depth >= HARD_DEPTH {
        return shallow(resolved);
    }
    if let Some(members) = resolved.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for member in members {
            if let Value::Object(part) = build(document, member, depth + 1, full) {
                merged.extend(part);
            }
        }
        if let Value::Object(own) = object(document, resolved, depth, full) {
            merged.extend(own);
        }
        return Value::Object(merged);
    }
    for combinator in ["oneOf", "anyOf"] {
        if let Some(first) = resolved
            .get(combinator)
            .and_then(Value::as_array)
            .and_then(|m| m.first())
        {
            let mut value = build(document, first, depth + 1, full);
            if let Value::Object(fields) = &mut value {
                if let Value::Object(own) = object(document, resolved, depth, full) {
                    for (name, own_value) in own {
                        fields.entry(name).or_insert(own_value);
                    }
                }
                if let Some((property, tag)) = discriminator(document, resolved, first) {
                    fields.insert(property, Value::String(tag));
                }
            }
            return value;
        }
    }
    if let Some(first) = resolved
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|values| values.iter().find(|v| !v.is_null()).or(values.first()))
    {
        return first.clone();
    }
    match kind(resolved) {
        "object" => object(document, resolved, depth, full),
        "array" => array(document, resolved, depth, full),
        "string" => string(resolved),
        "integer" => integer(resolved),
        "number" => number(resolved),
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

/// The type a schema describes, guessing `object` or `array` from its keywords when it has no
/// `type`.
fn kind(schema: &Value) -> &str {
    match schema.get("type").and_then(Value::as_str) {
        Some(kind) => kind,
        None if schema.get("items").is_some() => "array",
        None => "object",
    }
}

/// The least value of a schema, without following references: used past the depth limit.
fn shallow(schema: &Value) -> Value {
    match kind(schema) {
        "array" => json!([]),
        "string" => string(schema),
        "integer" => integer(schema),
        "number" => number(schema),
        "boolean" => json!(false),
        _ => json!({}),
    }
}

/// The discriminator property of a `oneOf`/`anyOf` and the value that selects `chosen`: the
/// mapping key that points at it, else the name of the schema it references.
fn discriminator(document: &Document, schema: &Value, chosen: &Value) -> Option<(String, String)> {
    let discriminator = schema.get("discriminator")?;
    let property = discriminator.get("propertyName")?.as_str()?.to_string();
    let reference = chosen.get("$ref").and_then(Value::as_str)?;
    let tag = discriminator
        .get("mapping")
        .and_then(Value::as_object)
        .and_then(|mapping| {
            mapping
                .iter()
                .find(|(_, target)| target.as_str() == Some(reference))
                .map(|(tag, _)| tag.clone())
        })
        .unwrap_or_else(|| reference.rsplit('/').next().unwrap_or_default().to_string());
    // A tag the alternative itself refuses would make the sample invalid: keep its own value.
    let property_schema = document
        .resolve(chosen)
        .pointer(&format!("/properties/{property}"))?;
    check(document, property_schema, &Value::String(tag.clone()))
        .is_ok()
        .then_some((property, tag))
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

fn array(document: &Document, schema: &Value, depth: usize, full: bool) -> Value {
    let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
    let max = schema
        .get("maxItems")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    let wanted = if depth >= MAX_DEPTH { min } else { min.max(1) };
    let count = usize::try_from(wanted.min(max)).unwrap_or(0);
    let item_schema = schema.get("items").cloned().unwrap_or(json!({}));
    let unique = schema.get("uniqueItems").and_then(Value::as_bool) == Some(true);
    let item = document.resolve(&item_schema);
    let choices: Vec<Value> = item
        .get("enum")
        .and_then(Value::as_array)
        .map(|values| values.iter().filter(|v| !v.is_null()).cloned().collect())
        .unwrap_or_default();
    let mut items: Vec<Value> = Vec::with_capacity(count);
    for index in 0..count {
        let mut value = match choices.get(index) {
            Some(choice) => choice.clone(),
            None => build(document, &item_schema, depth + 1, full),
        };
        if unique && items.contains(&value) {
            value = distinct(item, value, index);
        }
        items.push(value);
    }
    Value::Array(items)
}

/// `value` changed so that it differs from the earlier items of a `uniqueItems` array.
fn distinct(item: &Value, value: Value, index: usize) -> Value {
    match value {
        Value::String(text) if item.get("format").is_none() => {
            let max = item
                .get("maxLength")
                .and_then(Value::as_u64)
                .map_or(usize::MAX, |m| m as usize);
            let suffix = index.to_string();
            let keep = max.saturating_sub(suffix.len());
            Value::String(text.chars().take(keep).collect::<String>() + &suffix)
        }
        Value::Number(number) if number.is_i64() || number.is_u64() => {
            let high = item
                .get("maximum")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX);
            let next = number.as_i64().unwrap_or(0).saturating_add(index as i64);
            json!(next.min(high))
        }
        other => other,
    }
}

fn string(schema: &Value) -> Value {
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    let base = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => return json!(SAMPLE_TIME),
        Some("date") => return json!("2024-01-01"),
        Some("uuid") => return json!("00000000-0000-4000-8000-000000000000"),
        Some("email") => {
            let domain = "@example.com";
            let local = min.saturating_sub(domain.len()).max(4);
            format!("{}{domain}", "u".repeat(local))
        }
        Some("uri" | "url") => {
            let host = "https://example.com/";
            format!("{host}{}", "x".repeat(min.saturating_sub(host.len())))
        }
        _ => {
            let text = "string";
            format!("{text}{}", "x".repeat(min.saturating_sub(text.len())))
        }
    };
    Value::String(base.chars().take(max.max(min)).collect())
}

fn integer(schema: &Value) -> Value {
    let flag = |name: &str| schema.get(name).and_then(Value::as_bool) == Some(true);
    let low = schema.get("minimum").and_then(Value::as_f64).map(|m| {
        if flag("exclusiveMinimum") {
            m.floor() + 1.0
        } else {
            m.ceil()
        }
    });
    let high = schema.get("maximum").and_then(Value::as_f64).map(|m| {
        if flag("exclusiveMaximum") {
            m.ceil() - 1.0
        } else {
            m.floor()
        }
    });
    let mut value = 0.0_f64;
    if let Some(low) = low {
        value = value.max(low);
    }
    if let Some(high) = high {
        value = value.min(high);
    }
    json!(value as i64)
}

fn number(schema: &Value) -> Value {
    let flag = |name: &str| schema.get(name).and_then(Value::as_bool) == Some(true);
    let low = schema.get("minimum").and_then(Value::as_f64);
    let high = schema.get("maximum").and_then(Value::as_f64);
    let value = match (low, high) {
        (Some(low), Some(high)) if flag("exclusiveMinimum") || flag("exclusiveMaximum") => {
            (low + high) / 2.0
        }
        (Some(low), _) if flag("exclusiveMinimum") => low + 1.0,
        (_, Some(high)) if flag("exclusiveMaximum") && high <= 0.0 => high - 1.0,
        (low, high) => 0.0_f64
            .max(low.unwrap_or(f64::MIN))
            .min(high.unwrap_or(f64::MAX)),
    };
    serde_json::Number::from_f64(value).map_or(json!(0), Value::Number)
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
                }},
                "Formats": {"type": "object", "required": ["mail", "link", "key", "day", "code",
                        "small", "ratio", "tags", "sizes", "above"], "properties": {
                    "mail": {"type": "string", "format": "email"},
                    "link": {"type": "string", "format": "uri"},
                    "key": {"type": "string", "format": "uuid"},
                    "day": {"type": "string", "format": "date"},
                    "code": {"type": "string", "minLength": 10, "maxLength": 12},
                    "small": {"type": "string", "maxLength": 3, "example": "too long"},
                    "ratio": {"type": "number", "minimum": 0, "maximum": 1, "exclusiveMinimum": true},
                    "above": {"type": "integer", "minimum": 5, "exclusiveMinimum": true},
                    "tags": {"type": "array", "minItems": 3, "uniqueItems": true,
                             "items": {"type": "string"}},
                    "sizes": {"type": "array", "minItems": 2, "maxItems": 2, "uniqueItems": true,
                              "items": {"type": "string", "enum": ["S", "M", "L"]}}
                }},
                "Aws": {"type": "object", "required": ["kind", "region"], "properties": {
                    "kind": {"type": "string", "enum": ["AWS", "GCP"]},
                    "region": {"type": "string"}
                }},
                "Gcp": {"type": "object", "required": ["kind"], "properties": {
                    "kind": {"type": "string", "enum": ["AWS", "GCP"]}
                }},
                "Cloud": {"oneOf": [
                    {"$ref": "#/components/schemas/Gcp"}, {"$ref": "#/components/schemas/Aws"}
                ], "discriminator": {"propertyName": "kind", "mapping": {
                    "AWS": "#/components/schemas/Aws", "GCP": "#/components/schemas/Gcp"
                }}}
            }}
        }))
        .unwrap()
    }

    fn schema(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    #[test]
    fn uses_valid_examples_and_fallbacks_and_stops_on_cycles() {
        let document = doc();
        let node = schema("Node");
        let value = sample(&document, &node);
        assert_eq!(value["id"], "n1");
        assert_eq!(value["at"], SAMPLE_TIME);
        assert_eq!(value["size"], "S");
        assert_eq!(value["count"], 1);
        assert!(value["children"].is_array());
        assert_eq!(minimal_sample(&document, &node), json!({"id": "n1"}));
        assert_eq!(check(&document, &node, &value), Ok(()));
    }

    #[test]
    fn every_keyword_is_honoured_by_construction() {
        let document = doc();
        for name in ["Node", "Formats", "Cloud", "Aws", "Gcp"] {
            for value in [
                sample(&document, &schema(name)),
                minimal_sample(&document, &schema(name)),
            ] {
                assert_eq!(
                    check(&document, &schema(name), &value),
                    Ok(()),
                    "{name}: {value}"
                );
            }
        }
        let formats = sample(&document, &schema("Formats"));
        assert_eq!(formats["small"], "str", "the invalid example is not used");
        assert_eq!(formats["code"].as_str().map(str::len), Some(10));
        assert_eq!(formats["tags"].as_array().map(Vec::len), Some(3));
        assert_eq!(formats["sizes"], json!(["S", "M"]));
        assert_eq!(formats["above"], 6);
    }

    #[test]
    fn one_of_takes_the_first_alternative_and_sets_its_discriminator() {
        let document = doc();
        assert_eq!(sample(&document, &schema("Cloud")), json!({"kind": "GCP"}));
    }
}
