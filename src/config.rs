//! A resolved configuration ([`Config`]) and the settings it is made of: environment variable
//! names, defaults, and the checks every setting goes through. A [`Config`] holds nothing that
//! still needs reading or checking; [`Client`](crate::Client) is made from one with `TryFrom`.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use astro_api_core::{RuntimeBuilder, TokenClaims};
use reqwest::Url;

use crate::token::Token;

/// The API token (`ASTRO_API_TOKEN`), with or without a leading `Bearer `.
pub const TOKEN_VAR: &str = "ASTRO_API_TOKEN";
/// The default organization (`ASTRO_ORGANIZATION_ID`).
pub const ORGANIZATION_VAR: &str = "ASTRO_ORGANIZATION_ID";
/// The Astro domain (`ASTRO_DOMAIN`): `astronomer.io` (default), `astronomer-dev.io`,
/// `astronomer-stage.io`. The API host is `api.<domain>`.
pub const DOMAIN_VAR: &str = "ASTRO_DOMAIN";
/// An explicit API host URL (`ASTRO_API_URL`), such as a local sandbox's
/// `http://127.0.0.1:8080`; it wins over `ASTRO_DOMAIN`.
pub const URL_VAR: &str = "ASTRO_API_URL";

/// The `User-Agent` the facade sends unless told otherwise.
pub const USER_AGENT: &str = concat!("astro-api-rs/", env!("CARGO_PKG_VERSION"));

/// The domain used when none is configured.
pub const DEFAULT_DOMAIN: &str = "astronomer.io";
/// The default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A setting that is missing or wrong. Each variant names the environment variable or builder
/// method it came from.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required setting is absent.
    #[error("{setting} is not set: {hint}")]
    Missing {
        /// The variable or builder method.
        setting: &'static str,
        /// What to do.
        hint: &'static str,
    },
    /// A setting has a value that cannot be used.
    #[error("{setting} is invalid: {reason}")]
    Invalid {
        /// The variable or builder method.
        setting: &'static str,
        /// What is wrong with it (never the token itself).
        reason: String,
    },
    /// The HTTP client could not be built (for example, no TLS roots).
    #[error("cannot build the HTTP client")]
    Http(#[source] reqwest::Error),
    /// The token is a JWT whose `exp` claim has passed: the server would refuse it.
    #[error("{setting} has expired: the token's `exp` claim is {}", httpdate::fmt_http_date(*.expired_at))]
    TokenExpired {
        /// The variable or method the token came from.
        setting: &'static str,
        /// When it expired.
        expired_at: SystemTime,
    },
}

/// Every setting of a client, resolved and checked: made by
/// [`ClientBuilder::config`](crate::ClientBuilder::config) (or by hand), turned into a
/// [`Client`](crate::Client) with `Client::try_from(config)`.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// The API host URL without a trailing slash, such as `https://api.astronomer.io`.
    pub base_url: String,
    /// Per-API URLs (`astro`, `platform`, `iam`) that replace `base_url` plus the API's base
    /// path, for a proxy or a mock that serves one document at its root.
    pub api_urls: BTreeMap<String, String>,
    /// The default organization.
    pub organization_id: Option<String>,
    /// The time allowed to establish a connection (when the client builds its own
    /// `reqwest::Client`).
    pub connect_timeout: Duration,
    /// The runtime's settings (retries, rate limits, timeouts, user agent, API version), with
    /// the token already set.
    pub runtime: RuntimeBuilder,
    /// A `reqwest::Client` of the caller's, if one was given.
    pub http_client: Option<reqwest::Client>,
}

