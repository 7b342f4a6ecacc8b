//! A real blob server for deploys: [`Azurite`] (Microsoft's Azure Storage emulator, run as a
//! child process), [`BlobProxy`] (records requests, adds the version ids Azurite does not
//! give, injects faults) and the [`sas`] signatures the sandbox's upload URLs carry.
//!
//! Wiring, as the facade's deploy tests and the `deploy_dags` example do it:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use astro_sandbox::Sandbox;
//! use astro_sandbox::blob::{Azurite, BlobProxy};
//! let azurite = Azurite::start().await?; // fails saying how to install Azurite if missing
//! azurite.create_container("deploys").await?;
//! let proxy = BlobProxy::start(azurite.origin()).await?;
//! let container = format!("{}/{}/deploys", proxy.url(), azurite.account().name());
//! let sandbox = Sandbox::builder().blob_endpoint(container).start().await?;
//! // CreateDeploy now answers upload URLs (blob SAS) on the proxy, in front of Azurite.
//! # let _ = sandbox; Ok(()) }
//! ```

mod azurite;
mod http;
mod proxy;
pub mod sas;

pub use azurite::{AZURITE_VAR, Azurite, INSTALL_HINT};
pub use proxy::{BlobFault, BlobOperation, BlobProxy, BlobRequest};
