//! The deprecated v1beta1 APIs (Platform and IAM), behind the `v1beta1` feature, until
//! Astronomer ends their support in January 2027; then this module is removed. They share the
//! client's connection pool and runtime (token, retries, rate limits).

use astro_api_core::Error;

use crate::client::{Client, no_default_organization};

impl Client {
    /// The deprecated v1beta1 APIs, over this client's connection pool and runtime; kept until
    /// Astronomer ends their support (January 2027).
    pub fn v1beta1(&self) -> V1beta1 {
        let url = |api: &astro_api_core::Api| self.config().api_url(api);
        V1beta1 {
            #[cfg(feature = "platform")]
            platform: astro_platform::v1beta1::Client::new_with_client(
                &url(&astro_platform::v1beta1::operations::API),
                self.http().clone(),
                self.runtime().clone(),
            ),
            #[cfg(feature = "iam")]
            iam: astro_iam::v1beta1::Client::new_with_client(
                &url(&astro_iam::v1beta1::operations::API),
                self.http().clone(),
                self.runtime().clone(),
            ),
            client: self.clone(),
        }
    }
}

/// The v1beta1 APIs of a client: `client.v1beta1().org(id).list_workspaces()`.
#[derive(Clone, Debug)]
pub struct V1beta1 {
    client: Client,
    #[cfg(feature = "platform")]
    platform: astro_platform::v1beta1::Client,
    #[cfg(feature = "iam")]
    iam: astro_iam::v1beta1::Client,
}

impl V1beta1 {
    /// The generated Platform API v1beta1 client.
    #[cfg(feature = "platform")]
    pub fn platform(&self) -> &astro_platform::v1beta1::Client {
        &self.platform
    }

    /// The generated IAM API v1beta1 client.
    #[cfg(feature = "iam")]
    pub fn iam(&self) -> &astro_iam::v1beta1::Client {
        &self.iam
    }

    /// The v1beta1 operations of one organization, with its id filled in.
    pub fn org(&self, organization_id: impl Into<String>) -> V1beta1Org {
        V1beta1Org {
            api: self.clone(),
            id: organization_id.into(),
        }
    }

    /// The v1beta1 operations of the default organization.
    pub fn default_org(&self) -> Result<V1beta1Org, Error> {
        match self.client.organization_id() {
            Some(id) => Ok(self.org(id)),
            None => Err(no_default_organization()),
        }
    }
}

#[cfg(feature = "platform")]
impl V1beta1 {
    astro_platform::__v1beta1_client_methods!(platform);
}

#[cfg(feature = "iam")]
impl V1beta1 {
    astro_iam::__v1beta1_client_methods!(iam);
}

/// Every v1beta1 operation of one organization, with the id filled in.
#[derive(Clone, Debug)]
pub struct V1beta1Org {
    api: V1beta1,
    id: String,
}

impl V1beta1Org {
    /// The organization id.
    pub fn id(&self) -> &str {
        &self.id
    }

    #[cfg(feature = "platform")]
    fn platform(&self) -> &astro_platform::v1beta1::Client {
        self.api.platform()
    }

    #[cfg(feature = "iam")]
    fn iam(&self) -> &astro_iam::v1beta1::Client {
        self.api.iam()
    }
}

#[cfg(feature = "platform")]
impl V1beta1Org {
    astro_platform::__v1beta1_org_methods!(platform);
}

#[cfg(feature = "iam")]
impl V1beta1Org {
    astro_iam::__v1beta1_org_methods!(iam);
}
