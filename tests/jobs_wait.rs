//! Waiters against the sandbox (status lifecycles, scripted failures, deletion) and against
//! scripted servers (unknown states, errors).

mod support;

use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use astro_api::Org;
use astro_api::platform::types::{
    CreateDeployRequest, CreateDeploymentRequest, FinalizeDeployRequest,
};
use astro_api::wait::{Progress, WaitErrorKind, WaitOptions};
use astro_sandbox::{Fault, Sandbox};
use serde_json::json;
use support::sandbox_client;
use wiremock::ResponseTemplate;

/// Fast polling for tests.
fn fast() -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(10),
        initial_interval: Duration::from_millis(5),
        max_interval: Duration::from_millis(20),
    }
}

/// A progress callback that records the states it is told about.
fn recorder() -> (
    Arc<Mutex<Vec<String>>>,
    impl Fn(&Progress) + Send + Sync + 'static,
) {
    let states = Arc::new(Mutex::new(Vec::new()));
    let sink = states.clone();
    (states, move |progress: &Progress| {
        sink.lock().unwrap().push(progress.state.clone())
    })
}

async fn create_deployment(org: &Org, workspace_id: &str) -> String {
    let request: CreateDeploymentRequest = serde_json::from_value(json!({
        "type": "STANDARD", "name": "etl", "workspaceId": workspace_id,
    }))
    .unwrap();
    org.create_deployment()
        .body(request)
        .call()
        .await
        .unwrap()
        .id
}

/// A sandbox built by `builder`, a client's organization, and a deployment created there.
async fn with_deployment(builder: astro_sandbox::SandboxBuilder) -> (Sandbox, Org, String) {
    let sandbox = builder.start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let id = create_deployment(&org, sandbox.workspace_id()).await;
    (sandbox, org, id)
}

fn deployment_path(sandbox: &Sandbox, id: &str) -> String {
    format!(
        "/v1/organizations/{}/deployments/{id}",
        sandbox.organization_id()
    )
}

#[tokio::test]
async fn a_created_deployment_is_waited_for_until_healthy() {
    let (sandbox, org, id) = with_deployment(Sandbox::builder().settle_after(2)).await;
    let (states, record) = recorder();
    let deployment = org
        .wait_for_deployment(&id)
        .options(fast())
        .on_progress(record)
        .await
        .unwrap();
    assert_eq!(
        deployment.status.as_ref().map(|s| s.as_str()),
        Some("HEALTHY")
    );
    assert_eq!(*states.lock().unwrap(), ["CREATING", "HEALTHY"]);
    assert_eq!(sandbox.requests_for("GetDeployment").len(), 3);
}

#[tokio::test]
async fn unhealthy_after_an_update_fails_fast_with_the_last_state() {
    let (sandbox, org, id) = with_deployment(Sandbox::builder()).await;
    sandbox
        .script_statuses(&deployment_path(&sandbox, &id), &["DEPLOYING", "UNHEALTHY"])
        .unwrap();
    let error = org
        .wait_for_deployment(&id)
        .options(fast())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), WaitErrorKind::Failed);
    assert_eq!(error.last_state(), Some("UNHEALTHY"));
    assert_eq!(error.polls(), 2);
    assert_eq!(error.id(), id);
    let message = error.to_string();
    assert!(
        message.contains("UNHEALTHY") && message.contains("2 polls"),
        "{message}"
    );
}

#[tokio::test]
async fn unhealthy_while_creating_keeps_waiting() {
    let (sandbox, org, id) = with_deployment(Sandbox::builder()).await;
    let path = deployment_path(&sandbox, &id);
    sandbox
        .script_statuses(&path, &["CREATING", "UNHEALTHY", "HEALTHY"])
        .unwrap();
    let deployment = org.wait_for_deployment(&id).options(fast()).await.unwrap();
    assert_eq!(
        deployment.status.as_ref().map(|s| s.as_str()),
        Some("HEALTHY")
    );
}

