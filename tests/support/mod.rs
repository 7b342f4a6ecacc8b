//! What the facade's integration tests share: the test client and token, spec-shaped
//! workspaces, a capture of every log line, and two servers: wiremock for well-formed HTTP, and
//! [`raw`], a TCP server for resets, stalls and broken framing. [`gzip`] encodes bodies.
#![allow(dead_code)]

pub mod gzip;
pub mod raw;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use astro_api::{Client, Org, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The token every test client sends.
pub const TOKEN: &str = "test-token-9f8e7d6c5b4a";

/// A facade client for a sandbox, in its seeded organization, with fast retries and no rate
/// limits.
pub fn sandbox_client(sandbox: &astro_sandbox::Sandbox) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(sandbox.url())
        .organization_id(sandbox.organization_id())
        .rate_limits(None)
        .retry(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(1))
                .without_jitter(),
        )
        .build()
        .expect("the sandbox client builds")
}

/// A facade client for a local server, with fast retries and no rate limits.
pub fn client(base_url: &str) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .organization_id("org-1")
        .rate_limits(None)
        .retry(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(5))
                .without_jitter(),
        )
        .build()
        .expect("a valid test client")
}

/// A wiremock server and a test [`client`] for it: what most facade tests start from.
pub struct Mocked {
    pub server: MockServer,
    pub client: Client,
}

impl Mocked {
    /// Answers every request, whatever its method and path, with `responder`.
    pub async fn serving(responder: impl Respond + 'static) -> Self {
        Self::mounting([Mock::given(any()).respond_with(responder)]).await
    }

    /// Answers with these mocks, each with its own matchers; a request that none matches gets
    /// wiremock's 404.
    pub async fn mounting(mocks: impl IntoIterator<Item = Mock>) -> Self {
        let server = MockServer::start().await;
        for mock in mocks {
            mock.mount(&server).await;
        }
        let client = client(&server.uri());
        Self { server, client }
    }

    /// Answers with `templates` in order, one per request, the last one repeated.
    pub async fn playing(templates: Vec<ResponseTemplate>) -> Self {
        let count = templates.len();
        let mocks = templates.into_iter().enumerate().map(|(index, template)| {
            let mock = Mock::given(any())
                .respond_with(template)
                .with_priority(index as u8 + 1);
            if index + 1 < count {
                mock.up_to_n_times(1)
            } else {
                mock
            }
        });
        Self::mounting(mocks.collect::<Vec<_>>()).await
    }

    /// The server's base URL.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The client's organization `org-1`.
    pub fn org(&self) -> Org {
        self.client.org("org-1")
    }

    /// The requests the server has received so far.
    pub async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap()
    }
}

/// A spec-shaped workspace object.
pub fn workspace(id: usize) -> Value {
    json!({
        "id": format!("ws-{id}"),
        "name": format!("workspace {id}"),
        "organizationId": "org-1",
        "cicdEnforcedDefault": false,
        "createdAt": "2024-01-01T00:00:00Z",
        "updatedAt": "2024-01-01T00:00:00Z",
    })
}

/// A page of `ListWorkspaces`.
pub fn workspaces_page(items: Vec<Value>, offset: usize, limit: usize, total: usize) -> Value {
    json!({"workspaces": items, "offset": offset, "limit": limit, "totalCount": total})
}

/// Everything tracing writes, from [`capture_all_logs`].
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// The text written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs a global subscriber that writes every event and span (entered, exited, closed) at
/// TRACE level into the returned buffer. Call it once, in a test binary of its own: a scoped
/// subscriber misses callsites that other threads have already cached as uninteresting.
pub fn capture_all_logs() -> Captured {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    captured
}
