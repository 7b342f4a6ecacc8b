//! The OpenAPI documents of the Astro API as data, without any code generation.
//!
//! [`document`] reads and checks a document; [`operations`] is the operation model (method,
//! path, parameters, bodies, pagination) that the code generator, the facade's build script,
//! the sandbox and the tests all read from the same pinned documents; [`pins`] reads and writes
//! `openapi/pins.toml`, whose [`secret_fields`] are checked against a document; [`naming`]
//! spells Rust names the way progenitor does; [`samples`] builds schema-valid example values
//! and [`validate`] checks values against schemas.
//!
//! ```
//! use astro_spec::{Document, ParameterLocation};
//!
//! let yaml = br#"
//! openapi: 3.0.3
//! info: {title: Example, version: v1}
//! paths:
//!   /organizations/{organizationId}/widgets:
//!     get:
//!       operationId: ListWidgets
//!       parameters:
//!         - {name: organizationId, in: path, required: true, schema: {type: string}}
//!       responses:
//!         '200': {description: ok}
//! "#;
//! let document = Document::parse(yaml)?;
//! let operation = &document.operations()[0];
//! assert_eq!((operation.method.as_str(), operation.id.as_str()), ("GET", "ListWidgets"));
//! assert_eq!(operation.parameters[0].location, ParameterLocation::Path);
//! assert_eq!(astro_spec::naming::snake(&operation.id), "list_widgets");
//! # Ok::<(), astro_spec::DocumentError>(())
//! ```
#![warn(missing_docs)]

pub mod document;
pub mod naming;
pub mod operations;
pub mod pins;
pub mod samples;
pub mod secret_fields;
pub mod validate;

pub use document::{Document, DocumentError};
pub use operations::{Operation, Pagination, Parameter, ParameterLocation};
pub use pins::{ApiPin, Area, Pins};
pub use secret_fields::SecretFields;
