//! The operation model read from an OpenAPI document: what the tests, the facade's build script,
//! the sandbox and the tools need to know about each operation.

use serde_json::Value;

use crate::document::Document;

/// HTTP methods that can carry an operation, in OpenAPI's spelling.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The `operationId`, such as `ListWorkspaces`.
    pub id: String,
    /// The HTTP method in upper case.
    pub method: String,
    /// The path template, such as `/organizations/{organizationId}/workspaces`.
    pub path: String,
    /// Path-level and operation-level parameters, operation-level ones winning.
    pub parameters: Vec<Parameter>,
    /// The JSON request body schema, if the operation takes one.
    pub request_body: Option<Value>,
    /// Whether the request body is required.
    pub request_body_required: bool,
    /// The lowest 2xx status the operation declares.
    pub success_status: u16,
    /// The JSON schema of that success response; `None` for an empty response such as 204,
    /// or one that is not JSON.
    pub success_schema: Option<Value>,
    /// Whether that success response has a body that is not JSON (a file, such as the gzip
    /// NDJSON of audit logs).
    pub success_binary: bool,
    /// Offset/limit pagination, when the operation has it.
    pub pagination: Option<Pagination>,
    /// The operation's summary, if any.
    pub summary: Option<String>,
    /// The operation's tags (the area of the API it belongs to).
    pub tags: Vec<String>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    /// A path segment.
    Path,
    /// A query string key.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The parameter name as sent on the wire.
    pub name: String,
    /// Where it goes.
    pub location: ParameterLocation,
    /// Whether it must be given.
    pub required: bool,
    /// Its schema.
    pub schema: Value,
}

impl Parameter {
    /// Whether the parameter is an array (sent as repeated query keys).
    pub fn is_array(&self) -> bool {
        self.schema.get("type").and_then(Value::as_str) == Some("array")
    }
}

/// How an offset/limit list operation pages: its query parameters are `offset` and `limit`, and
/// its response object has `offset`, `limit`, `totalCount` and one array of items.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The name of the response schema (under `components/schemas`).
    pub page_schema: String,
    /// The JSON name of the array property holding the items.
    pub items_property: String,
    /// The schema of one item.
    pub item_schema: Value,
    /// The documented maximum of `limit`, if any.
    pub max_limit: Option<u64>,
}

impl Operation {
    /// The parameter with this name, if any.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// Whether sending this operation twice has the effect of sending it once, so that it may
    /// be retried after it may have reached the server. This is the one place the rule lives;
    /// the generated operation tables carry its answer to the runtime.
    ///
    /// Astro's documented rule: GET and DELETE are idempotent, and so are the update POSTs
    /// (`Update…`); every other POST (or PATCH) creates or triggers something.
    pub fn is_idempotent(&self) -> bool {
        match self.method.as_str() {
            "POST" | "PATCH" => self.id.starts_with("Update"),
            _ => true,
        }
    }

    /// Whether the operation belongs to one organization: its path has `{organizationId}`.
    pub fn is_org_scoped(&self) -> bool {
        self.parameters
            .iter()
            .any(|p| p.name == "organizationId" && p.location == ParameterLocation::Path)
    }
}

/// Every `(path, method, operation)` of a document's `paths`, in document order.
pub fn raw_operations(document: &Value) -> Vec<(&str, &'static str, &Value)> {
    let mut found = Vec::new();
    if let Some(paths) = document.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method).filter(|op| op.is_object()) {
                    found.push((path.as_str(), method, op));
                }
            }
        }
    }
    found
}

pub(crate) fn collect(document: &Document) -> Vec<Operation> {
    raw_operations(document.value())
        .into_iter()
        .map(|(path, method, op)| read_operation(document, path, method, op))
        .collect()
}

