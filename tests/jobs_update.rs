//! Read-modify-write updates against the sandbox, which keeps secret values it never returns:
//! no helper loses a secret, a variable or a role, under any tested sequence.

mod support;

use std::collections::BTreeMap;

use astro_api::Org;
use astro_api::platform::types::CreateDeploymentRequest;
use astro_api::roles::Subject;
use astro_api::update::{EnvironmentVariables, update_request};
use astro_sandbox::Sandbox;
use serde_json::{Value, json};
use support::sandbox_client;

/// A standard deployment with a secret `DB_PASSWORD` and a plain `LOG_LEVEL`, created through
/// the API; its id and its path in the sandbox.
async fn deployment_with_variables(sandbox: &Sandbox, org: &Org) -> (String, String) {
    let request: CreateDeploymentRequest = serde_json::from_value(json!({
        "type": "STANDARD", "name": "etl", "workspaceId": sandbox.workspace_id(),
        "executor": "CELERY", "schedulerSize": "SMALL", "isHighAvailability": false,
        "isCicdEnforced": false, "isDagDeployEnabled": true,
        "environmentVariables": [
            {"key": "DB_PASSWORD", "value": "hunter2", "isSecret": true},
            {"key": "LOG_LEVEL", "value": "info", "isSecret": false},
        ],
    }))
    .unwrap();
    let created = org.create_deployment().body(request).call().await.unwrap();
    let path = format!(
        "/v1/organizations/{}/deployments/{}",
        sandbox.organization_id(),
        created.id
    );
    (created.id, path)
}

/// The stored variables (secret values included), by key.
fn stored_variables(sandbox: &Sandbox, path: &str) -> BTreeMap<String, (Option<String>, bool)> {
    let stored = sandbox.object(path).expect("the deployment is stored");
    stored["environmentVariables"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|variable| {
            (
                variable["key"].as_str().unwrap().to_string(),
                (
                    variable["value"].as_str().map(str::to_string),
                    variable["isSecret"] == json!(true),
                ),
            )
        })
        .collect()
}

fn plain(value: &str) -> (Option<String>, bool) {
    (Some(value.to_string()), false)
}

fn secret(value: &str) -> (Option<String>, bool) {
    (Some(value.to_string()), true)
}

#[tokio::test]
async fn the_update_request_of_a_deployment_leaves_it_as_it_was() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let (id, path) = deployment_with_variables(&sandbox, &org).await;
    let before = sandbox.object(&path).unwrap();
    let read = org
        .get_deployment()
        .deployment_id(&id)
        .call()
        .await
        .unwrap();
    assert!(
        read.environment_variables
            .iter()
            .all(|v| v.key != "DB_PASSWORD" || v.value.is_none()),
        "the sandbox never returns a secret"
    );
    let request = update_request(&read).unwrap();
    let sent = serde_json::to_value(&request).unwrap();
    let secret_sent = &sent["environmentVariables"][0];
    assert_eq!(
        secret_sent,
        &json!({"key": "DB_PASSWORD", "isSecret": true})
    );
    org.update_deployment_with(&id, |_| Ok(())).await.unwrap();
    let after = sandbox.object(&path).unwrap();
    for field in [
        "name",
        "executor",
        "schedulerSize",
        "isHighAvailability",
        "isDagDeployEnabled",
        "workspaceId",
    ] {
        assert_eq!(after[field], before[field], "{field} changed");
    }
    assert_eq!(
        stored_variables(&sandbox, &path)["DB_PASSWORD"],
        secret("hunter2")
    );
}

