//! Client for Astronomer's **Astro Platform API** (organizations, workspaces, clusters,
//! deployments and deploys), generated at build time by progenitor from the pinned OpenAPI
//! document (see `openapi/pins.toml` in the repository).
//!
//! Every operation is a method of [`Client`] returning a builder; `send()` gives progenitor's
//! `ResponseValue`, and `call()` (from [`astro_api_core::Call`]) gives the decoded body or one
//! [`astro_api_core::Error`] that keeps the status, request id and body. Enums are open: see
//! [`enums`]. Most users reach this crate through the `astro-api` facade.
//!
//! ```no_run
//! use astro_api_core::Call;
//!
//! # async fn run() -> Result<(), astro_api_core::Error> {
//! let http = reqwest::Client::new();
//! let client = astro_platform::Client::new_with_client(
//!     "https://api.astronomer.io/platform/v1beta1",
//!     http,
//!     astro_api_core::Runtime::new(),
//! );
//! let page = client.list_workspaces().organization_id("my-org").call().await?;
//! for workspace in page.workspaces {
//!     println!("{} {}", workspace.id, workspace.name);
//! }
//! # Ok(())
//! # }
//! ```
#![allow(clippy::all, clippy::pedantic, rustdoc::all, missing_docs)]

include!(concat!(env!("OUT_DIR"), "/client.rs"));

/// The OpenAPI document this crate was generated from (YAML), as pinned in `openapi/pins.toml`.
pub const SPEC_YAML: &str = include_str!("../openapi/platform.yaml");

astro_api_core::client_hooks!(Client);
