//! The pre-pass: rewrites a document before progenitor sees it, so that the generated client
//! accepts what the real service sends. Each step is a small function over the JSON value.
//!
//! 1. [`open_objects`]: drop `additionalProperties: false`, so new server fields never fail a
//!    response (typify would emit `deny_unknown_fields`).
//! 2. [`keep_success_responses`]: drop every non-2xx response, so that progenitor hands every
//!    error back as `Error::UnexpectedResponse` with its status, headers and body intact (a
//!    declared JSON error whose body is `text/plain` would otherwise lose its status). The
//!    runtime crate reads those bodies into one error type.
//! 3. [`relax_absent_scalars`]: in schemas that only appear in responses, a required string
//!    (without a format) or array gets an empty default instead, so a field the service omits
//!    (Deployment `imageTag`) decodes to `""` or `[]` rather than failing the whole response.
//! 4. [`optional_response_fields`]: in those schemas, every other required property (boolean,
//!    number, enum, date-time, object) is made optional, so it is `Option<T>` and decodes to
//!    `None` when absent: a field a newer document adds as required must not make the responses
//!    of a service that does not send it yet undecodable, and no value such as `false` or `0`
//!    could stand for "not sent" without lying. The page envelope the pager reads (`offset`,
//!    `limit`, `totalCount` of a list response) stays required.
//! 5. [`close_request_alternatives`]: a request-only schema that is one alternative of a
//!    `oneOf`/`anyOf` refuses unknown properties, so that the generated untagged enum picks the
//!    alternative whose fields a JSON value actually has, instead of the first one whose required
//!    fields are present (which would silently drop the rest).
//! 6. [`optional_request_collections`]: an optional array or free-form map property of a schema
//!    that requests use is made nullable, so it is generated as `Option<Vec<T>>` or
//!    `Option<Map>`: `None` leaves it out of the request, and `Some(vec![])` sends `[]` (`{}` for
//!    a map). (A plain `Vec` or map would leave an empty one out, and for an update that
//!    replaces a set, absent and empty mean different things.)
//! 7. [`crate::enums::lift_inline_enums`]: every string enum becomes a named schema, generated
//!    as an open enum.
//! 7. [`crate::secrets::mark`]: the properties the pin lists as secret fields are generated as
//!    `astro_api_core::SecretString`.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::enums::{self, OpenEnum};
use crate::secrets;
use astro_spec::SecretFields;
use astro_spec::document::Document;
use astro_spec::operations::raw_operations;

/// A document after the pre-pass, with the enums to generate as open enums.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The rewritten document.
    pub document: Value,
    /// Every string enum, now a named schema.
    pub enums: Vec<OpenEnum>,
}

/// Runs every step of the pre-pass, with the secret fields of the document's pin.
pub fn prepare(document: &Document, secret_fields: &SecretFields) -> Prepared {
    let mut value = document.value().clone();
    open_objects(&mut value);
    keep_success_responses(&mut value);
    relax_absent_scalars(&mut value);
    optional_response_fields(&mut value, &page_schemas(document));
    close_request_alternatives(&mut value);
    optional_request_collections(&mut value);
    let enums = enums::lift_inline_enums(&mut value);
    secrets::mark(&mut value, secret_fields);
    Prepared {
        document: value,
        enums,
    }
}

/// Removes every `additionalProperties: false`.
pub fn open_objects(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.remove("additionalProperties");
            }
            map.values_mut().for_each(open_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(open_objects),
        _ => {}
    }
}

/// Removes every response whose status is not 2xx (including `default`, `4XX` and `5XX`).
pub fn keep_success_responses(value: &mut Value) {
    let places: Vec<(String, String)> = raw_operations(value)
        .into_iter()
        .map(|(path, method, _)| (path.to_string(), method.to_string()))
        .collect();
    for (path, method) in places {
        if let Some(responses) = value["paths"][path.as_str()][method.as_str()]
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        {
            responses.retain(|status, _| status.starts_with('2'));
        }
    }
}

/// The component schemas reachable from success responses, and those reachable from requests.
fn schema_sides(value: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut from_responses = Vec::new();
    let mut from_requests = Vec::new();
    for (_, _, op) in raw_operations(value) {
        if let Some(responses) = op.get("responses").and_then(Value::as_object) {
            for (status, response) in responses {
                if status.starts_with('2') {
                    from_responses.push(response.clone());
                }
            }
        }
        from_requests.extend(op.get("requestBody").cloned());
        from_requests.extend(op.get("parameters").cloned());
    }
    (
        Document::reachable_schemas(value, &from_responses),
        Document::reachable_schemas(value, &from_requests),
    )
}

