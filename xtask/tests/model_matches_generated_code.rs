//! The change report's model of the generated types must match what the generator actually
//! emits: for every struct of every pinned document, each field's type as the model renders it
//! is compared with the field type in the generated source.

use std::collections::BTreeMap;

use astro_spec::{Document, Pins, naming};
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

/// Every struct field of the generated `types` module: struct -> field -> type.
fn generated_fields(code: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let file: syn::File = syn::parse_str(code).unwrap();
    let types = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => module.content.as_ref(),
            _ => None,
        })
        .expect("a types module");
    let mut structs = BTreeMap::new();
    for item in &types.1 {
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

#[test]
fn model_field_types_match_the_generated_structs() {
    let root = xtask::workspace::root();
    let pins = Pins::load(&root).unwrap();
    let mut compared = 0;
    let mut read = 0;
    let mut mismatches = Vec::new();
    for pin in &pins.api {
        let Ok(bytes) = std::fs::read(pin.crate_spec_path(&root)) else {
            eprintln!("note: {} is not fetched; run `cargo xtask fetch`", pin.name);
            continue;
        };
        read += 1;
        let document = Document::parse(&bytes).unwrap();
        let code = astro_codegen::generate::generate(&document).unwrap();
        let generated = generated_fields(&code);
        let model = ApiModel::read(&astro_codegen::prepass::prepare(&document).document);
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