#[tokio::test]
async fn each_variable_helper_changes_only_its_variable() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let (id, path) = deployment_with_variables(&sandbox, &org).await;

    org.set_env_var(&id, "LOG_LEVEL", "debug").await.unwrap();
    org.set_env_var(&id, "REGION", "eu").await.unwrap();
    let stored = stored_variables(&sandbox, &path);
    assert_eq!(stored["DB_PASSWORD"], secret("hunter2"));
    assert_eq!(stored["LOG_LEVEL"], plain("debug"));
    assert_eq!(stored["REGION"], plain("eu"));

    org.set_secret_env_var(&id, "DB_PASSWORD", "correct horse")
        .await
        .unwrap();
    org.set_secret_env_var(&id, "API_KEY", "k-1").await.unwrap();
    let stored = stored_variables(&sandbox, &path);
    assert_eq!(stored["DB_PASSWORD"], secret("correct horse"));
    assert_eq!(stored["API_KEY"], secret("k-1"));

    assert!(org.remove_env_var(&id, "REGION").await.unwrap());
    let writes = sandbox.requests_for("UpdateDeployment").len();
    assert!(!org.remove_env_var(&id, "REGION").await.unwrap());
    assert_eq!(
        sandbox.requests_for("UpdateDeployment").len(),
        writes,
        "nothing to write"
    );
    let stored = stored_variables(&sandbox, &path);
    assert!(!stored.contains_key("REGION"));
    assert_eq!(stored.len(), 3);
}

#[tokio::test]
async fn bad_edits_are_refused_before_anything_is_sent() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let (id, path) = deployment_with_variables(&sandbox, &org).await;
    let writes = || sandbox.requests_for("UpdateDeployment").len();

    let empty = org
        .set_secret_env_var(&id, "DB_PASSWORD", "")
        .await
        .unwrap_err();
    assert!(empty.message().contains("empty"), "{empty}");
    let exposed = org
        .set_env_var(&id, "DB_PASSWORD", "shown")
        .await
        .unwrap_err();
    assert!(exposed.message().contains("is secret"), "{exposed}");
    let bad_key = org.set_env_var(&id, "A=B", "x").await.unwrap_err();
    assert!(bad_key.message().contains("\"A=B\""), "{bad_key}");
    let stopped = org
        .update_deployment_with(&id, |_| {
            Err(astro_api::Error::invalid_request("changed my mind"))
        })
        .await
        .unwrap_err();
    assert_eq!(stopped.message(), "changed my mind");
    assert_eq!(writes(), 0);
    assert_eq!(
        stored_variables(&sandbox, &path)["DB_PASSWORD"],
        secret("hunter2")
    );
}

/// A deterministic sequence of edits, checked against a model after each step: the stored
/// secrets and variables are exactly what the edits made them.
#[tokio::test]
async fn no_sequence_of_edits_loses_a_secret() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let (id, path) = deployment_with_variables(&sandbox, &org).await;
    let mut model: BTreeMap<String, (Option<String>, bool)> = stored_variables(&sandbox, &path);
    let keys = ["DB_PASSWORD", "LOG_LEVEL", "TOKEN", "MODE"];
    let mut seed = 0x2545_f491_u64;
    for step in 0..40 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let key = keys[(seed % 4) as usize];
        let value = format!("v{step}");
        match (seed >> 8) % 4 {
            0 => {
                let outcome = org.set_env_var(&id, key, &value).await;
                match model.get(key) {
                    Some((_, true)) => {
                        assert!(outcome.is_err(), "step {step}: plain over a secret")
                    }
                    _ => {
                        outcome.unwrap();
                        model.insert(key.into(), plain(&value));
                    }
                }
            }
            1 => {
                org.set_secret_env_var(&id, key, &value).await.unwrap();
                model.insert(key.into(), secret(&value));
            }
            2 => {
                let removed = org.remove_env_var(&id, key).await.unwrap();
                assert_eq!(removed, model.remove(key).is_some(), "step {step}");
            }
            _ => {
                org.update_deployment_with(&id, |request| {
                    request.env_vars_mut().reverse();
                    Ok(())
                })
                .await
                .unwrap();
            }
        }
        assert_eq!(
            stored_variables(&sandbox, &path),
            model,
            "after step {step}"
        );
    }
}

/// The API has no conditional update: a change made between the read and the write is
/// overwritten (the documented "last write wins").
#[tokio::test]
async fn a_concurrent_change_is_overwritten_by_the_later_write() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let (id, path) = deployment_with_variables(&sandbox, &org).await;
    let original = sandbox.object(&path).unwrap()["description"].clone();
    org.update_deployment_with(&id, |request| {
        sandbox
            .update_object(&path, json!({"description": "changed by someone else"}))
            .unwrap();
        request.set_env_var("LOG_LEVEL", "warn")
    })
    .await
    .unwrap();
    let stored = sandbox.object(&path).unwrap();
    assert_eq!(stored["description"], original);
    assert_eq!(
        stored_variables(&sandbox, &path)["LOG_LEVEL"],
        plain("warn")
    );
}

