//! The job examples (`examples/{create_deployment,set_env_var,grant_role,rotate_token,list_everything}.rs`)
//! against the sandbox, through the same `run` functions their `main`s call.

#![allow(dead_code)]
// Each example includes `examples/support/connect.rs` for its own `main`; the tests call `run`.
#![allow(clippy::duplicate_mod)]

mod support;

#[path = "../examples/create_deployment.rs"]
mod create_deployment;
#[path = "../examples/grant_role.rs"]
mod grant_role;
#[path = "../examples/list_everything.rs"]
mod list_everything;
#[path = "../examples/rotate_token.rs"]
mod rotate_token;
#[path = "../examples/set_env_var.rs"]
mod set_env_var;

use std::sync::{Arc, Mutex};

use astro_api::roles::Subject;
use astro_sandbox::Sandbox;
use clap::Parser;
use serde_json::json;
use support::sandbox_client;

#[tokio::test]
async fn create_deployment_creates_and_waits_until_healthy() {
    let sandbox = Sandbox::builder().settle_after(1).start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let options = create_deployment::Options::parse_from(["x", "--name", "etl", "--timeout", "10"]);
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let deployment = create_deployment::run(&org, sandbox.workspace_id(), &options, move |line| {
        sink.lock().unwrap().push(line)
    })
    .await
    .unwrap();
    assert_eq!(
        deployment.status.as_ref().map(|s| s.as_str()),
        Some("HEALTHY")
    );
    let lines = lines.lock().unwrap();
    assert!(lines[0].starts_with("created deployment etl"), "{lines:?}");
    assert!(
        lines.iter().any(|line| line.contains("CREATING")),
        "{lines:?}"
    );
    assert_eq!(lines.last().unwrap(), "etl is HEALTHY");
}

#[tokio::test]
async fn set_env_var_sets_a_secret_and_shows_it_hidden() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let deployments = format!(
        "/v1/organizations/{}/deployments",
        sandbox.organization_id()
    );
    let seeded = sandbox
        .seed(
            &deployments,
            json!({"type": "STANDARD", "workerQueues": [], "environmentVariables": [
                {"key": "KEEP", "value": "kept", "isSecret": true, "updatedAt": "2026-01-01T00:00:00Z"},
            ]}),
        )
        .unwrap();
    let id = seeded["id"].as_str().unwrap();
    let options =
        set_env_var::Options::parse_from(["x", "--key", "TOKEN", "--value", "t0p", "--secret"]);
    let lines = set_env_var::run(&org, id, &options).await.unwrap();
    assert_eq!(lines, ["KEEP=<secret>", "TOKEN=<secret>"]);
    let stored = sandbox.object(&format!("{deployments}/{id}")).unwrap();
    assert_eq!(stored["environmentVariables"][0]["value"], "kept");
    assert_eq!(stored["environmentVariables"][1]["value"], "t0p");
}

#[tokio::test]
async fn grant_role_grants_then_revokes() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let users = org.list_users().pager().collect().await.unwrap();
    let user = Subject::User(users[0].id.clone());
    let grant = grant_role::Options::parse_from(["x", "--role", "WORKSPACE_AUTHOR"]);
    let line = grant_role::run(&org, &user, "w-1", &grant).await.unwrap();
    assert!(
        line.starts_with("granted WORKSPACE_AUTHOR in w-1"),
        "{line}"
    );
    let revoke = grant_role::Options::parse_from(["x", "--revoke"]);
    let line = grant_role::run(&org, &user, "w-1", &revoke).await.unwrap();
    assert!(line.starts_with("revoked"), "{line}");
    let line = grant_role::run(&org, &user, "w-1", &revoke).await.unwrap();
    assert!(line.contains("had no role"), "{line}");
}

#[tokio::test]
async fn list_everything_lists_every_kind() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let organization = sandbox.organization_id();
    let clusters = format!("/v1/organizations/{organization}/clusters");
    sandbox.seed(&clusters, json!({"name": "eu"})).unwrap();
    let deployments = format!("/v1/organizations/{organization}/deployments");
    for index in 0..120 {
        sandbox
            .seed(&deployments, json!({"name": format!("d{index}")}))
            .unwrap();
    }
    let lines = list_everything::run(&org).await.unwrap();
    let count = |kind: &str| lines.iter().filter(|line| line.starts_with(kind)).count();
    assert_eq!(count("deployment "), 120, "every page is read");
    assert_eq!(count("cluster "), 1);
    assert!(count("workspace ") >= 1 && count("user ") >= 1, "{lines:?}");
}

#[tokio::test]
async fn rotate_token_switches_the_client_and_retires_the_old_value() {
    const ADMIN: &str = "example-admin-token";
    let sandbox = Sandbox::builder().token(ADMIN).start().await.unwrap();
    let admin = astro_api::Client::builder()
        .token(ADMIN)
        .base_url(sandbox.url())
        .organization_id(sandbox.organization_id())
        .build()
        .unwrap();
    let request: astro_api::iam::types::CreateApiTokenRequest = serde_json::from_value(json!({
        "name": "ci", "role": "ORGANIZATION_OWNER", "scope": "ORGANIZATION",
    }))
    .unwrap();
    let created = admin
        .default_org()
        .unwrap()
        .create_api_token()
        .body(request)
        .call()
        .await
        .unwrap();
    let old = created.token.clone().unwrap().into_exposed();
    let own = astro_api::Client::builder()
        .token(&old)
        .base_url(sandbox.url())
        .build()
        .unwrap();
    let line = rotate_token::run(&own.default_org().unwrap(), &created.id, true)
        .await
        .unwrap();
    assert!(
        line.contains("still works") && !line.contains(&old),
        "{line}"
    );
    let stale = astro_api::Client::builder()
        .token(&old)
        .base_url(sandbox.url())
        .build()
        .unwrap();
    let error = stale.list_organizations().call().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error}");
}
