//! What changed between two versions of an API document, for a Rust user of the generated crate.
//!
//! Both documents go through the generator's pre-pass first ([`astro_codegen::prepass`], with the
//! secret fields their pins list, so a field that becomes secret is a type change), then
//! [`model`] reads what decides the generated types, [`compare`] classifies each difference
//! (breaks compilation, breaks at run time, additive, docs only) and [`report`] prints it. What
//! the `astro-api` facade derives from the documents (method names and pagination) is compared
//! too.

pub mod change;
pub mod compare;
pub mod docs;
pub mod facade;
pub mod model;
pub mod pagination;
mod renames;
pub mod report;
pub mod rust_types;

use astro_spec::pins::sha256_hex;
use astro_spec::{Document, SecretFields};

pub use change::{Change, Impact, Kind};
pub use report::{ApiReport, Report, Side};

/// One side of a comparison: a document, its bytes and the secret fields of its pin.
pub type Version<'a> = (&'a Document, &'a [u8], &'a SecretFields);

/// Compares two documents of one API, each generated with its own secret fields.
pub fn compare_documents(api: &str, old: Version, new: Version) -> ApiReport {
    let model = |document: &Document, secret_fields: &SecretFields| {
        model::ApiModel::read(&astro_codegen::prepass::prepare(document, secret_fields).document)
    };
    let side = |document: &Document, bytes: &[u8]| Side {
        version: document.info_version().to_string(),
        sha256: sha256_hex(bytes),
    };
    let mut changes = compare::compare(&model(old.0, old.2), &model(new.0, new.2));
    changes.extend(pagination::compare_pagination(old.0, new.0));
    // Operations first, then schemas, then the document; by name within each (stable, so an
    // item's own changes keep their order).
    changes.sort_by_key(|change| {
        let section = match (change.kind.is_operation(), change.owner.as_str()) {
            (true, _) => 0,
            (false, "(document)") => 2,
            (false, _) => 1,
        };
        (section, change.owner.clone())
    });
    ApiReport {
        api: api.to_string(),
        old: side(old.0, old.1),
        new: side(new.0, new.1),
        changes,
        compared: true,
    }
}
