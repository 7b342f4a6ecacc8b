//! Deploy uploads: with a blob endpoint ([`SandboxBuilder::blob_endpoint`]), a created deploy
//! gets the upload URL its type needs, a blob SAS URL into that container as Astro hands out:
//! `dagsUploadUrl` for `DAG_ONLY` and `IMAGE_AND_DAG`, `bundleUploadUrl` for `BUNDLE`, neither
//! for `IMAGE_ONLY`. Every deploy also gets image coordinates (`imageRepository`,
//! `imageTag`). The URLs are signed with the development account's key (see [`crate::blob`]),
//! so Azurite accepts them; the finalize request that carries the blob's version is in the
//! journal ([`Sandbox::requests_for`]`("FinalizeDeploy")`).
//!
//! [`SandboxBuilder::blob_endpoint`]: crate::SandboxBuilder::blob_endpoint
//! [`Sandbox::requests_for`]: crate::Sandbox::requests_for

use std::collections::BTreeMap;

use chrono::Utc;
use serde_json::{Map, Value};

use crate::blob::sas::Account;
use crate::resources::Resource;

/// How long an upload URL is valid.
const UPLOAD_VALIDITY: chrono::Duration = chrono::Duration::hours(1);

/// The registry host Astro's deploy images are pushed to.
pub const IMAGE_REGISTRY: &str = "images.astronomer.cloud";

/// A container's URL (`http://127.0.0.1:PORT/<account>/<container>`), where upload URLs point.
#[derive(Debug, Clone)]
pub struct BlobEndpoint {
    container_url: String,
    container: String,
    account: Account,
    /// Unique to this endpoint, so that sandboxes sharing a container (whose ids may repeat)
    /// never write the same blob.
    prefix: String,
}

impl BlobEndpoint {
    /// Reads `<origin>/<account>/<container>`; the account must be the development account.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim_end_matches('/');
        let (_, path) = url
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once('/'))
            .ok_or_else(|| format!("{url} is not <origin>/<account>/<container>"))?;
        let account = Account::dev();
        match path.split_once('/') {
            Some((name, container)) if name == account.name() && !container.contains('/') => {
                Ok(Self {
                    container_url: url.to_string(),
                    container: container.to_string(),
                    account,
                    prefix: unique_prefix(),
                })
            }
            _ => Err(format!(
                "{url} is not <origin>/{}/<container>",
                account.name()
            )),
        }
    }

    /// A signed upload URL (`cw` permissions) for one blob of the container.
    fn upload_url(&self, blob: &str) -> String {
        let sas = self
            .account
            .blob_sas(&self.container, blob, "cw", Utc::now() + UPLOAD_VALIDITY);
        format!("{}/{blob}?{sas}", self.container_url)
    }
}

/// The endpoint a [`SandboxBuilder`](crate::SandboxBuilder) was given, checked.
pub fn parse_endpoint(url: Option<&str>) -> std::io::Result<Option<BlobEndpoint>> {
    url.map(BlobEndpoint::parse)
        .transpose()
        .map_err(std::io::Error::other)
}

/// Fills a created deploy's upload URL (when there is an endpoint) and image coordinates.
pub fn on_create(
    endpoint: Option<&BlobEndpoint>,
    resource: &Resource,
    params: &BTreeMap<String, String>,
    body: Option<&Value>,
    fields: &mut Map<String, Value>,
) {
    if resource.noun != "deploy" {
        return;
    }
    let deployment = params.get("deploymentId").cloned().unwrap_or_default();
    let organization = params.get("organizationId").cloned().unwrap_or_default();
    let id = fields
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let repository = format!(
        "{IMAGE_REGISTRY}/{}/{deployment}",
        organization.to_lowercase()
    );
    fields.insert("imageRepository".into(), Value::String(repository));
    fields.insert("imageTag".into(), Value::String(format!("deploy-{id}")));
    let Some(endpoint) = endpoint else {
        return;
    };
    fields.remove("dagsUploadUrl");
    fields.remove("bundleUploadUrl");
    let kind = body
        .and_then(|body| body.get("type"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (field, file) = match kind {
        "DAG_ONLY" | "IMAGE_AND_DAG" => ("dagsUploadUrl", "dags.tar.gz"),
        "BUNDLE" => ("bundleUploadUrl", "bundle.tar.gz"),
        _ => return,
    };
    let url = endpoint.upload_url(&format!("{}/{deployment}/{id}/{file}", endpoint.prefix));
    fields.insert(field.into(), Value::String(url));
}

/// A random hex string (std's randomly keyed hasher over a counter and the time).
fn unique_prefix() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    hasher.write_i64(Utc::now().timestamp_nanos_opt().unwrap_or_default());
    format!("{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_names_the_development_account_and_one_container() {
        let endpoint = BlobEndpoint::parse("http://127.0.0.1:1/devstoreaccount1/deploys/").unwrap();
        assert_eq!(endpoint.container, "deploys");
        let url = endpoint.upload_url("d/x/dags.tar.gz");
        let other = BlobEndpoint::parse("http://127.0.0.1:1/devstoreaccount1/deploys").unwrap();
        assert_ne!(endpoint.prefix, other.prefix);
        assert!(
            url.starts_with("http://127.0.0.1:1/devstoreaccount1/deploys/d/x/dags.tar.gz?sv="),
            "{url}"
        );
        assert!(url.contains("&sr=b&sp=cw&sig="), "{url}");
        assert!(BlobEndpoint::parse("http://127.0.0.1:1/other/deploys").is_err());
        assert!(BlobEndpoint::parse("http://127.0.0.1:1/devstoreaccount1").is_err());
    }
}
