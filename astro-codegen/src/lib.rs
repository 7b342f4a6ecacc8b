//! Build-time code generation shared by every generated Astro API client crate.
//!
//! The pipeline: [`astro_spec::Document`] reads and checks an OpenAPI document, [`prepass`]
//! adapts it to what a real server sends (open enums, error responses kept intact, no
//! `deny_unknown_fields`), [`generate`] runs progenitor with the project's settings and adds the
//! per-operation glue, and [`build`] wraps that for a crate's build script.
#![warn(missing_docs)]

pub mod build;
pub mod enums;
pub mod generate;
pub mod prepass;

pub use astro_spec;
