//! One conformance case: the request an operation call must send, and the response the mock
//! server answers with.

use std::fmt::Debug;

use astro_api_core::{Call, ErrorKind};
use serde::Serialize;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::client::TOKEN;
use crate::json::same_json;
use crate::percent;

/// One API: its name in the pins file, the path its generated client is based at, and the
/// version header every request must carry.
#[derive(Debug, Clone, Copy)]
pub struct Api {
    /// The pinned name (`astro`, `platform`).
    pub name: &'static str,
    /// The path of the API below the host (`/v1`, `/platform/v1beta1`).
    pub base_path: &'static str,
    /// The header that pins the API's minor version and the pinned document's version
    /// (`("X-API-Version", "1.0")`); `None` when the API has no such header, and then no
    /// request may carry one.
    pub version_header: Option<(&'static str, &'static str)>,
}

/// The header v1 uses to pin a minor version, checked absent on APIs without one.
const VERSION_HEADER: &str = "x-api-version";

impl Api {
    /// The base URL of the API on a mock server.
    pub fn base_url(&self, server: &MockServer) -> String {
        format!("{}{}", server.uri(), self.base_path)
    }
}

/// What one call of an operation must send, and what the server answers.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// The API.
    pub api: Api,
    /// The operation id.
    pub operation_id: &'static str,
    /// The HTTP method the spec gives.
    pub method: &'static str,
    /// The spec's path template (`/organizations/{organizationId}`).
    pub path_template: &'static str,
    /// Each path parameter and the (unencoded) value set for it.
    pub path: &'static [(&'static str, &'static str)],
    /// The query pairs that must arrive, in any order (an array gives one pair per item).
    pub query: &'static [(&'static str, &'static str)],
    /// The JSON body that must arrive, if the operation takes one.
    pub body: Option<&'static str>,
    /// The success status the server answers with.
    pub status: u16,
    /// The body the server answers with (JSON, unless `content_type` says otherwise); `None`
    /// for an empty response.
    pub response: Option<&'static str>,
    /// The content type of `response`.
    pub content_type: &'static str,
    /// The JSON the decoded response must serialise back to (the response, less what the
    /// generated types cannot know); `None` for an empty response.
    pub decoded: Option<&'static str>,
}

impl Case {
    /// Starts a mock server on 127.0.0.1 that answers every request with this case's response.
    pub async fn serve(&self) -> MockServer {
        let server = MockServer::start().await;
        let mut template = ResponseTemplate::new(self.status);
        if let Some(body) = self.response {
            template = template.set_body_raw(body.as_bytes().to_vec(), self.content_type);
        }
        Mock::given(any())
            .respond_with(template)
            .mount(&server)
            .await;
        server
    }

    /// Checks that the builder's operation-table entry (used for retries, rate limits and
    /// tracing) names this operation, method and path.
    pub fn check_constants<B: Call>(&self, _builder: &B) {
        let operation = B::OPERATION;
        assert_eq!(
            (operation.id, operation.method, operation.path),
            (self.operation_id, self.method, self.path_template),
            "{} {}: the `Call` constants of the builder",
            self.api.name,
            self.operation_id
        );
    }

    /// Checks the call's result and the one request the server received; panics listing every
    /// difference.
    pub async fn check<O: Serialize + Debug>(
        &self,
        server: &MockServer,
        output: Result<O, astro_api_core::Error>,
    ) {
        let output = output.map(|value| self.check_output(&value));
        self.check_exchange(server, output).await;
    }

    /// [`Case::check`] for an operation whose success body is not JSON: the bytes given back
    /// must be the bytes served.
    pub async fn check_bytes(
        &self,
        server: &MockServer,
        output: Result<astro_api_core::Bytes, astro_api_core::Error>,
    ) {
        let served = self.response.unwrap_or_default().as_bytes();
        let output = output.map(|bytes| match bytes.as_ref() == served {
            true => Ok(()),
            false => Err(format!(
                "the bytes given back differ from those served: {bytes:?}"
            )),
        });
        self.check_exchange(server, output).await;
    }

    async fn check_exchange(
        &self,
        server: &MockServer,
        output: Result<Result<(), String>, astro_api_core::Error>,
    ) {
        let mut problems = Vec::new();
        match output {
            Ok(checked) => problems.extend(checked.err()),
            Err(error) => problems.push(format!("the call failed: {error} ({error:?})")),
        }
        let requests = server.received_requests().await.unwrap_or_default();
        match requests.as_slice() {
            [request] => problems.extend(self.check_request(request)),
            other => problems.push(format!(
                "the server received {} requests, expected 1",
                other.len()
            )),
        }
        assert!(
            problems.is_empty(),
            "{} {}:\n  {}",
            self.api.name,
            self.operation_id,
            problems.join("\n  ")
        );
    }

