//! Renamed schemas: a type gone and an identical one new.

use std::collections::BTreeMap;

use super::model::{ApiModel, Field, SchemaKind};

/// Removed schemas with exactly one added schema of the same shape (same fields or values),
/// and the other way round: renamed types, such as a renamed parent and the enums lifted from
/// it. Field types are compared with the renames found so far applied, a few rounds deep.
pub(super) fn renames(old: &ApiModel, new: &ApiModel) -> BTreeMap<String, String> {
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
