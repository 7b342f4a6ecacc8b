//! Checking a JSON value against an OpenAPI 3.0 schema of a document, with a mismatch that
//! names the place (`roles[0].role`) and the rule broken.
//!
//! Covers the keywords the Astro documents use: `type`, `nullable`, `enum`, `required`,
//! `properties`, `additionalProperties`, `items`, `minItems`/`maxItems`/`uniqueItems`,
//! `minLength`/`maxLength`, `minimum`/`maximum` (with the 3.0 boolean exclusive forms), the
//! formats `date-time`, `date`, `email`, `uri` and `uuid`, and `allOf`/`anyOf`/`oneOf`.
//! `pattern` is not checked, and `oneOf` is read as `anyOf`: the documents' `oneOf`s (cluster
//! and deployment requests per cloud provider or type) have overlapping alternatives, so
//! "exactly one" would refuse requests the service accepts.
//!
//! [`crate::samples`] builds values that pass this check by construction.

use serde_json::{Map, Value};

use crate::document::Document;

/// Why a value does not fit a schema: where (a dotted path such as `roles[0].role`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Where in the value, empty for the value itself.
    pub at: String,
    /// What is wrong, as a sentence fragment such as "must be one of A, B".
    pub problem: String,
}

/// Checks `value` against `schema`, returning the first mismatch.
pub fn check(document: &Document, schema: &Value, value: &Value) -> Result<(), Mismatch> {
    check_at(document, schema, value, String::new())
}

fn fail(at: &str, problem: impl Into<String>) -> Result<(), Mismatch> {
    Err(Mismatch {
        at: at.to_string(),
        problem: problem.into(),
    })
}

fn check_at(
    document: &Document,
    schema: &Value,
    value: &Value,
    at: String,
) -> Result<(), Mismatch> {
    let schema = document.resolve(schema);
    if value.is_null() && schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        return Ok(());
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        for member in members {
            check_at(document, member, value, at.clone())?;
        }
    }
    for keyword in ["anyOf", "oneOf"] {
        if let Some(members) = schema.get(keyword).and_then(Value::as_array) {
            let mut first_problem = None;
            for member in members {
                match check_at(document, member, value, at.clone()) {
                    Ok(()) => {
                        first_problem = None;
                        break;
                    }
                    Err(problem) => {
                        first_problem.get_or_insert(problem);
                    }
                }
            }
            if let Some(problem) = first_problem {
                return Err(problem);
            }
        }
    }
    if let Some(kind) = schema.get("type").and_then(Value::as_str)
        && !has_type(value, kind)
    {
        return fail(
            &at,
            format!("must be {} (got {})", article(kind), describe(value)),
        );
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        let names: Vec<String> = allowed
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect();
        return fail(
            &at,
            format!(
                "must be one of {} (got {})",
                names.join(", "),
                describe(value)
            ),
        );
    }
    match value {
        Value::String(text) => check_string(schema, text, &at),
        Value::Number(_) => check_number(schema, value, &at),
        Value::Array(items) => check_array(document, schema, items, &at),
        Value::Object(object) => check_object(document, schema, object, &at),
        _ => Ok(()),
    }
}

fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn article(kind: &str) -> String {
    match kind {
        "integer" | "array" | "object" => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() > 40 => "a long string".into(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn check_string(schema: &Value, text: &str, at: &str) -> Result<(), Mismatch> {
    let length = text.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && length < min
    {
        return fail(at, format!("must be at least {min} characters long"));
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && length > max
    {
        return fail(at, format!("must be at most {max} characters long"));
    }
    if let Some(format) = schema.get("format").and_then(Value::as_str)
        && let Some(problem) = format_problem(format, text)
    {
        return fail(at, problem);
    }
    Ok(())
}

/// Why `text` is not a `format` string, for the formats this module checks.
fn format_problem(format: &str, text: &str) -> Option<&'static str> {
    let fits = match format {
        "date-time" => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
        "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
        "email" => text
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.')),
        "uri" | "url" => text.split_once("://").is_some_and(|(scheme, rest)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                && !rest.is_empty()
        }),
        "uuid" => {
            let groups: Vec<&str> = text.split('-').collect();
            groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
                && groups
                    .iter()
                    .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
        }
        _ => true,
    };
    (!fits).then_some(match format {
        "date-time" => "must be an RFC 3339 date-time such as 2024-01-01T00:00:00Z",
        "date" => "must be a date such as 2024-01-01",
        "email" => "must be an email address",
        "uri" | "url" => "must be an absolute URI such as https://example.com",
        _ => "must be a UUID",
    })
}

fn check_number(schema: &Value, value: &Value, at: &str) -> Result<(), Mismatch> {
    let Some(number) = value.as_f64() else {
        return Ok(());
    };
    let flag = |name: &str| schema.get(name).and_then(Value::as_bool) == Some(true);
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        if flag("exclusiveMinimum") && number <= min {
            return fail(at, format!("must be greater than {}", schema["minimum"]));
        }
        if number < min {
            return fail(at, format!("must be at least {}", schema["minimum"]));
        }
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        if flag("exclusiveMaximum") && number >= max {
            return fail(at, format!("must be less than {}", schema["maximum"]));
        }
        if number > max {
            return fail(at, format!("must be at most {}", schema["maximum"]));
        }
    }
    Ok(())
}

fn check_array(
    document: &Document,
    schema: &Value,
    items: &[Value],
    at: &str,
) -> Result<(), Mismatch> {
    let count = items.len() as u64;
    if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
        && count < min
    {
        return fail(at, format!("must have at least {min} items"));
    }
    if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
        && count > max
    {
        return fail(at, format!("must have at most {max} items"));
    }
    if schema.get("uniqueItems").and_then(Value::as_bool) == Some(true)
        && items
            .iter()
            .enumerate()
            .any(|(i, a)| items[..i].contains(a))
    {
        return fail(at, "must not repeat items");
    }
    if let Some(item_schema) = schema.get("items") {
        for (index, item) in items.iter().enumerate() {
            check_at(document, item_schema, item, format!("{at}[{index}]"))?;
        }
    }
    Ok(())
}

fn check_object(
    document: &Document,
    schema: &Value,
    object: &Map<String, Value>,
    at: &str,
) -> Result<(), Mismatch> {
    let child = |name: &str| {
        if at.is_empty() {
            name.to_string()
        } else {
            format!("{at}.{name}")
        }
    };
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !object.contains_key(name) {
            return fail(&child(name), "is required");
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    for (name, value) in object {
        match properties.and_then(|p| p.get(name)) {
            Some(property) => check_at(document, property, value, child(name))?,
            None => match schema.get("additionalProperties") {
                Some(Value::Bool(false)) => return fail(&child(name), "is not a known field"),
                Some(extra @ Value::Object(_)) => check_at(document, extra, value, child(name))?,
                _ => {}
            },
        }
    }
    Ok(())
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

    fn problem(value: Value) -> Option<(String, String)> {
        let document = doc();
        check(
            &document,
            &json!({"$ref": "#/components/schemas/Req"}),
            &value,
        )
        .err()
        .map(|m| (m.at, m.problem))
    }

    #[test]
    fn names_the_field_and_the_rule() {
        assert_eq!(problem(json!({"name": "a", "type": "A"})), None);
        assert_eq!(problem(json!({"type": "A"})).unwrap().0, "name");
        let (at, what) = problem(json!({"name": "a", "type": "C"})).unwrap();
        assert_eq!(
            (at.as_str(), what.as_str()),
            ("type", "must be one of A, B (got \"C\")")
        );
        assert_eq!(
            problem(json!({"name": "abcdef", "type": "A"})).unwrap().1,
            "must be at most 5 characters long"
        );
        assert_eq!(
            problem(json!({"name": "a", "type": "A", "days": 0}))
                .unwrap()
                .1,
            "must be at least 1"
        );
        assert_eq!(
            problem(json!({"name": "a", "type": "A", "days": "3"}))
                .unwrap()
                .1,
            "must be an integer (got \"3\")"
        );
        assert!(problem(json!({"name": "a", "type": "A", "at": "yesterday"})).is_some());
        assert_eq!(
            problem(json!({"name": "a", "type": "A", "tags": ["x", 1]}))
                .unwrap()
                .0,
            "tags[1]"
        );
        assert!(problem(json!({"name": "a", "type": "A", "tags": ["x", "x"]})).is_some());
        assert!(problem(json!([])).is_some());
    }

    #[test]
    fn checks_formats() {
        for (format, good, bad) in [
            ("date-time", "2024-01-01T00:00:00Z", "yesterday"),
            ("date", "2024-01-01", "2024-13-01"),
            ("email", "user@example.com", "user"),
            ("uri", "https://example.com/a", "example.com"),
            ("uuid", "00000000-0000-4000-8000-000000000000", "0000-0000"),
        ] {
            assert_eq!(format_problem(format, good), None, "{format}");
            assert!(format_problem(format, bad).is_some(), "{format}");
        }
        assert_eq!(format_problem("binary", "anything"), None);
    }
}
