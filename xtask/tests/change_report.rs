//! The change report on pairs of small synthetic documents: one test per kind of change, each
//! checking the classification against what the generated code does.

use astro_spec::Document;
use serde_json::{Value, json};
use xtask::changes::{ApiReport, Change, Impact, Kind, Report, compare_documents};

/// A small API: a list of things, an update with a request body, and a shared enum.
fn base() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Demo API", "version": "v1", "description": "ZEBRA-INFO-TEXT"},
        "paths": {
            "/things": {"get": {
                "operationId": "ListThings",
                "summary": "ZEBRA-SUMMARY-TEXT",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "names", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}
                ],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingsPage"}}}},
                    "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
            }},
            "/things/{thingId}": {"post": {
                "operationId": "UpdateThing",
                "parameters": [{"name": "thingId", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UpdateThingRequest"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
            }}
        },
        "components": {"schemas": {
            "ThingsPage": {"type": "object", "required": ["things"], "properties": {
                "things": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}},
            "Thing": {"type": "object", "description": "ZEBRA-SCHEMA-TEXT", "required": ["id", "size"], "properties": {
                "id": {"type": "string"},
                "size": {"$ref": "#/components/schemas/Size"},
                "status": {"type": "string", "enum": ["ON", "OFF"]},
                "count": {"type": "integer", "description": "ZEBRA-PROPERTY-TEXT", "example": 3},
                "labels": {"type": "array", "items": {"type": "string"}}}},
            "Size": {"type": "string", "enum": ["SMALL", "LARGE"]},
            "Spelling": {"type": "string", "enum": ["x", "a-b", "A_B"]},
            "UpdateThingRequest": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"},
                "note": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}}}},
            "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
            "Box": {"type": "object", "properties": {
                "inside": {"type": "object", "properties": {"depth": {"type": "integer"}}},
                "parts": {"type": "array", "items": {"type": "object", "properties": {
                    "size": {"type": "number"}, "unit": {"type": "string"}}}}}}
        }}
    })
}

fn report(old: &Value, new: &Value) -> ApiReport {
    let bytes = |value: &Value| serde_json::to_vec(value).unwrap();
    let (old_bytes, new_bytes) = (bytes(old), bytes(new));
    let old_doc = Document::from_value(old.clone()).unwrap();
    let new_doc = Document::from_value(new.clone()).unwrap();
    compare_documents("demo", (&old_doc, &old_bytes), (&new_doc, &new_bytes))
}

/// The changes after applying `edit` to the base document.
fn changes(edit: impl FnOnce(&mut Value)) -> Vec<Change> {
    let old = base();
    let mut new = base();
    edit(&mut new);
    report(&old, &new).changes
}

/// The single change found, checked for impact, kind and item.
fn only(
    changes: &[Change],
    impact: Impact,
    kind: Kind,
    owner: &str,
    member: Option<&str>,
) -> Change {
    assert_eq!(changes.len(), 1, "expected one change, got {changes:#?}");
    let change = changes[0].clone();
    assert_eq!(
        (
            change.impact,
            change.kind,
            change.owner.as_str(),
            change.member.as_deref()
        ),
        (impact, kind, owner, member),
        "{change:#?}"
    );
    change
}

/// Adds `property` to the `required` list of the named schema.
fn require(document: &mut Value, schema: &str, property: &str) {
    document["components"]["schemas"][schema]["required"]
        .as_array_mut()
        .expect("the schema has a required list")
        .push(json!(property));
}

fn at<'a>(value: &'a mut Value, pointer: &str) -> &'a mut Value {
    value
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer}"))
}

#[test]
fn identical_documents_have_no_changes() {
    let report = Report {
        apis: vec![report(&base(), &base())],
    };
    assert!(report.is_empty());
    assert_eq!(
        report.verdict(),
        "verdict: no changes: 0 break compilation, 0 break at run time, 0 additive, 0 docs-only"
    );
}

