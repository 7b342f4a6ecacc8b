//! [`ClientBuilder`]: settings made in code, falling back to the `ASTRO_*` environment
//! variables, resolved into a [`Config`].

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use astro_api_core::{ApiVersion, RateLimits, RetryPolicy, RuntimeBuilder, TokenClaims};
use reqwest::header::HeaderValue;

use crate::client::Client;
use crate::config::{
    self, Config, ConfigError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DOMAIN, DOMAIN_VAR,
    ORGANIZATION_VAR, TOKEN_VAR, URL_VAR,
};
use crate::token::Token;

impl Client {
    /// A client configured from the environment: `ASTRO_API_TOKEN` (required),
    /// `ASTRO_ORGANIZATION_ID` (else the organization named in the token's claims), and
    /// `ASTRO_API_URL` or `ASTRO_DOMAIN`. An expired JWT token is refused here.
    pub fn from_env() -> Result<Self, ConfigError> {
        ClientBuilder::from_env().build()
    }

    /// A builder that reads nothing from the environment.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }
}

/// Builds a [`Client`](crate::Client). Settings made here win over the environment, whatever
/// the order of the calls; the environment is read only by [`ClientBuilder::from_env`].
///
/// The runtime's settings (retries, rate limits, timeouts, user agent, API version) go straight
/// into an embedded [`RuntimeBuilder`]; the rest is resolved by [`ClientBuilder::config`].
pub struct ClientBuilder {
    token: Option<Result<Token, ConfigError>>,
    organization_id: Option<String>,
    domain: Option<String>,
    base_url: Option<String>,
    api_urls: BTreeMap<String, String>,
    connect_timeout: Duration,
    runtime: RuntimeBuilder,
    user_agent_error: Option<ConfigError>,
    http_client: Option<reqwest::Client>,
    env: HashMap<String, String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            token: None,
            organization_id: None,
            domain: None,
            base_url: None,
            api_urls: BTreeMap::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            runtime: config::default_runtime(),
            user_agent_error: None,
            http_client: None,
            env: HashMap::new(),
        }
    }
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env_names: Vec<&String> = self.env.keys().collect();
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
            .field("api_urls", &self.api_urls)
            .field("connect_timeout", &self.connect_timeout)
            .field("runtime", &self.runtime)
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
            env: vars
                .into_iter()
                .filter(|(k, _)| k.starts_with("ASTRO_"))
                .collect(),
            ..Self::default()
        }
    }

    /// The API token, with or without a leading `Bearer `.
    pub fn token(mut self, token: impl AsRef<str>) -> Self {
        self.token = Some(
            Token::parse(token.as_ref())
                .ok_or_else(|| config::invalid_token("ClientBuilder::token")),
        );
        self
    }

    /// The default organization, used by [`Client::default_org`](crate::Client::default_org).
    /// Without one, `ASTRO_ORGANIZATION_ID` (with [`ClientBuilder::from_env`]) and then the
    /// organization named in the token's claims (see [`TokenClaims`]) are used.
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.organization_id = Some(id.into());
        self
    }

    /// The Astro domain (`astronomer.io`, `astronomer-dev.io`, `astronomer-stage.io`).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// An explicit host URL (scheme and host, such as `https://api.astronomer.io` or a local
    /// sandbox's `http://127.0.0.1:8080`); each API lives below it at its base path (`/v1`).
    /// Plain `http` is accepted for loopback hosts only.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The URL of one API (`astro` for v1, `platform` or `iam` for v1beta1), replacing the
    /// host URL plus that API's base path: for a proxy, or a mock serving one document at its
    /// root. Checked like [`ClientBuilder::base_url`].
    pub fn api_url(mut self, api: impl Into<String>, url: impl Into<String>) -> Self {
        self.api_urls.insert(api.into(), url.into());
        self
    }

    /// Which minor version of the v1 API to ask for (`X-API-Version`): by default the version
    /// of the document the crates were generated from, so answers have the shape the types
    /// expect; [`ApiVersion::Latest`] sends no header.
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.runtime = self.runtime.api_version(version);
        self
    }

    /// The time allowed to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for one attempt, from sending to the end of the body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.runtime = self.runtime.attempt_timeout(Some(timeout));
        self
    }

    /// No per-attempt time limit (a `reqwest::Client` given to [`ClientBuilder::http_client`]
    /// may still have its own).
    pub fn without_timeout(mut self) -> Self {
        self.runtime = self.runtime.attempt_timeout(None);
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.runtime = self.runtime.retry(policy);
        self
    }

    /// Client-side rate limits (default: Astro's documented 25 GET, 10 POST, 5 DELETE per
    /// second), or `None` to send as fast as the caller asks.
    pub fn rate_limits(mut self, limits: Option<RateLimits>) -> Self {
        self.runtime = self.runtime.rate_limits(limits);
        self
    }

    /// The `User-Agent` (default `astro-api-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        match HeaderValue::from_str(&user_agent.into()) {
            Ok(value) => self.runtime = self.runtime.user_agent(value),
            Err(_) => {
                self.user_agent_error = Some(ConfigError::Invalid {
                    setting: "ClientBuilder::user_agent",
                    reason: "not a valid header value".into(),
                })
            }
        }
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
        self.runtime = self.runtime.max_response_bytes(bytes);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, ConfigError> {
        Client::try_from(self.config()?)
    }

    /// Resolves and checks every setting, reading the environment for what code did not set.
    /// A JWT token whose `exp` has passed is refused ([`ConfigError::TokenExpired`]).
    pub fn config(self) -> Result<Config, ConfigError> {
        if let Some(error) = self.user_agent_error {
            return Err(error);
        }
        let (token, token_setting) = self.resolve_token()?;
        config::check_not_expired(token_setting, &token)?;
        let organization_id = match self.resolve_organization()? {
            Some(id) => Some(id),
            None => organization_claim(&token),
        };
        let base_url = self.resolve_base_url()?;
        let mut api_urls = BTreeMap::new();
        for (api, url) in &self.api_urls {
            api_urls.insert(
                api.clone(),
                config::check_url("ClientBuilder::api_url", url)?,
            );
        }
        Ok(Config {
            runtime: config::runtime_with_token(self.runtime, &token)?,
            base_url,
            api_urls,
            organization_id,
            connect_timeout: self.connect_timeout,
            http_client: self.http_client,
        })
    }

    fn env_var(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// The token (set in code, else `ASTRO_API_TOKEN`) and the setting it came from.
    fn resolve_token(&self) -> Result<(Token, &'static str), ConfigError> {
        const CODE: &str = "ClientBuilder::token";
        match &self.token {
            Some(Ok(token)) => Ok((token.clone(), CODE)),
            Some(Err(_)) => Err(config::invalid_token(CODE)),
            None => match self.env_var(TOKEN_VAR) {
                Some(raw) => Token::parse(raw)
                    .map(|token| (token, TOKEN_VAR))
                    .ok_or_else(|| config::invalid_token(TOKEN_VAR)),
                None => Err(ConfigError::Missing {
                    setting: TOKEN_VAR,
                    hint: "set it to an Astro API token, or call ClientBuilder::token",
                }),
            },
        }
    }

    /// The default organization: set in code, else `ASTRO_ORGANIZATION_ID` (the token's claim
    /// is the caller's last resort).
    fn resolve_organization(&self) -> Result<Option<String>, ConfigError> {
        match &self.organization_id {
            Some(id) => config::check_organization("ClientBuilder::organization_id", id).map(Some),
            None => match self.env_var(ORGANIZATION_VAR) {
                Some(id) => config::check_organization(ORGANIZATION_VAR, id).map(Some),
                None => Ok(None),
            },
        }
    }

    /// The host URL (no trailing slash): explicit URL, explicit domain, `ASTRO_API_URL`,
    /// `ASTRO_DOMAIN`, then `https://api.astronomer.io`.
    fn resolve_base_url(&self) -> Result<String, ConfigError> {
        if let Some(url) = &self.base_url {
            return config::check_url("ClientBuilder::base_url", url);
        }
        if let Some(domain) = &self.domain {
            return config::domain_url("ClientBuilder::domain", domain);
        }
        if let Some(url) = self.env_var(URL_VAR) {
            return config::check_url(URL_VAR, url);
        }
        if let Some(domain) = self.env_var(DOMAIN_VAR) {
            return config::domain_url(DOMAIN_VAR, domain);
        }
        config::domain_url("default domain", DEFAULT_DOMAIN)
    }
}

/// The organization the token's claims name, when it is a JWT that names a valid organization
/// id (anything else in the claim is ignored).
fn organization_claim(token: &Token) -> Option<String> {
    let claims = TokenClaims::read(token.expose())?;
    config::check_organization("token claim", claims.organization_id()?).ok()
}
