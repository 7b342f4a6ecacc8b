//! Build-time code generation shared by every generated Astro API client crate.
//!
//! The pipeline: [`astro_spec::Document`] reads and checks an OpenAPI document, [`prepass`]
//! adapts it to what a real server sends (open enums, error responses kept intact, no
//! `deny_unknown_fields`), [`generate`] runs progenitor with the project's settings and adds the
//! per-operation glue, and [`build`] wraps that for a crate's build script.
//!
//! A client crate's `build.rs` is one call, `astro_codegen::build::generate_client()`, which
//! reads the crate's areas of the pinned documents from `openapi/pins.toml`; its `lib.rs`
//! includes `$OUT_DIR/client.rs`. The same generation, on a document in memory:
//!
//! ```
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
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod build;
mod builders;
pub mod enums;
mod facade_methods;
pub mod generate;
mod operation_table;
mod path_checks;
pub mod prepass;
pub mod target;

pub use astro_spec;
