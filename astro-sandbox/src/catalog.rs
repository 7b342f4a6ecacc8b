//! The served operations, read from the pinned OpenAPI documents at start-up, and request
//! routing: which operation a method and path select.

use std::collections::BTreeMap;

use astro_spec::{Document, Operation};

use crate::resources::{self, Resource, Role};

/// The path of a document's first server URL (`https://api.astronomer.io/v1` gives `/v1`),
/// where its operations are mounted; `None` when it has no server with a path.
fn server_path(document: &Document) -> Option<String> {
    let url = document.value().pointer("/servers/0/url")?.as_str()?;
    let after_scheme = url.split_once("://")?.1;
    let path = &after_scheme[after_scheme.find('/')?..];
    let path = path.trim_end_matches('/');
    (!path.is_empty()).then(|| path.to_string())
}

/// One API (Platform or IAM) as served: its mount prefix, its document and its routes.
#[derive(Debug)]
pub struct Api {
    /// The API's short name (`astro`; `platform`, `iam` for v1beta1).
    pub name: String,
    /// Where it is mounted: the path of the document's first server (`/v1`).
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

/// A segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A fixed segment such as `workspaces`.
    Literal(String),
    /// A parameter such as `{workspaceId}`.
    Param(String),
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
    /// The APIs, each under its own prefix.
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
    /// The catalog of the pinned documents compiled into `astro-platform` and `astro-iam`: the
    /// Astro API v1 (`astro`, at `/v1`), and with the `v1beta1` feature the Platform and IAM
    /// APIs v1beta1 (`platform` and `iam`, at `/platform/v1beta1` and `/iam/v1beta1`).
    pub fn pinned() -> Result<Self, CatalogError> {
        Self::from_documents(&[
            ("astro", astro_platform::SPEC_YAML),
            #[cfg(feature = "v1beta1")]
            ("platform", astro_platform::v1beta1::SPEC_YAML),
            #[cfg(feature = "v1beta1")]
            ("iam", astro_iam::v1beta1::SPEC_YAML),
        ])
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

    /// The API and route of an operation id.
    pub fn operation(&self, operation_id: &str) -> Option<(&Api, &Route)> {
        self.apis.iter().find_map(|api| {
            api.routes
                .iter()
                .find(|route| route.operation.id == operation_id)
                .map(|route| (api, route))
        })
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
        let prefix = server_path(&document)
            .unwrap_or_else(|| format!("/{name}/{}", document.info_version()));
        let mut operations = document.operations();
        for operation in &mut operations {
            resources::complete_pagination(&document, operation);
        }
        let mut roles = resources::classify(&operations);
        let paired: Vec<_> = operations.iter().zip(roles.iter().copied()).collect();
        let resources = resources::resources(&document, &paired);
        resources::mark_actions(&operations, &mut roles, &resources);
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
            .get(&resources::shape_of_segments(&route.segments[..len]))
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
    /// the key of a collection in the store.
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

/// Splits a template such as `/a/{b}/c` into segments.
pub fn parse_template(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(s.to_string()),
            },
        )
        .collect()
}

/// Splits a request path into percent-decoded segments; `None` if a segment is not UTF-8.
fn split_path(path: &str) -> Option<Vec<String>> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    if trimmed.is_empty() {
        return Some(Vec::new());
    }
    trimmed
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .ok()
                .map(|c| c.into_owned())
        })
        .collect()
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
        match catalog.resolve("GET", "/platform/v1beta1/organizations/o%201/workspaces/w1") {
            Resolution::Found { route, params, api } => {
                assert_eq!(api.name, "platform");
                assert_eq!(route.operation.id, "GetWorkspace");
                assert_eq!(params["organizationId"], "o 1");
                assert_eq!(params["workspaceId"], "w1");
            }
            other => panic!("unexpected {other:?}"),
        }
        match catalog.resolve("PUT", "/platform/v1beta1/organizations/o/workspaces/w") {
            Resolution::MethodNotAllowed(allowed) => {
                assert_eq!(allowed, ["DELETE", "GET", "POST"]);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            catalog.resolve("GET", "/platform/v1beta1/nothing/here"),
            Resolution::NotFound
        ));
        assert!(matches!(
            catalog.resolve("GET", "/platform/v1beta1x/organizations"),
            Resolution::NotFound
        ));
        assert!(matches!(
            catalog.resolve("GET", "/platform/v1beta1/organizations//workspaces"),
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
}