#[test]
fn operations_added_and_removed() {
    let added = changes(|d| {
        d["paths"]["/other"] = json!({"delete": {"operationId": "DeleteOther", "responses": {"204": {"description": "gone"}}}});
    });
    only(
        &added,
        Impact::Additive,
        Kind::OperationAdded,
        "DeleteOther",
        None,
    );
    let removed = changes(|d| {
        d["paths"]
            .as_object_mut()
            .unwrap()
            .remove("/things/{thingId}");
        d["components"]["schemas"]
            .as_object_mut()
            .unwrap()
            .remove("UpdateThingRequest");
    });
    assert_eq!(removed[0].kind, Kind::OperationRemoved);
    assert_eq!(removed[0].impact, Impact::Compile);
    assert!(removed.iter().any(|c| c.kind == Kind::SchemaRemoved
        && c.owner == "UpdateThingRequest"
        && c.impact == Impact::Compile));
}

#[test]
fn method_and_path_changes_keep_the_client_method() {
    let moved = changes(|d| {
        let op = d["paths"]
            .as_object_mut()
            .unwrap()
            .remove("/things/{thingId}")
            .unwrap();
        d["paths"]["/things/{thingId}"] = json!({"put": op["post"].clone()});
    });
    let change = only(
        &moved,
        Impact::Additive,
        Kind::OperationMoved,
        "UpdateThing",
        None,
    );
    assert_eq!(change.detail, "POST -> PUT");
}

#[test]
fn parameters_added_removed_retyped_and_made_required() {
    let optional = changes(|d| {
        at(d, "/paths/~1things/get/parameters")
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "q", "in": "query", "schema": {"type": "string"}}));
    });
    only(
        &optional,
        Impact::Additive,
        Kind::ParameterAdded,
        "ListThings",
        Some("q"),
    );
    let required = changes(|d| {
        at(d, "/paths/~1things/get/parameters")
            .as_array_mut()
            .unwrap()
            .push(
                json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string"}}),
            );
    });
    only(
        &required,
        Impact::Runtime,
        Kind::ParameterAdded,
        "ListThings",
        Some("q"),
    );
    let removed = changes(|d| {
        at(d, "/paths/~1things/get/parameters")
            .as_array_mut()
            .unwrap()
            .remove(0);
    });
    only(
        &removed,
        Impact::Compile,
        Kind::ParameterRemoved,
        "ListThings",
        Some("limit"),
    );
    let retyped =
        changes(|d| *at(d, "/paths/~1things/get/parameters/0/schema") = json!({"type": "string"}));
    let change = only(
        &retyped,
        Impact::Compile,
        Kind::ParameterTypeChanged,
        "ListThings",
        Some("limit"),
    );
    assert_eq!(change.detail, "i64 -> String");
    let now_required =
        changes(|d| at(d, "/paths/~1things/get/parameters/1")["required"] = json!(true));
    only(
        &now_required,
        Impact::Runtime,
        Kind::ParameterRequiredChanged,
        "ListThings",
        Some("names"),
    );
}

#[test]
fn request_bodies_and_responses() {
    let removed = changes(|d| {
        at(d, "/paths/~1things~1{thingId}/post")
            .as_object_mut()
            .unwrap()
            .remove("requestBody");
    });
    only(
        &removed,
        Impact::Compile,
        Kind::RequestBodyRemoved,
        "UpdateThing",
        None,
    );
    let optional =
        changes(|d| *at(d, "/paths/~1things~1{thingId}/post/requestBody/required") = json!(false));
    only(
        &optional,
        Impact::Additive,
        Kind::RequestBodyRequiredChanged,
        "UpdateThing",
        None,
    );
    let retyped = changes(|d| {
        *at(
            d,
            "/paths/~1things~1{thingId}/post/requestBody/content/application~1json/schema/$ref",
        ) = json!("#/components/schemas/Thing");
    });
    assert!(
        retyped
            .iter()
            .any(|c| c.kind == Kind::RequestBodyTypeChanged
                && c.impact == Impact::Compile
                && c.detail == "UpdateThingRequest -> Thing")
    );
    let response = changes(|d| {
        *at(
            d,
            "/paths/~1things~1{thingId}/post/responses/200/content/application~1json/schema",
        ) = json!({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}});
    });
    let change = only(
        &response,
        Impact::Compile,
        Kind::ResponseTypeChanged,
        "UpdateThing",
        None,
    );
    assert_eq!(change.detail, "Thing -> Vec<Thing>");
    let status = changes(|d| {
        let responses = at(d, "/paths/~1things~1{thingId}/post/responses")
            .as_object_mut()
            .unwrap();
        let ok = responses.remove("200").unwrap();
        responses.insert("201".into(), ok);
    });
    only(
        &status,
        Impact::Additive,
        Kind::ResponseStatusChanged,
        "UpdateThing",
        None,
    );
}

