//! Test-only support for the conformance suite: every operation of every pinned Astro API
//! document (v1 by default; the v1beta1 documents too with the `v1beta1` feature) is called
//! through the module generated for its crate area against a local mock server, and what
//! reaches the server (method, path, query, body, bearer token and version header) is compared
//! with what the document says the request must be.
//!
//! The build script emits one test per operation (see `build/cases.rs`); each builds a
//! [`Case`], serves it with [`Case::serve`], calls the operation and hands the result to
//! [`Case::check`].

mod case;
mod client;
mod json;
mod percent;

pub use case::{Api, Case, check_refused};
pub use client::{TOKEN, http_client, runtime, typed};
pub use json::same_json;
pub use percent::decode as percent_decode;
