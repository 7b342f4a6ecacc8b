//! The parts of a prepared document that decide the generated Rust API: operations with their
//! parameters, bodies and success responses, and schemas as structs, open enums or other types,
//! each with the Rust type typify gives it. Inline structs (an object with properties written in
//! place, or an inline request body) are schemas of their own, under typify's names.
//!
//! Everything here is read from the document *after* `astro_codegen::prepass::prepare`, because
//! that is what the generator sees: error responses are gone, response-only required strings and
//! arrays have defaults, and every string enum is a named schema.

use std::collections::{BTreeMap, BTreeSet};

use astro_codegen::enums::is_string_enum;
use astro_spec::operations::raw_operations;
use astro_spec::{Document, naming};
use serde_json::{Map, Value, json};

use super::rust_types::{flag, rust_type};

/// The generated API of one document.
#[derive(Debug, Clone)]
pub struct ApiModel {
    /// Operations by `operationId`.
    pub operations: BTreeMap<String, OperationModel>,
    /// Component schemas by name (including lifted enums).
    pub schemas: BTreeMap<String, SchemaModel>,
    /// Schemas reachable from a request body or a parameter: users build these.
    pub request_side: BTreeSet<String>,
    /// Everything outside `paths` and `components/schemas` (info, tags, servers...).
    pub rest: Value,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct OperationModel {
    /// HTTP method, upper case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Parameters by `(location, name)`.
    pub parameters: BTreeMap<(String, String), Slot>,
    /// The JSON request body, if any.
    pub body: Option<Slot>,
    /// The lowest 2xx status and the Rust type of its body (`()` when it has none).
    pub response: Option<(String, String)>,
    /// The prepared operation object, for the documentation comparison.
    pub raw: Value,
}

/// A typed value a caller supplies: a parameter or a request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// The Rust type.
    pub rust_type: String,
    /// Whether the server requires it.
    pub required: bool,
}

/// One component schema.
#[derive(Debug, Clone)]
pub struct SchemaModel {
    /// What it is generated as.
    pub kind: SchemaKind,
    /// The prepared schema, for the documentation comparison.
    pub raw: Value,
}

/// What a schema is generated as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaKind {
    /// A struct with one field per property.
    Struct(BTreeMap<String, Field>),
    /// An open enum (`astro_api_core::open_enum!`): its known values.
    Enum(Vec<String>),
    /// Anything else (an alias, a map, a `oneOf`...): its Rust type.
    Other(String),
}

impl SchemaKind {
    /// A short name of the kind, for reports.
    pub fn describe(&self) -> String {
        match self {
            SchemaKind::Struct(_) => "struct".to_string(),
            SchemaKind::Enum(_) => "enum".to_string(),
            SchemaKind::Other(rust_type) => rust_type.clone(),
        }
    }
}

/// One property of a struct schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The Rust type of the value, without the `Option` that optional properties get.
    pub base: String,
    /// The Rust type of the struct field (`Option<base>` or `base`).
    pub field: String,
    /// Whether the property is required (after the pre-pass).
    pub required: bool,
}

impl ApiModel {
    /// Reads the model from a prepared document value.
    pub fn read(prepared: &Value) -> Self {
        let mut request_roots = Vec::new();
        for (_, _, op) in raw_operations(prepared) {
            request_roots.extend(op.get("requestBody").cloned());
            request_roots.extend(op.get("parameters").cloned());
        }
        let mut request_side = Document::reachable_schemas(prepared, &request_roots);
        let mut schemas = BTreeMap::new();
        let components = prepared
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        for (name, schema) in components.into_iter().flatten() {
            let inline = read_schema_tree(name, schema, &mut schemas);
            if request_side.contains(name) {
                request_side.extend(inline);
            }
        }
        let operations = raw_operations(prepared)
            .into_iter()
            .filter_map(|(path, method, op)| {
                let id = op.get("operationId")?.as_str()?.to_string();
                let mut operation = read_operation(prepared, path, method, &id, op);
                // An inline request body is a struct typify names `<Operation>Body`.
                if let Some(body) = operation
                    .raw
                    .pointer_mut("/requestBody/content/application~1json/schema")
                    .filter(|schema| is_inline_struct(schema))
                {
                    let name = format!("{}Body", naming::pascal(&id));
                    let schema = std::mem::replace(body, json!({ "inline": name }));
                    request_side.extend(read_schema_tree(&name, &schema, &mut schemas));
                    request_side.insert(name);
                }
                Some((id, operation))
            })
            .collect();
        let mut rest = prepared.clone();
        if let Some(map) = rest.as_object_mut() {
            map.remove("paths");
        }
        if let Some(components) = rest.get_mut("components").and_then(Value::as_object_mut) {
            components.remove("schemas");
        }
        ApiModel {
            operations,
            schemas,
            request_side,
            rest,
        }
    }
}