/// Makes request-only alternatives of a `oneOf`/`anyOf` refuse unknown properties (see the
/// module docs). Schemas a response can contain are left open.
pub fn close_request_alternatives(value: &mut Value) {
    let (response_side, request_side) = schema_sides(value);
    let Some(schemas) = value
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let alternatives: BTreeSet<String> = schemas
        .values()
        .flat_map(|schema| {
            ["oneOf", "anyOf"]
                .into_iter()
                .filter_map(|key| schema.get(key).and_then(Value::as_array))
                .flatten()
                .filter_map(|member| member.get("$ref").and_then(Value::as_str))
                .filter_map(|r| r.strip_prefix("#/components/schemas/"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    for name in alternatives {
        let request_only = request_side.contains(&name) && !response_side.contains(&name);
        if request_only
            && let Some(schema) = schemas
                .get_mut(&name)
                .filter(|s| s.get("properties").is_some())
        {
            schema["additionalProperties"] = Value::Bool(false);
        }
    }
}

/// Makes the optional array and free-form map properties of request-side schemas nullable (see
/// the module docs).
pub fn optional_request_collections(value: &mut Value) {
    let (_, request_side) = schema_sides(value);
    let Some(schemas) = value
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for name in &request_side {
        let Some(schema) = schemas.get_mut(name) else {
            continue;
        };
        let required: BTreeSet<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (property, sub) in properties.iter_mut() {
            if is_collection(sub) && !required.contains(property) {
                sub["nullable"] = Value::Bool(true);
            }
        }
    }
}

/// Whether an inline schema is an array, or an object whose only members are free-form
/// (`additionalProperties`, no `properties`): the kinds generated as a collection that
/// serialises nothing when empty.
fn is_collection(schema: &Value) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => true,
        Some("object") => {
            schema.get("properties").is_none()
                && schema
                    .get("additionalProperties")
                    .is_some_and(|extra| extra.is_object() || extra == &Value::Bool(true))
        }
        _ => false,
    }
}

/// Gives response-only required strings and arrays an empty default (see the module docs).
pub fn relax_absent_scalars(value: &mut Value) {
    let (response_side, request_side) = schema_sides(value);
    let Some(schemas) = value
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for name in response_side.difference(&request_side) {
        let Some(schema) = schemas.get_mut(name) else {
            continue;
        };
        let Some(required) = schema.get("required").and_then(Value::as_array).cloned() else {
            continue;
        };
        let mut still_required = Vec::new();
        for field in required {
            let Some(field_name) = field.as_str() else {
                continue;
            };
            let property = schema
                .get_mut("properties")
                .and_then(|p| p.get_mut(field_name));
            let empty = property.as_ref().and_then(|p| empty_default(p));
            match (property, empty) {
                (Some(property), Some(default)) => property["default"] = default,
                _ => still_required.push(field),
            }
        }
        schema["required"] = Value::Array(still_required);
    }
}

/// The fields of a page envelope that the pager reads: they stay required.
const PAGE_FIELDS: [&str; 3] = ["offset", "limit", "totalCount"];

/// The response schemas of the document's offset/limit list operations.
pub fn page_schemas(document: &Document) -> BTreeSet<String> {
    document
        .operations()
        .into_iter()
        .filter_map(|operation| operation.pagination)
        .map(|pagination| pagination.page_schema)
        .collect()
}

/// Makes every property of a response-only schema that is still required after
/// [`relax_absent_scalars`] optional, except the `PAGE_FIELDS` of `page_schemas` (see the
/// module docs).
pub fn optional_response_fields(value: &mut Value, page_schemas: &BTreeSet<String>) {
    let (response_side, request_side) = schema_sides(value);
    let Some(schemas) = value
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for name in response_side.difference(&request_side) {
        let Some(required) = schemas
            .get_mut(name)
            .and_then(|schema| schema.get_mut("required"))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        required.retain(|field| {
            page_schemas.contains(name) && field.as_str().is_some_and(|f| PAGE_FIELDS.contains(&f))
        });
    }
}

/// The empty value a required-but-absent property decodes to, for the kinds that have one.
fn empty_default(property: &Value) -> Option<Value> {
    if property.get("$ref").is_some() || property.get("enum").is_some() {
        return None;
    }
    match property.get("type").and_then(Value::as_str) {
        Some("string") if property.get("format").is_none() => Some(json!("")),
        Some("array") => Some(json!([])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"post": {"operationId": "CreateA",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                "responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Res"}}}},
                    "403": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "5XX": {"description": "x"}, "default": {"description": "x"}
                }}}},
            "components": {"schemas": {
                "Req": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
                "Res": {"type": "object", "additionalProperties": false,
                        "required": ["id", "imageTag", "tags", "createdAt", "count"],
                        "properties": {"id": {"type": "string"}, "imageTag": {"type": "string"},
                                       "tags": {"type": "array", "items": {"type": "string"}},
                                       "createdAt": {"type": "string", "format": "date-time"},
                                       "count": {"type": "integer"}}},
                "Error": {"type": "object"}
            }}
        })
    }

    #[test]
    fn drops_error_responses_and_closed_objects() {
        let mut value = doc();
        open_objects(&mut value);
        keep_success_responses(&mut value);
        let responses = value.pointer("/paths/~1a/post/responses").unwrap();
        assert_eq!(
            responses.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["200"]
        );
        assert!(
            value
                .pointer("/components/schemas/Res/additionalProperties")
                .is_none()
        );
    }

    #[test]
    fn closes_only_request_alternatives() {
        let mut value = doc();
        value["components"]["schemas"]["Union"] = json!({"oneOf": [
            {"$ref": "#/components/schemas/Req"}, {"$ref": "#/components/schemas/Res"}
        ]});
        value["components"]["schemas"]["Req"]["description"] = json!("used by a request");
        value["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
            json!({"$ref": "#/components/schemas/Union"});
        open_objects(&mut value);
        close_request_alternatives(&mut value);
        assert_eq!(
            value.pointer("/components/schemas/Req/additionalProperties"),
            Some(&json!(false))
        );
        assert!(
            value
                .pointer("/components/schemas/Res/additionalProperties")
                .is_none()
        );
    }

    #[test]
    fn optional_request_collections_become_nullable() {
        let mut value = doc();
        value["components"]["schemas"]["Req"]["properties"]["tags"] =
            json!({"type": "array", "items": {"type": "string"}});
        value["components"]["schemas"]["Req"]["properties"]["extra"] =
            json!({"type": "object", "additionalProperties": {"type": "string"}});
        value["components"]["schemas"]["Req"]["properties"]["ids"] =
            json!({"type": "array", "items": {"type": "string"}});
        value["components"]["schemas"]["Req"]["required"] = json!(["name", "ids"]);
        optional_request_collections(&mut value);
        let req = value.pointer("/components/schemas/Req/properties").unwrap();
        assert_eq!(req["tags"]["nullable"], json!(true));
        assert!(
            req["ids"].get("nullable").is_none(),
            "required arrays stay as they are"
        );
        let res = value
            .pointer("/components/schemas/Res/properties/tags")
            .unwrap();
        assert!(
            res.get("nullable").is_none(),
            "response-only schemas are left alone"
        );
    }

    #[test]
    fn other_required_response_fields_become_optional_except_the_page_envelope() {
        let mut value = doc();
        value["components"]["schemas"]["Page"] = json!({"type": "object",
            "required": ["offset", "limit", "totalCount", "flag"],
            "properties": {"offset": {"type": "integer"}, "limit": {"type": "integer"},
                           "totalCount": {"type": "integer"}, "flag": {"type": "boolean"}}});
        value["paths"]["/a"]["get"] = json!({"operationId": "ListA", "responses": {"200": {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}}});
        relax_absent_scalars(&mut value);
        optional_response_fields(&mut value, &BTreeSet::from(["Page".to_string()]));
        let schemas = value.pointer("/components/schemas").unwrap();
        assert_eq!(schemas["Res"]["required"], json!([]));
        assert_eq!(
            schemas["Page"]["required"],
            json!(["offset", "limit", "totalCount"])
        );
        assert_eq!(schemas["Req"]["required"], json!(["name"]));
    }

    #[test]
    fn page_schemas_are_the_list_responses() {
        let document = Document::from_value(json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/things": {"get": {"operationId": "ListThings",
                "parameters": [
                    {"name": "offset", "in": "query", "schema": {"type": "integer"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ThingsPage"}}}}}}}},
            "components": {"schemas": {"ThingsPage": {"type": "object",
                "required": ["offset", "limit", "totalCount", "things"],
                "properties": {"offset": {"type": "integer"}, "limit": {"type": "integer"},
                    "totalCount": {"type": "integer"},
                    "things": {"type": "array", "items": {"type": "string"}}}}}}
        }))
        .unwrap();
        assert_eq!(
            page_schemas(&document),
            BTreeSet::from(["ThingsPage".to_string()])
        );
    }

    #[test]
    fn relaxes_only_response_scalars() {
        let mut value = doc();
        relax_absent_scalars(&mut value);
        let res = value.pointer("/components/schemas/Res").unwrap();
        assert_eq!(res["required"], json!(["createdAt", "count"]));
        assert_eq!(res["properties"]["imageTag"]["default"], json!(""));
        assert_eq!(res["properties"]["tags"]["default"], json!([]));
        assert_eq!(
            value.pointer("/components/schemas/Req/required"),
            Some(&json!(["name"]))
        );
    }
}
