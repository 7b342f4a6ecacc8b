//! The change report's model of the generated types must match what the generator actually
//! emits: for every struct of every crate generated from a pinned document, each field's type as
//! the model renders it is compared with the field type in the generated source.

use std::collections::BTreeMap;

use std::path::Path;

use astro_codegen::build::generate_crate_part;
use astro_codegen::target::Target;
use astro_spec::{ApiPin, Area, Document, Pins, SecretFields, naming};
use xtask::changes::model::{ApiModel, SchemaKind};

/// A type without its paths: `::std::option::Option<::std::string::String>` -> `Option<String>`.
fn short_type(tokens: &str) -> String {
    let mut out = String::new();
    let mut ident = String::new();
    for c in tokens.chars().filter(|c| !c.is_whitespace()) {
        if c.is_alphanumeric() || c == '_' {
            ident.push(c);
        } else if c == ':' {
            ident.clear();
        } else {
            out.push_str(&ident);
            ident.clear();
            out.push(c);
        }
    }
    out.push_str(&ident);
    out.replace("HashMap<", "Map<").replace(",>", ">")
}

/// Every struct field of a generated module (`types` or `builder`): struct -> field -> type.
fn generated_fields(code: &str, module: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let file: syn::File = syn::parse_str(code).unwrap();
    let items = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(found) if found.ident == module => found.content.as_ref(),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a {module} module"));
    let mut structs = BTreeMap::new();
    for item in &items.1 {
        if let syn::Item::Struct(item) = item {
            let fields = item
                .fields
                .iter()
                .filter_map(|field| {
                    let name = field.ident.as_ref()?.to_string();
                    let ty = &field.ty;
                    Some((name, short_type(&quote::quote!(#ty).to_string())))
                })
                .collect();
            structs.insert(item.ident.to_string(), fields);
        }
    }
    structs
}

/// Every crate part of every pinned document that is fetched: the pin, the area (crate) and the
/// whole document.
fn crate_parts<'a>(root: &Path, pins: &'a Pins) -> Vec<(&'a ApiPin, &'a Area, Document)> {
    let mut parts = Vec::new();
    for pin in &pins.api {
        let Ok(bytes) = std::fs::read(pin.openapi_path(root)) else {
            eprintln!("note: {} is not fetched; run `cargo xtask fetch`", pin.name);
            continue;
        };
        let document = Document::parse(&bytes).unwrap();
        for area in &pin.areas {
            parts.push((pin, area, document.clone()));
        }
    }
    parts
}

#[test]
fn model_field_types_match_the_generated_structs() {
    let root = xtask::workspace::root();
    let pins = Pins::load(&root).unwrap();
    let mut compared = 0;
    let mut read = 0;
    let mut mismatches = Vec::new();
    for (pin, area, document) in crate_parts(&root, &pins) {
        read += 1;
        let code = generate_crate_part(pin, &area.crate_dir, &document).unwrap();
        let generated = generated_fields(&code, "types");
        let part = document.select_area(area);
        let model =
            ApiModel::read(&astro_codegen::prepass::prepare(&part, &pin.secret_fields).document);
        for (name, schema) in &model.schemas {
            let SchemaKind::Struct(fields) = &schema.kind else {
                continue;
            };
            let Some(actual) = generated.get(&naming::pascal(name)) else {
                mismatches.push(format!("{}: no generated struct {name}", pin.name));
                continue;
            };
            for (property, field) in fields {
                let expected = field.field.replace(' ', "");
                match actual.get(&naming::snake(property)) {
                    Some(ty) if *ty == expected => compared += 1,
                    other => mismatches.push(format!(
                        "{}: {name}.{property}: model {expected}, generated {other:?}",
                        pin.name
                    )),
                }
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(
        read == 0 || compared > 100,
        "only {compared} fields compared"
    );
    eprintln!("{compared} struct fields match the generated code");
}

#[test]
fn model_parameter_types_match_the_generated_builders() {
    let root = xtask::workspace::root();
    let pins = Pins::load(&root).unwrap();
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for (pin, area, document) in crate_parts(&root, &pins) {
        let code = generate_crate_part(pin, &area.crate_dir, &document).unwrap();
        let builders = generated_fields(&code, "builder");
        let part = document.select_area(area);
        let model =
            ApiModel::read(&astro_codegen::prepass::prepare(&part, &pin.secret_fields).document);
        for (id, operation) in &model.operations {
            let builder = &builders[&naming::pascal(id)];
            for ((_, name), slot) in &operation.parameters {
                // A builder field is `Result<T, String>`; T is `Option<_>` for optional ones.
                let expected = if slot.required {
                    format!("Result<{},String>", slot.rust_type)
                } else {
                    format!("Result<Option<{}>,String>", slot.rust_type)
                };
                match builder.get(&naming::snake(name)) {
                    Some(ty) if *ty == expected.replace(' ', "") => compared += 1,
                    other => mismatches.push(format!(
                        "{}: {id}({name}): model {expected}, generated {other:?}",
                        pin.name
                    )),
                }
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    eprintln!("{compared} parameters match the generated builders");
}

#[test]
fn inline_structs_are_named_as_typify_names_them() {
    let document = Document::from_value(serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Demo", "version": "v1"},
        "paths": {"/boxes": {"post": {
            "operationId": "CreateBox",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object",
                "properties": {"label": {"type": "string"}}}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Box"}}}}}
        }}},
        "components": {"schemas": {"Box": {"type": "object", "properties": {
            "inside": {"type": "object", "properties": {"depth": {"type": "integer"}}},
            "parts": {"type": "array", "items": {"type": "object", "properties": {
                "size": {"type": "number", "format": "float"}}}}
        }}}}
    }))
    .unwrap();
    let code = astro_codegen::generate::generate(&document, &Target::root(&document)).unwrap();
    let generated = generated_fields(&code, "types");
    let model = ApiModel::read(
        &astro_codegen::prepass::prepare(&document, &SecretFields::default()).document,
    );
    let mut compared = 0;
    for (name, schema) in &model.schemas {
        let SchemaKind::Struct(fields) = &schema.kind else {
            continue;
        };
        let actual = generated
            .get(name)
            .unwrap_or_else(|| panic!("no generated struct {name}: {generated:?}"));
        for (property, field) in fields {
            assert_eq!(
                actual.get(&naming::snake(property)),
                Some(&field.field.replace(' ', "")),
                "{name}.{property}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 5);
}
