//! Fuzzing, as property tests: every operation's decoder meets arbitrary bytes, arbitrary JSON
//! and mutated spec samples; the error path meets arbitrary statuses, headers and bodies.
//! Nothing panics, and every failure is an error that names what went wrong.
//!
//! `ASTRO_FUZZ_CASES` (default 64) sets the inputs per operation and strategy.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use astro_api_core::{Error, ErrorKind};
use astro_fuzz::json::{self, Mutation};
use astro_fuzz::{OPERATIONS, Operation};
use astro_spec::{ApiPin, Document, Pins};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

/// The longest body excerpt an error keeps: 2048 characters and an ellipsis.
const EXCERPT_CHARS_MAX: usize = 2049;

fn cases() -> u32 {
    std::env::var("ASTRO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

fn decoding() -> impl Iterator<Item = &'static Operation> {
    OPERATIONS.iter().filter(|op| op.decode.is_some())
}

/// A decoding failure must be a decode error with a message and an excerpt of the body.
fn check_outcome(op: &Operation, body: &[u8]) -> Result<(), TestCaseError> {
    match op.decode(body).expect("a decoder") {
        Ok(()) => Ok(()),
        Err(error) => {
            prop_assert_eq!(error.kind(), ErrorKind::Decode, "{}: {:?}", op.id, error);
            prop_assert_eq!(error.operation(), Some(op.id));
            prop_assert!(!error.message().is_empty());
            prop_assert!(error.body_excerpt().is_some());
            prop_assert!(error.to_string().starts_with(op.id));
            Ok(())
        }
    }
}

/// The pinned document of an operation's module, parsed once per API.
fn spec(op: &Operation) -> &'static Document {
    static SPECS: OnceLock<Vec<(&'static str, Document)>> = OnceLock::new();
    let specs = SPECS.get_or_init(|| {
        let mut specs: Vec<(&'static str, Document)> = Vec::new();
        for op in OPERATIONS {
            if !specs.iter().any(|(api, _)| *api == op.api) {
                let document =
                    Document::parse(op.spec_yaml.as_bytes()).expect("the pinned spec parses");
                specs.push((op.api, document));
            }
        }
        specs
    });
    &specs
        .iter()
        .find(|(api, _)| *api == op.api)
        .expect("a known API")
        .1
}

/// The documented sample of an operation's success body.
fn success_sample(op: &Operation) -> Value {
    let document = spec(op);
    let operation = document
        .operations()
        .into_iter()
        .find(|o| o.id == op.id)
        .expect("the operation is in its spec");
    let schema = operation.success_schema.expect("a success schema");
    astro_spec::samples::sample(document, &schema)
}

/// Whether this build fuzzes the documents behind `feature` (`None`: always).
fn fuzzed(feature: Option<&str>) -> bool {
    match feature {
        None => true,
        Some("v1beta1") => cfg!(feature = "v1beta1"),
        Some(_) => false,
    }
}

#[test]
fn every_operation_of_every_pinned_spec_is_listed_with_a_decoder_when_it_has_a_body() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate is in the workspace");
    let pins = Pins::load(root).expect("the pins file reads");
    let mut documented = BTreeSet::new();
    for pin in pins.api.iter().filter(|pin| fuzzed(pin.feature.as_deref())) {
        for area in &pin.areas {
            let path = ApiPin::spec_in_crate(&root.join(&area.crate_dir), &pin.name);
            let document = Document::read_pinned(&path).unwrap().select_area(area);
            documented.extend(
                document
                    .operations()
                    .into_iter()
                    .map(|o| (pin.name.clone(), o.id, o.success_schema.is_some())),
            );
        }
    }
    let listed: BTreeSet<(String, String, bool)> = OPERATIONS
        .iter()
        .map(|o| (o.api.to_string(), o.id.to_string(), o.decode.is_some()))
        .collect();
    assert_eq!(documented, listed);
    assert_eq!(
        listed.len(),
        OPERATIONS.len(),
        "an operation is listed twice"
    );
    let apis: BTreeSet<&str> = OPERATIONS.iter().map(|o| o.api).collect();
    for api in apis {
        let of_api = || OPERATIONS.iter().filter(move |o| o.api == api);
        let decoders = of_api().filter(|o| o.decode.is_some()).count();
        assert!(decoders > 10, "{api}: {decoders} decoders");
        eprintln!(
            "{api}: {} operations, {decoders} decoders",
            of_api().count()
        );
    }
}

#[test]
fn every_documented_success_sample_decodes() {
    let mut failures = Vec::new();
    for op in decoding() {
        let sample = success_sample(op);
        if let Some(Err(error)) = op.decode(sample.to_string().as_bytes()) {
            failures.push(format!("{}: {error}", op.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut inputs = 0;
    for op in decoding() {
        runner()
            .run(&prop::collection::vec(any::<u8>(), 0..256), |bytes| {
                check_outcome(op, &bytes)
            })
            .unwrap_or_else(|e| panic!("{}: {e}", op.id));
        inputs += cases();
    }
    println!("arbitrary bytes: {inputs} inputs");
}

#[test]
fn arbitrary_json_never_panics() {
    let mut inputs = 0;
    for op in decoding() {
        runner()
            .run(&json::any_value(), |value| {
                check_outcome(op, value.to_string().as_bytes())
            })
            .unwrap_or_else(|e| panic!("{}: {e}", op.id));
        inputs += cases();
    }
    println!("arbitrary JSON: {inputs} inputs");
}

#[test]
fn mutated_samples_never_panic_and_name_the_field() {
    let mut inputs = 0;
    let decode_errors = std::cell::Cell::new(0u64);
    for op in decoding() {
        let sample = success_sample(op);
        runner()
            .run(
                &prop::collection::vec(json::mutation(), 1..4),
                |mutations| {
                    let mut value = sample.clone();
                    for (selector, mutation) in mutations {
                        json::apply(&mut value, selector, mutation);
                    }
                    let body = value.to_string();
                    check_outcome(op, body.as_bytes())?;
                    if let Some(Err(error)) = op.decode(body.as_bytes()) {
                        decode_errors.set(decode_errors.get() + 1);
                        // The body is JSON, so the failure is in a field (or the root's shape).
                        prop_assert!(error.decode_path().is_some(), "{:?}", error);
                    }
                    Ok(())
                },
            )
            .unwrap_or_else(|e| panic!("{}: {e}", op.id));
        inputs += cases();
    }
    println!(
        "mutated samples: {inputs} inputs, {} decode errors",
        decode_errors.get()
    );
    assert!(decode_errors.get() > 0, "mutations break some bodies");
}

/// Headers an error response may carry, with arbitrary values.
fn headers() -> impl Strategy<Value = reqwest::header::HeaderMap> {
    let names = prop::sample::select(vec![
        "content-type",
        "x-request-id",
        "request-id",
        "retry-after",
        "content-encoding",
        "x-amzn-requestid",
    ]);
    let value = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..40),
        Just(b"text/html".to_vec()),
        Just(b"application/json".to_vec()),
        Just(b"Wed, 21 Oct 2015 07:28:00 GMT".to_vec()),
        "[0-9]{1,25}".prop_map(String::into_bytes),
    ];
    prop::collection::vec((names, value), 0..5).prop_map(|pairs| {
        let mut map = reqwest::header::HeaderMap::new();
        for (name, value) in pairs {
            if let Ok(value) = reqwest::header::HeaderValue::from_bytes(&value) {
                map.append(name, value);
            }
        }
        map
    })
}

fn error_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        json::any_value().prop_map(|v| v.to_string().into_bytes()),
        (json::any_value(), json::any_value(), json::any_value()).prop_map(|(m, r, e)| {
            serde_json::json!({"message": m, "requestId": r, "error": e, "statusCode": 500})
                .to_string()
                .into_bytes()
        }),
        ".{0,3000}".prop_map(String::into_bytes),
    ]
}

#[test]
fn the_error_path_keeps_status_and_request_id_for_any_response() {
    let statuses = prop_oneof![100u16..=999, Just(429), Just(401), Just(503)];
    let count = cases() * 32;
    let mut runner = TestRunner::new(Config {
        cases: count,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(statuses, headers(), error_body()),
            |(status, headers, body)| {
                let status = reqwest::StatusCode::from_u16(status).unwrap();
                let error = Error::from_response(status, headers.clone(), &body);
                prop_assert_eq!(error.kind(), ErrorKind::Status);
                prop_assert_eq!(error.status(), Some(status));
                prop_assert!(!error.message().is_empty());
                let json: Option<Value> = serde_json::from_slice(&body).ok();
                let body_id = json
                    .as_ref()
                    .and_then(|v| v.get("requestId"))
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty());
                if let Some(id) = body_id {
                    prop_assert_eq!(error.request_id(), Some(id));
                } else if let Some(id) = headers
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .filter(|s| !s.is_empty())
                {
                    prop_assert_eq!(error.request_id(), Some(id));
                }
                if let Some(excerpt) = error.body_excerpt() {
                    prop_assert!(excerpt.chars().count() <= EXCERPT_CHARS_MAX);
                }
                let shown = error.to_string();
                prop_assert!(shown.contains(&status.as_u16().to_string()), "{}", shown);
                let _ = format!("{error:?}");
                Ok(())
            },
        )
        .unwrap();
    println!("error responses: {count} inputs");
}

#[test]
fn a_mutation_that_breaks_a_required_field_is_reported() {
    let op = OPERATIONS
        .iter()
        .find(|o| o.id == "GetWorkspace" && o.module == "astro_platform")
        .expect("GetWorkspace is pinned");
    let mut value = success_sample(op);
    value["createdAt"] = Value::Bool(true);
    let error = op
        .decode(value.to_string().as_bytes())
        .unwrap()
        .unwrap_err();
    assert_eq!(error.decode_path(), Some("createdAt"));
    let mut value = success_sample(op);
    json::apply(&mut value, 0, Mutation::WrapInArray);
    assert!(op.decode(value.to_string().as_bytes()).unwrap().is_err());
}
