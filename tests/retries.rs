//! Retries: what is retried, how often, and how long the client waits.

mod common;

use std::time::{Duration, Instant};

use astro_api::{Client, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const WORKSPACES: &str = "/v1/organizations/org-1/workspaces";

fn error_json(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({
        "message": "try later", "requestId": format!("req-{status}"), "statusCode": status
    }))
}

async fn attempts(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn two_503s_then_200_succeed_in_three_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(WORKSPACES))
        .respond_with(error_json(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(WORKSPACES))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(common::workspaces_page(
                vec![common::workspace(1)],
                0,
                20,
                1,
            )),
        )
        .mount(&server)
        .await;
    let client = common::client(&server.uri());
    let page = client.org("org-1").list_workspaces().call().await.unwrap();
    assert_eq!(page.workspaces.len(), 1);
    assert_eq!(attempts(&server).await, 3);
}

#[tokio::test]
async fn the_retry_budget_ends_with_the_last_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(error_json(503))
        .mount(&server)
        .await;
    let client = common::client(&server.uri());
    let error = client
        .org("org-1")
        .list_workspaces()
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.request_id(), Some("req-503"));
    assert_eq!(
        attempts(&server).await,
        RetryPolicy::default().max_attempts() as usize
    );
}

#[tokio::test]
async fn a_create_post_is_sent_once_on_500_and_503() {
    for status in [500, 503, 502, 504] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(error_json(status))
            .mount(&server)
            .await;
        let client = common::client(&server.uri());
        let error = client
            .org("org-1")
            .create_workspace()
            .body(
                astro_api::platform::types::CreateWorkspaceRequest::builder()
                    .name("new")
                    .cicd_enforced_default(false),
            )
            .call()
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(attempts(&server).await, 1, "status {status}");
    }
}

#[tokio::test]
async fn a_create_post_is_retried_on_429_and_update_posts_on_503() {
    let server = common::first_then(
        "POST",
        error_json(429),
        ResponseTemplate::new(200).set_body_json(common::workspace(9)),
    )
    .await;
    let client = common::client(&server.uri());
    let created = client
        .org("org-1")
        .create_workspace()
        .body(astro_api::platform::types::CreateWorkspaceRequest::builder().name("n"))
        .call()
        .await
        .unwrap();
    assert_eq!(created.id, "ws-9");
    assert_eq!(attempts(&server).await, 2);

    let server = common::first_then(
        "POST",
        error_json(503),
        ResponseTemplate::new(200).set_body_json(common::workspace(9)),
    )
    .await;
    let client = common::client(&server.uri());
    client
        .org("org-1")
        .update_workspace()
        .workspace_id("ws-9")
        .body(
            astro_api::platform::types::UpdateWorkspaceRequest::builder()
                .name("m")
                .cicd_enforced_default(true)
                .description("d"),
        )
        .call()
        .await
        .unwrap();
    assert_eq!(attempts(&server).await, 2);
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = common::first_then(
        "GET",
        error_json(429).insert_header("retry-after", "2"),
        ResponseTemplate::new(200).set_body_json(common::workspaces_page(vec![], 0, 20, 0)),
    )
    .await;
    let client = common::client(&server.uri());
    let started = Instant::now();
    client.org("org-1").list_workspaces().call().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(attempts(&server).await, 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_returns_the_429_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(error_json(429).insert_header("retry-after", "86400"))
        .mount(&server)
        .await;
    let client = common::client(&server.uri());
    let error = client
        .org("org-1")
        .list_workspaces()
        .call()
        .await
        .unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(86400)));
    assert_eq!(attempts(&server).await, 1);
}

#[tokio::test]
async fn retries_can_be_disabled() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(error_json(503))
        .mount(&server)
        .await;
    let client = Client::builder()
        .token(common::TOKEN)
        .base_url(server.uri())
        .rate_limits(None)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    client
        .org("org-1")
        .list_workspaces()
        .call()
        .await
        .unwrap_err();
    assert_eq!(attempts(&server).await, 1);
}
