//! The parts of a prepared document that decide the generated Rust API: operations with their
//! parameters, bodies and success responses, and schemas as structs, open enums or other types,
//! each with the Rust type typify gives it. Inline structs (an object with properties written in
//! place, or an inline request body) are schemas of their own, under typify's names.
//!
//! Everything here is read from the document *after* `astro_codegen::prepass::prepare`, because
//! that is what the generator sees: error responses are gone, response-only required strings and
//! arrays have defaults, and every string enum is a named schema.

use std::collections::{BTreeMap, BTreeSet};

use astro_spec::operations::raw_operations;
use astro_spec::{Document, naming};
use serde_json::{Map, Value, json};

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
    /// An open enum (`astro_runtime::open_enum!`): its known values.
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
    let kind = if is_open_enum(schema) {
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

/// Whether a schema is generated as an open enum (the same test the generator uses).
fn is_open_enum(schema: &Value) -> bool {
    let Some(values) = schema.get("enum").and_then(Value::as_array) else {
        return false;
    };
    matches!(
        schema.get("type").and_then(Value::as_str),
        None | Some("string")
    ) && !values.is_empty()
        && values.iter().all(Value::is_string)
        && !flag(schema, "nullable")
}

/// The Rust type typify gives a schema standing at `place` (the name it would give an inline
/// type there). Close enough to tell whether a change alters the generated type.
pub fn rust_type(schema: &Value, place: &str) -> String {
    if let Some(name) = ref_name(schema) {
        return naming::pascal(name);
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

fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
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
    }

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
