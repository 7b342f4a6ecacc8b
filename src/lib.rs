#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod client;
mod config;
pub mod pagination;
mod token;

pub use astro_api_core::{
    Call, ClientInfo, Error, ErrorKind, RateLimits, ResponseValue, RetryPolicy,
};
pub use client::{Client, Org, USER_AGENT};
pub use config::{
    ClientBuilder, ConfigError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DOMAIN, DOMAIN_VAR,
    ORGANIZATION_VAR, TOKEN_VAR, URL_VAR,
};
pub use pagination::{Page, Pager, Paginate, Paginated};
pub use token::Token;

#[cfg(feature = "iam")]
pub use astro_iam as iam;
#[cfg(feature = "platform")]
pub use astro_platform as platform;
