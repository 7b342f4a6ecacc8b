//! The change report on pairs of small synthetic documents: a table with one case per kind of
//! change, each checking the classification against what the generated code (and the facade's
//! method names) do.

use astro_spec::{Document, SecretFields};
use serde_json::{Value, json};
use xtask::changes::{ApiReport, Impact, Kind, Report, compare_documents};

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
    let none = SecretFields::default();
    compare_documents(
        "demo",
        (&old_doc, &old_bytes, &none),
        (&new_doc, &new_bytes, &none),
    )
}

/// One expected change: impact, kind, owner, member, and the detail when it matters.
type Row = (
    Impact,
    Kind,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

/// `UpdateThingRequest.tags` losing its `Option`: an optional request array is
/// `Option<Vec<_>>` (so that `[]` can be sent), a required one, or one no request uses any more,
/// a plain `Vec<_>`.
const TAGS_NO_LONGER_OPTIONAL: Row = (
    Impact::Compile,
    Kind::PropertyTypeChanged,
    "UpdateThingRequest",
    Some("tags"),
    Some("Option<Vec<String>> -> Vec<String>"),
);

/// An edit of a document.
type Edit = fn(&mut Value);

/// One case of the table: the base document (edited by `old`, if given) against a copy edited
/// by `new`, and what the report must say.
struct Case {
    name: &'static str,
    old: Option<Edit>,
    new: Edit,
    /// How many changes there are, when that is checked.
    count: Option<usize>,
    /// Changes that must be there.
    expect: Vec<Row>,
    /// Kinds that must not appear.
    absent: Vec<Kind>,
}

/// A case whose old side is the base document.
fn case(name: &'static str, new: Edit) -> Case {
    Case {
        name,
        old: None,
        new,
        count: None,
        expect: Vec::new(),
        absent: Vec::new(),
    }
}

impl Case {
    /// Starts both sides from the base document edited by `edit`.
    fn from(mut self, edit: Edit) -> Self {
        self.old = Some(edit);
        self
    }
    /// Exactly this one change.
    fn only(self, row: Row) -> Self {
        self.count(1).has(row)
    }
    /// No change at all.
    fn none(self) -> Self {
        self.count(0)
    }
    fn count(mut self, count: usize) -> Self {
        self.count = Some(count);
        self
    }
    /// This change, among others.
    fn has(mut self, row: Row) -> Self {
        self.expect.push(row);
        self
    }
    /// No change of this kind.
    fn without(mut self, kind: Kind) -> Self {
        self.absent.push(kind);
        self
    }
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

/// The properties of a component schema.
fn props<'a>(d: &'a mut Value, schema: &str) -> &'a mut Value {
    &mut d["components"]["schemas"][schema]["properties"]
}

/// Removes a key from an object.
fn remove(value: &mut Value, key: &str) {
    value.as_object_mut().unwrap().remove(key);
}

/// The values of an enum schema.
fn values<'a>(d: &'a mut Value, schema: &str) -> &'a mut Vec<Value> {
    d["components"]["schemas"][schema]["enum"]
        .as_array_mut()
        .unwrap()
}

/// The parameters of ListThings.
fn list_parameters(d: &mut Value) -> &mut Vec<Value> {
    at(d, "/paths/~1things/get/parameters")
        .as_array_mut()
        .unwrap()
}

/// The schema of UpdateThing's request body.
const BODY: &str = "/paths/~1things~1{thingId}/post/requestBody/content/application~1json/schema";

/// The schema of UpdateThing's success response.
const RESPONSE: &str =
    "/paths/~1things~1{thingId}/post/responses/200/content/application~1json/schema";

/// Makes ListThings an offset/limit list, which the facade pages.
fn paged(d: &mut Value) {
    list_parameters(d)
        .push(json!({"name": "offset", "in": "query", "schema": {"type": "integer"}}));
    let page = &mut d["components"]["schemas"]["ThingsPage"];
    for name in ["offset", "limit", "totalCount"] {
        page["properties"][name] = json!({"type": "integer"});
    }
}

