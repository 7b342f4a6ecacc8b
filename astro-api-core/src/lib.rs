//! Runtime shared by the generated Astro API clients (`astro-platform`, `astro-iam`).
//!
//! Each generated crate implements progenitor's `ClientHooks` for its `Client` by calling
//! [`Runtime::execute`] with the generated [`Operation`] of the call, so every call made
//! through a generated client gets the same behaviour, with or without the `astro-api` facade:
//! - error bodies are captured, so [`Error`] keeps the status, request id, message, content type
//!   and a bounded excerpt of the body whatever its format;
//! - enums are open ([`open_enum!`]): unknown values parse as `Unknown`, holding an opaque
//!   [`UnknownValue`];
//! - every operation builder has `call()`, which returns the decoded body or one [`Error`]
//!   (also through the [`Call`] trait), and every offset/limit list has `pager()`
//!   ([`Pager`]);
//! - failed calls are retried where that is safe ([`RetryPolicy`]; `409` conflicts of idempotent
//!   operations too, when asked), requests are spaced to stay under Astro's per-token limits
//!   ([`RateLimits`]), bodies are capped in size, and every attempt is a `tracing` span;
//! - the token can be replaced on a live runtime ([`Runtime::set_bearer_token`]), and a JWT
//!   token whose `exp` has passed is refused before sending ([`ErrorKind::TokenExpired`],
//!   [`TokenClaims`]).
//!
//! A runtime is built once and handed to a generated client, which then uses it for every call:
//!
//! ```
//! use std::time::Duration;
//! use astro_api_core::{RateLimits, RetryPolicy, Runtime};
//!
//! let runtime = Runtime::builder()
//!     .retry(RetryPolicy::default().with_max_attempts(3))
//!     .rate_limits(Some(RateLimits::per_second(10, 5, 5)))
//!     .attempt_timeout(Some(Duration::from_secs(30)))
//!     .build();
//! assert_eq!(runtime.retry_policy().max_attempts(), 3);
//! // astro_platform::Client::new_with_client(base_url, reqwest::Client::new(), runtime)
//! ```
#![warn(missing_docs)]

mod binary;
mod body_limit;
mod call;
mod capture;
mod claims;
mod credential;
mod error;
mod limits;
mod open_enum;
pub mod operation;
pub mod pagination;
mod path_segment;
mod redact;
mod response_meta;
mod retry;
mod runtime;
mod secret;

pub use body_limit::BodyTooLarge;
pub use bytes::Bytes;
pub use call::Call;
pub use claims::TokenClaims;
pub use credential::InvalidToken;
pub use error::{Error, ErrorKind, FieldError};
pub use limits::RateLimits;
pub use open_enum::UnknownValue;
pub use operation::{Api, ApiVersion, Operation};
pub use pagination::{Page, Pager, Paginate, Paginated};
pub use progenitor_client::{ClientInfo, ResponseValue};
pub use retry::RetryPolicy;
pub use runtime::{DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, Runtime, RuntimeBuilder};
pub use secret::SecretString;

/// What generated code calls; not a stable interface.
#[doc(hidden)]
pub mod __private {
    pub use crate::binary::run_bytes;
    pub use crate::call::{finish, run};
    pub use crate::path_segment::check_path_segment;
    pub use progenitor_client;
    pub use reqwest;
    pub use schemars;
    pub use serde;
}
