//! Client for the **IAM** operations of Astronomer's **Astro API v1** (users, teams, roles, invites, API tokens and allowed IP address ranges),
//! generated at build time by progenitor from the pinned OpenAPI document (see
//! `openapi/pins.toml` in the repository): the operations tagged as this crate's area there.
//!
//! Every operation is a method of [`Client`] returning a builder; `call()` sends it and gives
//! the decoded body or one [`astro_api_core::Error`] that keeps the status, request id and
//! body, and every offset/limit list also has `pager()`. Every request sends `X-API-Version`
//! with the pinned document's version unless the runtime says otherwise
//! ([`astro_api_core::ApiVersion`]). [`operations`] lists every operation; enums are open (see
//! [`enums`]). Most users reach this crate through the `astro-api` facade.
//!
//! With the `v1beta1` feature, the deprecated IAM API v1beta1 is generated as the module
//! `v1beta1`, until Astronomer ends its support in January 2027.
//!
//! ```no_run
//! # async fn run() -> Result<(), astro_api_core::Error> {
//! let http = reqwest::Client::new();
//! let client = astro_iam::Client::new_with_client(
//!     "https://api.astronomer.io/v1",
//!     http,
//!     astro_api_core::Runtime::new(),
//! );
//! let page = client.list_teams().organization_id("my-org").call().await?;
//! for team in page.teams {
//!     println!("{} {}", team.id, team.name);
//! }
//! # Ok(())
//! # }
//! ```
#![allow(clippy::all, clippy::pedantic, rustdoc::all, missing_docs)]

include!(concat!(env!("OUT_DIR"), "/client.rs"));

/// The OpenAPI document this crate was generated from (YAML, the whole Astro API v1 document),
/// as pinned in `openapi/pins.toml`.
pub const SPEC_YAML: &str = include_str!("../openapi/astro.yaml");

/// The deprecated IAM API v1beta1, generated from its own pinned document; kept until
/// Astronomer ends its support (January 2027), then removed.
#[cfg(feature = "v1beta1")]
pub mod v1beta1 {
    include!(concat!(env!("OUT_DIR"), "/v1beta1.rs"));

    /// The OpenAPI document this module was generated from (YAML).
    pub const SPEC_YAML: &str = include_str!("../openapi/iam.yaml");
}
