//! Checking a request against its operation: path and query parameters (converted to typed
//! values) and the JSON body, with a message naming the first problem found.

use std::collections::BTreeMap;

use astro_spec::{Document, Operation, ParameterLocation};
use serde_json::Value;

use crate::schema::{self, Mismatch};

/// A request that passed its operation's checks.
#[derive(Debug, Default)]
pub struct Checked {
    /// Declared query parameters that were given, converted to their schema's type
    /// (arrays collect repeated keys).
    pub query: BTreeMap<String, Value>,
    /// The JSON body, when one was sent.
    pub body: Option<Value>,
}

/// Checks the path parameters, query string and body of a request for `operation`.
pub fn check(
    document: &Document,
    operation: &Operation,
    path_params: &BTreeMap<String, String>,
    query: Option<&str>,
    body: &[u8],
) -> Result<Checked, String> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let mut checked = Checked::default();
    for parameter in &operation.parameters {
        let label = match parameter.location {
            ParameterLocation::Path => "path parameter",
            ParameterLocation::Query => "query parameter",
            ParameterLocation::Header | ParameterLocation::Cookie => continue,
        };
        let name = &parameter.name;
        let schema = document.resolve(&parameter.schema);
        let raw: Vec<&str> = match parameter.location {
            ParameterLocation::Path => path_params
                .get(name)
                .map(String::as_str)
                .into_iter()
                .collect(),
            _ => pairs
                .iter()
                .filter(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
                .collect(),
        };
        if raw.is_empty() {
            if parameter.required {
                return Err(format!("{label} `{name}` is required"));
            }
            continue;
        }
        let value = if parameter.is_array() {
            let item = schema.get("items").cloned().unwrap_or(Value::Null);
            let items: Result<Vec<Value>, String> = raw
                .iter()
                .map(|text| typed(document.resolve(&item), text))
                .collect();
            Value::Array(items.map_err(|problem| format!("{label} `{name}` {problem}"))?)
        } else {
            typed(schema, raw[0]).map_err(|problem| format!("{label} `{name}` {problem}"))?
        };
        schema::check(document, schema, &value).map_err(|m| describe_parameter(label, name, &m))?;
        if parameter.location == ParameterLocation::Query {
            checked.query.insert(name.clone(), value);
        }
    }
    checked.body = check_body(document, operation, body)?;
    Ok(checked)
}

fn check_body(
    document: &Document,
    operation: &Operation,
    body: &[u8],
) -> Result<Option<Value>, String> {
    let Some(schema) = &operation.request_body else {
        return Ok(None);
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return if operation.request_body_required {
            Err("a JSON request body is required".to_string())
        } else {
            Ok(None)
        };
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| format!("the request body is not valid JSON: {e}"))?;
    schema::check(document, schema, &value).map_err(|m| match m.at.is_empty() {
        true => format!("the request body {}", m.problem),
        false => format!("request body field `{}` {}", m.at, m.problem),
    })?;
    Ok(Some(whole_numbers_as_integers(value)))
}

/// The body as the sandbox stores it: every whole number that JSON parsing left as a float
/// (`3.0`, or an integer past 64 bits such as `-80527265242122356546076672`) becomes a 64-bit
/// integer, saturating at the ends of the range. A schema integer without bounds accepts such
/// values, and echoing them back as floats (`-8.05e25`) would answer an integer field with a
/// number that is not one.
fn whole_numbers_as_integers(value: Value) -> Value {
    match value {
        Value::Number(number) if !number.is_i64() && !number.is_u64() => {
            match number.as_f64() {
                Some(float) if float.is_finite() && float.fract() == 0.0 => {
                    if float < 0.0 {
                        // `as` saturates at i64::MIN.
                        Value::from(float as i64)
                    } else {
                        Value::from(float as u64)
                    }
                }
                _ => Value::Number(number),
            }
        }
        Value::Array(items) => {
            Value::Array(items.into_iter().map(whole_numbers_as_integers).collect())
        }
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(name, field)| (name, whole_numbers_as_integers(field)))
                .collect(),
        ),
        other => other,
    }
}

fn describe_parameter(label: &str, name: &str, mismatch: &Mismatch) -> String {
    let place = if mismatch.at.is_empty() {
        String::new()
    } else {
        format!(" item {}", mismatch.at)
    };
    format!("{label} `{name}`{place} {}", mismatch.problem)
}

