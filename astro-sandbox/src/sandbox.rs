//! The sandbox handle: start, seed, inspect, inject faults, stop on drop.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::catalog::{Api, Catalog, Resolution, Route};
use crate::handler::{State, lock};
use crate::inject::{Fault, Injections};
use crate::journal::RecordedRequest;
use crate::records::new_record;
use crate::resources::{Resource, Role};
use crate::schema::check;
use crate::store::Store;
use crate::{lifecycle, roles};

/// A running sandbox server. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    pub(crate) state: Arc<State>,
    address: SocketAddr,
    organization_id: String,
    workspace_id: String,
    stop: watch::Sender<bool>,
}

/// Options for starting a sandbox: the address and whether to seed the defaults.
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    address: SocketAddr,
    seed_defaults: bool,
    token: Option<String>,
    settle_reads: u32,
    blob_endpoint: Option<String>,
}

/// Why a fixture or a fault was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError(pub(crate) String);

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SeedError {}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            address: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed_defaults: true,
            token: None,
            settle_reads: crate::lifecycle::DEFAULT_SETTLE_READS,
            blob_endpoint: None,
        }
    }
}

impl SandboxBuilder {
    /// Listens on this address instead of a random port of 127.0.0.1.
    pub fn address(mut self, address: SocketAddr) -> Self {
        self.address = address;
        self
    }

    /// Listens on this port of 127.0.0.1 (0 picks a free one).
    pub fn port(self, port: u16) -> Self {
        self.address(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
    }

    /// Starts empty: no default organization, workspace or user.
    pub fn without_defaults(mut self) -> Self {
        self.seed_defaults = false;
        self
    }

    /// Accepts only this bearer token and the current values of the API tokens the sandbox
    /// issues (`401` for any other, saying why: unknown, rotated, revoked or expired); by
    /// default any token is accepted.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// How many reads (`GET` of the item; lists do not count) a transitional status lasts
    /// before it settles: a created deployment is `CREATING` then `HEALTHY`, an updated one
    /// `DEPLOYING` then `HEALTHY`, a created cluster `CREATING` then `CREATED`, an updated one
    /// `UPDATING` then `CREATED`, a finalized deploy `INITIALIZED` then `DEPLOYED`. The default
    /// is 2; 0 settles at once (the create or update answers the settled status).
    pub fn settle_after(mut self, reads: u32) -> Self {
        self.settle_reads = reads;
        self
    }

    /// Makes created deploys carry upload URLs into this container (`<origin>/<account>/<container>`,
    /// the development account of [`crate::blob`]): see [`crate::blob`] for the wiring.
    /// [`start`](Self::start) fails if the URL has another shape.
    pub fn blob_endpoint(mut self, container_url: impl Into<String>) -> Self {
        self.blob_endpoint = Some(container_url.into());
        self
    }

    /// Binds the address and starts serving on the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        let catalog = Catalog::pinned().map_err(std::io::Error::other)?;
        let blob_endpoint = crate::uploads::parse_endpoint(self.blob_endpoint.as_deref())?;
        let listener = TcpListener::bind(self.address).await?;
        let address = listener.local_addr()?;
        let state = Arc::new(State {
            catalog,
            store: Mutex::new(Store::with_settle_reads(self.settle_reads)),
            injections: Mutex::new(Injections::default()),
            journal: Mutex::new(Vec::new()),
            ids: Default::default(),
            token: self.token,
        });
        lock(&state.store).blob_endpoint = blob_endpoint;
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(crate::server::serve(
            listener,
            Arc::clone(&state),
            stopped,
            crate::handler::handle,
        ));
        let mut sandbox = Sandbox {
            state,
            address,
            organization_id: String::new(),
            workspace_id: String::new(),
            stop,
        };
        if self.seed_defaults {
            sandbox.seed_defaults().map_err(std::io::Error::other)?;
        }
        Ok(sandbox)
    }
}

impl Sandbox {
    /// Starts a sandbox on a random port of 127.0.0.1 with the default organization, workspace
    /// and user.
    pub async fn start() -> std::io::Result<Self> {
        SandboxBuilder::default().start().await
    }