#[tokio::test]
async fn a_cluster_that_fails_to_create_ends_the_wait() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let clusters = format!("/v1/organizations/{}/clusters", sandbox.organization_id());
    let cluster = sandbox.seed(&clusters, json!({"name": "eu"})).unwrap();
    let id = cluster["id"].as_str().unwrap().to_string();
    sandbox
        .script_statuses(&format!("{clusters}/{id}"), &["CREATING", "CREATE_FAILED"])
        .unwrap();
    let (states, record) = recorder();
    let error = org
        .wait_for_cluster(&id)
        .options(fast())
        .on_progress(record)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), WaitErrorKind::Failed);
    assert_eq!(error.last_state(), Some("CREATE_FAILED"));
    assert_eq!(error.resource(), "cluster");
    assert_eq!(*states.lock().unwrap(), ["CREATING", "CREATE_FAILED"]);
}

#[tokio::test]
async fn a_finalized_deploy_is_waited_for_until_deployed_and_a_failed_one_fails() {
    let sandbox = Sandbox::builder().settle_after(1).start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let deployment = create_deployment(&org, sandbox.workspace_id()).await;
    let request: CreateDeployRequest =
        serde_json::from_value(json!({"type": "IMAGE_ONLY"})).unwrap();
    let deploy = org
        .create_deploy()
        .deployment_id(&deployment)
        .body(request.clone())
        .call()
        .await
        .unwrap();
    assert_eq!(
        deploy.status.as_ref().map(|s| s.as_str()),
        Some("INITIALIZED")
    );
    org.finalize_deploy()
        .deployment_id(&deployment)
        .deploy_id(&deploy.id)
        .body(serde_json::from_value::<FinalizeDeployRequest>(json!({})).unwrap())
        .call()
        .await
        .unwrap();
    let done = org
        .wait_for_deploy(&deployment, &deploy.id)
        .options(fast())
        .await
        .unwrap();
    assert_eq!(done.status.as_ref().map(|s| s.as_str()), Some("DEPLOYED"));

    let failing = org
        .create_deploy()
        .deployment_id(&deployment)
        .body(request)
        .call()
        .await
        .unwrap();
    let path = format!(
        "{}/deploys/{}",
        deployment_path(&sandbox, &deployment),
        failing.id
    );
    sandbox
        .script_statuses(&path, &["INITIALIZED", "FAILED"])
        .unwrap();
    let error = org
        .wait_for_deploy(&deployment, &failing.id)
        .options(fast())
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind(), error.last_state()),
        (WaitErrorKind::Failed, Some("FAILED"))
    );
}

#[tokio::test]
async fn a_timeout_reports_the_last_state_and_the_polls() {
    let (sandbox, org, id) = with_deployment(Sandbox::builder()).await;
    sandbox
        .script_statuses(&deployment_path(&sandbox, &id), &["CREATING"])
        .unwrap();
    let error = org
        .wait_for_deployment(&id)
        .options(fast())
        .timeout(Duration::from_millis(150))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), WaitErrorKind::TimedOut);
    assert_eq!(error.last_state(), Some("CREATING"));
    assert!(error.polls() >= 2, "{error}");
    assert!(error.elapsed() >= Duration::from_millis(150), "{error}");
}

