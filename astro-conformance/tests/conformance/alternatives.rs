//! Request bodies with alternatives (`oneOf`) decode from JSON into the alternative whose fields
//! the JSON has, keeping every field: the pre-pass closes request-only alternatives so the
//! generated untagged enums cannot settle for the first alternative that merely fits.

use astro_spec::{Document, samples};
use serde_json::Value;

/// Decodes each alternative's full and minimal sample into `T` and checks nothing was dropped.
fn check_union<T: serde::de::DeserializeOwned + serde::Serialize>(
    spec: &str,
    union: &str,
) -> usize {
    let document = Document::parse(spec.as_bytes()).unwrap();
    let schema = document.schemas()[union].clone();
    let members = schema["oneOf"].as_array().expect("a oneOf schema").clone();
    for member in &members {
        for (kind, sample) in [
            ("full", samples::sample(&document, member)),
            ("minimal", samples::minimal_sample(&document, member)),
        ] {
            let decoded: T = serde_json::from_value(sample.clone())
                .unwrap_or_else(|e| panic!("{union} from the {kind} sample of {member}: {e}"));
            let back = serde_json::to_value(&decoded).unwrap();
            let dropped: Vec<&String> = sample
                .as_object()
                .unwrap()
                .keys()
                .filter(|key| back.get(key.as_str()).is_none_or(Value::is_null))
                .collect();
            assert!(
                dropped.is_empty(),
                "{union} {kind} {member}: dropped {dropped:?}"
            );
        }
    }
    members.len()
}

#[test]
fn every_alternative_of_every_request_union_keeps_its_fields() {
    use astro_platform::types;
    let spec = astro_platform::SPEC_YAML;
    let checked = check_union::<types::CreateClusterRequest>(spec, "CreateClusterRequest")
        + check_union::<types::UpdateClusterRequest>(spec, "UpdateClusterRequest")
        + check_union::<types::CreateDeploymentRequest>(spec, "CreateDeploymentRequest")
        + check_union::<types::UpdateDeploymentRequest>(spec, "UpdateDeploymentRequest");
    assert!(checked >= 8, "{checked} alternatives");
}
