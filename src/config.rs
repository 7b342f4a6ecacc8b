//! Where a [`Client`](crate::Client) connects and how it behaves: the builder, and the
//! environment variables it reads.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use astro_api_core::{RateLimits, RetryPolicy};
use reqwest::Url;

use crate::token::Token;

/// The API token (`ASTRO_API_TOKEN`), with or without a leading `Bearer `.
pub const TOKEN_VAR: &str = "ASTRO_API_TOKEN";
/// The default organization (`ASTRO_ORGANIZATION_ID`).
pub const ORGANIZATION_VAR: &str = "ASTRO_ORGANIZATION_ID";
/// The Astro domain (`ASTRO_DOMAIN`): `astronomer.io` (default), `astronomer-dev.io`,
/// `astronomer-stage.io`. The API host is `api.<domain>`.
pub const DOMAIN_VAR: &str = "ASTRO_DOMAIN";
/// An explicit API base URL (`ASTRO_API_URL`), such as a local sandbox's
/// `http://127.0.0.1:8080`; it wins over `ASTRO_DOMAIN`.
pub const URL_VAR: &str = "ASTRO_API_URL";

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
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// Builds a [`Client`](crate::Client). Settings made here win over the environment, whatever
/// the order of the calls; the environment is read only by [`ClientBuilder::from_env`].
#[derive(Default)]
pub struct ClientBuilder {
    pub(crate) token: Option<Result<Token, ConfigError>>,
    pub(crate) organization_id: Option<String>,
    pub(crate) domain: Option<String>,
    pub(crate) base_url: Option<String>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) timeout: Option<Option<Duration>>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) rate_limits: Option<Option<RateLimits>>,
    pub(crate) user_agent: Option<String>,
    pub(crate) http_client: Option<reqwest::Client>,
    pub(crate) max_response_bytes: Option<u64>,
    pub(crate) env: Option<HashMap<String, String>>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env_names: Option<Vec<&String>> = self.env.as_ref().map(|env| env.keys().collect());
        f.debug_struct("ClientBuilder")
            .field(
                "token",
                &self
                    .token
                    .as_ref()
                    .map(|t| t.as_ref().map(|_| "<redacted>")),
            )
            .field("organization_id", &self.organization_id)
            .field("domain", &self.domain)
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("rate_limits", &self.rate_limits)
            .field("user_agent", &self.user_agent)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("environment_variables", &env_names)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder that reads nothing from the environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder that falls back to the `ASTRO_*` environment variables for whatever is not set
    /// in code.
    pub fn from_env() -> Self {
        Self::from_env_vars(std::env::vars())
    }

    /// Like [`ClientBuilder::from_env`], with the variables given (for tests and tools).
    pub fn from_env_vars(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            env: Some(
                vars.into_iter()
                    .filter(|(k, _)| k.starts_with("ASTRO_"))
                    .collect(),
            ),
            ..Self::default()
        }
    }

    /// The API token, with or without a leading `Bearer `.
    pub fn token(mut self, token: impl AsRef<str>) -> Self {
        self.token = Some(Token::parse(token.as_ref()).ok_or(ConfigError::Invalid {
            setting: "ClientBuilder::token",
            reason: "empty, or contains white space or control characters".into(),
        }));
        self
    }

    /// The default organization, used by [`Client::default_org`](crate::Client::default_org).
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.organization_id = Some(id.into());
        self
    }

    /// The Astro domain (`astronomer.io`, `astronomer-dev.io`, `astronomer-stage.io`).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// An explicit base URL (scheme and host, such as `https://api.astronomer.io` or a local
    /// sandbox's `http://127.0.0.1:8080`). Plain `http` is accepted for loopback hosts only.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The time allowed to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The time allowed for one attempt, from sending to the end of the body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(Some(timeout));
        self
    }

    /// No per-attempt time limit (a `reqwest::Client` given to [`ClientBuilder::http_client`]
    /// may still have its own).
    pub fn without_timeout(mut self) -> Self {
        self.timeout = Some(None);
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Client-side rate limits (default: Astro's documented 25 GET, 10 POST, 5 DELETE per
    /// second), or `None` to send as fast as the caller asks.
    pub fn rate_limits(mut self, limits: Option<RateLimits>) -> Self {
        self.rate_limits = Some(limits);
        self
    }

    /// The `User-Agent` (default `astro-api-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A `reqwest::Client` of the caller's to send requests with (its pool, proxy and TLS
    /// settings are used; the connect timeout and redirect policy are then the caller's).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The largest success body accepted, in bytes (default 64 MiB).
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<crate::Client, ConfigError> {
        crate::client::Client::from_builder(self)
    }

    pub(crate) fn env_var(&self, name: &str) -> Option<&str> {
        self.env
            .as_ref()?
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// The token: set in code, else `ASTRO_API_TOKEN`.
    pub(crate) fn resolve_token(&mut self) -> Result<Token, ConfigError> {
        if let Some(token) = self.token.take() {
            return token;
        }
        match self.env_var(TOKEN_VAR) {
            Some(raw) => Token::parse(raw).ok_or(ConfigError::Invalid {
                setting: TOKEN_VAR,
                reason: "empty, or contains white space or control characters".into(),
            }),
            None => Err(ConfigError::Missing {
                setting: TOKEN_VAR,
                hint: "set it to an Astro API token, or call ClientBuilder::token",
            }),
        }
    }

    /// The default organization: set in code, else `ASTRO_ORGANIZATION_ID`.
    pub(crate) fn resolve_organization(&self) -> Result<Option<String>, ConfigError> {
        let (setting, value) = match &self.organization_id {
            Some(id) => ("ClientBuilder::organization_id", id.as_str()),
            None => match self.env_var(ORGANIZATION_VAR) {
                Some(id) => (ORGANIZATION_VAR, id),
                None => return Ok(None),
            },
        };
        let id = value.trim();
        let valid = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if valid {
            Ok(Some(id.to_string()))
        } else {
            Err(ConfigError::Invalid {
                setting,
                reason: format!("{value:?} is not an organization id (letters, digits, - and _)"),
            })
        }
    }

    /// The API base URL (no trailing slash): explicit URL, explicit domain, `ASTRO_API_URL`,
    /// `ASTRO_DOMAIN`, then `https://api.astronomer.io`.
    pub(crate) fn resolve_base_url(&self) -> Result<String, ConfigError> {
        if let Some(url) = &self.base_url {
            return check_url("ClientBuilder::base_url", url);
        }
        if let Some(domain) = &self.domain {
            return domain_url("ClientBuilder::domain", domain);
        }
        if let Some(url) = self.env_var(URL_VAR) {
            return check_url(URL_VAR, url);
        }
        if let Some(domain) = self.env_var(DOMAIN_VAR) {
            return domain_url(DOMAIN_VAR, domain);
        }
        domain_url("default domain", DEFAULT_DOMAIN)
    }
}

fn domain_url(setting: &'static str, domain: &str) -> Result<String, ConfigError> {
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

fn check_url(setting: &'static str, raw: &str) -> Result<String, ConfigError> {
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
