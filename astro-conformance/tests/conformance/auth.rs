//! Bearer tokens reach the server for both APIs, and never show in `Debug` output. (Every
//! emitted operation test also checks the header, sent by the caller's `reqwest::Client`.)

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The `Authorization` headers a server received.
async fn authorizations(server: &MockServer) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            r.headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .collect()
}

#[tokio::test]
async fn a_token_on_the_callers_http_client_reaches_both_apis_and_stays_out_of_debug_output() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let platform = astro_platform::Client::new_with_client(
        &super::astro_platform::API.base_url(&server),
        astro_conformance::http_client(),
        astro_conformance::runtime(),
    );
    let iam = astro_iam::Client::new_with_client(
        &super::astro_iam::API.base_url(&server),
        astro_conformance::http_client(),
        astro_conformance::runtime(),
    );
    platform
        .delete_workspace()
        .organization_id("o")
        .workspace_id("w")
        .call()
        .await
        .unwrap();
    iam.delete_team()
        .organization_id("o")
        .team_id("t")
        .call()
        .await
        .unwrap();
    let expected = Some(format!("Bearer {}", astro_conformance::TOKEN));
    assert_eq!(
        authorizations(&server).await,
        vec![expected.clone(), expected]
    );
    for debug in [format!("{platform:?}"), format!("{iam:?}")] {
        assert!(!debug.contains(astro_conformance::TOKEN), "{debug}");
    }
}

#[tokio::test]
async fn a_token_given_to_the_runtime_reaches_both_apis_and_stays_out_of_debug_output() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let token = "runtime-token-123";
    let runtime = astro_api_core::Runtime::builder()
        .retry(astro_api_core::RetryPolicy::disabled())
        .rate_limits(None)
        .bearer_token(token)
        .expect("a plain token is a valid header value")
        .build();
    let platform = astro_platform::Client::new_with_client(
        &super::astro_platform::API.base_url(&server),
        reqwest::Client::new(),
        runtime.clone(),
    );
    let iam = astro_iam::Client::new_with_client(
        &super::astro_iam::API.base_url(&server),
        reqwest::Client::new(),
        runtime.clone(),
    );
    platform
        .delete_workspace()
        .organization_id("o")
        .workspace_id("w")
        .call()
        .await
        .unwrap();
    iam.delete_team()
        .organization_id("o")
        .team_id("t")
        .call()
        .await
        .unwrap();
    let expected = Some(format!("Bearer {token}"));
    assert_eq!(
        authorizations(&server).await,
        vec![expected.clone(), expected]
    );
    for debug in [
        format!("{runtime:?}"),
        format!("{platform:?}"),
        format!("{iam:?}"),
    ] {
        assert!(!debug.contains(token), "{debug}");
    }
}
