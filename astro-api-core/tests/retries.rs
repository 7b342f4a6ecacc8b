//! Retries decided by the operation's idempotency, `Retry-After`, and the DELETE whose first
//! response was lost. Time is tokio's paused clock: waits cost nothing, and only lower bounds on
//! virtual time are asserted.

mod support;

use std::time::Duration;

use astro_api_core::RetryPolicy;
use reqwest::StatusCode;
use support::{
    CREATE, DELETE, LIST, Reply, Server, UPDATE, astro_error, builder, execute, json, no_content,
};
use tokio::time::Instant;

const MAX_ATTEMPTS: usize = 4;

#[tokio::test(start_paused = true)]
async fn idempotent_calls_are_retried_on_transient_statuses_and_resets() {
    for operation in [&LIST, &UPDATE, &DELETE] {
        for transient in [
            astro_error(503, "r"),
            astro_error(502, "r"),
            astro_error(504, "r"),
            astro_error(408, "r"),
            astro_error(429, "r"),
            Reply::Reset,
        ] {
            let server =
                Server::start(vec![transient.clone(), json(200, serde_json::json!({}))]).await;
            let response = execute(&builder().build(), &support::BETA, operation, server.url())
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{}", operation.id);
            assert_eq!(
                server.requests().len(),
                2,
                "{} after {transient:?}",
                operation.id
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_create_post_that_may_have_been_applied_is_not_sent_again() {
    for applied in [
        astro_error(503, "r"),
        astro_error(502, "r"),
        astro_error(504, "r"),
        astro_error(500, "r"),
        Reply::Reset,
    ] {
        let server = Server::start(vec![applied.clone(), json(201, serde_json::json!({}))]).await;
        let result = execute(&builder().build(), &support::BETA, &CREATE, server.url()).await;
        match applied {
            Reply::Reset => assert!(result.is_err()),
            _ => assert!(!result.unwrap().status().is_success()),
        }
        assert_eq!(server.requests().len(), 1, "after {applied:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_create_post_is_retried_on_429_which_the_server_refused_before_acting() {
    let server = Server::start(vec![
        astro_error(429, "r"),
        json(201, serde_json::json!({})),
    ])
    .await;
    let response = execute(&builder().build(), &support::BETA, &CREATE, server.url())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_create_post_that_never_reached_a_server_is_retried() {
    // Nothing listens on the port once the listener is dropped: every attempt is refused
    // before anything is sent.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let runtime = builder()
        .retry(RetryPolicy::default().without_jitter().with_max_attempts(3))
        .build();
    let start = Instant::now();
    let error = execute(&runtime, &support::BETA, &CREATE, &url)
        .await
        .unwrap_err();
    assert!(error.is_connect(), "{error}");
    // Two backoff waits (200 ms, 400 ms) mean two retries.
    assert!(start.elapsed() >= Duration::from_millis(600));
}

#[tokio::test(start_paused = true)]
async fn the_retry_budget_ends_with_the_last_error_captured() {
    let server = Server::start(vec![astro_error(503, "req-503")]).await;
    let response = execute(&builder().build(), &support::BETA, &LIST, server.url())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.requests().len(), MAX_ATTEMPTS);
    let error = astro_api_core::__private::finish::<()>(
        LIST.id,
        Err(astro_api_core::__private::progenitor_client::Error::UnexpectedResponse(response)),
    )
    .unwrap_err();
    assert_eq!(error.request_id(), Some("req-503"));
    assert!(error.is_retryable());
}

#[tokio::test(start_paused = true)]
async fn retries_can_be_disabled() {
    let server = Server::start(vec![astro_error(503, "r"), no_content()]).await;
    let runtime = builder().retry(RetryPolicy::disabled()).build();
    let response = execute(&runtime, &support::BETA, &DELETE, server.url())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_delete_whose_response_was_lost_reports_success_not_the_404_of_its_retry() {
    let server = Server::start(vec![Reply::Reset, astro_error(404, "req-404")]).await;
    let response = execute(&builder().build(), &support::BETA, &DELETE, server.url())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(server.requests().len(), 2);

    // A 404 on the first attempt is the caller's to see.
    let server = Server::start(vec![astro_error(404, "req-404")]).await;
    let response = execute(&builder().build(), &support::BETA, &DELETE, server.url())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_in_seconds_and_a_longer_one_than_allowed_ends_the_call() {
    let server = Server::start(vec![
        support::response(429, &[("retry-after", "30")], b""),
        json(200, serde_json::json!({})),
    ])
    .await;
    let start = Instant::now();
    let response = execute(&builder().build(), &support::BETA, &LIST, server.url())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // The backoff alone would have waited 200 ms.
    assert!(start.elapsed() >= Duration::from_secs(30));

    let server = Server::start(vec![
        support::response(429, &[("retry-after", "3600")], b""),
        json(200, serde_json::json!({})),
    ])
    .await;
    let response = execute(&builder().build(), &support::BETA, &LIST, server.url())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_body_that_fails_part_way_is_retried_for_idempotent_calls_only() {
    let cut =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"a\""
            .to_vec();
    let server = Server::start(vec![
        Reply::Bytes(cut.clone()),
        json(200, serde_json::json!({"a": 1})),
    ])
    .await;
    let value: serde_json::Value = support::call(&builder().build(), &LIST, server.url())
        .await
        .unwrap();
    assert_eq!(value["a"], 1);
    assert_eq!(server.requests().len(), 2);

    let server = Server::start(vec![
        Reply::Bytes(cut),
        json(201, serde_json::json!({"a": 1})),
    ])
    .await;
    let error = support::call::<serde_json::Value>(&builder().build(), &CREATE, server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), astro_api_core::ErrorKind::Body);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn conflicts_are_retried_with_backoff_for_idempotent_calls_when_asked() {
    let conflict = || astro_error(409, "r-409");
    let policy = RetryPolicy::default()
        .without_jitter()
        .with_conflict_retries(true);
    for operation in [&UPDATE, &DELETE, &LIST] {
        let server = Server::start(vec![conflict(), conflict(), no_content()]).await;
        let runtime = builder().retry(policy.clone()).build();
        let started = Instant::now();
        let response = execute(&runtime, &support::BETA, operation, server.url())
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::NO_CONTENT,
            "{}",
            operation.id
        );
        assert_eq!(server.requests().len(), 3, "{}", operation.id);
        assert!(
            started.elapsed() >= Duration::from_millis(200 + 400),
            "backed off twice: {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test(start_paused = true)]
async fn conflicts_are_not_retried_by_default_nor_ever_for_creates() {
    let conflict = astro_error(409, "r-409");
    for (operation, policy) in [
        (&UPDATE, RetryPolicy::default()),
        (&DELETE, RetryPolicy::default()),
        (&CREATE, RetryPolicy::default().with_conflict_retries(true)),
    ] {
        let server = Server::start(vec![conflict.clone(), no_content()]).await;
        let runtime = builder().retry(policy).build();
        let error = support::call::<serde_json::Value>(&runtime, operation, server.url())
            .await
            .unwrap_err();
        assert!(error.is_conflict(), "{}: {error}", operation.id);
        assert_eq!(error.request_id(), Some("r-409"));
        assert_eq!(server.requests().len(), 1, "{}", operation.id);
    }
}

#[tokio::test(start_paused = true)]
async fn conflict_retries_end_with_the_last_conflict() {
    let server = Server::start(vec![astro_error(409, "r-last")]).await;
    let runtime = builder()
        .retry(RetryPolicy::default().with_conflict_retries(true))
        .build();
    let error = support::call::<serde_json::Value>(&runtime, &UPDATE, server.url())
        .await
        .unwrap_err();
    assert!(error.is_conflict());
    assert_eq!(server.requests().len(), MAX_ATTEMPTS);
}
