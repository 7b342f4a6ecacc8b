#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod audit_logs;
mod builder;
mod client;
mod config;
#[cfg(feature = "deploy")]
pub mod deploy;
#[cfg(feature = "iam")]
pub mod roles;
#[cfg(feature = "iam")]
mod rotation;
mod token;
pub mod update;
#[cfg(feature = "v1beta1")]
pub mod v1beta1;
pub mod wait;

pub use astro_api_core::pagination;
pub use astro_api_core::{
    Api, ApiVersion, Call, ClientInfo, Error, ErrorKind, FieldError, Operation, Page, Pager,
    Paginate, Paginated, RateLimits, ResponseValue, RetryPolicy, SecretString, TokenClaims,
    UnknownValue,
};
pub use builder::ClientBuilder;
pub use client::{Client, Org};
pub use config::{
    Config, ConfigError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DOMAIN, DOMAIN_VAR, ORGANIZATION_VAR,
    TOKEN_VAR, URL_VAR, USER_AGENT,
};
pub use token::Token;

#[cfg(feature = "iam")]
pub use astro_iam as iam;
#[cfg(feature = "platform")]
pub use astro_platform as platform;
