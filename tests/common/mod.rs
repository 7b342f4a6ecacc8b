//! Helpers shared by the facade's integration tests.
#![allow(dead_code)]

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
