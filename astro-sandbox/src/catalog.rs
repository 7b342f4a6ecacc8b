//! The served operations, read from the pinned OpenAPI documents at start-up, and request
//! routing: which operation a method and path select.

use std::collections::BTreeMap;

use astro_spec::{Document, Operation};

use crate::resources::{self, Resource, Role};
use crate::template::{Segment, parse_template, shape_of_segments, split_path};

/// One API document as served: its name, mount prefix, document and routes.
#[derive(Debug)]
pub struct Api {
    /// The API's name in the pins (`astro` for v1; `platform` and `iam` for v1beta1).
    pub name: String,
    /// Where it is mounted: the path of the document's first server URL (`/v1`), or
    /// `/<name>/<info.version>` when the document names no server.
    pub prefix: String,
    /// The parsed document.
    pub document: Document,
    /// One route per operation, in document order.
    pub routes: Vec<Route>,
    /// The collections the store keeps, by shape (`/organizations/{}/workspaces`).
    pub resources: BTreeMap<String, Resource>,
}

/// One operation with its parsed path template and its resource role.
#[derive(Debug)]
pub struct Route {
    /// The operation as read from the document.
    pub operation: Operation,
    /// The path template, split into segments.
    pub segments: Vec<Segment>,
    /// What the operation does to the store.
    pub role: Role,
}

/// The outcome of routing a request.
#[derive(Debug)]
pub enum Resolution<'a> {
    /// An operation was found, with the decoded path parameters.
    Found {
        /// The API serving it.
        api: &'a Api,
        /// The operation's route.
        route: &'a Route,
        /// Path parameter values by name.
        params: BTreeMap<String, String>,
    },
    /// The path exists but not with this method; the allowed methods are listed.
    MethodNotAllowed(Vec<String>),
    /// No operation has this path.
    NotFound,
}

/// Every served API.
#[derive(Debug)]
pub struct Catalog {
    /// The APIs, each under its own prefix; the first is the default one for unqualified
    /// operation names.
    pub apis: Vec<Api>,
}

/// Why a document could not be served.
#[derive(Debug)]
pub struct CatalogError(pub String);

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CatalogError {}

impl Catalog {
    /// The catalog of the pinned documents compiled into the client crates: Astro API v1
    /// (`astro`), and with the `v1beta1` feature the Platform and IAM v1beta1 documents.
    pub fn pinned() -> Result<Self, CatalogError> {
        #[allow(unused_mut)]
        let mut documents = vec![("astro", astro_platform::SPEC_YAML)];
        #[cfg(feature = "v1beta1")]
        documents.extend([
            ("platform", astro_platform::v1beta1::SPEC_YAML),
            ("iam", astro_iam::v1beta1::SPEC_YAML),
        ]);
        Self::from_documents(&documents)
    }

    /// A catalog of the given `(api name, document text)` pairs.
    pub fn from_documents(documents: &[(&str, &str)]) -> Result<Self, CatalogError> {
        let mut apis = Vec::new();
        for (name, text) in documents {
            let document = Document::parse(text.as_bytes())
                .map_err(|e| CatalogError(format!("the {name} document: {e}")))?;
            apis.push(Api::new(name, document));
        }
        Ok(Self { apis })
    }

    /// The API with this name.
    pub fn api(&self, name: &str) -> Option<&Api> {
        self.apis.iter().find(|api| api.name == name)
    }

    /// The API and route of an operation name: an operation id of the first (default) API,
    /// such as `ListWorkspaces`, or an id qualified by its API's name, such as
    /// `platform:ListWorkspaces`.
    pub fn operation(&self, name: &str) -> Option<(&Api, &Route)> {
        let (api, id) = match name.split_once(':') {
            Some((api, id)) => (self.api(api)?, id),
            None => (self.apis.first()?, name),
        };
        api.routes
            .iter()
            .find(|route| route.operation.id == id)
            .map(|route| (api, route))
    }

    /// The name [`Catalog::operation`] finds this operation by: its id, qualified by the API's
    /// name unless the API is the default one.
    pub fn operation_name(&self, api: &Api, route: &Route) -> String {
        match self.apis.first() {
            Some(first) if first.name == api.name => route.operation.id.clone(),
            _ => format!("{}:{}", api.name, route.operation.id),
        }
    }

    /// Routes a request path (still percent-encoded, without the query) and method.
    pub fn resolve(&self, method: &str, path: &str) -> Resolution<'_> {
        for api in &self.apis {
            if let Some(rest) = strip_mount(path, &api.prefix) {
                return api.resolve(method, rest);
            }
        }
        Resolution::NotFound
    }
}