/// A subject's roles as the sandbox stores them, without the one field a grant changes.
fn roles_of(sandbox: &Sandbox, path: &str) -> Value {
    let stored = sandbox.object(path).expect("stored");
    json!({
        "organizationRole": stored.get("organizationRole"),
        "workspaceRoles": stored.get("workspaceRoles"),
        "deploymentRoles": stored.get("deploymentRoles"),
        "dagRoles": stored.get("dagRoles"),
        "roles": stored.get("roles"),
    })
}

#[tokio::test]
async fn granting_and_revoking_one_role_keeps_the_others() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let organization = sandbox.organization_id().to_string();
    let teams = format!("/v1/organizations/{organization}/teams");
    let team = sandbox
        .seed(
            &teams,
            json!({
                "name": "platform",
                "organizationRole": "ORGANIZATION_MEMBER",
                "workspaceRoles": [
                    {"workspaceId": "w1", "role": "WORKSPACE_MEMBER"},
                    {"workspaceId": "w2", "role": "WORKSPACE_OWNER"},
                ],
                "deploymentRoles": [{"deploymentId": "d1", "role": "DEPLOYMENT_ADMIN"}],
                "dagRoles": [{"deploymentId": "d1", "dagId": "etl", "role": "DAG_AUTHOR"}],
            }),
        )
        .unwrap();
    let team_id = team["id"].as_str().unwrap().to_string();
    let path = format!("{teams}/{team_id}");
    let subject = Subject::Team(team_id);

    org.grant_workspace_role(&subject, "w1", "WORKSPACE_AUTHOR")
        .await
        .unwrap();
    org.grant_deployment_role(&subject, "d2", "DEPLOYMENT_ADMIN")
        .await
        .unwrap();
    assert!(org.revoke_workspace_role(&subject, "w2").await.unwrap());
    assert!(!org.revoke_workspace_role(&subject, "w9").await.unwrap());
    let roles = roles_of(&sandbox, &path);
    assert_eq!(roles["organizationRole"], "ORGANIZATION_MEMBER");
    assert_eq!(
        roles["workspaceRoles"],
        json!([{"workspaceId": "w1", "role": "WORKSPACE_AUTHOR"}])
    );
    assert_eq!(
        roles["deploymentRoles"],
        json!([
            {"deploymentId": "d1", "role": "DEPLOYMENT_ADMIN"},
            {"deploymentId": "d2", "role": "DEPLOYMENT_ADMIN"},
        ])
    );
    assert_eq!(
        roles["dagRoles"],
        json!([{"deploymentId": "d1", "dagId": "etl", "role": "DAG_AUTHOR"}])
    );
    let read = org.get_team().team_id(subject.id()).call().await.unwrap();
    assert_eq!(
        serde_json::to_value(&read.workspace_roles).unwrap(),
        roles["workspaceRoles"]
    );
}

#[tokio::test]
async fn token_and_user_grants_keep_the_other_roles() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let organization = sandbox.organization_id().to_string();
    let tokens = format!("/v1/organizations/{organization}/tokens");
    let token = sandbox
        .seed(
            &tokens,
            json!({"name": "ci", "roles": [
                {"entityId": organization, "entityType": "ORGANIZATION", "role": "ORGANIZATION_MEMBER"},
                {"entityId": "w1", "entityType": "WORKSPACE", "role": "WORKSPACE_MEMBER"},
            ]}),
        )
        .unwrap();
    let token_path = format!("{tokens}/{}", token["id"].as_str().unwrap());
    let subject = Subject::ApiToken(token["id"].as_str().unwrap().into());
    org.grant_workspace_role(&subject, "w2", "WORKSPACE_OPERATOR")
        .await
        .unwrap();
    assert!(org.revoke_workspace_role(&subject, "w1").await.unwrap());
    assert_eq!(
        roles_of(&sandbox, &token_path)["roles"],
        json!([
            {"entityId": organization, "entityType": "ORGANIZATION", "role": "ORGANIZATION_MEMBER"},
            {"entityId": "w2", "entityType": "WORKSPACE", "role": "WORKSPACE_OPERATOR"},
        ])
    );

    let users = org.list_users().pager().collect().await.unwrap();
    let user = users[0].id.clone();
    let user_path = format!("/v1/organizations/{organization}/users/{user}");
    let before = roles_of(&sandbox, &user_path);
    let subject = Subject::User(user);
    org.grant_deployment_role(&subject, "d7", "DEPLOYMENT_ADMIN")
        .await
        .unwrap();
    assert!(org.revoke_deployment_role(&subject, "d7").await.unwrap());
    let after = roles_of(&sandbox, &user_path);
    assert_eq!(after["organizationRole"], before["organizationRole"]);
    assert_eq!(after["workspaceRoles"], before["workspaceRoles"]);
}

