//! Comparing two models of the same API and classifying every difference by what it does to a
//! Rust user of the generated crate.

use std::collections::{BTreeMap, BTreeSet};

use astro_codegen::enums::variant_names;
use astro_spec::Document;
use serde_json::Value;

use super::docs::{DOC_KEYS, changed_doc_fields, without_keys};
use super::model::{ApiModel, Field, OperationModel, SchemaKind, Slot, rust_type};

/// What a change does to code written against the previous generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Code that compiled before stops compiling.
    Compile,
    /// Code still compiles but can fail at run time.
    Runtime,
    /// Nothing that worked stops working.
    Additive,
    /// Documentation only: no generated type changes.
    Docs,
}

impl Impact {
    /// The label used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Impact::Compile => "breaks compilation",
            Impact::Runtime => "breaks at run time",
            Impact::Additive => "additive",
            Impact::Docs => "docs only",
        }
    }
}

/// The kind of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A new operation.
    OperationAdded,
    /// An operation is gone.
    OperationRemoved,
    /// An operation's method or path changed.
    OperationMoved,
    /// A new parameter.
    ParameterAdded,
    /// A parameter is gone.
    ParameterRemoved,
    /// A parameter's type changed.
    ParameterTypeChanged,
    /// A parameter became required or optional.
    ParameterRequiredChanged,
    /// The operation now takes a request body.
    RequestBodyAdded,
    /// The operation no longer takes a request body.
    RequestBodyRemoved,
    /// The request body's type changed.
    RequestBodyTypeChanged,
    /// The request body became required or optional.
    RequestBodyRequiredChanged,
    /// The success response's type changed.
    ResponseTypeChanged,
    /// The success status changed.
    ResponseStatusChanged,
    /// The facade now pages the operation (`Paginate`).
    PaginationAdded,
    /// The facade no longer pages the operation.
    PaginationRemoved,
    /// The facade pages the operation over another items property or item type.
    PaginationChanged,
    /// A new schema.
    SchemaAdded,
    /// A schema is gone.
    SchemaRemoved,
    /// A schema is gone and another, identical one is new (a rename).
    SchemaRenamed,
    /// A schema is generated as a different kind of type.
    SchemaTypeChanged,
    /// A new property.
    PropertyAdded,
    /// A property is gone.
    PropertyRemoved,
    /// A property's type changed.
    PropertyTypeChanged,
    /// A property became required or optional.
    PropertyRequiredChanged,
    /// A new enum value.
    EnumValueAdded,
    /// An enum value is gone.
    EnumValueRemoved,
    /// A kept enum value is generated under another variant name.
    EnumVariantRenamed,
    /// Descriptions, summaries or examples changed.
    DocsChanged,
    /// Something else changed (limits, defaults, document-level fields).
    OtherChanged,
}

