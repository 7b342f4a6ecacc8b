//! The secret fields of the generated types (`[api.secret_fields]` in `openapi/pins.toml`): an
//! API token's value and environment variable values are `SecretString`s, so `{:?}` and `{:#?}`
//! of a decoded response never show them, while serde (the wire) carries them unchanged; a
//! request with a secret value sends it. Against the stateful sandbox, and wiremock serving
//! bodies the sandbox made.

mod support;

use std::fmt::Debug;

use astro_api::iam::enums::CreateApiTokenRequestScope;
use astro_api::iam::types::CreateApiTokenRequest;
use astro_api::platform::types::{DeploymentEnvironmentVariableRequest, UpdateDeploymentRequest};
use astro_api::{Client, SecretString};
use astro_sandbox::Sandbox;
use serde::Serialize;
use serde_json::{Value, json};
use support::Mocked;
use wiremock::ResponseTemplate;

/// A distinctive secret value: any copy of it in a debug string is a leak.
const SECRET: &str = "s3cr3t-7c1e9a4b";

fn client_for(sandbox: &Sandbox) -> Client {
    Client::builder()
        .token("sandbox-token")
        .base_url(sandbox.url())
        .rate_limits(None)
        .build()
        .unwrap()
}

fn organization(sandbox: &Sandbox) -> String {
    match sandbox.organization_id() {
        "" => "org-1".to_string(),
        seeded => seeded.to_string(),
    }
}

/// Asserts that neither debug form of `value` shows `secret`, and that its JSON does.
fn redacted_but_serialised<T: Debug + Serialize>(value: &T, secret: &str) -> Value {
    for shown in [format!("{value:?}"), format!("{value:#?}")] {
        assert!(!shown.contains(secret), "Debug leaks the secret: {shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
    let json = serde_json::to_value(value).unwrap();
    assert!(json.to_string().contains(secret), "{json}");
    json
}

/// A created API token as the service returns it (a schema-valid v1 object from the sandbox)
/// with `SECRET` as its value.
fn created_token_body(sandbox: &Sandbox) -> Value {
    let tokens = format!("/v1/organizations/{}/tokens", organization(sandbox));
    sandbox.seed(&tokens, json!({"token": SECRET})).unwrap()
}

#[tokio::test]
async fn a_created_api_token_hides_its_value_in_debug_but_not_on_the_wire() {
    let sandbox = Sandbox::start().await.unwrap();
    let mocked =
        Mocked::serving(ResponseTemplate::new(200).set_body_json(created_token_body(&sandbox)))
            .await;
    let created = mocked
        .org()
        .create_api_token()
        .body(
            CreateApiTokenRequest::builder()
                .name("ci")
                .role("WORKSPACE_MEMBER")
                .scope(CreateApiTokenRequestScope::Organization),
        )
        .call()
        .await
        .unwrap();
    let token: &SecretString = created.token.as_ref().expect("a created token has a value");
    assert_eq!(token.expose(), SECRET);
    let json = redacted_but_serialised(&created, SECRET);
    assert_eq!(json["token"], json!(SECRET));
    let back: astro_api::iam::types::ApiToken = serde_json::from_value(json).unwrap();
    assert_eq!(back.token.as_ref().map(SecretString::expose), Some(SECRET));
}

#[cfg(feature = "v1beta1")]
#[tokio::test]
async fn a_created_v1beta1_api_token_hides_its_value_in_debug_but_not_on_the_wire() {
    use astro_api::iam::v1beta1::enums::CreateApiTokenRequestType;
    use astro_api::iam::v1beta1::types::{ApiToken, CreateApiTokenRequest};

    let sandbox = Sandbox::start().await.unwrap();
    // v1beta1 has `type` where v1 has `scope` and `kind`.
    let mut body = created_token_body(&sandbox);
    let fields = body.as_object_mut().unwrap();
    fields.remove("scope");
    fields.remove("kind");
    fields.insert("type".into(), json!("ORGANIZATION"));
    let mocked = Mocked::serving(ResponseTemplate::new(200).set_body_json(body)).await;
    let created = mocked
        .client
        .v1beta1()
        .org("org-1")
        .create_api_token()
        .body(
            CreateApiTokenRequest::builder()
                .name("ci")
                .role("ORGANIZATION_MEMBER")
                .type_(CreateApiTokenRequestType::Organization),
        )
        .call()
        .await
        .unwrap();
    assert_eq!(
        created.token.as_ref().map(SecretString::expose),
        Some(SECRET)
    );
    let json = redacted_but_serialised(&created, SECRET);
    let back: ApiToken = serde_json::from_value(json).unwrap();
    assert_eq!(
        back.token.map(SecretString::into_exposed).as_deref(),
        Some(SECRET)
    );
}

#[tokio::test]
async fn a_deployment_hides_its_environment_variable_values_in_debug() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox);
    let org_id = organization(&sandbox);
    let seeded = sandbox
        .seed(
            &format!("/v1/organizations/{org_id}/deployments"),
            json!({"environmentVariables": [{
                "key": "DB_PASSWORD", "isSecret": false, "value": SECRET,
                "updatedAt": "2026-01-01T00:00:00Z"
            }]}),
        )
        .unwrap();
    let deployment = client
        .org(&org_id)
        .get_deployment()
        .deployment_id(seeded["id"].as_str().unwrap())
        .call()
        .await
        .unwrap();
    let variable = &deployment.environment_variables[0];
    assert_eq!(variable.key, "DB_PASSWORD");
    assert_eq!(
        variable.value.as_ref().map(SecretString::expose),
        Some(SECRET)
    );
    let json = redacted_but_serialised(&deployment, SECRET);
    assert_eq!(json["environmentVariables"][0]["value"], json!(SECRET));
}

#[tokio::test]
async fn a_secret_environment_variable_value_is_sent_on_the_wire() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox);
    let org_id = organization(&sandbox);
    let seeded = sandbox
        .seed(
            &format!("/v1/organizations/{org_id}/deployments"),
            json!({}),
        )
        .unwrap();
    // The builder takes the secret as a `SecretString` (a plain `&str` for a required one).
    let variable: DeploymentEnvironmentVariableRequest =
        DeploymentEnvironmentVariableRequest::builder()
            .key("DB_PASSWORD")
            .is_secret(true)
            .value(SecretString::from(SECRET))
            .try_into()
            .unwrap();
    redacted_but_serialised(&variable, SECRET);
    let request: UpdateDeploymentRequest = serde_json::from_value(json!({
        "type": "STANDARD", "name": "etl", "workspaceId": seeded["workspaceId"],
        "executor": "CELERY", "schedulerSize": "SMALL", "isCicdEnforced": false,
        "isDagDeployEnabled": true, "isHighAvailability": false,
        "environmentVariables": [variable],
    }))
    .unwrap();
    assert!(!format!("{request:?}").contains(SECRET));
    sandbox.clear_requests();
    let result = client
        .org(&org_id)
        .update_deployment()
        .deployment_id(seeded["id"].as_str().unwrap())
        .body(request)
        .call()
        .await;
    let sent = sandbox.requests_for("UpdateDeployment");
    assert_eq!(sent.len(), 1, "{result:?}");
    let body: Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(
        body["environmentVariables"],
        json!([{"key": "DB_PASSWORD", "isSecret": true, "value": SECRET}])
    );
    if let Err(error) = &result {
        assert!(!format!("{error} {error:?}").contains(SECRET), "{error:?}");
    }
}
