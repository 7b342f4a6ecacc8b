//! What the generated crates tell the runtime about each API and each operation: one table per
//! generated module, emitted by the code generator from the pinned document, and the only
//! place per-operation facts (idempotency, pagination, organization scope) are decided at run
//! time.

/// One API document a generated module was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api {
    /// The pin's name (`astro`, `platform`, `iam`).
    pub name: &'static str,
    /// The document's `info.version` (`1.0`, `v1beta1`).
    pub version: &'static str,
    /// The header that pins a minor version of the API (`X-API-Version` for v1), if the API has
    /// one.
    pub version_header: Option<&'static str>,
    /// The path below the host where the operations live (`/v1`, `/platform/v1beta1`), from the
    /// document's first server.
    pub base_path: &'static str,
}

/// One operation of a generated module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The document's `operationId` (`ListWorkspaces`), used in errors, spans and logs.
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template (`/organizations/{organizationId}/workspaces`).
    pub path: &'static str,
    /// Whether the operation may be sent again after it may have reached the server.
    pub idempotent: bool,
    /// Whether the path has `{organizationId}`.
    pub org_scoped: bool,
    /// Offset/limit pagination, when the operation lists pages.
    pub pagination: Option<Pagination>,
}

/// How an offset/limit list pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// The JSON name of the response's array of items.
    pub items: &'static str,
    /// The largest `limit` the operation accepts.
    pub max_page_size: u32,
}

/// Which minor version of an API the client asks for, on APIs that have a version header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiVersion {
    /// The version of the document the client was generated from (the default), so the
    /// service answers in the shape the types expect.
    #[default]
    Pinned,
    /// No version header: the service answers with its latest minor version.
    Latest,
    /// This version.
    Exact(String),
}

impl ApiVersion {
    /// The header value to send to `api`, if any.
    pub fn header_value<'a>(&'a self, api: &'a Api) -> Option<(&'static str, &'a str)> {
        let header = api.version_header?;
        match self {
            ApiVersion::Pinned => Some((header, api.version)),
            ApiVersion::Latest => None,
            ApiVersion::Exact(version) => Some((header, version.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: Api = Api {
        name: "astro",
        version: "1.0",
        version_header: Some("X-API-Version"),
        base_path: "/v1",
    };

    #[test]
    fn the_version_header_follows_the_choice() {
        assert_eq!(
            ApiVersion::Pinned.header_value(&V1),
            Some(("X-API-Version", "1.0"))
        );
        assert_eq!(ApiVersion::Latest.header_value(&V1), None);
        assert_eq!(
            ApiVersion::Exact("1.1".into()).header_value(&V1),
            Some(("X-API-Version", "1.1"))
        );
        let beta = Api {
            version_header: None,
            ..V1
        };
        assert_eq!(ApiVersion::Pinned.header_value(&beta), None);
    }
}