impl Kind {
    /// The label used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Kind::OperationAdded => "operation added",
            Kind::OperationRemoved => "operation removed",
            Kind::OperationMoved => "method/path changed",
            Kind::ParameterAdded => "parameter added",
            Kind::ParameterRemoved => "parameter removed",
            Kind::ParameterTypeChanged => "parameter type changed",
            Kind::ParameterRequiredChanged => "parameter required changed",
            Kind::RequestBodyAdded => "request body added",
            Kind::RequestBodyRemoved => "request body removed",
            Kind::RequestBodyTypeChanged => "request body type changed",
            Kind::RequestBodyRequiredChanged => "request body required changed",
            Kind::ResponseTypeChanged => "response type changed",
            Kind::ResponseStatusChanged => "response status changed",
            Kind::PaginationAdded => "pagination added",
            Kind::PaginationRemoved => "pagination removed",
            Kind::PaginationChanged => "pagination changed",
            Kind::SchemaAdded => "schema added",
            Kind::SchemaRemoved => "schema removed",
            Kind::SchemaRenamed => "schema renamed",
            Kind::SchemaTypeChanged => "schema type changed",
            Kind::PropertyAdded => "property added",
            Kind::PropertyRemoved => "property removed",
            Kind::PropertyTypeChanged => "property type changed",
            Kind::PropertyRequiredChanged => "property required changed",
            Kind::EnumValueAdded => "enum value added",
            Kind::EnumValueRemoved => "enum value removed",
            Kind::EnumVariantRenamed => "enum variant renamed",
            Kind::DocsChanged => "docs changed",
            Kind::OtherChanged => "other change",
        }
    }

    /// Whether the change belongs to an operation (rather than to a schema or the document).
    pub fn is_operation(self) -> bool {
        matches!(
            self,
            Kind::OperationAdded
                | Kind::OperationRemoved
                | Kind::OperationMoved
                | Kind::ParameterAdded
                | Kind::ParameterRemoved
                | Kind::ParameterTypeChanged
                | Kind::ParameterRequiredChanged
                | Kind::RequestBodyAdded
                | Kind::RequestBodyRemoved
                | Kind::RequestBodyTypeChanged
                | Kind::RequestBodyRequiredChanged
                | Kind::ResponseTypeChanged
                | Kind::ResponseStatusChanged
                | Kind::PaginationAdded
                | Kind::PaginationRemoved
                | Kind::PaginationChanged
        )
    }
}

/// One difference between two versions of an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What it does to users.
    pub impact: Impact,
    /// What changed.
    pub kind: Kind,
    /// The operation or schema it belongs to.
    pub owner: String,
    /// The parameter, property or enum value inside it, if any.
    pub member: Option<String>,
    /// Types and flags only, never text from the document.
    pub detail: String,
    /// Why it has this impact.
    pub why: &'static str,
}

