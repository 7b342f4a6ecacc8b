//! What the runtime adds to every request (token, user agent, `X-API-Version` per
//! `ApiVersion`), the rate limiter's spacing, and the path-segment check of generated code.

mod support;

use std::time::Duration;

use astro_api_core::__private::check_path_segment;
use astro_api_core::{ApiVersion, RateLimits};
use reqwest::header::HeaderValue;
use support::{BETA, DELETE, LIST, Server, TOKEN, V1, builder, execute, json};
use tokio::time::Instant;

#[tokio::test]
async fn every_request_carries_the_token_and_the_user_agent() {
    let server = Server::start(vec![json(200, serde_json::json!({}))]).await;
    execute(&builder().build(), &BETA, &LIST, server.url())
        .await
        .unwrap();
    let runtime = builder()
        .user_agent(HeaderValue::from_static("my-tool/2"))
        .build();
    execute(&runtime, &BETA, &LIST, server.url()).await.unwrap();
    let requests = server.requests();
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(requests[0].header("authorization"), Some(bearer.as_str()));
    assert!(
        requests[0]
            .header("user-agent")
            .unwrap()
            .starts_with("astro-api-core/")
    );
    assert_eq!(requests[1].header("user-agent"), Some("my-tool/2"));
}

#[tokio::test]
async fn the_version_header_follows_the_choice_on_apis_that_have_one() {
    let cases = [
        (&V1, ApiVersion::Pinned, Some("1.0")),
        (&V1, ApiVersion::Latest, None),
        (&V1, ApiVersion::Exact("1.1".into()), Some("1.1")),
        (&BETA, ApiVersion::Pinned, None),
        (&BETA, ApiVersion::Exact("1.1".into()), None),
    ];
    for (api, version, expected) in cases {
        let server = Server::start(vec![json(200, serde_json::json!({}))]).await;
        let runtime = builder().api_version(version.clone()).build();
        execute(&runtime, api, &LIST, server.url()).await.unwrap();
        assert_eq!(
            server.requests()[0].header("x-api-version"),
            expected,
            "{} with {version:?}",
            api.name
        );
    }
}

#[tokio::test(start_paused = true)]
async fn requests_are_spaced_to_the_limit_of_their_method_class() {
    let server = Server::start(vec![json(200, serde_json::json!({}))]).await;
    let runtime = builder()
        .rate_limits(Some(RateLimits::per_second(10, 0, 2)))
        .build();
    let start = Instant::now();
    for _ in 0..5 {
        execute(&runtime, &BETA, &LIST, server.url()).await.unwrap();
    }
    // Five GETs at 10 per second, evenly spaced: four gaps of 100 ms at least.
    let gets = start.elapsed();
    assert!(gets >= Duration::from_millis(400), "{gets:?}");

    // DELETEs have their own, slower class: the GETs just sent do not delay the first one.
    let server = Server::start(vec![support::no_content()]).await;
    let start = Instant::now();
    for _ in 0..3 {
        execute(&runtime, &BETA, &DELETE, server.url())
            .await
            .unwrap();
    }
    assert!(start.elapsed() >= Duration::from_millis(1000));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn clones_of_a_runtime_share_its_limiter() {
    let server = Server::start(vec![json(200, serde_json::json!({}))]).await;
    let runtime = builder()
        .rate_limits(Some(RateLimits::per_second(5, 0, 0)))
        .build();
    let start = Instant::now();
    let calls = (0..6).map(|_| {
        let runtime = runtime.clone();
        let url = server.url().to_string();
        tokio::spawn(async move { execute(&runtime, &BETA, &LIST, &url).await.unwrap() })
    });
    for call in calls {
        call.await.unwrap();
    }
    assert!(start.elapsed() >= Duration::from_secs(1));
    assert_eq!(server.requests().len(), 6);
}

#[test]
fn path_segments_that_would_change_the_resource_are_refused_by_name() {
    for bad in ["", ".", ".."] {
        let message = check_path_segment("workspaceId", bad).unwrap_err();
        assert!(message.contains("`workspaceId`"), "{message}");
    }
    for good in ["clx123", "a.b", "...", "%2e%2e", "with space"] {
        assert!(check_path_segment("workspaceId", good).is_ok(), "{good}");
    }
}

#[tokio::test]
async fn responses_handed_back_keep_the_url_they_came_from() {
    let server = Server::start(vec![
        json(200, serde_json::json!({})),
        support::astro_error(404, "r"),
    ])
    .await;
    let expected = format!("{}/organizations/org-1/things", server.url());
    for _ in 0..2 {
        let response = execute(&builder().build(), &BETA, &LIST, server.url())
            .await
            .unwrap();
        assert_eq!(response.url().as_str(), expected);
    }
}