    /// Options for starting a sandbox.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The host's root URL, such as `http://127.0.0.1:40123`; the APIs are under their mount
    /// prefixes (`/v1`, and `/platform/v1beta1` and `/iam/v1beta1` with the `v1beta1`
    /// feature): see [`Sandbox::api_url`].
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address the sandbox listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The base URL of one API by its name in the pins, such as `http://127.0.0.1:40123/v1` for
    /// `astro` (Astro API v1), or `…/platform/v1beta1` and `…/iam/v1beta1` for `platform` and
    /// `iam` with the `v1beta1` feature; `None` for an API the sandbox does not serve.
    pub fn api_url(&self, api: &str) -> Option<String> {
        let api = self.state.catalog.api(api)?;
        Some(format!("{}{}", self.url(), api.prefix))
    }

    /// The id of the seeded default organization (empty when started without defaults).
    pub fn organization_id(&self) -> &str {
        &self.organization_id
    }

    /// The id of the seeded default workspace (empty when started without defaults).
    pub fn workspace_id(&self) -> &str {
        &self.workspace_id
    }

    /// The names of the APIs served (`astro`, then `platform` and `iam` with the `v1beta1`
    /// feature), each usable with [`Sandbox::api_url`].
    pub fn api_names(&self) -> Vec<String> {
        self.state
            .catalog
            .apis
            .iter()
            .map(|api| api.name.clone())
            .collect()
    }

    /// The name of every operation served, in document order: the v1 operation ids as they are
    /// (`ListWorkspaces`), then, with the `v1beta1` feature, the v1beta1 ids qualified by their
    /// API (`platform:ListWorkspaces`, `iam:ListUsers`). These are the names
    /// [`Sandbox::inject`] and [`Sandbox::requests_for`] take.
    pub fn operation_ids(&self) -> Vec<String> {
        let catalog = &self.state.catalog;
        catalog
            .apis
            .iter()
            .flat_map(|api| {
                api.routes
                    .iter()
                    .map(move |route| catalog.operation_name(api, route))
            })
            .collect()
    }

    /// Adds an object to the collection at `collection_path` (the path a create or list
    /// operation uses, such as `/v1/organizations/<id>/workspaces`). The APIs share one store,
    /// so with the `v1beta1` feature the object is also seen through v1beta1.
    ///
    /// The object is `fields` over a sample of the collection's schema, with the path's
    /// parameters, fresh timestamps, and a fresh id unless `fields` has one. Returns the stored
    /// object. Fails if no collection has that path or a field does not fit the schema.
    pub fn seed(&self, collection_path: &str, fields: Value) -> Result<Value, SeedError> {
        let (api, route, params) = self.collection(collection_path)?;
        let Some(resource) = api.resource(route) else {
            return Err(SeedError(format!("{collection_path} has no object schema")));
        };
        let Value::Object(given) = &fields else {
            return Err(SeedError("fixture fields must be a JSON object".into()));
        };
        check_fields(api, resource, given)?;
        let id = match given.get(&resource.id_property) {
            Some(Value::String(id)) => id.clone(),
            _ => self.state.ids.object(),
        };
        let mut record = new_record(api, resource, &params, Some(&fields), None, &id);
        if let Value::Object(stored) = &mut record {
            roles::on_create(api, resource, &params, Some(&fields), stored);
            lifecycle::on_seed(api, resource, stored);
            stored.extend(given.clone());
        }
        let collection = route.concrete_prefix(route.segments.len(), &params);
        lock(&self.state.store).insert(&collection, &id, record.clone());
        Ok(record)
    }

    /// The objects currently in the collection at `collection_path`, oldest first.
    pub fn objects(&self, collection_path: &str) -> Result<Vec<Value>, SeedError> {
        let (_, route, params) = self.collection(collection_path)?;
        let collection = route.concrete_prefix(route.segments.len(), &params);
        Ok(lock(&self.state.store)
            .list(&collection)
            .into_iter()
            .cloned()
            .collect())
    }