/// Every difference between two models, operations first, then schemas, then the document.
pub fn compare(old: &ApiModel, new: &ApiModel) -> Vec<Change> {
    let mut changes = Vec::new();
    for id in union(old.operations.keys(), new.operations.keys()) {
        let mut out = Out {
            changes: &mut changes,
            owner: id,
        };
        match (old.operations.get(id), new.operations.get(id)) {
            (None, Some(op)) => out.push(
                Impact::Additive,
                Kind::OperationAdded,
                None,
                op.method.clone(),
                "a new method of the client",
            ),
            (Some(op), None) => out.push(
                Impact::Compile,
                Kind::OperationRemoved,
                None,
                op.method.clone(),
                "its client method and builder are gone",
            ),
            (Some(a), Some(b)) => compare_operation(&mut out, a, b),
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

/// What the `astro-api` facade derives from each operation's pagination (an impl of its
/// `Paginated` trait, so `stream()` and `collect_all()`), compared between two documents. Only
/// operations present in both are compared; added and removed ones are reported already.
pub fn compare_pagination(old: &Document, new: &Document) -> Vec<Change> {
    let pages = |document: &Document| -> BTreeMap<String, Option<String>> {
        document
            .operations()
            .into_iter()
            .map(|op| {
                let page = op.pagination.map(|p| {
                    format!(
                        "{}: Vec<{}>",
                        p.items_property,
                        rust_type(&p.item_schema, "Item")
                    )
                });
                (op.id, page)
            })
            .collect()
    };
    let (old_pages, new_pages) = (pages(old), pages(new));
    let mut changes = Vec::new();
    for (id, before) in &old_pages {
        let Some(after) = new_pages.get(id) else {
            continue;
        };
        let mut out = Out {
            changes: &mut changes,
            owner: id,
        };
        match (before, after) {
            (None, Some(page)) => out.push(
                Impact::Additive,
                Kind::PaginationAdded,
                None,
                page.clone(),
                "the facade's `stream()` and `collect_all()` now page it",
            ),
            (Some(page), None) => out.push(
                Impact::Compile,
                Kind::PaginationRemoved,
                None,
                page.clone(),
                "the facade's `stream()` and `collect_all()` are gone for it",
            ),
            (Some(a), Some(b)) if a != b => out.push(
                Impact::Compile,
                Kind::PaginationChanged,
                None,
                format!("{a} -> {b}"),
                "the facade's pages hold another item type",
            ),
            _ => {}
        }
    }
    changes
}

/// Removed schemas with exactly one added schema of the same shape (same fields or values),
/// and the other way round: renamed types, such as a renamed parent and the enums lifted from
/// it. Field types are compared with the renames found so far applied, a few rounds deep.
fn renames(old: &ApiModel, new: &ApiModel) -> BTreeMap<String, String> {
    let added: Vec<(&String, &SchemaKind)> = new
        .schemas
        .iter()
        .filter(|(name, _)| !old.schemas.contains_key(*name))
        .map(|(name, schema)| (name, &schema.kind))
        .collect();
    let mut renames = BTreeMap::new();
    for _ in 0..4 {
        let removed: Vec<(&String, SchemaKind)> = old
            .schemas
            .iter()
            .filter(|(name, _)| !new.schemas.contains_key(*name))
            .map(|(name, schema)| (name, renamed_kind(&schema.kind, &renames)))
            .collect();
        let mut found = BTreeMap::new();
        for (name, kind) in &removed {
            let distinctive = match kind {
                SchemaKind::Struct(fields) => !fields.is_empty(),
                SchemaKind::Enum(values) => !values.is_empty(),
                SchemaKind::Other(_) => false,
            };
            let targets: Vec<&String> = added
                .iter()
                .filter(|(_, other)| *other == kind)
                .map(|(target, _)| *target)
                .collect();
            let twins = removed.iter().filter(|(_, other)| other == kind).count();
            if distinctive && targets.len() == 1 && twins == 1 {
                found.insert((*name).clone(), targets[0].clone());
            }
        }
        if found == renames {
            break;
        }
        renames = found;
    }
    renames
}

/// A schema kind with the renamed type names in its field types replaced.
fn renamed_kind(kind: &SchemaKind, renames: &BTreeMap<String, String>) -> SchemaKind {
    let rename = |rust_type: &str| -> String {
        let mut out = String::new();
        let mut ident = String::new();
        for c in rust_type.chars().chain(std::iter::once(' ')) {
            if c.is_alphanumeric() || c == '_' {
                ident.push(c);
            } else {
                out.push_str(renames.get(&ident).unwrap_or(&ident));
                ident.clear();
                out.push(c);
            }
        }
        out.pop();
        out
    };
    match kind {
        SchemaKind::Struct(fields) => SchemaKind::Struct(
            fields
                .iter()
                .map(|(name, field)| {
                    let field = Field {
                        base: rename(&field.base),
                        field: rename(&field.field),
                        required: field.required,
                    };
                    (name.clone(), field)
                })
                .collect(),
        ),
        SchemaKind::Enum(values) => SchemaKind::Enum(values.clone()),
        SchemaKind::Other(rust_type) => SchemaKind::Other(rename(rust_type)),
    }
}

struct Out<'a> {
    changes: &'a mut Vec<Change>,
    owner: &'a str,
}

impl Out<'_> {
    fn push(
        &mut self,
        impact: Impact,
        kind: Kind,
        member: Option<&str>,
        detail: String,
        why: &'static str,
    ) {
        self.changes.push(Change {
            impact,
            kind,
            owner: self.owner.to_string(),
            member: member.map(str::to_string),
            detail,
            why,
        });
    }
}

fn compare_operation(out: &mut Out, old: &OperationModel, new: &OperationModel) {
    let before = out.changes.len();
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
                if request_side {
                    out.push(
                        Impact::Compile,
                        Kind::PropertyAdded,
                        member,
                        detail,
                        "struct literals of this request type must set the new field",
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
                        "a new field of a response type",
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
                        "the field has another type",
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
                "open enums are non-exhaustive: matches already have a wildcard arm",
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
    if !structural && without_keys(old, &ignored) != without_keys(new, &ignored) {
        if out.owner == "(document)" {
            out.push(
                Impact::Additive,
                Kind::OtherChanged,
                None,
                "document-level fields".to_string(),
                "no generated type changes",
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