fn read_operation(document: &Document, path: &str, method: &str, op: &Value) -> Operation {
    let path_item = &document.value()["paths"][path];
    let mut parameters: Vec<Parameter> = Vec::new();
    for list in [path_item.get("parameters"), op.get("parameters")]
        .into_iter()
        .flatten()
    {
        for raw in list.as_array().into_iter().flatten() {
            if let Some(parameter) = read_parameter(document.resolve(raw)) {
                parameters
                    .retain(|p| !(p.name == parameter.name && p.location == parameter.location));
                parameters.push(parameter);
            }
        }
    }
    let body = op.get("requestBody").map(|b| document.resolve(b));
    let request_body = body
        .and_then(|b| b.pointer("/content/application~1json/schema"))
        .cloned();
    let request_body_required = body
        .and_then(|b| b.get("required"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let (success_status, success_schema, success_binary) = success_response(document, op);
    let mut operation = Operation {
        id: op["operationId"].as_str().unwrap_or_default().to_string(),
        method: method.to_uppercase(),
        path: path.to_string(),
        parameters,
        request_body,
        request_body_required,
        success_status,
        success_schema,
        success_binary,
        pagination: None,
        summary: op
            .get("summary")
            .and_then(Value::as_str)
            .map(str::to_string),
        tags: op
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
    };
    operation.pagination = pagination(document, &operation);
    operation
}

fn read_parameter(raw: &Value) -> Option<Parameter> {
    let location = match raw.get("in")?.as_str()? {
        "path" => ParameterLocation::Path,
        "query" => ParameterLocation::Query,
        "header" => ParameterLocation::Header,
        "cookie" => ParameterLocation::Cookie,
        _ => return None,
    };
    Some(Parameter {
        name: raw.get("name")?.as_str()?.to_string(),
        location,
        required: raw
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            || location == ParameterLocation::Path,
        schema: raw.get("schema").cloned().unwrap_or(Value::Null),
    })
}

fn success_response(document: &Document, op: &Value) -> (u16, Option<Value>, bool) {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return (200, None, false);
    };
    let mut statuses: Vec<(u16, &Value)> = responses
        .iter()
        .filter_map(|(code, response)| {
            let status = match code.as_str() {
                "2XX" | "2xx" => 200,
                other => other.parse().ok()?,
            };
            (200..300).contains(&status).then_some((status, response))
        })
        .collect();
    statuses.sort_by_key(|(status, _)| *status);
    match statuses.first() {
        Some((status, response)) => {
            let response = document.resolve(response);
            let schema = response
                .pointer("/content/application~1json/schema")
                .cloned();
            let binary = schema.is_none()
                && response
                    .get("content")
                    .and_then(Value::as_object)
                    .is_some_and(|content| !content.is_empty());
            (*status, schema, binary)
        }
        None => (200, None, false),
    }
}

fn pagination(document: &Document, op: &Operation) -> Option<Pagination> {
    let is_query = |name: &str| {
        op.parameter(name)
            .is_some_and(|p| p.location == ParameterLocation::Query)
    };
    if !is_query("offset") || !is_query("limit") {
        return None;
    }
    let schema_ref = op.success_schema.as_ref()?.get("$ref")?.as_str()?;
    let page_schema = schema_ref
        .strip_prefix("#/components/schemas/")?
        .to_string();
    let page = document.resolve(op.success_schema.as_ref()?);
    let properties = page.get("properties")?.as_object()?;
    if !["offset", "limit", "totalCount"]
        .iter()
        .all(|name| properties.contains_key(*name))
    {
        return None;
    }
    let mut arrays = properties.iter().filter(|(_, schema)| {
        document.resolve(schema).get("type").and_then(Value::as_str) == Some("array")
    });
    let (items_property, items) = arrays.next()?;
    if arrays.next().is_some() {
        return None;
    }
    let max_limit = op
        .parameter("limit")
        .and_then(|p| p.schema.get("maximum"))
        .and_then(Value::as_u64);
    Some(Pagination {
        page_schema,
        items_property: items_property.clone(),
        item_schema: document.resolve(items).get("items")?.clone(),
        max_limit,
    })
}
