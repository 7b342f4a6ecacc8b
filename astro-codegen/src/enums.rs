//! Open enums: every string enum of a document becomes a named schema (inline ones are lifted
//! into `components/schemas`) and is generated as an enum with an `Unknown(UnknownValue)` variant,
//! so a value the server adds later parses instead of failing the whole response.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};

use astro_spec::naming;
use astro_spec::operations::raw_operations;

/// One string enum of the document, after lifting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenEnum {
    /// The schema name under `components/schemas` (already `PascalCase`).
    pub name: String,
    /// The schema's description.
    pub description: Option<String>,
    /// The known values, in document order.
    pub values: Vec<String>,
}

/// Whether a schema is a plain string enum that can be opened.
pub fn is_string_enum(schema: &Value) -> bool {
    let Some(values) = schema.get("enum").and_then(Value::as_array) else {
        return false;
    };
    let typed_string = matches!(
        schema.get("type").and_then(Value::as_str),
        None | Some("string")
    );
    typed_string
        && !values.is_empty()
        && values.iter().all(Value::is_string)
        && !schema
            .get("nullable")
            .and_then(Value::as_bool)
            .unwrap_or(false)
}

/// Moves every inline string enum of the document into `components/schemas` under a name built
/// from where it stood (`Cluster` + `status` gives `ClusterStatus`; a query parameter `sorts` of
/// `ListWorkspaces` gives `ListWorkspacesSortsItem`), replacing it with a `$ref`. Returns every
/// string enum schema of the document afterwards.
pub fn lift_inline_enums(document: &mut Value) -> Vec<OpenEnum> {
    let mut lifted: Vec<(String, Value)> = Vec::new();
    let mut taken: BTreeSet<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();

    let mut lifter = Lifter {
        lifted: &mut lifted,
        taken: &mut taken,
    };
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            if !is_string_enum(schema) {
                lifter.walk(schema, &naming::pascal(name));
            }
        }
    }
    let operation_places: Vec<(String, String, String)> = raw_operations(document)
        .into_iter()
        .map(|(path, method, op)| {
            (
                path.to_string(),
                method.to_string(),
                op.get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    for (path, method, id) in operation_places {
        let op = &mut document["paths"][path.as_str()][method.as_str()];
        let op_name = naming::pascal(&id);
        if let Some(parameters) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            for parameter in parameters {
                let name = parameter
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                if let Some(schema) = parameter.get_mut("schema") {
                    lifter.place(schema, &format!("{op_name}{}", naming::pascal(&name)));
                }
            }
        }
        if let Some(schema) = op.pointer_mut("/requestBody/content/application~1json/schema") {
            lifter.place(schema, &format!("{op_name}Body"));
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (status, response) in responses.iter_mut() {
                if let Some(schema) = response.pointer_mut("/content/application~1json/schema") {
                    lifter.place(schema, &format!("{op_name}Response{status}"));
                }
            }
        }
    }

    let schemas = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut);
    let schemas = match schemas {
        Some(schemas) => schemas,
        None => {
            document["components"]["schemas"] = Value::Object(Map::new());
            document["components"]["schemas"].as_object_mut().unwrap()
        }
    };
    for (name, schema) in lifted {
        schemas.insert(name, schema);
    }
    schemas
        .iter()
        .filter(|(_, schema)| is_string_enum(schema))
        .map(|(name, schema)| OpenEnum {
            name: naming::pascal(name),
            description: schema
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            values: schema["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        })
        .collect()
}

struct Lifter<'a> {
    lifted: &'a mut Vec<(String, Value)>,
    taken: &'a mut BTreeSet<String>,
}

impl Lifter<'_> {
    /// Handles a schema standing at a named place: lifts it if it is an inline enum, or looks
    /// inside it otherwise.
    fn place(&mut self, schema: &mut Value, name: &str) {
        if schema.get("$ref").is_some() {
            return;
        }
        if is_string_enum(schema) {
            let unique = self.unique(name);
            let body = std::mem::replace(
                schema,
                json!({ "$ref": format!("#/components/schemas/{unique}") }),
            );
            self.lifted.push((unique, body));
        } else {
            self.walk(schema, name);
        }
    }

    /// Looks inside an object, array or combinator schema for inline enums.
    fn walk(&mut self, schema: &mut Value, name: &str) {
        if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            for (property, sub) in properties.iter_mut() {
                self.place(sub, &format!("{name}{}", naming::pascal(property)));
            }
        }
        if let Some(items) = schema.get_mut("items") {
            self.place(items, &format!("{name}Item"));
        }
        if let Some(values) = schema
            .get_mut("additionalProperties")
            .filter(|v| v.is_object())
        {
            self.place(values, &format!("{name}Value"));
        }
        for combinator in ["allOf", "oneOf", "anyOf"] {
            if let Some(members) = schema.get_mut(combinator).and_then(Value::as_array_mut) {
                for (index, member) in members.iter_mut().enumerate() {
                    self.place(member, &format!("{name}Variant{index}"));
                }
            }
        }
    }

    fn unique(&mut self, name: &str) -> String {
        let mut candidate = name.to_string();
        let mut counter = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{name}{counter}");
            counter += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

/// Rust variant names for an enum's values: `PascalCase`, made unique.
pub fn variant_names(values: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let mut name = naming::pascal(value);
            if name == "Unknown" {
                name = "UnknownValue".to_string();
            }
            if !seen.insert(name.clone()) {
                name = format!("{name}Value{index}");
                seen.insert(name.clone());
            }
            name
        })
        .collect()
}

