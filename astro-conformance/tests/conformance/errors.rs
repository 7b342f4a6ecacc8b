//! Error statuses at the generated-client level: whatever the body (the documented JSON
//! `Error`, the gateway's plain text, an HTML page), the caller gets one `astro_api_core::Error`
//! with the status and what the body said. These guard the runtime's error capture.

use astro_api_core::{Error, ErrorKind};
use astro_spec::Document;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Calls a few operations of both APIs (GET, list, DELETE answering 204, POST) against a server
/// that answers every request with `template`, and returns each call's error.
async fn errors_of_both_apis(template: ResponseTemplate) -> Vec<Error> {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    let http = astro_conformance::http_client;
    let runtime = astro_conformance::runtime;
    let platform = astro_platform::Client::new_with_client(
        &super::astro_platform::API.base_url(&server),
        http(),
        runtime(),
    );
    let iam = astro_iam::Client::new_with_client(
        &super::astro_iam::API.base_url(&server),
        http(),
        runtime(),
    );
    let results = vec![
        platform
            .get_workspace()
            .organization_id("o")
            .workspace_id("w")
            .call()
            .await
            .map(drop),
        platform
            .list_workspaces()
            .organization_id("o")
            .call()
            .await
            .map(drop),
        platform
            .delete_workspace()
            .organization_id("o")
            .workspace_id("w")
            .call()
            .await,
        iam.get_user()
            .organization_id("o")
            .user_id("u")
            .call()
            .await
            .map(drop),
        iam.delete_team()
            .organization_id("o")
            .team_id("t")
            .call()
            .await,
        iam.rotate_api_token()
            .organization_id("o")
            .token_id("t")
            .call()
            .await
            .map(drop),
    ];
    let operations = [
        "GetWorkspace",
        "ListWorkspaces",
        "DeleteWorkspace",
        "GetUser",
        "DeleteTeam",
        "RotateApiToken",
    ];
    results
        .into_iter()
        .zip(operations)
        .map(|(result, operation)| {
            let error = result.expect_err("an error status must give an error");
            assert_eq!(error.operation(), Some(operation), "{error:?}");
            assert_eq!(error.kind(), ErrorKind::Status, "{error:?}");
            error
        })
        .collect()
}

/// A body of the spec's `Error` schema (read from the pinned Platform spec now) with the
/// given message and request id.
fn spec_error_body(status: u16, message: &str, request_id: &str) -> Value {
    let document =
        Document::parse(astro_platform::SPEC_YAML.as_bytes()).expect("the pinned spec parses");
    let schema = document
        .schemas()
        .get("Error")
        .cloned()
        .expect("the Platform spec has an `Error` schema");
    for field in ["message", "requestId", "statusCode"] {
        assert!(
            schema.pointer(&format!("/properties/{field}")).is_some(),
            "the spec's `Error` schema has no `{field}` property"
        );
    }
    let mut body = astro_spec::samples::sample(&document, &schema);
    body["message"] = message.into();
    body["requestId"] = request_id.into();
    body["statusCode"] = status.into();
    body
}

#[tokio::test]
async fn a_json_error_body_gives_its_status_message_and_request_id() {
    let body = spec_error_body(
        404,
        "Workspace not found (conformance)",
        "req-conformance-404",
    );
    let template =
        ResponseTemplate::new(404).set_body_raw(body.to_string().into_bytes(), "application/json");
    for error in errors_of_both_apis(template).await {
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error:?}");
        assert!(error.is_not_found(), "{error:?}");
        assert_eq!(
            error.message(),
            "Workspace not found (conformance)",
            "{error:?}"
        );
        assert_eq!(error.request_id(), Some("req-conformance-404"), "{error:?}");
        assert!(error.to_string().contains("req-conformance-404"), "{error}");
    }
}

#[tokio::test]
async fn a_plain_text_403_keeps_its_status_and_message() {
    let template =
        ResponseTemplate::new(403).set_body_raw(b"RBAC: access denied".to_vec(), "text/plain");
    for error in errors_of_both_apis(template).await {
        assert_eq!(error.status().map(|s| s.as_u16()), Some(403), "{error:?}");
        assert!(error.is_auth(), "{error:?}");
        assert_eq!(error.message(), "RBAC: access denied", "{error:?}");
        assert_eq!(error.content_type(), Some("text/plain"), "{error:?}");
    }
}

#[tokio::test]
async fn an_html_502_keeps_its_status_and_body_without_using_the_markup_as_message() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
    let template = ResponseTemplate::new(502).set_body_raw(page.as_bytes().to_vec(), "text/html");
    for error in errors_of_both_apis(template).await {
        assert_eq!(error.status().map(|s| s.as_u16()), Some(502), "{error:?}");
        assert!(!error.message().contains('<'), "{error:?}");
        assert_eq!(error.body_excerpt(), Some(page), "{error:?}");
        assert!(error.is_retryable(), "{error:?}");
    }
}