fn read_operation(
    document: &Value,
    path: &str,
    method: &str,
    id: &str,
    op: &Value,
) -> OperationModel {
    let op_name = naming::pascal(id);
    let mut parameters = BTreeMap::new();
    let path_level = document["paths"][path].get("parameters");
    for list in [path_level, op.get("parameters")].into_iter().flatten() {
        for raw in list.as_array().into_iter().flatten() {
            let raw = resolve(document, raw);
            let (Some(name), Some(location)) = (
                raw.get("name").and_then(Value::as_str),
                raw.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            let schema = raw.get("schema").unwrap_or(&Value::Null);
            let required = location == "path" || flag(raw, "required");
            parameters.insert(
                (location.to_string(), name.to_string()),
                Slot {
                    rust_type: rust_type(schema, &format!("{op_name}{}", naming::pascal(name))),
                    required,
                },
            );
        }
    }
    let body = op
        .get("requestBody")
        .map(|b| resolve(document, b))
        .and_then(|b| {
            let schema = b.pointer("/content/application~1json/schema")?;
            Some(Slot {
                rust_type: rust_type(schema, &format!("{op_name}Body")),
                required: flag(b, "required"),
            })
        });
    let response = op
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|responses| {
            let (status, response) = responses
                .iter()
                .filter(|(status, _)| status.starts_with('2'))
                .min_by_key(|(status, _)| status.as_str())?;
            let response = resolve(document, response);
            let rust = match response.pointer("/content/application~1json/schema") {
                Some(schema) => rust_type(schema, &format!("{op_name}Response{status}")),
                None => "()".to_string(),
            };
            Some((status.clone(), rust))
        });
    OperationModel {
        method: method.to_uppercase(),
        path: path.to_string(),
        parameters,
        body,
        response,
        raw: op.clone(),
    }
}

/// Reads a schema into `schemas`, together with every inline struct among its properties (at
/// any depth, through array items), which typify generates as `<Parent><Property>` (plus `Item`
/// for array items). The parent's `raw` keeps only a placeholder for each, so a change inside
/// one is reported once, on the inline type. Returns the names of the inline types.
fn read_schema_tree(
    name: &str,
    schema: &Value,
    schemas: &mut BTreeMap<String, SchemaModel>,
) -> Vec<String> {
    let place = naming::pascal(name);
    let mut inline = Vec::new();
    let mut shallow = schema.clone();
    if let Some(properties) = shallow.get_mut("properties").and_then(Value::as_object_mut) {
        for (property, sub) in properties.iter_mut() {
            let mut inner = format!("{place}{}", naming::pascal(property));
            let mut pointer = String::new();
            let mut current: &Value = sub;
            while current.get("type").and_then(Value::as_str) == Some("array") {
                let Some(items) = current.get("items") else {
                    break;
                };
                pointer.push_str("/items");
                inner.push_str("Item");
                current = items;
            }
            if !is_inline_struct(current) {
                continue;
            }
            if let Some(slot) = sub.pointer_mut(&pointer) {
                let nested = std::mem::replace(slot, json!({ "inline": inner }));
                inline.extend(read_schema_tree(&inner, &nested, schemas));
                inline.push(inner);
            }
        }
    }
    let mut model = read_schema(name, schema);
    model.raw = shallow;
    schemas.insert(name.to_string(), model);
    inline
}

/// Whether a schema is an object with properties written in place (not a `$ref`).
fn is_inline_struct(schema: &Value) -> bool {
    schema.get("$ref").is_none()
        && schema
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|properties| !properties.is_empty())
}

fn read_schema(name: &str, schema: &Value) -> SchemaModel {
    let place = naming::pascal(name);
    let kind = if is_string_enum(schema) {
        SchemaKind::Enum(
            schema["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        )
    } else if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        SchemaKind::Struct(read_fields(schema, properties, &place))
    } else {
        SchemaKind::Other(rust_type(schema, &place))
    };
    SchemaModel {
        kind,
        raw: schema.clone(),
    }
}

fn read_fields(
    schema: &Value,
    properties: &Map<String, Value>,
    place: &str,
) -> BTreeMap<String, Field> {
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    properties
        .iter()
        .map(|(property, sub)| {
            let base = rust_type(sub, &format!("{place}{}", naming::pascal(property)));
            let is_required = required.contains(property.as_str());
            // typify: optional arrays (unless `uniqueItems`) and maps become empty containers,
            // optional properties with a default keep their type, other optional ones become
            // `Option`.
            let keeps_type = is_required
                || (base.starts_with("Vec<") && !flag(sub, "uniqueItems"))
                || base.starts_with("Map<")
                || base.starts_with("Option<")
                || sub.get("default").is_some();
            let field = if keeps_type {
                base.clone()
            } else {
                format!("Option<{base}>")
            };
            (
                property.clone(),
                Field {
                    base,
                    field,
                    required: is_required,
                },
            )
        })
        .collect()
}

fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| document.pointer(pointer))
    {
        Some(target) => target,
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn optional_fields_are_options_unless_containers_or_defaulted() {
        let schema = json!({"type": "object", "required": ["a"], "properties": {
            "a": {"type": "integer"}, "b": {"type": "integer"},
            "c": {"type": "array", "items": {"type": "string"}},
            "d": {"type": "string", "default": ""}}});
        let SchemaKind::Struct(fields) = read_schema("T", &schema).kind else {
            panic!("a struct")
        };
        let types: Vec<&str> = fields.values().map(|f| f.field.as_str()).collect();
        assert_eq!(types, ["i64", "Option<i64>", "Vec<String>", "String"]);
    }
}