#[tokio::test]
async fn waiting_for_gone_ends_at_the_404_and_a_vanishing_deployment_fails_the_ready_wait() {
    let (sandbox, org, id) = with_deployment(Sandbox::builder()).await;
    sandbox
        .remove_after_reads(&deployment_path(&sandbox, &id), 2)
        .unwrap();
    org.wait_for_deployment_gone(&id)
        .options(fast())
        .await
        .unwrap();
    assert_eq!(sandbox.requests_for("GetDeployment").len(), 3);

    let other = create_deployment(&org, sandbox.workspace_id()).await;
    let path = deployment_path(&sandbox, &other);
    sandbox.script_statuses(&path, &["CREATING"]).unwrap();
    sandbox.remove_after_reads(&path, 1).unwrap();
    let error = org
        .wait_for_deployment(&other)
        .options(fast())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), WaitErrorKind::Vanished);
    assert_eq!(error.last_state(), Some("absent"));

    let workspace = sandbox.workspace_id().to_string();
    let reader = org.clone();
    org.delete_workspace()
        .workspace_id(&workspace)
        .call()
        .await
        .unwrap();
    astro_api::wait::until_gone("workspace", workspace.clone(), move || {
        let reader = reader.clone();
        let workspace = workspace.clone();
        async move { reader.get_workspace().workspace_id(&workspace).call().await }
    })
    .options(fast())
    .await
    .unwrap();
}

#[tokio::test]
async fn a_forbidden_poll_ends_the_wait_and_a_retryable_one_does_not() {
    let (sandbox, org, id) = with_deployment(Sandbox::builder()).await;
    sandbox
        .inject("GetDeployment", Fault::status(503, "busy").times(8))
        .unwrap();
    let deployment = org.wait_for_deployment(&id).options(fast()).await.unwrap();
    assert_eq!(
        deployment.status.as_ref().map(|s| s.as_str()),
        Some("HEALTHY")
    );

    sandbox
        .inject("GetDeployment", Fault::text(403, "RBAC: access denied"))
        .unwrap();
    let error = org
        .wait_for_deployment(&id)
        .options(fast())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), WaitErrorKind::Request);
    let source = error.request_error().expect("the request error is kept");
    assert_eq!(source.status().map(|s| s.as_u16()), Some(403));
    let chained = std::error::Error::source(&error).expect("source() gives it");
    assert!(chained.to_string().contains("RBAC"), "{chained}");
}

#[tokio::test]
async fn dropping_the_wait_stops_the_polls() {
    let (sandbox, org, id) = with_deployment(Sandbox::builder()).await;
    sandbox
        .script_statuses(&deployment_path(&sandbox, &id), &["CREATING"])
        .unwrap();
    let wait = org.wait_for_deployment(&id).options(fast());
    let outcome = tokio::time::timeout(Duration::from_millis(100), wait.into_future()).await;
    assert!(outcome.is_err(), "still waiting when dropped");
    // A request already on the wire when the future was dropped may still be journaled.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let polls = sandbox.requests_for("GetDeployment").len();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(sandbox.requests_for("GetDeployment").len(), polls);
}

#[tokio::test]
async fn an_unknown_state_keeps_the_wait_going_and_is_logged_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let deployments = format!(
        "/v1/organizations/{}/deployments",
        sandbox.organization_id()
    );
    let sample = sandbox.seed(&deployments, json!({"id": "d1"})).unwrap();
    let deployment = |status: &str| {
        let mut body = sample.clone();
        body["status"] = json!(status);
        ResponseTemplate::new(200).set_body_json(body)
    };
    let server = support::Mocked::playing(vec![
        deployment("CREATING"),
        deployment("WARMING_UP"),
        deployment("WARMING_UP"),
        deployment("WARMING_UP"),
        deployment("HEALTHY"),
    ])
    .await;
    let logs = support::capture_all_logs();
    let (states, record) = recorder();
    let ready = server
        .org()
        .wait_for_deployment("d1")
        .options(fast())
        .on_progress(record)
        .await
        .unwrap();
    assert_eq!(ready.status.as_ref().map(|s| s.as_str()), Some("HEALTHY"));
    assert_eq!(
        *states.lock().unwrap(),
        ["CREATING", "WARMING_UP", "HEALTHY"]
    );
    let text = logs.text();
    assert_eq!(
        text.matches("unknown to this client version").count(),
        1,
        "{text}"
    );
    assert_eq!(text.matches("state changed").count(), 3, "{text}");
}
