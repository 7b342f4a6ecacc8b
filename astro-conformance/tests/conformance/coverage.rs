//! The emitted tests cover exactly the operations of the pinned documents this build tests (the
//! default API, and the `v1beta1` documents with that feature), read at test time.

use std::collections::BTreeSet;
use std::path::Path;

use astro_spec::{ApiPin, Document, Pins};

/// Whether this build tests the documents behind `feature` (`None`: always).
fn tested(feature: Option<&str>) -> bool {
    match feature {
        None => true,
        Some("v1beta1") => cfg!(feature = "v1beta1"),
        Some(_) => false,
    }
}

/// The operation ids of every tested pinned document, as `api/OperationId`, read from the
/// copies inside the generated crates now.
fn spec_operations() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate is in the workspace");
    let pins = Pins::load(root).expect("the pins file reads");
    let mut ids = BTreeSet::new();
    for pin in pins.api.iter().filter(|pin| tested(pin.feature.as_deref())) {
        for area in &pin.areas {
            let path = ApiPin::spec_in_crate(&root.join(&area.crate_dir), &pin.name);
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let document =
                Document::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            ids.extend(
                document
                    .operation_ids()
                    .into_iter()
                    .map(|id| format!("{}/{id}", pin.name)),
            );
        }
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
    let mut apis: Vec<&str> = super::COVERAGE.iter().map(|(api, _)| *api).collect();
    apis.dedup();
    for api in apis {
        let prefix = format!("{api}/");
        let count =
            |ids: &BTreeSet<String>| ids.iter().filter(|id| id.starts_with(&prefix)).count();
        eprintln!(
            "{api}: {}/{} operations covered",
            count(&covered),
            count(&expected)
        );
    }
}
