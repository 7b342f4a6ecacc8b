//! Comparing two models of the same API and classifying every difference by what it does to a
//! Rust user of the generated crate.

use std::collections::{BTreeMap, BTreeSet};

use astro_codegen::enums::variant_names;
use serde_json::Value;

use super::change::{Change, Impact, Kind, Out};
use super::docs::{
    DOC_KEYS, changed_doc_fields, only_limits_removed, without_extensions, without_keys,
};
use super::facade::facade_method;
use super::model::{ApiModel, Field, OperationModel, SchemaKind, Slot};
use super::renames::renames;

/// Every difference between two models, operations first, then schemas, then the document.
pub fn compare(old: &ApiModel, new: &ApiModel) -> Vec<Change> {
    let mut changes = Vec::new();
    let renamed = operation_renames(old, new);
    for id in union(old.operations.keys(), new.operations.keys()) {
        if renamed.values().any(|to| to == id) {
            continue;
        }
        let mut out = Out {
            changes: &mut changes,
            owner: id,
        };
        if let Some(to) = renamed.get(id) {
            out.push(
                Impact::Compile,
                Kind::OperationRenamed,
                None,
                format!("{id} -> {to}"),
                "the client method and its builder type take the new name",
            );
            compare_operation(
                &mut out,
                (id, &old.operations[id]),
                (to, &new.operations[to]),
            );
            continue;
        }
        match (old.operations.get(id), new.operations.get(id)) {
            (None, Some(op)) => out.push(
                Impact::Additive,
                Kind::OperationAdded,
                None,
                format!("{} {}", op.method, facade_method(id, &op.path)),
                "a new method of the client",
            ),
            (Some(op), None) => out.push(
                Impact::Compile,
                Kind::OperationRemoved,
                None,
                format!("{} {}", op.method, facade_method(id, &op.path)),
                "its client method and builder are gone",
            ),
            (Some(a), Some(b)) => compare_operation(&mut out, (id, a), (id, b)),
            (None, None) => {}
        }
    }
    let renames = renames(old, new);
    for name in union(old.schemas.keys(), new.schemas.keys()) {
        let mut out = Out {
            changes: &mut changes,
            owner: name,
        };
        if let Some(to) = renames.get(name) {
            out.push(
                Impact::Compile,
                Kind::SchemaRenamed,
                None,
                format!("{name} -> {to}"),
                "code naming the old type stops compiling; the type is otherwise the same",
            );
            continue;
        }
        if renames.values().any(|to| to == name) {
            continue;
        }
        match (old.schemas.get(name), new.schemas.get(name)) {
            (None, Some(schema)) => out.push(
                Impact::Additive,
                Kind::SchemaAdded,
                None,
                schema.kind.describe(),
                "a new type",
            ),
            (Some(schema), None) => out.push(
                Impact::Compile,
                Kind::SchemaRemoved,
                None,
                schema.kind.describe(),
                "code naming the type stops compiling",
            ),
            (Some(a), Some(b)) => {
                let request_side =
                    old.request_side.contains(name) || new.request_side.contains(name);
                let before = out.changes.len();
                compare_kinds(&mut out, &a.kind, &b.kind, request_side);
                let structural = out.changes.len() > before;
                compare_rest(&mut out, &a.raw, &b.raw, structural);
            }
            (None, None) => {}
        }
    }
    let mut out = Out {
        changes: &mut changes,
        owner: "(document)",
    };
    compare_rest(&mut out, &old.rest, &new.rest, false);
    changes
}

/// Removed operations whose method and path exactly one added operation has, by old id: the
/// same request under another operationId.
fn operation_renames(old: &ApiModel, new: &ApiModel) -> BTreeMap<String, String> {
    let added: Vec<(&String, &OperationModel)> = new
        .operations
        .iter()
        .filter(|(id, _)| !old.operations.contains_key(*id))
        .collect();
    let mut renames = BTreeMap::new();
    for (id, op) in &old.operations {
        if new.operations.contains_key(id) {
            continue;
        }
        let same = |other: &&(&String, &OperationModel)| {
            other.1.method == op.method && other.1.path == op.path
        };
        if let [(to, _)] = added.iter().filter(same).collect::<Vec<_>>().as_slice() {
            renames.insert(id.clone(), (*to).clone());
        }
    }
    renames
}

