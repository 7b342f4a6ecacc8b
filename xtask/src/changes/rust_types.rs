//! The Rust types typify generates for schemas, following its rules (integer bounds, formats,
//! constrained strings as newtypes, inline types named after where they stand, an existing type
//! named by `x-rust-type`, as the pre-pass does for secret fields).

use astro_spec::naming;
use serde_json::Value;

/// The Rust type typify gives a schema standing at `place` (the name it would give an inline
/// type there). Close enough to tell whether a change alters the generated type.
pub fn rust_type(schema: &Value, place: &str) -> String {
    if let Some(name) = ref_name(schema) {
        return naming::pascal(name);
    }
    if let Some(name) = existing_type(schema) {
        return name.to_string();
    }
    let base = base_type(schema, place);
    if flag(schema, "nullable") {
        format!("Option<{base}>")
    } else {
        base
    }
}

fn base_type(schema: &Value, place: &str) -> String {
    if schema.get("enum").is_some() {
        return place.to_string();
    }
    let constrained = ["maxLength", "minLength", "pattern"]
        .iter()
        .any(|key| schema.get(*key).is_some());
    match schema.get("type").and_then(Value::as_str) {
        Some("string") if constrained => place.to_string(),
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => "DateTime<Utc>".to_string(),
            Some("date") => "NaiveDate".to_string(),
            Some("uuid") => "Uuid".to_string(),
            _ => "String".to_string(),
        },
        Some("integer") => integer_type(schema),
        Some("number") => match schema.get("format").and_then(Value::as_str) {
            Some("float") => "f32".to_string(),
            _ => "f64".to_string(),
        },
        Some("boolean") => "bool".to_string(),
        Some("array") => {
            let item = schema.get("items").unwrap_or(&Value::Null);
            format!("Vec<{}>", rust_type(item, &format!("{place}Item")))
        }
        _ => object_type(schema, place),
    }
}

/// The integer formats typify knows, from most to least restrictive: format, type, non-zero
/// type, and the type's bounds.
const INTEGER_FORMATS: [(&str, &str, &str, f64, f64); 10] = [
    ("int8", "i8", "NonZeroU8", i8::MIN as f64, i8::MAX as f64),
    ("uint8", "u8", "NonZeroU8", u8::MIN as f64, u8::MAX as f64),
    (
        "int16",
        "i16",
        "NonZeroU16",
        i16::MIN as f64,
        i16::MAX as f64,
    ),
    (
        "uint16",
        "u16",
        "NonZeroU16",
        u16::MIN as f64,
        u16::MAX as f64,
    ),
    ("int", "i32", "NonZeroU32", i32::MIN as f64, i32::MAX as f64),
    (
        "int32",
        "i32",
        "NonZeroU32",
        i32::MIN as f64,
        i32::MAX as f64,
    ),
    (
        "uint",
        "u32",
        "NonZeroU32",
        u32::MIN as f64,
        u32::MAX as f64,
    ),
    (
        "uint32",
        "u32",
        "NonZeroU32",
        u32::MIN as f64,
        u32::MAX as f64,
    ),
    (
        "int64",
        "i64",
        "NonZeroU64",
        i64::MIN as f64,
        i64::MAX as f64,
    ),
    (
        "uint64",
        "u64",
        "NonZeroU64",
        u64::MIN as f64,
        u64::MAX as f64,
    ),
];

/// typify's choice of integer type: the format's type when the bounds fit it (non-zero for a
/// minimum of 1), else a type whose bounds are exactly the schema's, else `i64`.
fn integer_type(schema: &Value) -> String {
    let bound = |key: &str, exclusive: &str, step: f64| {
        schema.get(key).and_then(Value::as_f64).map(|value| {
            if flag(schema, exclusive) {
                value + step
            } else {
                value
            }
        })
    };
    let mut min = bound("minimum", "exclusiveMinimum", 1.0);
    let mut max = bound("maximum", "exclusiveMaximum", -1.0);
    let format = schema.get("format").and_then(Value::as_str);
    if let Some(&(_, ty, non_zero, type_min, type_max)) =
        INTEGER_FORMATS.iter().find(|entry| Some(entry.0) == format)
    {
        let fits = min.is_none_or(|min| min >= type_min) && max.is_none_or(|max| max <= type_max);
        if fits && schema.get("multipleOf").is_none() {
            return if min == Some(1.0) { non_zero } else { ty }.to_string();
        }
        min = min.or(Some(type_min));
        max = max.or(Some(type_max));
    }
    let same = |a: f64, b: f64| (a - b).abs() <= f64::EPSILON;
    let found = INTEGER_FORMATS
        .iter()
        .rev()
        .find_map(|&(_, ty, non_zero, type_min, type_max)| match (min, max) {
            (Some(1.0), _) => Some(non_zero),
            (None, Some(max)) if same(type_max, max) => Some(ty),
            (Some(min), None) if same(type_min, min) => Some(ty),
            (Some(min), Some(max)) if same(type_min, min) && same(type_max, max) => Some(ty),
            _ => None,
        });
    found.unwrap_or("i64").to_string()
}

fn object_type(schema: &Value, place: &str) -> String {
    if schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
        || schema.get("oneOf").is_some()
        || schema.get("anyOf").is_some()
    {
        return place.to_string();
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        return match members.as_slice() {
            [only] => rust_type(only, place),
            _ => place.to_string(),
        };
    }
    match schema.get("additionalProperties") {
        Some(values) if values.is_object() => format!(
            "Map<String, {}>",
            rust_type(values, &format!("{place}Value"))
        ),
        _ if schema.get("type").is_some() => "Map<String, Value>".to_string(),
        _ => "Value".to_string(),
    }
}

/// The last segment of the path an `x-rust-type` extension names (`SecretString`): typify uses
/// that type as it is, whatever else the schema says.
fn existing_type(schema: &Value) -> Option<&str> {
    schema
        .pointer("/x-rust-type/path")?
        .as_str()?
        .rsplit("::")
        .next()
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

pub(super) fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_the_types_typify_generates() {
        assert_eq!(rust_type(&json!({"type": "string"}), "P"), "String");
        assert_eq!(
            rust_type(&json!({"type": "string", "maxLength": 3}), "P"),
            "P"
        );
        assert_eq!(
            rust_type(
                &json!({"type": "string", "format": "date-time", "nullable": true}),
                "P"
            ),
            "Option<DateTime<Utc>>"
        );
        assert_eq!(
            rust_type(&json!({"type": "integer", "minimum": 1}), "P"),
            "NonZeroU64"
        );
        assert_eq!(
            rust_type(&json!({"type": "integer", "format": "int32"}), "P"),
            "i32"
        );
        assert_eq!(
            rust_type(
                &json!({"type": "array", "items": {"$ref": "#/components/schemas/a_b"}}),
                "P"
            ),
            "Vec<AB>"
        );
        assert_eq!(
            rust_type(
                &json!({"type": "object", "additionalProperties": {"type": "string"}}),
                "P"
            ),
            "Map<String, String>"
        );
        assert_eq!(
            rust_type(&json!({"type": "object", "properties": {"a": {}}}), "P"),
            "P"
        );
        assert_eq!(
            rust_type(
                &json!({"type": "string", "x-rust-type": {"path": "astro_api_core::SecretString"}}),
                "P"
            ),
            "SecretString"
        );
    }
}
