//! Helpers shared by the facade's integration tests.
#![allow(dead_code)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use astro_api::{Client, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The token every test client sends.
pub const TOKEN: &str = "test-token-9f8e7d6c5b4a";

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

/// A server answering `first` to the first request of `http_method`, then `then` to the rest.
pub async fn first_then(
    http_method: &str,
    first: ResponseTemplate,
    then: ResponseTemplate,
) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(http_method))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method(http_method))
        .respond_with(then)
        .mount(&server)
        .await;
    server
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
