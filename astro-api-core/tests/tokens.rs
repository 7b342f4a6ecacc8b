//! Replacing the token of a live runtime (seen by every clone, from the next attempt on, safe
//! while calls run, scrubbed from echoes like the first one), and expired JWT tokens refused
//! before anything is sent.

mod support;

use std::time::Duration;

use astro_api_core::{ErrorKind, RetryPolicy, Runtime};
use support::{LIST, Server, TOKEN, UPDATE, astro_error, builder, json, response};

const NEW_TOKEN: &str = "rotated-token-9d2e41b7c6a0f853";

/// A JWT whose payload is `payload` (header and signature are never read by the client).
fn jwt(payload: &str) -> String {
    use base64::Engine as _;
    let encode = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    format!(
        "{}.{}.{}",
        encode(r#"{"alg":"RS256"}"#),
        encode(payload),
        encode("sig")
    )
}

/// The `Authorization` header of every request the server read.
fn authorizations(server: &Server) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default().to_string())
        .collect()
}

async fn list(
    runtime: &Runtime,
    server: &Server,
) -> Result<serde_json::Value, astro_api_core::Error> {
    support::call::<serde_json::Value>(runtime, &LIST, server.url()).await
}

#[tokio::test]
async fn a_replaced_token_is_sent_by_every_clone() {
    let server = Server::start(vec![json(200, serde_json::json!({}))]).await;
    let runtime = builder().build();
    let clone = runtime.clone();
    list(&runtime, &server).await.unwrap();
    clone.set_bearer_token(NEW_TOKEN).unwrap();
    list(&runtime, &server).await.unwrap();
    list(&clone, &server).await.unwrap();
    assert_eq!(
        authorizations(&server),
        [
            format!("Bearer {TOKEN}"),
            format!("Bearer {NEW_TOKEN}"),
            format!("Bearer {NEW_TOKEN}")
        ]
    );
    assert!(runtime.set_bearer_token("bad\ntoken").is_err());
    list(&runtime, &server).await.unwrap();
    assert_eq!(authorizations(&server)[3], format!("Bearer {NEW_TOKEN}"));
}

#[tokio::test]
async fn a_runtime_without_a_token_can_be_given_one() {
    let server = Server::start(vec![json(200, serde_json::json!({}))]).await;
    let runtime = Runtime::builder().rate_limits(None).build();
    list(&runtime, &server).await.unwrap();
    runtime.set_bearer_token(NEW_TOKEN).unwrap();
    list(&runtime, &server).await.unwrap();
    assert_eq!(
        authorizations(&server),
        [String::new(), format!("Bearer {NEW_TOKEN}")]
    );
}

#[tokio::test]
async fn the_next_attempt_of_a_running_call_uses_the_replaced_token() {
    let server = Server::start(vec![
        astro_error(503, "r-1"),
        json(200, serde_json::json!({})),
    ])
    .await;
    let runtime = builder()
        .retry(
            RetryPolicy::default()
                .without_jitter()
                .with_initial_backoff(Duration::from_millis(400)),
        )
        .build();
    let call = tokio::spawn({
        let runtime = runtime.clone();
        let server = server.clone();
        async move { list(&runtime, &server).await }
    });
    while server.requests().is_empty() {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    runtime.set_bearer_token(NEW_TOKEN).unwrap();
    call.await.unwrap().unwrap();
    assert_eq!(
        authorizations(&server),
        [format!("Bearer {TOKEN}"), format!("Bearer {NEW_TOKEN}")]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replacing_the_token_while_calls_run_is_safe() {
    let server = Server::start(vec![json(200, serde_json::json!({}))]).await;
    let runtime = builder().build();
    let tokens: Vec<String> = (0..20).map(|i| format!("token-number-{i:04}")).collect();
    let calls: Vec<_> = (0..40)
        .map(|_| {
            let runtime = runtime.clone();
            let server = server.clone();
            tokio::spawn(async move { list(&runtime, &server).await })
        })
        .collect();
    for token in &tokens {
        runtime.set_bearer_token(token).unwrap();
        tokio::task::yield_now().await;
    }
    for call in calls {
        call.await.unwrap().unwrap();
    }
    list(&runtime, &server).await.unwrap();
    let sent = authorizations(&server);
    assert_eq!(sent.len(), 41);
    let known: Vec<String> = std::iter::once(TOKEN.to_string())
        .chain(tokens.iter().cloned())
        .map(|t| format!("Bearer {t}"))
        .collect();
    assert!(sent.iter().all(|s| known.contains(s)), "{sent:?}");
    assert_eq!(sent.last().unwrap(), &format!("Bearer {}", tokens[19]));
}

#[tokio::test]
async fn echoes_of_the_replaced_token_are_scrubbed_from_errors() {
    let runtime = builder().build();
    runtime.set_bearer_token(NEW_TOKEN).unwrap();
    let server = Server::start(vec![response(
        401,
        &[("x-request-id", &format!("req-{NEW_TOKEN}"))],
        format!("bad token: Bearer {NEW_TOKEN}").as_bytes(),
    )])
    .await;
    let error = list(&runtime, &server).await.unwrap_err();
    assert_eq!(error.message(), "bad token: Bearer <redacted>");
    assert_eq!(error.request_id(), Some("req-<redacted>"));
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(NEW_TOKEN), "{shown}");

    let success = Server::start(vec![response(
        200,
        &[("content-type", "application/json")],
        format!(r#"{{"echo": "{NEW_TOKEN}", "n": "#).as_bytes(),
    )])
    .await;
    let error = list(&runtime, &success).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(NEW_TOKEN), "{shown}");
}

#[tokio::test]
async fn an_expired_token_is_refused_before_anything_is_sent() {
    let server = Server::start(vec![json(200, serde_json::json!({}))]).await;
    let expired = jwt(r#"{"exp":1700000000}"#);
    let runtime = Runtime::builder()
        .bearer_token(&expired)
        .unwrap()
        .rate_limits(None)
        .build();
    let error = list(&runtime, &server).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TokenExpired);
    assert_eq!(error.status(), None);
    assert!(error.is_auth());
    assert_eq!(error.operation(), Some("ListThings"));
    assert!(
        error
            .message()
            .contains("expired at Tue, 14 Nov 2023 22:13:20 GMT"),
        "{error}"
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(&expired), "{shown}");
    assert!(server.requests().is_empty(), "nothing reached the server");

    let current = jwt(r#"{"exp":4102444800}"#);
    runtime.set_bearer_token(&current).unwrap();
    list(&runtime, &server).await.unwrap();
    runtime.set_bearer_token(&expired).unwrap();
    let error = support::call::<serde_json::Value>(&runtime, &UPDATE, server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TokenExpired);
    assert_eq!(authorizations(&server), [format!("Bearer {current}")]);
}

#[tokio::test]
async fn a_token_that_is_not_a_jwt_never_expires() {
    let server = Server::start(vec![json(200, serde_json::json!({}))]).await;
    for token in ["any-token", "abc.def.ghi", &jwt(r#"{"sub":"no exp"}"#)] {
        let runtime = Runtime::builder()
            .bearer_token(token)
            .unwrap()
            .rate_limits(None)
            .build();
        list(&runtime, &server).await.unwrap();
    }
    assert_eq!(server.requests().len(), 3);
}