impl Config {
    /// A configuration with the defaults, for this token, against `https://api.astronomer.io`.
    /// An expired JWT token is refused ([`ConfigError::TokenExpired`]); the token's claims do
    /// not set the organization here.
    pub fn new(token: &str) -> Result<Self, ConfigError> {
        let token = Token::parse(token).ok_or_else(|| invalid_token("Config::new"))?;
        check_not_expired("Config::new", &token)?;
        Ok(Config {
            base_url: domain_url("default domain", DEFAULT_DOMAIN)?,
            api_urls: BTreeMap::new(),
            organization_id: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            runtime: runtime_with_token(default_runtime(), &token)?,
            http_client: None,
        })
    }

    /// The URL where an API's operations live: its entry in [`Config::api_urls`], or
    /// `base_url` followed by the API's base path (`/v1`).
    pub fn api_url(&self, api: &astro_api_core::Api) -> String {
        match self.api_urls.get(api.name) {
            Some(url) => url.clone(),
            None => format!("{}{}", self.base_url, api.base_path),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("api_urls", &self.api_urls)
            .field("organization_id", &self.organization_id)
            .field("connect_timeout", &self.connect_timeout)
            .finish_non_exhaustive()
    }
}

/// The runtime settings a client starts from: the runtime's defaults, with the facade's user
/// agent.
pub(crate) fn default_runtime() -> RuntimeBuilder {
    RuntimeBuilder::default().user_agent(reqwest::header::HeaderValue::from_static(USER_AGENT))
}

/// The runtime settings with the token set as the bearer credential.
pub(crate) fn runtime_with_token(
    runtime: RuntimeBuilder,
    token: &Token,
) -> Result<RuntimeBuilder, ConfigError> {
    runtime
        .bearer_token(token.expose())
        .map_err(|e| ConfigError::Invalid {
            setting: "token",
            reason: e.to_string(),
        })
}

/// Refuses a JWT token whose `exp` has passed, naming where it came from.
pub(crate) fn check_not_expired(setting: &'static str, token: &Token) -> Result<(), ConfigError> {
    match TokenClaims::read(token.expose()).and_then(|claims| claims.expires_at()) {
        Some(expired_at) if expired_at <= SystemTime::now() => Err(ConfigError::TokenExpired {
            setting,
            expired_at,
        }),
        _ => Ok(()),
    }
}

/// The error for a token that cannot be used, naming where it came from.
pub(crate) fn invalid_token(setting: &'static str) -> ConfigError {
    ConfigError::Invalid {
        setting,
        reason: "empty, or contains white space or control characters".into(),
    }
}

/// Checks an organization id (letters, digits, `-` and `_`).
pub(crate) fn check_organization(
    setting: &'static str,
    value: &str,
) -> Result<String, ConfigError> {
    let id = value.trim();
    let valid = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(id.to_string())
    } else {
        Err(ConfigError::Invalid {
            setting,
            reason: format!("{value:?} is not an organization id (letters, digits, - and _)"),
        })
    }
}

/// `https://api.<domain>` for a domain such as `astronomer.io`.
pub(crate) fn domain_url(setting: &'static str, domain: &str) -> Result<String, ConfigError> {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |label: &str| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if domain.contains('.') && domain.split('.').all(label_ok) {
        Ok(format!("https://api.{domain}"))
    } else {
        Err(ConfigError::Invalid {
            setting,
            reason: format!("{domain:?} is not a domain such as astronomer.io"),
        })
    }
}

/// Checks a URL given for the API (https, or http on loopback; no credentials, query or
/// fragment) and returns it without a trailing slash.
pub(crate) fn check_url(setting: &'static str, raw: &str) -> Result<String, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid { setting, reason };
    let url = Url::parse(raw.trim()).map_err(|e| invalid(format!("{raw:?} is not a URL: {e}")))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(format!(
            "{raw:?} must not have a query or fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials in the URL are not accepted".into()));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(invalid(format!(
                "{raw:?} uses plain http, which is accepted only for loopback hosts \
                 (127.0.0.1, ::1, localhost); use https"
            )));
        }
        other => return Err(invalid(format!("scheme {other:?} is not http(s)"))),
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}
