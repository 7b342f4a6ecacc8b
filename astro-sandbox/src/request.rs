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
    Ok(Some(value))
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
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
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
    fn query_parameters_are_typed_and_bounded() {
        let ok = run("ListWorkspaces", Some("limit=5&names=a&names=b"), "").unwrap();
        assert_eq!(ok.query["limit"], 5);
        assert_eq!(ok.query["names"], serde_json::json!(["a", "b"]));
        let huge = run("ListWorkspaces", Some("offset=12167364515023370240000"), "").unwrap();
        assert!(huge.query["offset"].as_f64().is_some_and(|f| f > 1e22));
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