/// Converts query or path text to the JSON type its schema asks for.
fn typed(schema: &Value, text: &str) -> Result<Value, String> {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => {
            integer(text).ok_or_else(|| format!("must be an integer (got {text:?})"))
        }
        Some("number") => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("must be a number (got {text:?})")),
        Some("boolean") => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("must be true or false (got {text:?})")),
        },
        _ => Ok(Value::String(text.to_string())),
    }
}

/// An integer of any size: exact within 64 bits, as a whole `f64` beyond.
fn integer(text: &str) -> Option<Value> {
    if let Ok(small) = text.parse::<i64>() {
        return Some(Value::from(small));
    }
    if let Ok(large) = text.parse::<u64>() {
        return Some(Value::from(large));
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Past 64 bits: saturate, as bodies are stored (see `whole_numbers_as_integers`).
    Some(if text.starts_with('-') {
        Value::from(i64::MIN)
    } else {
        Value::from(u64::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn run(operation_id: &str, query: Option<&str>, body: &str) -> Result<Checked, String> {
        let catalog = Catalog::pinned().unwrap();
        let (api, route) = catalog.operation(operation_id).unwrap();
        let params = route
            .operation
            .parameters
            .iter()
            .filter(|p| p.location == ParameterLocation::Path)
            .map(|p| (p.name.clone(), "x".to_string()))
            .collect();
        check(
            &api.document,
            &route.operation,
            &params,
            query,
            body.as_bytes(),
        )
    }

    #[test]
    fn whole_numbers_in_a_body_are_stored_as_integers() {
        let body = r#"{"port": -80527265242122356546076672, "big": 1e30, "three": 3.0,
                       "half": 0.5, "list": [2.0, {"n": 18446744073709551616}], "ok": 7}"#;
        let value: Value = serde_json::from_str(body).unwrap();
        let stored = whole_numbers_as_integers(value);
        assert_eq!(
            stored,
            serde_json::json!({"port": i64::MIN, "big": u64::MAX, "three": 3, "half": 0.5,
                               "list": [2, {"n": u64::MAX}], "ok": 7})
        );
        assert!(stored["port"].is_i64() && stored["three"].is_i64());
    }

    #[test]
    fn query_parameters_are_typed_and_bounded() {
        let ok = run("ListWorkspaces", Some("limit=5&names=a&names=b"), "").unwrap();
        assert_eq!(ok.query["limit"], 5);
        assert_eq!(ok.query["names"], serde_json::json!(["a", "b"]));
        let huge = run("ListWorkspaces", Some("offset=12167364515023370240000"), "").unwrap();
        assert_eq!(huge.query["offset"], u64::MAX);
        let err = run("ListWorkspaces", Some("limit=1.5"), "").unwrap_err();
        assert_eq!(
            err,
            "query parameter `limit` must be an integer (got \"1.5\")"
        );
        let err = run("ListWorkspaces", Some("limit=five"), "").unwrap_err();
        assert_eq!(
            err,
            "query parameter `limit` must be an integer (got \"five\")"
        );
        // The v1 document has no numeric limits; v1beta1's caps `limit`.
        assert!(run("ListWorkspaces", Some("limit=100000"), "").is_ok());
        #[cfg(feature = "v1beta1")]
        {
            let err = run("platform:ListWorkspaces", Some("limit=100000"), "").unwrap_err();
            assert!(
                err.starts_with("query parameter `limit` must be at most"),
                "{err}"
            );
        }
        let err = run("ListWorkspaces", Some("sorts=nope"), "").unwrap_err();
        assert!(
            err.starts_with("query parameter `sorts` item [0] must be one of"),
            "{err}"
        );
        let err = run("GetClusterOptions", None, "").unwrap_err();
        assert_eq!(err, "query parameter `type` is required");
    }

    #[test]
    fn bodies_are_parsed_and_checked() {
        assert_eq!(
            run("CreateWorkspace", None, "").unwrap_err(),
            "a JSON request body is required"
        );
        assert!(
            run("CreateWorkspace", None, "{")
                .unwrap_err()
                .starts_with("the request body is not valid JSON")
        );
        assert_eq!(
            run("CreateWorkspace", None, "{}").unwrap_err(),
            "request body field `name` is required"
        );
        assert_eq!(
            run("CreateWorkspace", None, "[]").unwrap_err(),
            "the request body must be an object (got an array)"
        );
        let body = run("CreateWorkspace", None, r#"{"name":"w"}"#)
            .unwrap()
            .body;
        assert_eq!(body.unwrap()["name"], "w");
    }
}
