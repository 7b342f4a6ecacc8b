//! What the facade puts on the wire for inputs whose meaning depends on the shape: an empty
//! list set by the caller, and path parameters that URL parsing would read as path steps.

mod support;

use astro_api::ErrorKind;
use astro_api::iam::types::UpdateUserRolesRequest;
use serde_json::{Value, json};
use support::Mocked;
use wiremock::ResponseTemplate;

/// Answers every request with a user's roles, as UpdateUserRoles does.
async fn roles_server() -> Mocked {
    Mocked::serving(ResponseTemplate::new(200).set_body_json(json!({}))).await
}

async fn sent_body(mocked: &Mocked) -> Value {
    let requests = mocked.requests().await;
    serde_json::from_slice(&requests.last().expect("a request was sent").body).unwrap()
}

#[tokio::test]
async fn an_empty_list_the_caller_sets_is_sent_and_an_unset_one_is_not() {
    let mocked = roles_server().await;
    let org = mocked.org();
    let cleared = UpdateUserRolesRequest::builder()
        .deployment_roles(Some(Vec::new()))
        .organization_role(Some("ORGANIZATION_MEMBER".to_string()));
    let _ = org
        .update_user_roles()
        .user_id("user-1")
        .body(cleared)
        .call()
        .await;
    let body = sent_body(&mocked).await;
    assert_eq!(body["deploymentRoles"], json!([]), "{body}");
    assert!(body.get("workspaceRoles").is_none(), "{body}");
    assert!(body.get("dagRoles").is_none(), "{body}");
}

#[tokio::test]
async fn path_parameters_that_would_change_the_path_are_refused_before_sending() {
    let mocked = roles_server().await;
    let client = &mocked.client;
    for bad in ["", ".", ".."] {
        let error = client.org(bad).list_workspaces().call().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
        assert!(error.to_string().contains("organizationId"), "{error}");
        let error = client
            .org("org-1")
            .remove_team_member()
            .team_id("team-1")
            .member_id(bad)
            .call()
            .await
            .unwrap_err();
        assert!(error.to_string().contains("memberId"), "{error}");
    }
    assert!(mocked.requests().await.is_empty());
}
