//! Checking a JSON value against an OpenAPI 3.0 schema, and bending a value until it fits one.
//!
//! Covers the keywords the Astro documents use: `type`, `nullable`, `enum`, `required`,
//! `properties`, `additionalProperties`, `items`, `minItems`/`maxItems`/`uniqueItems`,
//! `minLength`/`maxLength`, `minimum`/`maximum` (with the 3.0 boolean exclusive forms),
//! `format: date-time`, and `allOf`/`anyOf`/`oneOf`. `pattern` is not checked, and `oneOf` is
//! read as `anyOf`: the documents' `oneOf`s (cluster and deployment requests per cloud provider)
//! have overlapping alternatives without a discriminator, so "exactly one" would refuse
//! requests the service accepts.

use astro_spec::Document;
use astro_spec::samples::sample;
use serde_json::{Map, Value};

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
    if schema.get("format").and_then(Value::as_str) == Some("date-time")
        && chrono::DateTime::parse_from_rfc3339(text).is_err()
    {
        return fail(
            at,
            "must be an RFC 3339 date-time such as 2024-01-01T00:00:00Z",
        );
    }
    Ok(())
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

/// `value` reshaped to fit `schema`: fields the schema does not know are dropped, optional
/// fields that do not fit are dropped, and required fields that are missing or do not fit are
/// filled with samples. A value that already fits keeps every field the schema knows.
pub fn conform(document: &Document, schema: &Value, value: &Value) -> Value {
    fit(document, schema, value).unwrap_or_else(|| fitting_sample(document, schema))
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

/// A sample of `schema` (from its examples, see [`astro_spec::samples`]) repaired where the
/// document's own examples or the sampler's fallbacks break the schema's bounds.
pub fn fitting_sample(document: &Document, schema: &Value) -> Value {
    let value = sample(document, schema);
    if check(document, schema, &value).is_ok() {
        return value;
    }
    let resolved = document.resolve(schema);
    if let Some(first) = resolved
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    match (&value, kind_of(resolved)) {
        (Value::Object(object), Some("object")) => conform_object(document, resolved, object),
        (Value::Array(items), Some("array")) => conform_array(document, resolved, items),
        (_, Some("string")) => fit_string(resolved, value.as_str().unwrap_or_default()),
        (_, Some(kind @ ("integer" | "number"))) => fit_number(resolved, kind == "integer"),
        _ => value,
    }
}

fn kind_of(schema: &Value) -> Option<&str> {
    match schema.get("type").and_then(Value::as_str) {
        Some(kind) => Some(kind),
        None if schema.get("properties").is_some() => Some("object"),
        None if schema.get("items").is_some() => Some("array"),
        None => None,
    }
}

fn fit_string(schema: &Value, text: &str) -> Value {
    if schema.get("format").and_then(Value::as_str) == Some("date-time") {
        return Value::String(astro_spec::samples::SAMPLE_TIME.to_string());
    }
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX) as usize;
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let mut out: String = text.chars().take(max).collect();
    while out.chars().count() < min {
        out.push('x');
    }
    Value::String(out)
}

fn fit_number(schema: &Value, integer: bool) -> Value {
    let step = if integer { 1.0 } else { 0.5 };
    let flag = |name: &str| schema.get(name).and_then(Value::as_bool) == Some(true);
    let mut number: f64 = 0.0;
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        number = number.max(if flag("exclusiveMinimum") {
            min + step
        } else {
            min
        });
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        number = number.min(if flag("exclusiveMaximum") {
            max - step
        } else {
            max
        });
    }
    if integer {
        Value::from(number as i64)
    } else {
        serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number)
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
                None if is_required => Some(fitting_sample(document, property)),
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
        let filler = fitting_sample(document, &item_schema);
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
    fn conform_keeps_what_fits_and_repairs_the_rest() {
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
        assert_eq!(fixed["name"].as_str().map(str::len), Some(5));
        assert!(fixed.get("unknown").is_none());
    }

    #[test]
    fn fitting_samples_of_every_documented_body_are_valid() {
        let catalog = crate::catalog::Catalog::pinned().unwrap();
        let mut checked = 0;
        for api in &catalog.apis {
            for route in &api.routes {
                let operation = &route.operation;
                let item = operation.pagination.as_ref().map(|p| p.item_schema.clone());
                for schema in [&operation.success_schema, &operation.request_body, &item]
                    .into_iter()
                    .flatten()
                {
                    let value = fitting_sample(&api.document, schema);
                    let verdict = check(&api.document, schema, &value);
                    assert!(verdict.is_ok(), "{}: {verdict:?} in {value}", operation.id);
                    checked += 1;
                }
            }
        }
        assert!(checked > 59);
    }
}
