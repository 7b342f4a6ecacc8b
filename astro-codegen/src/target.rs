//! Where a generated module sits and which API it speaks: what the generator needs besides the
//! document itself.

use astro_spec::{ApiPin, Document, SecretFields};

/// One module to generate: the crate root (the default API) or a feature module (`v1beta1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The module's name below the crate root, or `None` for the crate root.
    pub module: Option<String>,
    /// The pin's name (`astro`, `platform`).
    pub api_name: String,
    /// The document's `info.version`.
    pub version: String,
    /// The header that pins a minor version, if the API has one.
    pub version_header: Option<String>,
    /// The path of the document's first server (`/v1`), where the operations live.
    pub base_path: String,
    /// The properties generated as `astro_api_core::SecretString`.
    pub secret_fields: SecretFields,
}

impl Target {
    /// The target of a pinned document: the crate root, or the module named after its feature.
    pub fn for_pin(pin: &ApiPin, document: &Document) -> Self {
        Target {
            module: pin.feature.clone(),
            api_name: pin.name.clone(),
            version: document.info_version().to_string(),
            version_header: pin.version_header.clone(),
            base_path: base_path(document),
            secret_fields: pin.secret_fields.clone(),
        }
    }

    /// A crate-root target for a document that is not pinned (tests, examples).
    pub fn root(document: &Document) -> Self {
        Target {
            module: None,
            api_name: "api".into(),
            version: document.info_version().to_string(),
            version_header: None,
            base_path: base_path(document),
            secret_fields: SecretFields::default(),
        }
    }

    /// The Rust path of the module (`crate`, `crate::v1beta1`).
    pub fn module_path(&self) -> String {
        match &self.module {
            Some(module) => format!("crate::{module}"),
            None => "crate".into(),
        }
    }

    /// The prefix of the module's exported macros (`""`, `"v1beta1_"`), which live at the crate
    /// root and so must differ between modules.
    pub fn macro_prefix(&self) -> String {
        match &self.module {
            Some(module) => format!("{module}_"),
            None => String::new(),
        }
    }
}

/// The path part of the document's first server URL (`https://api.astronomer.io/v1` gives
/// `/v1`), without a trailing slash; empty when the document has no server.
fn base_path(document: &Document) -> String {
    let url = document
        .value()
        .pointer("/servers/0/url")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = if url.contains("://") {
        after_scheme.find('/').map_or("", |at| &after_scheme[at..])
    } else {
        after_scheme
    };
    path.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(server: &str) -> Document {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1.0'}}\nservers:\n- url: {server}\npaths:\n  /a:\n    get:\n      operationId: GetA\n      responses:\n        200: {{description: ok}}\n"
        );
        Document::parse(yaml.as_bytes()).unwrap()
    }

    #[test]
    fn the_base_path_comes_from_the_first_server() {
        assert_eq!(
            Target::root(&document("https://api.astronomer.io/v1")).base_path,
            "/v1"
        );
        assert_eq!(
            Target::root(&document("https://api.astronomer.io/platform/v1beta1/")).base_path,
            "/platform/v1beta1"
        );
        assert_eq!(Target::root(&document("https://h")).base_path, "");
        assert_eq!(Target::root(&document("/v2")).base_path, "/v2");
    }
}