#[test]
fn error_responses_do_not_matter_to_the_generated_code() {
    let none = changes(|d| {
        at(d, "/paths/~1things/get/responses")
            .as_object_mut()
            .unwrap()
            .remove("400");
    });
    assert!(none.is_empty(), "{none:#?}");
}

#[test]
fn schemas_added_removed_and_retyped() {
    let added = changes(|d| {
        d["components"]["schemas"]["Extra"] =
            json!({"type": "object", "properties": {"a": {"type": "string"}}})
    });
    only(&added, Impact::Additive, Kind::SchemaAdded, "Extra", None);
    let removed = changes(|d| {
        d["components"]["schemas"]
            .as_object_mut()
            .unwrap()
            .remove("Error");
        at(d, "/paths/~1things/get/responses")
            .as_object_mut()
            .unwrap()
            .remove("400");
    });
    only(
        &removed,
        Impact::Compile,
        Kind::SchemaRemoved,
        "Error",
        None,
    );
    let retyped =
        changes(|d| d["components"]["schemas"]["Error"] = json!({"type": "string", "enum": ["X"]}));
    let change = only(
        &retyped,
        Impact::Compile,
        Kind::SchemaTypeChanged,
        "Error",
        None,
    );
    assert_eq!(change.detail, "struct -> enum");
}

#[test]
fn properties_of_response_types() {
    let optional = changes(|d| {
        d["components"]["schemas"]["Thing"]["properties"]["extra"] = json!({"type": "boolean"})
    });
    let change = only(
        &optional,
        Impact::Additive,
        Kind::PropertyAdded,
        "Thing",
        Some("extra"),
    );
    assert_eq!(change.detail, "Option<bool>, optional");
    // A new required string of a response-only type gets an empty default: decoding is fine.
    let required_string = changes(|d| {
        d["components"]["schemas"]["Thing"]["properties"]["kind"] = json!({"type": "string"});
        require(d, "Thing", "kind");
    });
    let change = only(
        &required_string,
        Impact::Additive,
        Kind::PropertyAdded,
        "Thing",
        Some("kind"),
    );
    assert_eq!(change.detail, "String, optional");
    // A new required integer has no default: responses without it fail to decode.
    let required_integer = changes(|d| {
        d["components"]["schemas"]["Thing"]["properties"]["total"] =
            json!({"type": "integer", "format": "int32"});
        require(d, "Thing", "total");
    });
    let change = only(
        &required_integer,
        Impact::Runtime,
        Kind::PropertyAdded,
        "Thing",
        Some("total"),
    );
    assert_eq!(change.detail, "i32, required");
    let removed = changes(|d| {
        d["components"]["schemas"]["Thing"]["properties"]
            .as_object_mut()
            .unwrap()
            .remove("labels");
    });
    only(
        &removed,
        Impact::Compile,
        Kind::PropertyRemoved,
        "Thing",
        Some("labels"),
    );
    let retyped = changes(|d| {
        d["components"]["schemas"]["Thing"]["properties"]["count"]["format"] = json!("int32")
    });
    let change = only(
        &retyped,
        Impact::Compile,
        Kind::PropertyTypeChanged,
        "Thing",
        Some("count"),
    );
    assert_eq!(change.detail, "Option<i64> -> Option<i32>");
    let now_required = changes(|d| {
        require(d, "Thing", "count");
    });
    let change = only(
        &now_required,
        Impact::Compile,
        Kind::PropertyRequiredChanged,
        "Thing",
        Some("count"),
    );
    assert_eq!(change.detail, "optional -> required, Option<i64> -> i64");
    // An optional response string that becomes required gets an empty default: it decodes
    // when absent, but the field turns from `Option<String>` into `String`.
    let mut old = base();
    old["components"]["schemas"]["Thing"]["properties"]["nickname"] = json!({"type": "string"});
    let mut new = old.clone();
    require(&mut new, "Thing", "nickname");
    let change = only(
        &report(&old, &new).changes,
        Impact::Compile,
        Kind::PropertyTypeChanged,
        "Thing",
        Some("nickname"),
    );
    assert_eq!(change.detail, "Option<String> -> String");
    // A response array that becomes required keeps its type (`Vec`, empty by default).
    let array_required = changes(|d| {
        require(d, "Thing", "labels");
    });
    assert!(array_required.is_empty(), "{array_required:#?}");
}

