//! Replacing the token of a live client against the sandbox: `Client::set_token` is seen by every
//! clone, every `Org` and both generated clients; `Org::rotate_own_token` swaps the rotated value
//! in; an expired token is refused before anything is sent.

use std::time::Duration;

use astro_api::iam::types::CreateApiTokenRequest;
use astro_api::{Client, ConfigError, ErrorKind, RetryPolicy};
use astro_sandbox::Sandbox;

/// A JWT whose payload is `payload` (the client never reads the header or the signature).
fn jwt(payload: &str) -> String {
    let encode = |text: &str| base64_url(text.as_bytes());
    format!(
        "{}.{}.{}",
        encode(r#"{"alg":"RS256"}"#),
        encode(payload),
        encode("sig")
    )
}

/// Unpadded base64url, as JWTs use.
fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn client(sandbox: &Sandbox, token: &str) -> Client {
    Client::builder()
        .token(token)
        .base_url(sandbox.url())
        .organization_id(sandbox.organization_id())
        .rate_limits(None)
        .retry(RetryPolicy::default().with_initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

/// The bearer token of every request the sandbox received for `operation`.
fn tokens_sent(sandbox: &Sandbox, operation: &str) -> Vec<String> {
    sandbox
        .requests_for(operation)
        .iter()
        .filter_map(|r| r.headers.iter().find(|(n, _)| n == "authorization"))
        .map(|(_, v)| v.trim_start_matches("Bearer ").to_string())
        .collect()
}

fn token_request(name: &str) -> CreateApiTokenRequest {
    serde_json::from_value(serde_json::json!({
        "name": name,
        "role": "ORGANIZATION_OWNER",
        "scope": "ORGANIZATION",
    }))
    .unwrap()
}

#[tokio::test]
async fn a_new_token_is_used_by_every_clone_org_and_generated_client() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox, "first-token-0001");
    let clone = client.clone();
    let org = client.default_org().unwrap();
    org.list_workspaces().call().await.unwrap();
    clone.set_token("Bearer second-token-0002").unwrap();
    org.list_workspaces().call().await.unwrap();
    client.list_organizations().call().await.unwrap();
    org.list_api_tokens().call().await.unwrap();
    client
        .iam()
        .list_api_tokens()
        .organization_id(sandbox.organization_id())
        .call()
        .await
        .unwrap();
    assert_eq!(
        tokens_sent(&sandbox, "ListWorkspaces"),
        ["first-token-0001", "second-token-0002"]
    );
    assert_eq!(
        tokens_sent(&sandbox, "ListOrganizations"),
        ["second-token-0002"]
    );
    assert_eq!(
        tokens_sent(&sandbox, "ListApiTokens"),
        ["second-token-0002", "second-token-0002"]
    );
}

#[tokio::test]
async fn unusable_and_expired_tokens_are_refused_and_the_old_one_kept() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox, "first-token-0001");
    for bad in ["", "two words", "Bearer "] {
        assert!(matches!(
            client.set_token(bad),
            Err(ConfigError::Invalid {
                setting: "Client::set_token",
                ..
            })
        ));
    }
    let expired = jwt(r#"{"exp":1700000000}"#);
    let error = client.set_token(&expired).unwrap_err();
    assert!(matches!(
        error,
        ConfigError::TokenExpired {
            setting: "Client::set_token",
            ..
        }
    ));
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("Tue, 14 Nov 2023 22:13:20 GMT"), "{shown}");
    assert!(!shown.contains(&expired), "{shown}");
    client.list_organizations().call().await.unwrap();
    assert_eq!(
        tokens_sent(&sandbox, "ListOrganizations"),
        ["first-token-0001"]
    );
}

#[tokio::test]
async fn a_token_that_expires_while_in_use_is_refused_before_sending() {
    let sandbox = Sandbox::start().await.unwrap();
    let soon = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 2;
    let client = client(&sandbox, &jwt(&format!(r#"{{"exp":{soon}}}"#)));
    client.list_organizations().call().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let error = client.list_organizations().call().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TokenExpired);
    assert!(error.message().contains("expired at"), "{error}");
    assert_eq!(sandbox.requests_for("ListOrganizations").len(), 1);
}

#[tokio::test]
async fn rotating_its_own_token_swaps_the_new_value_in() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox, "first-token-0001");
    let org = client.default_org().unwrap();
    let own = org
        .create_api_token()
        .body(token_request("ci"))
        .call()
        .await
        .unwrap();
    let rotated = org.clone().rotate_own_token(&own.id).await.unwrap();
    let new_value = rotated
        .token
        .clone()
        .expect("the rotated token's value")
        .into_exposed();
    assert_ne!(new_value, "first-token-0001");
    client.list_organizations().call().await.unwrap();
    assert_eq!(
        tokens_sent(&sandbox, "RotateApiToken"),
        ["first-token-0001"]
    );
    assert_eq!(
        tokens_sent(&sandbox, "ListOrganizations"),
        [new_value.as_str()]
    );
}

#[tokio::test]
async fn a_client_that_rotates_its_own_token_keeps_working_and_the_old_value_is_refused() {
    const ADMIN: &str = "admin-token-0001";
    let sandbox = Sandbox::builder().token(ADMIN).start().await.unwrap();
    let admin = client(&sandbox, ADMIN);
    let issued = admin
        .default_org()
        .unwrap()
        .create_api_token()
        .body(token_request("rotated-by-itself"))
        .call()
        .await
        .unwrap();
    let old_value = issued
        .token
        .clone()
        .expect("a new token's value")
        .into_exposed();

    let own = client(&sandbox, &old_value).default_org().unwrap();
    own.list_workspaces().call().await.unwrap();
    let rotated = own.rotate_own_token(&issued.id).await.unwrap();
    assert_ne!(
        rotated.token.as_ref().map(|t| t.expose()),
        Some(old_value.as_str())
    );
    own.list_workspaces()
        .call()
        .await
        .expect("the client goes on with the rotated token");

    let stale = client(&sandbox, &old_value);
    let error = stale.list_organizations().call().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error}");
}

/// A token the sandbox issues names its organization in its claims, as Astro's do: a client
/// built from it alone finds its organization.
#[tokio::test]
async fn an_issued_token_names_its_organization() {
    const ADMIN: &str = "admin-token-0002";
    let sandbox = Sandbox::builder().token(ADMIN).start().await.unwrap();
    let issued = client(&sandbox, ADMIN)
        .default_org()
        .unwrap()
        .create_api_token()
        .body(token_request("claims"))
        .call()
        .await
        .unwrap();
    let value = issued
        .token
        .clone()
        .expect("a new token's value")
        .into_exposed();
    let alone = astro_api::Client::builder()
        .token(&value)
        .base_url(sandbox.url())
        .build()
        .unwrap();
    assert_eq!(alone.organization_id(), Some(sandbox.organization_id()));
    alone
        .default_org()
        .unwrap()
        .list_workspaces()
        .call()
        .await
        .unwrap();
}