/// Compares one operation, `(operationId, model)` on each side.
fn compare_operation(
    out: &mut Out,
    (old_id, old): (&str, &OperationModel),
    (new_id, new): (&str, &OperationModel),
) {
    let before = out.changes.len();
    let (old_method, new_method) = (
        facade_method(old_id, &old.path),
        facade_method(new_id, &new.path),
    );
    if old_method != new_method {
        out.push(
            Impact::Compile,
            Kind::FacadeRenamed,
            None,
            format!("{old_method} -> {new_method}"),
            "code calling the facade method by its old name stops compiling",
        );
    }
    if old.method != new.method {
        out.push(
            Impact::Additive,
            Kind::OperationMoved,
            None,
            format!("{} -> {}", old.method, new.method),
            "the client method keeps its name and sends the new request",
        );
    }
    if old.path != new.path {
        out.push(
            Impact::Additive,
            Kind::OperationMoved,
            None,
            "path changed".to_string(),
            "the client method keeps its name and sends the new request",
        );
    }
    for key in union(old.parameters.keys(), new.parameters.keys()) {
        let member = Some(key.1.as_str());
        match (old.parameters.get(key), new.parameters.get(key)) {
            (None, Some(p)) if p.required => out.push(
                Impact::Runtime,
                Kind::ParameterAdded,
                member,
                slot_detail(&key.0, p),
                "calls that do not set it fail before sending",
            ),
            (None, Some(p)) => out.push(
                Impact::Additive,
                Kind::ParameterAdded,
                member,
                slot_detail(&key.0, p),
                "a new optional builder setter",
            ),
            (Some(p), None) => out.push(
                Impact::Compile,
                Kind::ParameterRemoved,
                member,
                slot_detail(&key.0, p),
                "its builder setter is gone",
            ),
            (Some(a), Some(b)) => compare_slots(
                out,
                a,
                b,
                member,
                [Kind::ParameterTypeChanged, Kind::ParameterRequiredChanged],
            ),
            (None, None) => {}
        }
    }
    match (&old.body, &new.body) {
        (None, Some(b)) if b.required => out.push(
            Impact::Runtime,
            Kind::RequestBodyAdded,
            None,
            slot_detail("body", b),
            "calls that do not set a body fail",
        ),
        (None, Some(b)) => out.push(
            Impact::Additive,
            Kind::RequestBodyAdded,
            None,
            slot_detail("body", b),
            "a new optional body setter",
        ),
        (Some(b), None) => out.push(
            Impact::Compile,
            Kind::RequestBodyRemoved,
            None,
            slot_detail("body", b),
            "its body setters are gone",
        ),
        (Some(a), Some(b)) => compare_slots(
            out,
            a,
            b,
            None,
            [
                Kind::RequestBodyTypeChanged,
                Kind::RequestBodyRequiredChanged,
            ],
        ),
        (None, None) => {}
    }
    let none = ("-".to_string(), "()".to_string());
    let (old_status, old_type) = old.response.as_ref().unwrap_or(&none);
    let (new_status, new_type) = new.response.as_ref().unwrap_or(&none);
    if old_type != new_type {
        out.push(
            Impact::Compile,
            Kind::ResponseTypeChanged,
            None,
            format!("{old_type} -> {new_type}"),
            "`call()` returns another type",
        );
    }
    if old_status != new_status {
        out.push(
            Impact::Additive,
            Kind::ResponseStatusChanged,
            None,
            format!("{old_status} -> {new_status}"),
            "the generated code expects the new status",
        );
    }
    let structural = out.changes.len() > before;
    compare_rest(out, &old.raw, &new.raw, structural);
}

