//! The emitted tests cover exactly the operations of the pinned specs, read at test time.

use std::collections::BTreeSet;
use std::path::Path;

use astro_spec::{Document, Pins};

/// The operation ids of every pinned spec, as `api/OperationId`, read from disk now.
fn spec_operations() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate is in the workspace");
    let pins = Pins::load(root).expect("the pins file reads");
    let mut ids = BTreeSet::new();
    for pin in &pins.api {
        let path = pin.crate_spec_path(root);
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let document =
            Document::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        ids.extend(
            document
                .operation_ids()
                .into_iter()
                .map(|id| format!("{}/{id}", pin.name)),
        );
    }
    ids
}

#[test]
fn every_operation_of_every_pinned_spec_has_a_conformance_test() {
    let covered: BTreeSet<String> = super::COVERAGE
        .iter()
        .flat_map(|(api, ids)| ids.iter().map(move |id| format!("{api}/{id}")))
        .collect();
    let expected = spec_operations();
    assert!(!expected.is_empty(), "the pinned specs have no operations");
    let missing: Vec<_> = expected.difference(&covered).collect();
    let unknown: Vec<_> = covered.difference(&expected).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "operations without a conformance test: {missing:?}; tests of operations not in the specs: {unknown:?}"
    );
    eprintln!("{} operations covered", covered.len());
}
