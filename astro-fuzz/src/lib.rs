//! Fuzzing of response decoding, as property tests that run in `cargo test`.
//!
//! [`OPERATIONS`] lists every operation of the pinned documents (the v1 document by default,
//! and the v1beta1 ones with the `v1beta1` feature), written by the build script from the
//! documents, so a regenerated document is covered without new code; each one with a JSON
//! success body has a decoder into its generated output type that goes through the same path as a real
//! call (`astro_api_core::__private::finish` after `serde_json`, as progenitor's generated code does).
//! The error path is fuzzed through [`astro_api_core::Error::from_response`], the runtime's
//! capture of a non-success response.
//!
//! The tests in `tests/` feed every decoder arbitrary bytes, arbitrary JSON values and mutated
//! spec samples, and the error path arbitrary statuses, headers and bodies: nothing may panic
//! or hang, and every failure must be a [`astro_api_core::ErrorKind::Decode`] error that names
//! what went wrong.
//!
//! # Running a long fuzz
//!
//! `ASTRO_FUZZ_CASES` sets the inputs per operation and strategy (default 64 in CI):
//!
//! ```text
//! ASTRO_FUZZ_CASES=20000 cargo test -p astro-fuzz --release -- --nocapture
//! ```
//!
//! Each test prints how many inputs it ran (with 40000: about seven million inputs in all,
//! some twelve minutes on two cores). Failing inputs are shrunk by proptest and shown in the
//! panic message. The release test binary can also be run directly, without cargo holding its
//! build lock: `ASTRO_FUZZ_CASES=40000 target/release/deps/decoding-<hash> --nocapture`.
#![warn(missing_docs)]

pub mod json;

use astro_api_core::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// Decodes a success body of the operation named by its first argument.
pub type Decoder = fn(&'static str, &[u8]) -> Result<(), Error>;

/// One operation of a pinned document.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// The API's name in `openapi/pins.toml` (`astro`, `platform`, `iam`).
    pub api: &'static str,
    /// The generated module that has it (`astro_platform`, `astro_iam::v1beta1`).
    pub module: &'static str,
    /// The operation id from the document (`GetWorkspace`).
    pub id: &'static str,
    /// The pinned document the module was generated from (YAML).
    pub spec_yaml: &'static str,
    /// Decodes a success body into the operation's output type; `None` when the operation
    /// documents no JSON success body (its body is never decoded as JSON).
    pub decode: Option<Decoder>,
}

impl Operation {
    /// Decodes `body` as this operation's success body; `None` for operations without one.
    pub fn decode(&self, body: &[u8]) -> Option<Result<(), Error>> {
        self.decode.map(|decode| decode(self.id, body))
    }
}

include!(concat!(env!("OUT_DIR"), "/decoders.rs"));

/// Decodes `body` into `T` the way a generated operation does (`serde_json`, then
/// `astro_api_core::__private::finish`, which names the failing field).
pub fn decode_as<T: DeserializeOwned>(
    operation_id: &'static str,
    body: &[u8],
) -> Result<(), Error> {
    let result = match serde_json::from_slice::<T>(body) {
        Ok(value) => Ok(ResponseValue::new(
            value,
            reqwest::StatusCode::OK,
            reqwest::header::HeaderMap::new(),
        )),
        Err(cause) => Err(progenitor_client::Error::InvalidResponsePayload(
            bytes::Bytes::copy_from_slice(body),
            cause,
        )),
    };
    astro_api_core::__private::finish::<T>(operation_id, result).map(drop)
}