    fn check_output<O: Serialize + Debug>(&self, output: &O) -> Result<(), String> {
        let decoded = serde_json::to_value(output)
            .map_err(|e| format!("the decoded response does not serialise: {e}"))?;
        let expected = match self.decoded {
            Some(text) => serde_json::from_str(text).expect("the emitted response is JSON"),
            None => Value::Null,
        };
        same_json(&expected, &decoded)
            .map_err(|e| format!("the decoded response differs from what was served: {e}"))
    }

    fn check_request(&self, request: &Request) -> Vec<String> {
        let mut problems = Vec::new();
        if request.method.as_str() != self.method {
            problems.push(format!(
                "method {}, expected {}",
                request.method, self.method
            ));
        }
        problems.extend(self.check_path(request.url.path()).err());
        let mut query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let mut expected: Vec<(String, String)> = self
            .query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        query.sort();
        expected.sort();
        if query != expected {
            problems.push(format!("query pairs {query:?}, expected {expected:?}"));
        }
        problems.extend(self.check_body(request).err());
        problems.extend(self.check_version_header(request).err());
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        let bearer = format!("Bearer {TOKEN}");
        if authorization != Some(bearer.as_str()) {
            problems.push(format!(
                "Authorization header {authorization:?}, expected the bearer token"
            ));
        }
        problems
    }

    /// The request must carry the API's version header with the pinned version, or no version
    /// header at all on an API without one.
    fn check_version_header(&self, request: &Request) -> Result<(), String> {
        let (name, expected) = match self.api.version_header {
            Some((name, version)) => (name, Some(version)),
            None => (VERSION_HEADER, None),
        };
        let values: Vec<&str> = request
            .headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap_or("<not text>"))
            .collect();
        match (expected, values.as_slice()) {
            (Some(want), [got]) if *got == want => Ok(()),
            (None, []) => Ok(()),
            (want, got) => Err(format!("{name} header {got:?}, expected {want:?}")),
        }
    }

    /// The received (encoded) path must be the base path plus the template, each `{name}`
    /// segment decoding to exactly the value set for that parameter.
    fn check_path(&self, received: &str) -> Result<(), String> {
        let rest = received
            .strip_prefix(self.api.base_path)
            .ok_or_else(|| format!("path {received} is not below {}", self.api.base_path))?;
        let got: Vec<&str> = rest.split('/').collect();
        let want: Vec<&str> = self.path_template.split('/').collect();
        if got.len() != want.len() {
            return Err(format!(
                "path {received} does not have the segments of {}",
                self.path_template
            ));
        }
        for (segment, pattern) in got.iter().zip(&want) {
            match pattern.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => {
                    let value = self
                        .path
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, v)| *v)
                        .ok_or_else(|| format!("no value was set for path parameter {name}"))?;
                    if percent::decode(segment).as_deref() != Some(value) {
                        return Err(format!(
                            "path segment {segment} of {received} does not decode to {name} = {value:?}"
                        ));
                    }
                }
                None if segment == pattern => {}
                None => {
                    return Err(format!(
                        "path {received} does not match {}",
                        self.path_template
                    ));
                }
            }
        }
        Ok(())
    }

    fn check_body(&self, request: &Request) -> Result<(), String> {
        let Some(expected) = self.body else {
            return match request.body.is_empty() {
                true => Ok(()),
                false => Err(format!(
                    "a body was sent: {}",
                    String::from_utf8_lossy(&request.body)
                )),
            };
        };
        let content_type = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok());
        if !content_type.is_some_and(|c| c.starts_with("application/json")) {
            return Err(format!(
                "body content type {content_type:?}, expected application/json"
            ));
        }
        let sent: Value = serde_json::from_slice(&request.body).map_err(|e| {
            format!(
                "the body is not JSON ({e}): {}",
                String::from_utf8_lossy(&request.body)
            )
        })?;
        let expected: Value = serde_json::from_str(expected).expect("the emitted body is JSON");
        same_json(&expected, &sent)
            .map_err(|e| format!("the body sent differs from the value set: {e}"))
    }
}

/// Checks that a call made without its required values failed before sending: an
/// `InvalidRequest` error whose message names one of `required` (setter names), and no request
/// reached the server.
pub async fn check_refused<O: Debug>(
    server: &MockServer,
    operation_id: &str,
    result: Result<O, astro_api_core::Error>,
    required: &[&str],
) {
    match result {
        Ok(output) => panic!("{operation_id}: a call without {required:?} succeeded: {output:?}"),
        Err(error) => {
            assert_eq!(
                error.kind(),
                ErrorKind::InvalidRequest,
                "{operation_id}: {error:?}"
            );
            assert!(
                required.iter().any(|name| error.message().contains(name)),
                "{operation_id}: the error does not name any of {required:?}: {error}"
            );
        }
    }
    let sent = server.received_requests().await.unwrap_or_default().len();
    assert_eq!(
        sent, 0,
        "{operation_id}: an invalid call reached the server"
    );
}