/// Moves ListThings under an organization (the facade serves it from `Org`).
fn list_under_organization(d: &mut Value) {
    let paths = d["paths"].as_object_mut().unwrap();
    let item = paths.remove("/things").unwrap();
    paths.insert("/organizations/{organizationId}/things".into(), item);
    at(
        d,
        "/paths/~1organizations~1{organizationId}~1things/get/parameters",
    )
    .as_array_mut()
    .unwrap()
    .push(json!({
        "name": "organizationId", "in": "path", "required": true, "schema": {"type": "string"}
    }));
}

fn cases() -> Vec<Case> {
    use Impact::{Additive, Compile, Docs, Runtime};
    use Kind::*;
    vec![
        // Operations.
        case("operation added", |d| {
            d["paths"]["/other"] = json!({"delete": {
                "operationId": "DeleteOther", "responses": {"204": {"description": "gone"}}
            }});
        })
        .only((
            Additive,
            OperationAdded,
            "DeleteOther",
            None,
            Some("DELETE Client::delete_other"),
        )),
        case("operation removed", |d| {
            d["paths"]
                .as_object_mut()
                .unwrap()
                .remove("/things/{thingId}");
            remove(&mut d["components"]["schemas"], "UpdateThingRequest");
        })
        .has((
            Compile,
            OperationRemoved,
            "UpdateThing",
            None,
            Some("POST Client::update_thing"),
        ))
        .has((Compile, SchemaRemoved, "UpdateThingRequest", None, None)),
        case("method changed", |d| {
            let op = d["paths"]
                .as_object_mut()
                .unwrap()
                .remove("/things/{thingId}")
                .unwrap();
            d["paths"]["/things/{thingId}"] = json!({"put": op["post"].clone()});
        })
        .only((
            Additive,
            OperationMoved,
            "UpdateThing",
            None,
            Some("POST -> PUT"),
        )),
        // Facade method names.
        case("operationId changed", |d| {
            at(d, "/paths/~1things~1{thingId}/post")["operationId"] = json!("ModifyThing");
        })
        .count(2)
        .has((
            Compile,
            OperationRenamed,
            "UpdateThing",
            None,
            Some("UpdateThing -> ModifyThing"),
        ))
        .has((
            Compile,
            FacadeRenamed,
            "UpdateThing",
            None,
            Some("Client::update_thing -> Client::modify_thing"),
        ))
        .without(OperationAdded)
        .without(OperationRemoved),
        case(
            "operation moved into an organization",
            list_under_organization,
        )
        .has((
            Compile,
            FacadeRenamed,
            "ListThings",
            None,
            Some("Client::list_things -> Org::list_things"),
        ))
        .has((
            Additive,
            OperationMoved,
            "ListThings",
            None,
            Some("path changed"),
        )),
        case("operation moved out of an organization", |d| {
            let paths = d["paths"].as_object_mut().unwrap();
            let item = paths
                .remove("/organizations/{organizationId}/things")
                .unwrap();
            paths.insert("/things".into(), item);
            list_parameters(d).retain(|p| p["name"] != "organizationId");
        })
        .from(list_under_organization)
        .has((
            Compile,
            FacadeRenamed,
            "ListThings",
            None,
            Some("Org::list_things -> Client::list_things"),
        )),
        case("operation renamed and moved", |d| {
            let paths = d["paths"].as_object_mut().unwrap();
            let item = paths.remove("/things").unwrap();
            paths.insert("/items".into(), item);
            at(d, "/paths/~1items/get")["operationId"] = json!("ListItems");
        })
        .has((
            Compile,
            OperationRemoved,
            "ListThings",
            None,
            Some("GET Client::list_things"),
        ))
        .has((
            Additive,
            OperationAdded,
            "ListItems",
            None,
            Some("GET Client::list_items"),
        ))
        .without(FacadeRenamed),
        // Parameters.
        case("optional parameter added", |d| {
            list_parameters(d).push(json!({
                "name": "q", "in": "query", "schema": {"type": "string"}
            }));
        })
        .only((Additive, ParameterAdded, "ListThings", Some("q"), None)),
        case("required parameter added", |d| {
            list_parameters(d).push(json!({
                "name": "q", "in": "query", "required": true, "schema": {"type": "string"}
            }));
        })
        .only((Runtime, ParameterAdded, "ListThings", Some("q"), None)),
        case("parameter removed", |d| {
            list_parameters(d).remove(0);
        })
        .only((Compile, ParameterRemoved, "ListThings", Some("limit"), None)),
        case("parameter retyped", |d| {
            *at(d, "/paths/~1things/get/parameters/0/schema") = json!({"type": "string"});
        })
        .only((
            Compile,
            ParameterTypeChanged,
            "ListThings",
            Some("limit"),
            Some("i64 -> String"),
        )),
        case("parameter made required", |d| {
            at(d, "/paths/~1things/get/parameters/1")["required"] = json!(true);
        })
        .only((
            Runtime,
            ParameterRequiredChanged,
            "ListThings",
            Some("names"),
            None,
        )),
        // Request bodies and responses.
        // Without a request, the schema's optional array is no longer `Option<Vec<_>>` (the
        // pre-pass makes request-side optional collections nullable).
        case("request body removed", |d| {
            remove(at(d, "/paths/~1things~1{thingId}/post"), "requestBody");
        })
        .count(2)
        .has((Compile, RequestBodyRemoved, "UpdateThing", None, None))
        .has(TAGS_NO_LONGER_OPTIONAL),
        case("request body made optional", |d| {
            *at(d, "/paths/~1things~1{thingId}/post/requestBody/required") = json!(false);
        })
        .only((
            Additive,
            RequestBodyRequiredChanged,
            "UpdateThing",
            None,
            None,
        )),
        case("request body retyped", |d| {
            *at(d, &format!("{BODY}/$ref")) = json!("#/components/schemas/Thing");
        })
        .has((
            Compile,
            RequestBodyTypeChanged,
            "UpdateThing",
            None,
            Some("UpdateThingRequest -> Thing"),
        )),
        case("response retyped", |d| {
            *at(d, RESPONSE) =
                json!({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}});
        })
        .only((
            Compile,
            ResponseTypeChanged,
            "UpdateThing",
            None,
            Some("Thing -> Vec<Thing>"),
        )),
        case("response status changed", |d| {
            let responses = at(d, "/paths/~1things~1{thingId}/post/responses")
                .as_object_mut()
                .unwrap();
            let ok = responses.remove("200").unwrap();
            responses.insert("201".into(), ok);
        })
        .only((Additive, ResponseStatusChanged, "UpdateThing", None, None)),
        case("error responses do not matter to the generated code", |d| {
            remove(at(d, "/paths/~1things/get/responses"), "400");
        })
        .none(),
        // Schemas.
        case("schema added", |d| {
            d["components"]["schemas"]["Extra"] = json!({
                "type": "object", "properties": {"a": {"type": "string"}}
            });
        })
        .only((Additive, SchemaAdded, "Extra", None, None)),
        case("schema removed", |d| {
            remove(&mut d["components"]["schemas"], "Error");
            remove(at(d, "/paths/~1things/get/responses"), "400");
        })
        .only((Compile, SchemaRemoved, "Error", None, None)),
        case("schema retyped", |d| {
            d["components"]["schemas"]["Error"] = json!({"type": "string", "enum": ["X"]});
        })
        .only((
            Compile,
            SchemaTypeChanged,
            "Error",
            None,
            Some("struct -> enum"),
        )),
        // Properties of response types.
        case("optional response property added", |d| {
            props(d, "Thing")["extra"] = json!({"type": "boolean"});
        })
        .only((
            Additive,
            PropertyAdded,
            "Thing",
            Some("extra"),
            Some("Option<bool>, optional"),
        )),
        // A new required string of a response-only type gets an empty default: decoding is fine.
        case("required response string added", |d| {
            props(d, "Thing")["kind"] = json!({"type": "string"});
            require(d, "Thing", "kind");
        })
        .only((
            Additive,
            PropertyAdded,
            "Thing",
            Some("kind"),
            Some("String, optional"),
        )),
        // A new required integer of a response-only type is an `Option`: responses from a
        // service that does not send it yet still decode.
        case("required response integer added", |d| {
            props(d, "Thing")["total"] = json!({"type": "integer", "format": "int32"});
            require(d, "Thing", "total");
        })
        .only((
            Additive,
            PropertyAdded,
            "Thing",
            Some("total"),
            Some("Option<i32>, optional"),
        )),
        case("response property removed", |d| {
            remove(props(d, "Thing"), "labels");
        })
        .only((Compile, PropertyRemoved, "Thing", Some("labels"), None)),
        case("response property retyped", |d| {
            props(d, "Thing")["count"]["format"] = json!("int32");
        })
        .only((
            Compile,
            PropertyTypeChanged,
            "Thing",
            Some("count"),
            Some("Option<i64> -> Option<i32>"),
        )),
        // A response-only integer stays an `Option` when it becomes required: nothing changes.
        case("response integer made required", |d| {
            require(d, "Thing", "count")
        })
        .none(),
        // An optional response string that becomes required gets an empty default: it decodes
        // when absent, but the field turns from `Option<String>` into `String`.
        case("response string made required", |d| {
            require(d, "Thing", "nickname")
        })
        .from(|d| props(d, "Thing")["nickname"] = json!({"type": "string"}))
        .only((
            Compile,
            PropertyTypeChanged,
            "Thing",
            Some("nickname"),
            Some("Option<String> -> String"),
        )),
        // A response array that becomes required keeps its type (`Vec`, empty by default).
        case("response array made required", |d| {
            require(d, "Thing", "labels")
        })
        .none(),
        // Properties of request types.
        // Request types are non-exhaustive and built with their builders: a new optional field
        // is a new setter.
        case("request property added", |d| {
            props(d, "UpdateThingRequest")["extra"] = json!({"type": "boolean"});
        })
        .only((
            Additive,
            PropertyAdded,
            "UpdateThingRequest",
            Some("extra"),
            Some("Option<bool>, optional"),
        )),
        case("required request property added", |d| {
            props(d, "UpdateThingRequest")["extra"] = json!({"type": "boolean"});
            require(d, "UpdateThingRequest", "extra");
        })
        .only((
            Runtime,
            PropertyAdded,
            "UpdateThingRequest",
            Some("extra"),
            Some("bool, required"),
        )),
        case("request string made required", |d| {
            require(d, "UpdateThingRequest", "note")
        })
        .only((
            Compile,
            PropertyRequiredChanged,
            "UpdateThingRequest",
            Some("note"),
            None,
        )),
        // An optional request array is `Option<Vec<_>>` (so that `[]` can be sent); required, it
        // is a plain `Vec<_>`: callers' code must change.
        case("request array made required", |d| {
            require(d, "UpdateThingRequest", "tags")
        })
        .has(TAGS_NO_LONGER_OPTIONAL),
        case("request string limited", |d| {
            props(d, "UpdateThingRequest")["name"]["maxLength"] = json!(10);
        })
        .only((
            Compile,
            PropertyTypeChanged,
            "UpdateThingRequest",
            Some("name"),
            Some("String -> UpdateThingRequestName"),
        )),
        // Enums.
        case("enum value added", |d| {
            values(d, "Size").push(json!("HUGE"));
        })
        .only((Additive, EnumValueAdded, "Size", Some("HUGE"), Some("Huge"))),
        case("enum value removed", |d| {
            values(d, "Size").remove(0);
        })
        .only((Compile, EnumValueRemoved, "Size", Some("SMALL"), None)),
        // `a-b` and `A_B` both spell `AB`, so `A_B` is `ABValue2` (suffixed with its index):
        // removing a value before it renames its variant.
        case("enum value removed before a suffixed variant", |d| {
            values(d, "Spelling").remove(0);
        })
        .count(2)
        .has((
            Compile,
            EnumVariantRenamed,
            "Spelling",
            Some("A_B"),
            Some("ABValue2 -> ABValue1"),
        )),
        case("enum value removed that made a variant suffixed", |d| {
            values(d, "Spelling").remove(1);
        })
        .has((
            Compile,
            EnumVariantRenamed,
            "Spelling",
            Some("A_B"),
            Some("ABValue2 -> AB"),
        )),
        case("inline enum value added", |d| {
            props(d, "Thing")["status"]["enum"]
                .as_array_mut()
                .unwrap()
                .push(json!("BROKEN"));
        })
        .only((
            Additive,
            EnumValueAdded,
            "ThingStatus",
            Some("BROKEN"),
            None,
        )),
        // Renaming the parent renames the lifted enum type too.
        case("schema renamed with its inline enum", |d| {
            let schemas = d["components"]["schemas"].as_object_mut().unwrap();
            let thing = schemas.remove("Thing").unwrap();
            schemas.insert("Item".into(), thing);
            let text = serde_json::to_string(d).unwrap().replace(
                "#/components/schemas/Thing\"",
                "#/components/schemas/Item\"",
            );
            *d = serde_json::from_str(&text).unwrap();
        })
        .has((Compile, SchemaRenamed, "Thing", None, Some("Thing -> Item")))
        .has((
            Compile,
            SchemaRenamed,
            "ThingStatus",
            None,
            Some("ThingStatus -> ItemStatus"),
        ))
        .has((
            Compile,
            ResponseTypeChanged,
            "UpdateThing",
            None,
            Some("Thing -> Item"),
        ))
        .without(SchemaAdded)
        .without(SchemaRemoved),
        // Documentation.
        case("documentation only", |d| {
            d["components"]["schemas"]["Thing"]["description"] = json!("other");
            props(d, "Thing")["count"]["example"] = json!(4);
            at(d, "/paths/~1things/get")["summary"] = json!("other");
            d["info"]["description"] = json!("other");
        })
        .count(3)
        .has((
            Docs,
            DocsChanged,
            "Thing",
            None,
            Some("2 documentation fields"),
        ))
        .has((Docs, DocsChanged, "ListThings", None, None))
        .has((Docs, DocsChanged, "(document)", None, None)),
        // A property called `description` is data, not documentation.
        case("property named description", |d| {
            props(d, "Thing")["description"] = json!({"type": "string"});
        })
        .only((Additive, PropertyAdded, "Thing", Some("description"), None)),
        // Inline structs, under the names typify gives them.
        case("inline struct property added", |d| {
            props(d, "Box")["inside"]["properties"]["width"] = json!({"type": "integer"});
        })
        .only((
            Additive,
            PropertyAdded,
            "BoxInside",
            Some("width"),
            Some("Option<i64>, optional"),
        )),
        case("inline array item property removed", |d| {
            remove(&mut props(d, "Box")["parts"]["items"]["properties"], "size");
        })
        .only((Compile, PropertyRemoved, "BoxPartsItem", Some("size"), None)),
        case("inline struct documentation", |d| {
            props(d, "Box")["inside"]["properties"]["depth"]["description"] = json!("d");
        })
        .only((Docs, DocsChanged, "BoxInside", None, None)),
        // An inline request body is the struct `<Operation>Body`, built by users.
        case("inline request body", |d| {
            *at(d, BODY) = json!({"type": "object", "properties": {"name": {"type": "string"}}});
        })
        .has((
            Compile,
            RequestBodyTypeChanged,
            "UpdateThing",
            None,
            Some("UpdateThingRequest -> UpdateThingBody"),
        ))
        .has((Additive, SchemaAdded, "UpdateThingBody", None, None)),
        case("inline request body property added", |d| {
            at(d, &format!("{BODY}/properties"))["extra"] = json!({"type": "boolean"});
        })
        .from(|d| {
            *at(d, BODY) = json!({"type": "object", "properties": {"name": {"type": "string"}}})
        })
        .only((
            Additive,
            PropertyAdded,
            "UpdateThingBody",
            Some("extra"),
            None,
        )),
        // Pagination, as the facade derives it.
        case("pagination added", paged).has((
            Additive,
            PaginationAdded,
            "ListThings",
            None,
            Some("things: Vec<Thing>"),
        )),
        case("pagination removed", |d| {
            remove(props(d, "ThingsPage"), "totalCount");
        })
        .from(paged)
        .has((Compile, PaginationRemoved, "ListThings", None, None)),
        // Limits without a type change.
        case("limit added", |d| {
            at(d, "/paths/~1things/get/parameters/0/schema")["maximum"] = json!(100);
        })
        .only((Runtime, OtherChanged, "ListThings", None, None)),
        // Taking a limit away, reordering enum values or changing vendor extensions accepts
        // everything that was accepted before.
        case("limit removed and enum reordered", |d| {
            remove(
                &mut d["components"]["schemas"]["UpdateThingRequest"],
                "required",
            );
            *values(d, "Size") = vec![json!("LARGE"), json!("SMALL")];
            remove(at(d, "/paths/~1things/get/parameters/0/schema"), "maximum");
        })
        .from(|d| at(d, "/paths/~1things/get/parameters/0/schema")["maximum"] = json!(100))
        .has((
            Additive,
            OtherChanged,
            "ListThings",
            None,
            Some("limits removed or enum values reordered"),
        ))
        .without(EnumVariantRenamed),
        case("vendor extension changed", |d| {
            at(d, "/paths/~1things/get")["x-permission"] = json!("things.read");
        })
        .only((
            Additive,
            OtherChanged,
            "ListThings",
            None,
            Some("extensions or security requirements"),
        )),
    ]
}

