//! The getting-started walk-through (`examples/getting_started.rs`) against the sandbox: what it
//! prints, what it sends, and how a failing step is reported.

#[allow(dead_code)]
#[path = "../examples/getting_started.rs"]
mod getting_started;

use astro_api::Client;
use astro_sandbox::{Fault, Sandbox};
use getting_started::{Failure, Options, walk};
use serde_json::json;

fn options(workspace: Option<&str>) -> Options {
    Options {
        workspace: workspace.map(str::to_string),
        token_name: "ci token".into(),
        description: "described by the test".into(),
        role: "WORKSPACE_MEMBER".into(),
        cleanup: false,
        api_version: getting_started::ApiVersionChoice::V1,
    }
}

async fn sandbox_and_client() -> (Sandbox, Client) {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let client = Client::builder()
        .token("sandbox")
        .base_url(sandbox.url())
        .build()
        .expect("client builds");
    (sandbox, client)
}

#[tokio::test]
async fn the_three_steps_run_against_the_sandbox() {
    let (sandbox, client) = sandbox_and_client().await;
    let workspaces = format!("/v1/organizations/{}/workspaces", sandbox.organization_id());
    let wanted = sandbox
        .seed(
            &workspaces,
            json!({"name": "Data team", "description": "ours"}),
        )
        .unwrap();
    let mut lines = Vec::new();
    let outcome = walk(&client, &options(Some("Data team")), &mut |line| {
        lines.push(line)
    })
    .await
    .unwrap_or_else(|failure| panic!("{failure}"));
    let text = lines.join("\n");

    assert_eq!(outcome.organization_id, sandbox.organization_id());
    assert_eq!(outcome.workspace_id, wanted["id"].as_str().unwrap());
    assert_eq!(outcome.description, "described by the test");
    assert!(text.contains("Step 1. Organizations"), "{text}");
    assert!(
        text.contains(&format!("-> organization {}", sandbox.organization_id())),
        "{text}"
    );
    assert!(
        text.contains("Step 2. Workspaces named \"Data team\""),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "-> workspace {} (Data team)",
            outcome.workspace_id
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("  id           {}", outcome.token_id)),
        "{text}"
    );
    assert!(
        text.contains("  description  \"described by the test\""),
        "{text}"
    );
    assert!(!text.contains("{\""), "no JSON or debug dumps: {text}");

    let listed = sandbox.requests_for("ListWorkspaces");
    assert_eq!(listed[0].query_values("names"), ["Data team"]);
    let created = sandbox.requests_for("CreateApiToken")[0].json().unwrap();
    assert_eq!(created["scope"], "WORKSPACE");
    assert_eq!(created["entityId"], outcome.workspace_id);
    assert_eq!(created["role"], "WORKSPACE_MEMBER");
    assert_eq!(created["name"], "ci token");
    let updated = sandbox.requests_for("UpdateApiToken")[0].json().unwrap();
    assert_eq!(updated["description"], "described by the test");
    assert_eq!(sandbox.requests_for("GetApiToken").len(), 1);
    assert!(sandbox.requests_for("DeleteApiToken").is_empty());
}

#[tokio::test]
async fn cleanup_deletes_the_token() {
    let (sandbox, client) = sandbox_and_client().await;
    let mut options = options(None);
    options.cleanup = true;
    let outcome = walk(&client, &options, &mut |_| {}).await.unwrap();
    let deleted = sandbox.requests_for("DeleteApiToken");
    assert_eq!(deleted.len(), 1);
    assert!(deleted[0].path.ends_with(&outcome.token_id));
    assert_eq!(deleted[0].status, 204);
}

#[tokio::test]
async fn a_failing_step_reports_status_message_and_request_id() {
    let (sandbox, client) = sandbox_and_client().await;
    sandbox
        .inject("CreateApiToken", Fault::text(403, "RBAC: access denied"))
        .unwrap();
    let failure = walk(&client, &options(None), &mut |_| {})
        .await
        .unwrap_err();
    let request_id = sandbox.requests_for("CreateApiToken")[0].request_id.clone();
    assert!(matches!(failure, Failure::Api { .. }));
    assert_eq!(
        failure.to_string(),
        format!(
            "step 3 (create the API token) failed: status 403, message \"RBAC: access denied\", request id {request_id}"
        )
    );
}

#[tokio::test]
async fn a_missing_workspace_is_named() {
    let (_sandbox, client) = sandbox_and_client().await;
    let failure = walk(&client, &options(Some("Nope")), &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        failure
            .to_string()
            .ends_with("has no workspace named \"Nope\""),
        "{failure}"
    );
}

/// `--api-version v1beta1`: the same three steps through the deprecated APIs, which the sandbox
/// serves (sharing its store) when built with its `v1beta1` feature.
#[cfg(feature = "v1beta1")]
#[tokio::test]
async fn the_three_steps_run_on_v1beta1_against_the_sandbox() {
    let (sandbox, client) = sandbox_and_client().await;
    let mut printed = Vec::new();
    let outcome =
        getting_started::v1beta1::walk(&client, &options(None), &mut |line| printed.push(line))
            .await
            .unwrap();
    assert_eq!(outcome.description, "described by the test");
    assert_eq!(sandbox.requests_for("platform:ListOrganizations").len(), 1);
    assert_eq!(sandbox.requests_for("platform:ListWorkspaces").len(), 1);
    let created = sandbox.requests_for("iam:CreateApiToken")[0]
        .json()
        .unwrap();
    assert_eq!(created["type"], "WORKSPACE");
    assert_eq!(created["entityId"], outcome.workspace_id);
    assert!(
        sandbox.requests_for("CreateApiToken").is_empty(),
        "nothing went to v1"
    );
    let text = printed.join("\n");
    assert!(text.contains("Step 3. Workspace API token"), "{text}");
}