#[test]
fn properties_of_request_types() {
    let added = changes(|d| {
        d["components"]["schemas"]["UpdateThingRequest"]["properties"]["extra"] =
            json!({"type": "boolean"})
    });
    only(
        &added,
        Impact::Compile,
        Kind::PropertyAdded,
        "UpdateThingRequest",
        Some("extra"),
    );
    let note_required = changes(|d| {
        require(d, "UpdateThingRequest", "note");
    });
    only(
        &note_required,
        Impact::Compile,
        Kind::PropertyRequiredChanged,
        "UpdateThingRequest",
        Some("note"),
    );
    let tags_required = changes(|d| {
        require(d, "UpdateThingRequest", "tags");
    });
    let change = only(
        &tags_required,
        Impact::Runtime,
        Kind::PropertyRequiredChanged,
        "UpdateThingRequest",
        Some("tags"),
    );
    assert_eq!(change.detail, "optional -> required");
    let limited = changes(|d| {
        d["components"]["schemas"]["UpdateThingRequest"]["properties"]["name"]["maxLength"] =
            json!(10)
    });
    let change = only(
        &limited,
        Impact::Compile,
        Kind::PropertyTypeChanged,
        "UpdateThingRequest",
        Some("name"),
    );
    assert_eq!(change.detail, "String -> UpdateThingRequestName");
}

#[test]
fn enum_values_added_removed_and_variants_renamed() {
    let added = changes(|d| {
        d["components"]["schemas"]["Size"]["enum"]
            .as_array_mut()
            .unwrap()
            .push(json!("HUGE"))
    });
    let change = only(
        &added,
        Impact::Additive,
        Kind::EnumValueAdded,
        "Size",
        Some("HUGE"),
    );
    assert_eq!(change.detail, "Huge");
    let removed = changes(|d| {
        d["components"]["schemas"]["Size"]["enum"]
            .as_array_mut()
            .unwrap()
            .remove(0);
    });
    only(
        &removed,
        Impact::Compile,
        Kind::EnumValueRemoved,
        "Size",
        Some("SMALL"),
    );
    // `a-b` and `A_B` both spell `AB`, so `A_B` is `ABValue2` (suffixed with its index):
    // removing a value before it renames its variant.
    let shifted = changes(|d| {
        d["components"]["schemas"]["Spelling"]["enum"]
            .as_array_mut()
            .unwrap()
            .remove(0);
    });
    assert_eq!(shifted.len(), 2, "{shifted:#?}");
    let change = shifted
        .iter()
        .find(|c| c.kind == Kind::EnumVariantRenamed)
        .unwrap();
    assert_eq!(
        (
            change.member.as_deref(),
            change.detail.as_str(),
            change.impact
        ),
        (Some("A_B"), "ABValue2 -> ABValue1", Impact::Compile)
    );
    let unsuffixed = changes(|d| {
        d["components"]["schemas"]["Spelling"]["enum"]
            .as_array_mut()
            .unwrap()
            .remove(1);
    });
    assert!(
        unsuffixed
            .iter()
            .any(|c| c.kind == Kind::EnumVariantRenamed && c.detail == "ABValue2 -> AB"),
        "{unsuffixed:#?}"
    );
}

