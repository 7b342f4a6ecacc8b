//! The facade's [`Client`]: one connection pool and one runtime for both generated crates, and
//! [`Org`], the operations of one organization.

use std::fmt;
use std::sync::Arc;

use astro_api_core::{Error, Runtime};

use crate::config::{self, Config, ConfigError};
use crate::token::Token;

/// A client of the Astro API v1: both generated crates over one connection pool, sharing one
/// runtime (token, retries, rate limits, API version), plus an optional default organization.
///
/// Cloning is cheap and shares everything. Operations that belong to no organization
/// (`list_organizations`, `get_self_user`, `list_permission_groups`) are methods of the client;
/// the others are methods of [`Org`].
///
/// ```
/// use astro_api::Client;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A local, stateful server of the API (the `astro-sandbox` crate).
/// let sandbox = astro_sandbox::Sandbox::start().await?;
/// let client = Client::builder()
///     .token("any-token")
///     .base_url(sandbox.url())
///     .organization_id(sandbox.organization_id())
///     .build()?;
/// let org = client.default_org()?;
/// let workspaces = org.list_workspaces().pager().collect().await?;
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
    config: Config,
    http: reqwest::Client,
    runtime: Runtime,
    #[cfg(feature = "platform")]
    platform: astro_platform::Client,
    #[cfg(feature = "iam")]
    iam: astro_iam::Client,
}

impl TryFrom<Config> for Client {
    type Error = ConfigError;

    /// Builds the HTTP client (unless the configuration has one) and the generated clients.
    fn try_from(config: Config) -> Result<Self, ConfigError> {
        let runtime = config.runtime.clone().build();
        let http = match &config.http_client {
            Some(http) => http.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .redirect(same_origin_redirects())
                .build()
                .map_err(ConfigError::Http)?,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                #[cfg(feature = "platform")]
                platform: astro_platform::Client::new_with_client(
                    &config.api_url(&astro_platform::operations::API),
                    http.clone(),
                    runtime.clone(),
                ),
                #[cfg(feature = "iam")]
                iam: astro_iam::Client::new_with_client(
                    &config.api_url(&astro_iam::operations::API),
                    http.clone(),
                    runtime.clone(),
                ),
                config,
                http,
                runtime,
            }),
        })
    }
}

impl Client {
    /// The generated client of the Platform operations (organizations, workspaces, clusters,
    /// deployments, deploys, agent tokens, environment objects).
    #[cfg(feature = "platform")]
    pub fn platform(&self) -> &astro_platform::Client {
        &self.inner.platform
    }

    /// The generated client of the IAM operations (users, teams, roles, invites, API tokens,
    /// allowed IP address ranges).
    #[cfg(feature = "iam")]
    pub fn iam(&self) -> &astro_iam::Client {
        &self.inner.iam
    }

    /// Replaces the API token of this client and of every clone of it (and of every [`Org`] made
    /// from them): every attempt that starts from now on sends the new token, including the
    /// retries of calls already running. Takes the token as [`ClientBuilder::token`]
    /// does (a leading `Bearer ` is removed) and refuses one that is not usable or is a JWT
    /// whose `exp` has passed. The organization stays the one the client was built with, and
    /// [`Client::config`] still shows the settings it was built from.
    ///
    /// [`ClientBuilder::token`]: crate::ClientBuilder::token
    pub fn set_token(&self, token: &str) -> Result<(), ConfigError> {
        const SETTING: &str = "Client::set_token";
        let token = Token::parse(token).ok_or_else(|| config::invalid_token(SETTING))?;
        config::check_not_expired(SETTING, &token)?;
        self.inner
            .runtime
            .set_bearer_token(token.expose())
            .map_err(|e| ConfigError::Invalid {
                setting: SETTING,
                reason: e.to_string(),
            })
    }

    /// The resolved configuration the client was made from.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The connection pool every API request goes through (it never carries the token itself:
    /// the runtime adds it per request, for the API's host only).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The runtime every request goes through (token, retries, rate limits, API version), for
    /// building another generated client that shares them.
    pub fn runtime(&self) -> &Runtime {
        &self.inner.runtime
    }

    /// The API host URL, such as `https://api.astronomer.io`.
    pub fn base_url(&self) -> &str {
        &self.inner.config.base_url
    }

    /// The default organization, if one is configured.
    pub fn organization_id(&self) -> Option<&str> {
        self.inner.config.organization_id.as_deref()
    }

    /// Operations of one organization, with its id filled in. The [`Org`] holds a clone of the
    /// client, so it can move into a spawned task.
    pub fn org(&self, organization_id: impl Into<String>) -> Org {
        Org {
            client: self.clone(),
            id: organization_id.into(),
        }
    }

    /// Operations of the default organization; an error names the setting when there is none.
    pub fn default_org(&self) -> Result<Org, Error> {
        match self.organization_id() {
            Some(id) => Ok(self.org(id)),
            None => Err(no_default_organization()),
        }
    }
}

/// The error of [`Client::default_org`] without a default organization.
pub(crate) fn no_default_organization() -> Error {
    Error::invalid_request(
        "no default organization: set ASTRO_ORGANIZATION_ID or call \
         ClientBuilder::organization_id",
    )
}

#[cfg(feature = "platform")]
impl Client {
    astro_platform::__client_methods!(platform);
}

#[cfg(feature = "iam")]
impl Client {
    astro_iam::__client_methods!(iam);
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("organization_id", &self.organization_id())
            .finish_non_exhaustive()
    }
}

/// Every operation of one organization (those whose path has `{organizationId}`), with the
/// id filled in. Made by [`Client::org`] or [`Client::default_org`]; it owns a clone of the
/// client, so it can be moved into a spawned task.
///
/// Its methods are generated from the pinned document, one per operation, named after the
/// operation's id (`ListWorkspaces` gives `list_workspaces`).
#[derive(Clone, Debug)]
pub struct Org {
    client: Client,
    id: String,
}

impl Org {
    /// The organization id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The client this scope belongs to.
    pub fn client(&self) -> &Client {
        &self.client
    }

    #[cfg(feature = "platform")]
    fn platform(&self) -> &astro_platform::Client {
        self.client.platform()
    }

    #[cfg(feature = "iam")]
    fn iam(&self) -> &astro_iam::Client {
        self.client.iam()
    }
}

#[cfg(feature = "platform")]
impl Org {
    astro_platform::__org_methods!(platform);
}

#[cfg(feature = "iam")]
impl Org {
    astro_iam::__org_methods!(iam);
}

/// Follows redirects only within the same scheme, host and port, so the token never goes to
/// another host; at most five.
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
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