fn compare_slots(out: &mut Out, old: &Slot, new: &Slot, member: Option<&str>, kinds: [Kind; 2]) {
    if old.rust_type != new.rust_type {
        out.push(
            Impact::Compile,
            kinds[0],
            member,
            format!("{} -> {}", old.rust_type, new.rust_type),
            "its setter takes another type",
        );
    }
    match (old.required, new.required) {
        (false, true) => out.push(
            Impact::Runtime,
            kinds[1],
            member,
            "optional -> required".to_string(),
            "calls that do not set it now fail",
        ),
        (true, false) => out.push(
            Impact::Additive,
            kinds[1],
            member,
            "required -> optional".to_string(),
            "it may now be left out",
        ),
        _ => {}
    }
}

fn slot_detail(location: &str, slot: &Slot) -> String {
    let required = if slot.required {
        "required"
    } else {
        "optional"
    };
    format!("{location}, {}, {required}", slot.rust_type)
}

fn compare_kinds(out: &mut Out, old: &SchemaKind, new: &SchemaKind, request_side: bool) {
    match (old, new) {
        (SchemaKind::Struct(a), SchemaKind::Struct(b)) => compare_fields(out, a, b, request_side),
        (SchemaKind::Enum(a), SchemaKind::Enum(b)) => compare_enums(out, a, b),
        (a, b) if a.describe() != b.describe() => out.push(
            Impact::Compile,
            Kind::SchemaTypeChanged,
            None,
            format!("{} -> {}", a.describe(), b.describe()),
            "the type is generated differently",
        ),
        _ => {}
    }
}

fn compare_fields(
    out: &mut Out,
    old: &BTreeMap<String, Field>,
    new: &BTreeMap<String, Field>,
    request_side: bool,
) {
    for name in union(old.keys(), new.keys()) {
        let member = Some(name.as_str());
        match (old.get(name), new.get(name)) {
            (None, Some(f)) => {
                let detail = field_detail(f);
                if request_side && f.required {
                    out.push(
                        Impact::Runtime,
                        Kind::PropertyAdded,
                        member,
                        detail,
                        "requests built without it are refused before sending",
                    );
                } else if request_side {
                    out.push(
                        Impact::Additive,
                        Kind::PropertyAdded,
                        member,
                        detail,
                        "a new builder setter; the struct is non-exhaustive, so no code outside the crate names all its fields",
                    );
                } else if f.required {
                    out.push(
                        Impact::Runtime,
                        Kind::PropertyAdded,
                        member,
                        detail,
                        "responses without it fail to decode",
                    );
                } else {
                    out.push(
                        Impact::Additive,
                        Kind::PropertyAdded,
                        member,
                        detail,
                        "a new field of a non-exhaustive response type",
                    );
                }
            }
            (Some(f), None) => out.push(
                Impact::Compile,
                Kind::PropertyRemoved,
                member,
                field_detail(f),
                "code using the field stops compiling",
            ),
            (Some(a), Some(b)) => {
                if a.base != b.base || (a.field != b.field && a.required == b.required) {
                    out.push(
                        Impact::Compile,
                        Kind::PropertyTypeChanged,
                        member,
                        format!("{} -> {}", a.field, b.field),
                        retype_reason(&a.base, &b.base),
                    );
                } else if a.required != b.required {
                    let detail = format!("{} -> {}", required_word(a), required_word(b));
                    if a.field != b.field {
                        out.push(
                            Impact::Compile,
                            Kind::PropertyRequiredChanged,
                            member,
                            format!("{detail}, {} -> {}", a.field, b.field),
                            "the field's type changes between `Option<T>` and `T`",
                        );
                    } else if b.required && request_side {
                        out.push(
                            Impact::Runtime,
                            Kind::PropertyRequiredChanged,
                            member,
                            detail,
                            "requests without it are now refused",
                        );
                    } else {
                        out.push(
                            Impact::Additive,
                            Kind::PropertyRequiredChanged,
                            member,
                            detail,
                            "the field keeps its type",
                        );
                    }
                }
            }
            (None, None) => {}
        }
    }
}