#[test]
fn inline_enums_are_compared_as_the_named_types_they_become() {
    let added = changes(|d| {
        d["components"]["schemas"]["Thing"]["properties"]["status"]["enum"]
            .as_array_mut()
            .unwrap()
            .push(json!("BROKEN"))
    });
    only(
        &added,
        Impact::Additive,
        Kind::EnumValueAdded,
        "ThingStatus",
        Some("BROKEN"),
    );
    // Renaming the parent renames the lifted enum type too.
    let renamed = changes(|d| {
        let schemas = d["components"]["schemas"].as_object_mut().unwrap();
        let thing = schemas.remove("Thing").unwrap();
        schemas.insert("Item".into(), thing);
        let text = serde_json::to_string(d).unwrap().replace(
            "#/components/schemas/Thing\"",
            "#/components/schemas/Item\"",
        );
        *d = serde_json::from_str(&text).unwrap();
    });
    for (owner, detail) in [
        ("Thing", "Thing -> Item"),
        ("ThingStatus", "ThingStatus -> ItemStatus"),
    ] {
        assert!(
            renamed.iter().any(|c| c.kind == Kind::SchemaRenamed
                && c.impact == Impact::Compile
                && c.owner == owner
                && c.detail == detail),
            "{owner}: {renamed:#?}"
        );
    }
    assert!(
        !renamed
            .iter()
            .any(|c| matches!(c.kind, Kind::SchemaAdded | Kind::SchemaRemoved)),
        "{renamed:#?}"
    );
    assert!(renamed.iter().any(|c| c.kind == Kind::ResponseTypeChanged
        && c.owner == "UpdateThing"
        && c.detail == "Thing -> Item"));
}

#[test]
fn documentation_only_changes() {
    let docs = changes(|d| {
        d["components"]["schemas"]["Thing"]["description"] = json!("other");
        d["components"]["schemas"]["Thing"]["properties"]["count"]["example"] = json!(4);
        at(d, "/paths/~1things/get")["summary"] = json!("other");
        d["info"]["description"] = json!("other");
    });
    assert_eq!(docs.len(), 3, "{docs:#?}");
    assert!(
        docs.iter()
            .all(|c| c.kind == Kind::DocsChanged && c.impact == Impact::Docs)
    );
    let thing = docs.iter().find(|c| c.owner == "Thing").unwrap();
    assert_eq!(thing.detail, "2 documentation fields");
    // A property called `description` is data, not documentation.
    let data = changes(|d| {
        d["components"]["schemas"]["Thing"]["properties"]["description"] = json!({"type": "string"})
    });
    only(
        &data,
        Impact::Additive,
        Kind::PropertyAdded,
        "Thing",
        Some("description"),
    );
}

#[test]
fn inline_structs_are_compared_as_the_types_typify_names() {
    let nested = changes(|d| {
        d["components"]["schemas"]["Box"]["properties"]["inside"]["properties"]["width"] =
            json!({"type": "integer"})
    });
    let change = only(
        &nested,
        Impact::Additive,
        Kind::PropertyAdded,
        "BoxInside",
        Some("width"),
    );
    assert_eq!(change.detail, "Option<i64>, optional");
    let item = changes(|d| {
        d["components"]["schemas"]["Box"]["properties"]["parts"]["items"]["properties"]
            .as_object_mut()
            .unwrap()
            .remove("size");
    });
    only(
        &item,
        Impact::Compile,
        Kind::PropertyRemoved,
        "BoxPartsItem",
        Some("size"),
    );
    let docs = changes(|d| {
        d["components"]["schemas"]["Box"]["properties"]["inside"]["properties"]["depth"]["description"] =
            json!("d")
    });
    only(&docs, Impact::Docs, Kind::DocsChanged, "BoxInside", None);
    // An inline request body is the struct `<Operation>Body`, built by users.
    let body = changes(|d| {
        *at(
            d,
            "/paths/~1things~1{thingId}/post/requestBody/content/application~1json/schema",
        ) = json!({"type": "object", "properties": {"name": {"type": "string"}}});
    });
    assert!(
        body.iter().any(|c| c.kind == Kind::RequestBodyTypeChanged
            && c.detail == "UpdateThingRequest -> UpdateThingBody"),
        "{body:#?}"
    );
    assert!(
        body.iter()
            .any(|c| c.kind == Kind::SchemaAdded && c.owner == "UpdateThingBody"),
        "{body:#?}"
    );
    let mut old = base();
    *at(
        &mut old,
        "/paths/~1things~1{thingId}/post/requestBody/content/application~1json/schema",
    ) = json!({"type": "object", "properties": {"name": {"type": "string"}}});
    let mut new = old.clone();
    at(
        &mut new,
        "/paths/~1things~1{thingId}/post/requestBody/content/application~1json/schema/properties",
    )["extra"] = json!({"type": "boolean"});
    only(
        &report(&old, &new).changes,
        Impact::Compile,
        Kind::PropertyAdded,
        "UpdateThingBody",
        Some("extra"),
    );
}