impl Api {
    fn new(name: &str, document: Document) -> Self {
        let prefix = mount_prefix(&document)
            .unwrap_or_else(|| format!("/{name}/{}", document.info_version()));
        let mut operations = document.operations();
        for operation in &mut operations {
            resources::complete_pagination(&document, operation);
        }
        let mut roles = resources::classify(&operations);
        let paired: Vec<_> = operations.iter().zip(roles.iter().copied()).collect();
        let resources = resources::resources(&document, &paired);
        resources::mark_roles(&document, &operations, &mut roles, &resources);
        let routes = operations
            .into_iter()
            .zip(roles)
            .map(|(operation, role)| Route {
                segments: parse_template(&operation.path),
                operation,
                role,
            })
            .collect();
        Self {
            name: name.to_string(),
            prefix,
            document,
            routes,
            resources,
        }
    }

    /// The collection a CRUD route works on, if it has one.
    pub fn resource(&self, route: &Route) -> Option<&Resource> {
        let len = route.role.collection_len(&route.segments);
        self.resources
            .get(&shape_of_segments(&route.segments[..len]))
    }

    fn resolve(&self, method: &str, path: &str) -> Resolution<'_> {
        let Some(segments) = split_path(path) else {
            return Resolution::NotFound;
        };
        let mut allowed = Vec::new();
        let mut best: Option<(&Route, BTreeMap<String, String>, usize)> = None;
        for route in &self.routes {
            let Some(params) = route.matches(&segments) else {
                continue;
            };
            if route.operation.method != method {
                allowed.push(route.operation.method.clone());
                continue;
            }
            let literals = route.literal_count();
            if best.as_ref().is_none_or(|(_, _, most)| literals > *most) {
                best = Some((route, params, literals));
            }
        }
        match best {
            Some((route, params, _)) => Resolution::Found {
                api: self,
                route,
                params,
            },
            None if allowed.is_empty() => Resolution::NotFound,
            None => {
                allowed.sort();
                allowed.dedup();
                Resolution::MethodNotAllowed(allowed)
            }
        }
    }
}

impl Route {
    /// The path parameter values if `segments` (decoded) fit this route's template.
    fn matches(&self, segments: &[String]) -> Option<BTreeMap<String, String>> {
        if segments.len() != self.segments.len() {
            return None;
        }
        let mut params = BTreeMap::new();
        for (template, actual) in self.segments.iter().zip(segments) {
            match template {
                Segment::Literal(literal) if literal == actual => {}
                Segment::Literal(_) => return None,
                Segment::Param(_) if actual.is_empty() => return None,
                Segment::Param(name) => {
                    params.insert(name.clone(), actual.clone());
                }
            }
        }
        Some(params)
    }

    fn literal_count(&self) -> usize {
        self.segments
            .iter()
            .filter(|s| matches!(s, Segment::Literal(_)))
            .count()
    }

    /// The concrete path of the first `len` template segments with `params` filled in, used as
    /// the key of a collection in the store (shared by every served API, so an object created
    /// through v1 is seen through v1beta1).
    pub fn concrete_prefix(&self, len: usize, params: &BTreeMap<String, String>) -> String {
        let mut out = String::new();
        for segment in self.segments.iter().take(len) {
            out.push('/');
            match segment {
                Segment::Literal(literal) => out.push_str(literal),
                Segment::Param(name) => out.push_str(params.get(name).map_or("", String::as_str)),
            }
        }
        out
    }
}