    /// Queues `fault` for the next calls of an operation; fails for an unknown operation or a
    /// status outside 100..=599.
    ///
    /// `operation` is a v1 operation id (`ListWorkspaces`), or an id qualified by the name of
    /// the API serving it (`astro:ListWorkspaces`; with the `v1beta1` feature
    /// `platform:ListWorkspaces` or `iam:ListUsers` for the v1beta1 operation of that id).
    pub fn inject(&self, operation: &str, fault: Fault) -> Result<(), SeedError> {
        let Some((api, route)) = self.state.catalog.operation(operation) else {
            return Err(SeedError(format!("no operation is named {operation}")));
        };
        if let Some(status) = fault.response_status()
            && !(100..=599).contains(&status)
        {
            return Err(SeedError(format!("{status} is not an HTTP status")));
        }
        lock(&self.state.injections).add(&api.name, &route.operation.id, fault);
        Ok(())
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.state.injections).clear();
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.journal).clone()
    }

    /// The requests routed to an operation, oldest first; `operation` is named as for
    /// [`Sandbox::inject`] (an unqualified id is the v1 operation). Empty for an unknown name.
    pub fn requests_for(&self, operation: &str) -> Vec<RecordedRequest> {
        let Some((api, route)) = self.state.catalog.operation(operation) else {
            return Vec::new();
        };
        lock(&self.state.journal)
            .iter()
            .filter(|r| {
                r.api.as_deref() == Some(api.name.as_str())
                    && r.operation_id.as_deref() == Some(route.operation.id.as_str())
            })
            .cloned()
            .collect()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.state.journal).clear();
    }

    fn collection(
        &self,
        path: &str,
    ) -> Result<(&Api, &Route, std::collections::BTreeMap<String, String>), SeedError> {
        for method in ["GET", "POST"] {
            if let Resolution::Found { api, route, params } =
                self.state.catalog.resolve(method, path)
                && matches!(route.role, Role::List | Role::Create)
            {
                return Ok((api, route, params));
            }
        }
        Err(SeedError(format!("no collection is served at {path}")))
    }

    /// Seeds an organization, a workspace and a user (the one `GET /users/self` answers with,
    /// owner of both) through the default API (v1).
    fn seed_defaults(&mut self) -> Result<(), SeedError> {
        let prefix = self
            .state
            .catalog
            .apis
            .first()
            .map(|api| api.prefix.clone())
            .ok_or_else(|| SeedError("no API is served".into()))?;
        let organization = self.seed_sample(&format!("{prefix}/organizations"))?;
        self.organization_id = organization;
        let organization = format!("{prefix}/organizations/{}", self.organization_id);
        self.workspace_id = self.seed_sample(&format!("{organization}/workspaces"))?;
        let user = self.seed_sample(&format!("{organization}/users"))?;
        let owner = json!({
            "organizationRole": "ORGANIZATION_OWNER",
            "workspaceRoles": [{"workspaceId": self.workspace_id, "role": "WORKSPACE_OWNER"}],
        });
        self.update_object(&format!("{organization}/users/{user}"), owner)?;
        lock(&self.state.store).self_user = Some((
            format!("/organizations/{}/users", self.organization_id),
            user,
        ));
        Ok(())
    }

    /// Seeds the collection's sample object, keeping the sample's id; returns the id.
    /// Seeds a sample object with a fresh id and readable names (`name`, `username`,
    /// `fullName`, where the schema has them); returns the id.
    fn seed_sample(&self, collection_path: &str) -> Result<String, SeedError> {
        let (api, route, _) = self.collection(collection_path)?;
        let resource = api
            .resource(route)
            .ok_or_else(|| SeedError(format!("{collection_path} has no object schema")))?;
        let schema = api.document.resolve(&resource.record_schema);
        let noun = &resource.noun;
        let fields: serde_json::Map<String, Value> = [
            ("name", format!("Sandbox {noun}")),
            ("username", format!("sandbox-{noun}@example.com")),
            ("fullName", format!("Sandbox {noun}")),
        ]
        .into_iter()
        .filter(|(name, value)| {
            schema
                .pointer(&format!("/properties/{name}"))
                .is_some_and(|property| {
                    check(&api.document, property, &Value::String(value.clone())).is_ok()
                })
        })
        .map(|(name, value)| (name.to_string(), Value::String(value)))
        .collect();
        let record = self.seed(collection_path, Value::Object(fields))?;
        Ok(record
            .get(&resource.id_property)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string())
    }
}

/// Checks that each of `given` is a field of the resource's objects and fits its schema.
pub(crate) fn check_fields(
    api: &Api,
    resource: &Resource,
    given: &serde_json::Map<String, Value>,
) -> Result<(), SeedError> {
    let schema = api.document.resolve(&resource.record_schema);
    for (name, value) in given {
        let Some(property) = schema.pointer(&format!("/properties/{name}")) else {
            return Err(SeedError(format!(
                "`{name}` is not a field of a {}",
                resource.noun
            )));
        };
        if let Err(mismatch) = check(&api.document, property, value) {
            return Err(SeedError(format!(
                "`{name}`{} {}",
                dotted(&mismatch.at),
                mismatch.problem
            )));
        }
    }
    Ok(())
}

fn dotted(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!(" at {at}")
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