#[test]
fn pagination_as_the_facade_derives_it() {
    // ListThings becomes an offset/limit list: the facade pages it.
    let paged = |d: &mut Value| {
        at(d, "/paths/~1things/get/parameters")
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "offset", "in": "query", "schema": {"type": "integer"}}));
        let page = &mut d["components"]["schemas"]["ThingsPage"];
        for name in ["offset", "limit", "totalCount"] {
            page["properties"][name] = json!({"type": "integer"});
        }
    };
    let gained = changes(paged);
    let change = gained
        .iter()
        .find(|c| c.kind == Kind::PaginationAdded)
        .expect("pagination added");
    assert_eq!(
        (change.impact, change.owner.as_str(), change.detail.as_str()),
        (Impact::Additive, "ListThings", "things: Vec<Thing>")
    );
    let mut old = base();
    paged(&mut old);
    let mut new = old.clone();
    new["components"]["schemas"]["ThingsPage"]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("totalCount");
    let lost = report(&old, &new).changes;
    assert!(
        lost.iter().any(|c| c.kind == Kind::PaginationRemoved
            && c.impact == Impact::Compile
            && c.owner == "ListThings"),
        "{lost:#?}"
    );
    // Operation changes come before schema changes.
    assert!(lost.first().unwrap().kind.is_operation(), "{lost:#?}");
}

#[test]
fn limits_without_a_type_change_are_reported_as_other_changes() {
    let limited =
        changes(|d| at(d, "/paths/~1things/get/parameters/0/schema")["maximum"] = json!(100));
    only(
        &limited,
        Impact::Runtime,
        Kind::OtherChanged,
        "ListThings",
        None,
    );
}

#[test]
fn the_report_has_counts_a_verdict_and_no_document_text() {
    let mut new = base();
    new["components"]["schemas"]["Size"]["enum"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    new["components"]["schemas"]["Thing"]["properties"]["extra"] =
        json!({"type": "boolean", "description": "ZEBRA-NEW-TEXT"});
    new["components"]["schemas"]["Thing"]["description"] = json!("ZEBRA-CHANGED-TEXT");
    let report = Report {
        apis: vec![report(&base(), &new)],
    };
    let text = report.text();
    assert!(text.ends_with("verdict: BREAKING (compilation): 1 break compilation, 0 break at run time, 1 additive, 1 docs-only\n"), "{text}");
    assert!(
        text.contains(
            "schemas: 0 added, 0 removed, 2 changed; enum values: 0 added, 1 removed; docs-only: 1"
        ),
        "{text}"
    );
    let markdown = report.markdown("2030-01-02");
    assert!(
        markdown.starts_with("## 2030-01-02: BREAKING (compilation)\n"),
        "{markdown}"
    );
    assert!(markdown.contains(&format!("- new sha256: `{}`", report.apis[0].new.sha256)));
    for output in [&text, &markdown] {
        assert!(!output.contains("ZEBRA"), "document text leaked: {output}");
    }
}