/// The rest of `path` after the mount `prefix`, if `path` is under it.
fn strip_mount<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// The path of a document's first server URL (`https://api.astronomer.io/v1` gives `/v1`),
/// without a trailing slash; `None` when the document has no server or its path is empty.
fn mount_prefix(document: &Document) -> Option<String> {
    let url = document.value().pointer("/servers/0/url")?.as_str()?;
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |at| &rest[at..]),
        None => url,
    };
    let path = path.trim_end_matches('/');
    (!path.is_empty()).then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::pinned().expect("pinned documents parse")
    }

    #[test]
    fn routes_by_method_and_path_with_decoded_params() {
        let catalog = catalog();
        assert_eq!(catalog.apis[0].prefix, "/v1");
        match catalog.resolve("GET", "/v1/organizations/o%201/workspaces/w1") {
            Resolution::Found { route, params, api } => {
                assert_eq!(api.name, "astro");
                assert_eq!(route.operation.id, "GetWorkspace");
                assert_eq!(params["organizationId"], "o 1");
                assert_eq!(params["workspaceId"], "w1");
            }
            other => panic!("unexpected {other:?}"),
        }
        match catalog.resolve("PUT", "/v1/organizations/o/workspaces/w") {
            Resolution::MethodNotAllowed(allowed) => {
                assert_eq!(allowed, ["DELETE", "GET", "POST"]);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            catalog.resolve("GET", "/v1/nothing/here"),
            Resolution::NotFound
        ));
        assert!(matches!(
            catalog.resolve("GET", "/v1x/organizations"),
            Resolution::NotFound
        ));
        assert!(matches!(
            catalog.resolve("GET", "/v1/organizations//workspaces"),
            Resolution::NotFound
        ));
    }

    #[test]
    fn every_operation_of_both_documents_is_routable() {
        let catalog = catalog();
        let mut count = 0;
        for api in &catalog.apis {
            for route in &api.routes {
                let params: BTreeMap<String, String> = route
                    .segments
                    .iter()
                    .filter_map(|s| match s {
                        Segment::Param(name) => Some((name.clone(), format!("x-{name}"))),
                        Segment::Literal(_) => None,
                    })
                    .collect();
                let path = format!(
                    "{}{}",
                    api.prefix,
                    route.concrete_prefix(route.segments.len(), &params)
                );
                match catalog.resolve(&route.operation.method, &path) {
                    Resolution::Found { route: found, .. } => {
                        assert_eq!(found.operation.id, route.operation.id, "{path}");
                    }
                    other => panic!("{} {path}: {other:?}", route.operation.method),
                }
                count += 1;
            }
        }
        assert!(count > 0);
    }

    #[test]
    fn operation_names_default_to_v1_and_take_an_api_qualifier() {
        let catalog = catalog();
        let (api, route) = catalog.operation("ListWorkspaces").unwrap();
        assert_eq!(
            (api.name.as_str(), route.operation.id.as_str()),
            ("astro", "ListWorkspaces")
        );
        assert_eq!(catalog.operation_name(api, route), "ListWorkspaces");
        assert!(catalog.operation("astro:GetSelfUser").is_some());
        assert!(catalog.operation("nowhere:ListWorkspaces").is_none());
        assert!(catalog.operation("NoSuchOperation").is_none());
        #[cfg(feature = "v1beta1")]
        {
            let (api, route) = catalog.operation("platform:ListWorkspaces").unwrap();
            assert_eq!(api.prefix, "/platform/v1beta1");
            assert_eq!(
                catalog.operation_name(api, route),
                "platform:ListWorkspaces"
            );
            assert_eq!(catalog.api("iam").unwrap().prefix, "/iam/v1beta1");
            assert!(catalog.operation("platform:GetSelfUser").is_none());
        }
    }

    fn role_of(catalog: &Catalog, id: &str) -> Role {
        catalog
            .operation(id)
            .map(|(_, route)| route.role)
            .expect(id)
    }

    #[test]
    fn roles_follow_path_shapes() {
        let catalog = catalog();
        for (id, role) in [
            ("ListWorkspaces", Role::List),
            ("CreateWorkspace", Role::Create),
            ("GetWorkspace", Role::Read),
            ("UpdateWorkspace", Role::Update),
            ("DeleteWorkspace", Role::Delete),
            ("ListOrganizations", Role::List),
            ("GetOrganization", Role::Read),
            ("GetCustomRole", Role::Read),
            ("ListRoles", Role::List),
            ("UpdateCustomRole", Role::Update),
            ("CreateUserInvite", Role::Create),
            ("AddTeamMembers", Role::BulkAdd),
            ("RemoveTeamMember", Role::Delete),
            ("FinalizeDeploy", Role::Action),
            ("DeployRollback", Role::Action),
            ("RotateApiToken", Role::Action),
            ("UpdateApiTokenRoles", Role::Other),
            ("GetClusterOptions", Role::Other),
            ("ListEnvironmentObjects", Role::List),
            ("CreateEnvironmentObject", Role::Create),
            ("GetEnvironmentObject", Role::Read),
            ("UpdateEnvironmentObject", Role::Update),
            ("DeleteEnvironmentObject", Role::Delete),
            ("ExcludeLinkingEnvironmentObject", Role::Action),
            ("ListAgentTokens", Role::List),
            ("CreateAgentToken", Role::Create),
            ("GetAgentToken", Role::Read),
            ("DeleteAgentToken", Role::Delete),
            ("BulkCreateAllowedIpAddressRanges", Role::BulkCreate),
            ("BulkDeleteAllowedIpAddressRanges", Role::BulkDelete),
            ("GetSelfUser", Role::SelfUser),
            ("ListUserTeams", Role::Memberships),
            ("GetDeploymentLogs", Role::Logs),
            ("GetOrganizationAuditLogs", Role::Export),
        ] {
            assert_eq!(role_of(&catalog, id), role, "{id}");
        }
    }

    #[test]
    fn resources_know_their_id_property() {
        let catalog = catalog();
        let api = catalog.api("astro").unwrap();
        assert_eq!(
            api.resources["/organizations/{}/invites"].id_property,
            "inviteId"
        );
        assert_eq!(
            api.resources["/organizations/{}/teams/{}/members"].id_property,
            "userId"
        );
        assert_eq!(api.resources["/organizations/{}/tokens"].id_property, "id");
        assert_eq!(api.resources["/organizations/{}/tokens"].noun, "token");
        assert_eq!(api.resources["/organizations"].id_property, "id");
        assert_eq!(
            api.resources["/organizations/{}/environment-objects"].noun,
            "environment-object"
        );
    }
}
