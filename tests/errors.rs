//! What the facade adds to errors: the spec's operation id, and a new token's secret kept out
//! of a decode error. (What an error keeps for each kind of body is tested in
//! `astro-api-core/tests/errors.rs`.)

mod support;

use astro_api::ErrorKind;
use support::Mocked;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn a_calls_error_names_the_spec_operation() {
    let mocked = Mocked::mounting([Mock::given(method("GET"))
        .and(path("/v1/organizations/org-1/workspaces/ws-1"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "message": "workspace not found", "requestId": "req-404", "statusCode": 404
        })))])
    .await;
    let error = mocked
        .org()
        .get_workspace()
        .workspace_id("ws-1")
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.operation(), Some("GetWorkspace"));
    assert_eq!(
        error.to_string(),
        "GetWorkspace: HTTP 404: workspace not found (request id req-404)"
    );
}

#[tokio::test]
async fn a_new_tokens_secret_stays_out_of_a_decode_error() {
    let mocked = Mocked::serving(
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/json")
            .set_body_string(
                r#"{"id":"tok-1","name":"ci","token":"eyJhbGciOi.secret-value.sig","createdAt":"#,
            ),
    )
    .await;
    let error = mocked
        .org()
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
