//! Every kind of error body keeps its status, request id and message.

mod common;

use astro_api::ErrorKind;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const WORKSPACE_PATH: &str = "/v1/organizations/org-1/workspaces/ws-1";

async fn get_workspace_with(response: ResponseTemplate) -> astro_api::Error {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(WORKSPACE_PATH))
        .respond_with(response)
        .mount(&server)
        .await;
    let client = common::client(&server.uri());
    client
        .default_org()
        .unwrap()
        .get_workspace()
        .workspace_id("ws-1")
        .call()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn the_documented_json_error_keeps_everything() {
    let error = get_workspace_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
        "message": "workspace not found", "requestId": "req-404", "statusCode": 404
    })))
    .await;
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.request_id(), Some("req-404"));
    assert_eq!(error.message(), "workspace not found");
    assert!(error.is_not_found());
    assert_eq!(error.operation(), Some("GetWorkspace"));
    assert_eq!(
        error.to_string(),
        "GetWorkspace: HTTP 404: workspace not found (request id req-404)"
    );
}

#[tokio::test]
async fn the_gateways_plain_text_keeps_status_and_message() {
    let error = get_workspace_with(
        ResponseTemplate::new(403)
            .insert_header("content-type", "text/plain")
            .set_body_string("RBAC: access denied"),
    )
    .await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.message(), "RBAC: access denied");
    assert_eq!(error.content_type(), Some("text/plain"));
    assert!(error.is_auth());
    assert_eq!(error.request_id(), None);
}

#[tokio::test]
async fn an_html_page_keeps_status_and_an_excerpt_with_the_header_request_id() {
    let error = get_workspace_with(
        ResponseTemplate::new(502)
            .insert_header("content-type", "text/html")
            .insert_header("x-request-id", "edge-7")
            .set_body_string(format!(
                "<html><body>{}</body></html>",
                "Bad gateway ".repeat(400)
            )),
    )
    .await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.message(), "Bad Gateway");
    assert_eq!(error.request_id(), Some("edge-7"));
    let excerpt = error.body_excerpt().unwrap();
    assert!(
        excerpt.starts_with("<html>") && excerpt.chars().count() <= 2049,
        "{excerpt}"
    );
}

#[tokio::test]
async fn other_json_and_empty_bodies_keep_the_status() {
    let error = get_workspace_with(
        ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": "Jwt is expired"})),
    )
    .await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.message(), "Jwt is expired");
    let error = get_workspace_with(ResponseTemplate::new(500)).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.message(), "Internal Server Error");
    assert_eq!(error.body_excerpt(), None);
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_names_the_field() {
    let mut workspace = common::workspace(1);
    workspace["createdAt"] = serde_json::json!(12);
    let error = get_workspace_with(
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "req-decode")
            .set_body_json(workspace),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.decode_path(), Some("createdAt"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.request_id(), Some("req-decode"));
    assert!(error.to_string().contains("createdAt"), "{error}");
}

#[tokio::test]
async fn connection_failures_are_their_own_kind() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = common::client(&url);
    let error = client
        .org("org-1")
        .list_workspaces()
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect, "{error:?}");
    assert!(error.status().is_none());
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = astro_api::Client::builder()
        .token(common::TOKEN)
        .base_url(server.uri())
        .timeout(std::time::Duration::from_millis(200))
        .retry(astro_api::RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = client
        .org("org-1")
        .list_workspaces()
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_new_tokens_secret_stays_out_of_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string(r#"{"id":"tok-1","name":"ci","token":"eyJhbGciOi.secret-value.sig","createdAt":"#),
        )
        .mount(&server)
        .await;
    let client = common::client(&server.uri());
    let error = client
        .org("org-1")
        .create_api_token()
        .body(
            astro_api::iam::types::CreateApiTokenRequest::builder()
                .name("ci")
                .role("WORKSPACE_MEMBER")
                .scope("WORKSPACE"),
        )
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("secret-value"), "{shown}");
    assert!(error.body_excerpt().unwrap().contains("tok-1"));
}
