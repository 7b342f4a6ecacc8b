//! The facade's [`Client`]: one connection pool and one runtime for both APIs.

use std::fmt;
use std::sync::Arc;

use astro_api_core::{Error, Runtime};
use reqwest::header::HeaderValue;

use crate::config::{ClientBuilder, ConfigError, DEFAULT_CONNECT_TIMEOUT};

/// The `User-Agent` the facade sends.
pub const USER_AGENT: &str = concat!("astro-api-rs/", env!("CARGO_PKG_VERSION"));

/// A client of the Astro API: both generated clients over one connection pool, sharing one
/// runtime (token, retries, rate limits), plus an optional default organization.
///
/// Cloning is cheap and shares everything.
///
/// ```
/// use astro_api::{Call, Client, Paginate};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A local, stateful server of both APIs (the `astro-sandbox` crate).
/// let sandbox = astro_sandbox::Sandbox::start().await?;
/// let client = Client::builder()
///     .token("any-token")
///     .base_url(sandbox.url())
///     .organization_id(sandbox.organization_id())
///     .build()?;
/// let org = client.default_org()?;
/// let workspaces = org.list_workspaces().collect_all().await?;
/// let first = org.get_workspace().workspace_id(&workspaces[0].id).call().await?;
/// assert_eq!(first.id, workspaces[0].id);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: String,
    organization_id: Option<String>,
    #[cfg(feature = "platform")]
    platform: astro_platform::Client,
    #[cfg(feature = "iam")]
    iam: astro_iam::Client,
}

impl Client {
    /// A client configured from the environment: `ASTRO_API_TOKEN` (required),
    /// `ASTRO_ORGANIZATION_ID`, and `ASTRO_API_URL` or `ASTRO_DOMAIN`.
    pub fn from_env() -> Result<Self, ConfigError> {
        ClientBuilder::from_env().build()
    }

    /// The same as [`Client::from_env`], named as in kube-rs.
    pub fn try_default() -> Result<Self, ConfigError> {
        Self::from_env()
    }

    /// A builder that reads nothing from the environment.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    pub(crate) fn from_builder(mut builder: ClientBuilder) -> Result<Self, ConfigError> {
        let token = builder.resolve_token()?;
        let organization_id = builder.resolve_organization()?;
        let base_url = builder.resolve_base_url()?;
        let user_agent = builder
            .user_agent
            .clone()
            .unwrap_or_else(|| USER_AGENT.to_string());
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| ConfigError::Invalid {
            setting: "ClientBuilder::user_agent",
            reason: "not a valid header value".into(),
        })?;
        let mut runtime = Runtime::builder()
            .bearer_token(token.expose())
            .map_err(|e| ConfigError::Invalid {
                setting: "token",
                reason: e.to_string(),
            })?
            .user_agent(user_agent)
            .attempt_timeout(
                builder
                    .timeout
                    .unwrap_or(Some(astro_api_core::DEFAULT_ATTEMPT_TIMEOUT)),
            );
        if let Some(retry) = builder.retry.take() {
            runtime = runtime.retry(retry);
        }
        if let Some(limits) = builder.rate_limits {
            runtime = runtime.rate_limits(limits);
        }
        if let Some(bytes) = builder.max_response_bytes {
            runtime = runtime.max_response_bytes(bytes);
        }
        let runtime = runtime.build();
        let http = match builder.http_client.take() {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(builder.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .redirect(same_origin_redirects())
                .build()
                .map_err(ConfigError::Http)?,
        };
        Ok(
            Self {
                inner:
                    Arc::new(
                        Inner {
                            #[cfg(feature = "platform")]
                            platform: astro_platform::Client::new_with_client(
                                &api_url(
                                    &base_url,
                                    "platform",
                                    <astro_platform::Client as progenitor_client::ClientInfo<
                                        Runtime,
                                    >>::api_version(),
                                ),
                                http.clone(),
                                runtime.clone(),
                            ),
                            #[cfg(feature = "iam")]
                            iam:
                                astro_iam::Client::new_with_client(
                                    &api_url(
                                        &base_url,
                                        "iam",
                                        <astro_iam::Client as progenitor_client::ClientInfo<
                                            Runtime,
                                        >>::api_version(),
                                    ),
                                    http.clone(),
                                    runtime.clone(),
                                ),
                            base_url,
                            organization_id,
                        },
                    ),
            },
        )
    }

    /// The Platform API client (organizations, workspaces, clusters, deployments, deploys).
    #[cfg(feature = "platform")]
    pub fn platform(&self) -> &astro_platform::Client {
        &self.inner.platform
    }

    /// The IAM API client (users, teams, roles, invites, API tokens).
    #[cfg(feature = "iam")]
    pub fn iam(&self) -> &astro_iam::Client {
        &self.inner.iam
    }

    /// The API base URL, such as `https://api.astronomer.io`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The default organization, if one is configured.
    pub fn organization_id(&self) -> Option<&str> {
        self.inner.organization_id.as_deref()
    }

    /// Operations of one organization, with its id filled in.
    pub fn org(&self, organization_id: impl Into<String>) -> Org<'_> {
        Org {
            client: self,
            id: organization_id.into(),
        }
    }

    /// Operations of the default organization; an error names the setting when there is none.
    pub fn default_org(&self) -> Result<Org<'_>, Error> {
        match self.organization_id() {
            Some(id) => Ok(self.org(id)),
            None => Err(Error::invalid_request(
                "no default organization: set ASTRO_ORGANIZATION_ID or call \
                 ClientBuilder::organization_id",
            )),
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("organization_id", &self.inner.organization_id)
            .finish_non_exhaustive()
    }
}

/// Every operation of one organization (those whose path has `{organizationId}`), with the
/// id filled in. Made by [`Client::org`] or [`Client::default_org`].
///
/// Its methods are generated from the pinned specs by the crate's build script.
#[derive(Clone, Debug)]
pub struct Org<'a> {
    client: &'a Client,
    id: String,
}

impl Org<'_> {
    /// The organization id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

include!(concat!(env!("OUT_DIR"), "/org_methods.rs"));

/// `<base>/<api>/<version>`, where each API's operations live.
fn api_url(base_url: &str, api: &str, version: &str) -> String {
    format!("{base_url}/{api}/{version}")
}

/// Follows redirects only within the same scheme, host and port, so the token never goes to
/// another host; at most five.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > 5 || !same_origin {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}
