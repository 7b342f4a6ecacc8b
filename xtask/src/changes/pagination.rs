//! The `astro-api` facade's pagination, as it derives it from the documents.

use std::collections::BTreeMap;

use astro_spec::Document;

use super::change::{Change, Impact, Kind, Out};
use super::rust_types::rust_type;

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
