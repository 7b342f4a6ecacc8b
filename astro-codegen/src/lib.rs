//! Build-time code generation shared by every generated Astro API client crate.
//!
//! The pipeline: [`astro_spec::Document`] reads and checks an OpenAPI document, [`prepass`]
//! adapts it to what a real server sends (open enums, error responses kept intact, no
//! `deny_unknown_fields`), [`generate`] runs progenitor with the project's settings and adds the
//! per-operation glue, and [`build`] wraps that for a crate's build script.
//!
//! A client crate's `build.rs` is one call, [`build::client_code`], and its `lib.rs` includes
//! `$OUT_DIR/client.rs`. With the `generator` feature (on in this repository's workspace, through
//! each client crate's `codegen` feature) that call generates the crate's areas of the pinned
//! documents named in `openapi/pins.toml`; without it, it installs the code [`pregenerated`]
//! into the package when it was made, after checking that the package's document is the one
//! the code was generated from. Users' builds take the second path and never compile the
//! generator.
//!
//! The same generation, on a document in memory:
//!
//! ```
//! # #[cfg(feature = "generator")] {
//! use astro_codegen::astro_spec::Document;
//!
//! let yaml = br#"
//! openapi: 3.0.3
//! info: {title: Example, version: v1}
//! paths:
//!   /widgets:
//!     get:
//!       operationId: ListWidgets
//!       responses:
//!         '200':
//!           description: ok
//!           content:
//!             application/json:
//!               schema: {$ref: '#/components/schemas/Widget'}
//! components:
//!   schemas:
//!     Widget:
//!       type: object
//!       properties:
//!         size: {type: string, enum: [SMALL, LARGE]}
//! "#;
//! let document = Document::parse(yaml)?;
//! let target = astro_codegen::target::Target::root(&document);
//! let code = astro_codegen::generate::generate(&document, &target)?;
//! assert!(code.contains("pub struct Widget"));
//! // The inline enum became the open enum `WidgetSize`.
//! assert!(code.contains("WidgetSize"));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod build;
#[cfg(feature = "generator")]
mod builders;
#[cfg(feature = "generator")]
pub mod enums;
#[cfg(feature = "generator")]
mod facade_methods;
#[cfg(feature = "generator")]
pub mod generate;
#[cfg(feature = "generator")]
mod non_exhaustive;
#[cfg(feature = "generator")]
mod operation_table;
#[cfg(feature = "generator")]
mod path_checks;
pub mod pregenerated;
#[cfg(feature = "generator")]
pub mod prepass;
#[cfg(feature = "generator")]
pub mod secrets;
#[cfg(feature = "generator")]
pub mod target;

#[cfg(feature = "generator")]
pub use astro_spec;
