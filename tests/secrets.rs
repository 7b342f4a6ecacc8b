//! The token stays secret: not sent to other hosts, and sent where it belongs; and the facade's
//! user agent. (Logs are checked in `token_secrecy.rs`, a binary of its own so its subscriber
//! sees every callsite.)

mod support;

use support::Mocked;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    let elsewhere = Mocked::serving(ResponseTemplate::new(200)).await;
    let mocked = Mocked::serving(
        ResponseTemplate::new(302).insert_header("location", format!("{}/steal", elsewhere.uri())),
    )
    .await;
    let error = mocked.org().list_workspaces().call().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
    assert!(elsewhere.requests().await.is_empty());
}

#[tokio::test]
async fn a_same_origin_redirect_is_followed_with_the_token() {
    let bearer = format!("Bearer {}", support::TOKEN);
    let mocked = Mocked::mounting([
        Mock::given(method("GET"))
            .and(path("/moved"))
            .and(header("authorization", bearer.as_str()))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(support::workspaces_page(
                    vec![],
                    0,
                    20,
                    0,
                )),
            ),
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(307).insert_header("location", "/moved")),
    ])
    .await;
    mocked.org().list_workspaces().call().await.unwrap();
}

/// The facade's own default user agent (the runtime's default, and a caller's bearer token and
/// user agent, are tested in `astro-api-core/tests/requests.rs`).
#[tokio::test]
async fn requests_carry_the_facades_user_agent() {
    let mocked = Mocked::mounting([Mock::given(method("GET"))
        .and(header("user-agent", astro_api::USER_AGENT))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(support::workspaces_page(vec![], 0, 20, 0)),
        )])
    .await;
    mocked.org().list_workspaces().call().await.unwrap();
    assert!(astro_api::USER_AGENT.starts_with("astro-api-rs/"));
}
