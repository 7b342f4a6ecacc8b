//! The OpenAPI documents of the Astro API as data, without any code generation.
//!
//! [`document`] reads and checks a document; [`operations`] is the operation model (method,
//! path, parameters, bodies, pagination) that the code generator, the facade's build script,
//! the sandbox and the tests all read from the same pinned documents; [`pins`] reads and writes
//! `openapi/pins.toml`; [`naming`] spells Rust names the way progenitor does.
#![warn(missing_docs)]

pub mod document;
pub mod naming;
pub mod operations;
pub mod pins;
pub mod samples;

pub use document::{Document, DocumentError};
pub use operations::{Operation, Pagination, Parameter, ParameterLocation};
pub use pins::{ApiPin, Pins};