/// Why a field's new type breaks code, naming the secret type when the field becomes (or stops
/// being) a secret field of the pins.
fn retype_reason(old_base: &str, new_base: &str) -> &'static str {
    const SECRET: &str = "SecretString";
    match (old_base == SECRET, new_base == SECRET) {
        (false, true) => {
            "the field is now secret (`SecretString`, redacted in `Debug`): code that reads it as a `String` stops compiling; read it with `.expose()`"
        }
        (true, false) => {
            "the field is no longer secret: code calling `.expose()` on it stops compiling"
        }
        _ => "the field has another type",
    }
}

fn field_detail(field: &Field) -> String {
    format!("{}, {}", field.field, required_word(field))
}

fn required_word(field: &Field) -> &'static str {
    if field.required {
        "required"
    } else {
        "optional"
    }
}

fn compare_enums(out: &mut Out, old: &[String], new: &[String]) {
    let old_variants: BTreeMap<&String, String> = old.iter().zip(variant_names(old)).collect();
    let new_variants: BTreeMap<&String, String> = new.iter().zip(variant_names(new)).collect();
    for value in union(old_variants.keys().copied(), new_variants.keys().copied()) {
        let member = Some(value.as_str());
        match (old_variants.get(value), new_variants.get(value)) {
            (None, Some(v)) => out.push(
                Impact::Additive,
                Kind::EnumValueAdded,
                member,
                v.clone(),
                "open enums are non-exhaustive and their `Unknown` payload is opaque: matches already have a wildcard arm, and the value keeps its `as_str()`",
            ),
            (Some(v), None) => out.push(
                Impact::Compile,
                Kind::EnumValueRemoved,
                member,
                v.clone(),
                "code naming the variant stops compiling",
            ),
            (Some(a), Some(b)) if a != b => out.push(
                Impact::Compile,
                Kind::EnumVariantRenamed,
                member,
                format!("{a} -> {b}"),
                "code naming the variant stops compiling",
            ),
            _ => {}
        }
    }
}

/// Reports documentation changes of an item, and any other change the specific comparisons did
/// not explain (limits, defaults, formats the model does not render).
fn compare_rest(out: &mut Out, old: &Value, new: &Value, structural: bool) {
    if old == new {
        return;
    }
    let docs = changed_doc_fields(old, new);
    if docs > 0 {
        let plural = if docs == 1 { "field" } else { "fields" };
        out.push(
            Impact::Docs,
            Kind::DocsChanged,
            None,
            format!("{docs} documentation {plural}"),
            "no generated type changes",
        );
    }
    // Defaults are left out: the pre-pass adds some, and the model already shows how a default
    // changes a field's type.
    let mut ignored = DOC_KEYS.to_vec();
    ignored.push("default");
    let (old_rest, new_rest) = (without_keys(old, &ignored), without_keys(new, &ignored));
    if !structural && old_rest != new_rest {
        if out.owner == "(document)" {
            out.push(
                Impact::Additive,
                Kind::OtherChanged,
                None,
                "document-level fields".to_string(),
                "no generated type changes",
            );
        } else if only_limits_removed(
            &without_extensions(&old_rest),
            &without_extensions(&new_rest),
        ) {
            let detail = if without_extensions(&old_rest) == without_extensions(&new_rest) {
                "extensions or security requirements"
            } else {
                "limits removed or enum values reordered"
            };
            out.push(
                Impact::Additive,
                Kind::OtherChanged,
                None,
                detail.to_string(),
                "no generated type changes; what was accepted still is",
            );
        } else {
            out.push(
                Impact::Runtime,
                Kind::OtherChanged,
                None,
                "limits or formats".to_string(),
                "values the old schema accepted may now be refused",
            );
        }
    }
}

fn union<'a, T: Ord + 'a>(
    a: impl Iterator<Item = &'a T>,
    b: impl Iterator<Item = &'a T>,
) -> BTreeSet<&'a T> {
    a.chain(b).collect()
}