#[test]
fn every_kind_of_change_is_classified_as_the_generated_code_needs() {
    let mut failures = Vec::new();
    for case in cases() {
        let mut old = base();
        if let Some(edit) = case.old {
            edit(&mut old);
        }
        let mut new = old.clone();
        (case.new)(&mut new);
        let changes = report(&old, &new).changes;
        let mut problems = Vec::new();
        if let Some(count) = case.count
            && changes.len() != count
        {
            problems.push(format!("{} changes, expected {count}", changes.len()));
        }
        for &(impact, kind, owner, member, detail) in &case.expect {
            let found = changes.iter().any(|c| {
                (c.impact, c.kind, c.owner.as_str(), c.member.as_deref())
                    == (impact, kind, owner, member)
                    && detail.is_none_or(|detail| c.detail == detail)
            });
            if !found {
                problems.push(format!(
                    "missing {impact:?} {kind:?} {owner} {member:?} {detail:?}"
                ));
            }
        }
        for kind in &case.absent {
            if changes.iter().any(|c| c.kind == *kind) {
                problems.push(format!("unexpected {kind:?}"));
            }
        }
        // Operation changes come before schema changes.
        if changes
            .windows(2)
            .any(|pair| !pair[0].kind.is_operation() && pair[1].kind.is_operation())
        {
            problems.push("an operation change after a schema change".to_string());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n{changes:#?}",
                case.name,
                problems.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
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
    assert!(
        text.ends_with(
            "verdict: BREAKING (compilation): 1 break compilation, 0 break at run time, \
             1 additive, 1 docs-only\n"
        ),
        "{text}"
    );
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

/// The base document compared with itself, each side generated with its own secret fields.
fn secrets_report(old: &[(&str, &str)], new: &[(&str, &str)]) -> ApiReport {
    let fields = |pairs: &[(&str, &str)]| {
        let mut fields = SecretFields::default();
        for (schema, property) in pairs {
            fields.insert(schema, property);
        }
        fields
    };
    let bytes = serde_json::to_vec(&base()).unwrap();
    let document = Document::from_value(base()).unwrap();
    compare_documents(
        "demo",
        (&document, &bytes, &fields(old)),
        (&document, &bytes, &fields(new)),
    )
}

#[test]
fn a_field_becoming_secret_is_a_type_change_that_breaks_compilation() {
    let secret = [("Thing", "id"), ("UpdateThingRequest", "note")];
    let api = secrets_report(&[], &secret);
    let rows: Vec<(Impact, Kind, &str, Option<&str>, &str)> = api
        .changes
        .iter()
        .map(|c| {
            (
                c.impact,
                c.kind,
                c.owner.as_str(),
                c.member.as_deref(),
                c.detail.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                Impact::Compile,
                Kind::PropertyTypeChanged,
                "Thing",
                Some("id"),
                "String -> SecretString"
            ),
            (
                Impact::Compile,
                Kind::PropertyTypeChanged,
                "UpdateThingRequest",
                Some("note"),
                "Option<String> -> Option<SecretString>"
            ),
        ]
    );
    assert!(api.changes.iter().all(|c| c.why.contains(".expose()")));
    let text = Report { apis: vec![api] }.text();
    assert!(text.contains("BREAKING (compilation)"), "{text}");

    let back = secrets_report(&secret[..1], &[]);
    assert_eq!(back.changes.len(), 1);
    assert_eq!(back.changes[0].detail, "SecretString -> String");
    assert!(back.changes[0].why.contains("no longer secret"));

    assert!(secrets_report(&secret, &secret).changes.is_empty());
}