#[tokio::test]
async fn each_deployment_type_becomes_its_update_request() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let deployments = format!(
        "/v1/organizations/{}/deployments",
        sandbox.organization_id()
    );
    let common = json!({
        "name": "etl", "executor": "CELERY", "isCicdEnforced": true, "isDagDeployEnabled": false,
        "isHighAvailability": true, "schedulerSize": "MEDIUM", "schedulerAu": 5,
        "schedulerReplicas": 2, "effectiveWorkloadIdentity": "arn:aws:iam::1:role/etl",
        "workerQueues": [{
            "id": "q1", "name": "default", "isDefault": true, "maxWorkerCount": 10,
            "minWorkerCount": 1, "workerConcurrency": 16, "podCpu": "1", "podMemory": "2Gi",
            "astroMachine": "A5", "nodePoolId": "np1",
        }],
    });
    for kind in ["STANDARD", "DEDICATED", "HYBRID"] {
        let mut fields = common.clone();
        fields["type"] = json!(kind);
        let seeded = sandbox.seed(&deployments, fields).unwrap();
        let id = seeded["id"].as_str().unwrap();
        let deployment = org.get_deployment().deployment_id(id).call().await.unwrap();
        let request = serde_json::to_value(update_request(&deployment).unwrap()).unwrap();
        assert_eq!(request["type"], kind);
        assert_eq!(request["name"], "etl");
        assert_eq!(request["isCicdEnforced"], true);
        assert_eq!(request["workloadIdentity"], "arn:aws:iam::1:role/etl");
        assert_eq!(request["workerQueues"][0]["name"], "default");
        assert!(
            request["workerQueues"][0].get("podCpu").is_none(),
            "not a request field"
        );
        match kind {
            "HYBRID" => {
                assert_eq!(request["scheduler"], json!({"au": 5, "replicas": 2}));
                assert!(request.get("schedulerSize").is_none());
            }
            _ => {
                assert_eq!(request["schedulerSize"], "MEDIUM");
                assert_eq!(request["isHighAvailability"], true);
            }
        }
    }
}

#[tokio::test]
async fn a_deployment_missing_a_required_request_field_is_refused_by_name() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let deployments = format!(
        "/v1/organizations/{}/deployments",
        sandbox.organization_id()
    );
    let complete = json!({
        "type": "STANDARD", "name": "etl", "executor": "CELERY", "schedulerSize": "SMALL",
        "isHighAvailability": false, "isCicdEnforced": false, "isDagDeployEnabled": true,
    });
    let seeded = sandbox.seed(&deployments, complete).unwrap();
    let id = seeded["id"].as_str().unwrap();
    let read = org.get_deployment().deployment_id(id).call().await.unwrap();
    assert!(
        update_request(&read).is_ok(),
        "complete deployments convert"
    );
    for field in ["schedulerSize", "executor", "isHighAvailability"] {
        let mut incomplete = serde_json::to_value(&read).unwrap();
        incomplete.as_object_mut().unwrap().remove(field);
        let deployment = serde_json::from_value(incomplete).unwrap();
        let error = update_request(&deployment).unwrap_err();
        assert!(error.message().contains(field), "{error}");
        assert!(error.message().contains(id), "{error}");
    }
}