/// The `enums` module of a generated crate: one `astro_api_core::open_enum!` invocation per enum.
pub fn render(enums: &[OpenEnum]) -> TokenStream {
    let items = enums.iter().map(|e| {
        let name = format_ident!("{}", e.name);
        let doc = e
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{}` values.", e.name));
        let variants = variant_names(&e.values)
            .into_iter()
            .map(|v| format_ident!("{}", v));
        let values = &e.values;
        quote! {
            ::astro_api_core::open_enum! {
                #[doc = #doc]
                pub enum #name { #( #variants = #values, )* }
            }
        }
    });
    quote! {
        /// Open enums: each accepts values this crate has never seen as `Unknown`, holding an opaque `UnknownValue`.
        pub mod enums {
            #( #items )*
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifts_property_item_and_parameter_enums() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {"operationId": "ListA", "parameters": [
                {"name": "sorts", "in": "query", "schema": {"type": "array", "items": {"type": "string", "enum": ["name:asc"]}}}
            ], "responses": {}}}},
            "components": {"schemas": {
                "Size": {"type": "string", "enum": ["SMALL", "LARGE"]},
                "Thing": {"type": "object", "properties": {
                    "status": {"type": "string", "enum": ["ON", "OFF"]},
                    "tags": {"type": "array", "items": {"type": "string", "enum": ["X"]}},
                    "size": {"$ref": "#/components/schemas/Size"}
                }},
                "ThingStatus": {"type": "object"}
            }}
        });
        let enums = lift_inline_enums(&mut doc);
        let names: BTreeSet<_> = enums.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            BTreeSet::from(["Size", "ThingStatus2", "ThingTagsItem", "ListASortsItem"])
        );
        assert_eq!(
            doc.pointer("/components/schemas/Thing/properties/status/$ref"),
            Some(&json!("#/components/schemas/ThingStatus2"))
        );
        assert_eq!(
            doc.pointer("/paths/~1a/get/parameters/0/schema/items/$ref"),
            Some(&json!("#/components/schemas/ListASortsItem"))
        );
    }

    #[test]
    fn variant_names_are_unique() {
        let values = vec!["a-b".to_string(), "A_B".to_string(), "Unknown".to_string()];
        assert_eq!(
            variant_names(&values),
            vec!["AB", "ABValue1", "UnknownValue"]
        );
    }
}
