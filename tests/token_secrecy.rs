//! The token appears in no tracing output at any level, no error (`Display` and `Debug`) and no
//! panic message, along the error paths the facade adds or that the runtime's own test
//! (`astro-api-core/tests/secrecy.rs`, which covers echoed tokens, retries, decode failures and
//! resets) does not take: redirects, stalls, broken framing, a response over the size limit, a
//! refused connection and the client's own rate limit. Alone in its binary, with a global TRACE
//! subscriber, so that every callsite (the runtime's, reqwest's, hyper's) is seen.

mod support;

use std::time::Duration;

use astro_api::{Client, Error};
use support::Mocked;
use support::raw::{self, RawServer, Reply};
use wiremock::ResponseTemplate;

/// The distinctive part of the token: any copy of it, whole or cut, contains this.
const SECRET_PART: &str = "9f8e7d6c5b4a";

async fn get(client: &Client) -> Result<(), Error> {
    client
        .org("org-1")
        .get_workspace()
        .workspace_id("ws-1")
        .call()
        .await
        .map(drop)
}

async fn create(client: &Client) -> Result<(), Error> {
    client
        .org("org-1")
        .create_workspace()
        .body(astro_api::platform::types::CreateWorkspaceRequest::builder().name("n"))
        .call()
        .await
        .map(drop)
}

/// The message a panic on this result would print.
fn panic_message(result: Result<(), Error>) -> String {
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        result.expect("the call failed")
    }));
    match caught {
        Ok(()) => String::new(),
        Err(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_error_path_leaks_the_token() {
    let captured = support::capture_all_logs();

    let workspace = support::workspace(1);
    let mut outcomes: Vec<Result<(), Error>> = Vec::new();

    // Redirects: to another origin (refused) and within the origin (followed).
    let other = Mocked::serving(ResponseTemplate::new(200)).await;
    let mocked = Mocked::playing(vec![
        ResponseTemplate::new(307).insert_header("location", other.uri()),
        ResponseTemplate::new(302).insert_header("location", "/moved"),
        ResponseTemplate::new(500),
    ])
    .await;
    outcomes.push(get(&mocked.client).await);
    outcomes.push(get(&mocked.client).await);
    assert!(other.requests().await.is_empty());

    // A stall, a body over the size limit, broken framing.
    let server = RawServer::script(vec![
        Reply::Stall(b"HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\n{".to_vec()),
        Reply::Bytes(raw::response(200, &[], &[b' '; 100])),
        Reply::Bytes(b"HTTP/1.1 2OO OK\r\n\r\n".to_vec()),
    ])
    .await;
    let client = Client::builder()
        .token(support::TOKEN)
        .base_url(server.url())
        .rate_limits(None)
        .timeout(Duration::from_secs(1))
        .retry(astro_api::RetryPolicy::disabled())
        .max_response_bytes(64)
        .build()
        .unwrap();
    for _ in 0..3 {
        outcomes.push(get(&client).await);
    }

    // A refused connection, retried and then reported.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = support::client(&closed);
    outcomes.push(create(&client).await);

    // Throttled by the client's own rate limit.
    let server = Mocked::serving(ResponseTemplate::new(200).set_body_json(&workspace)).await;
    let client = Client::builder()
        .token(support::TOKEN)
        .base_url(server.uri())
        .rate_limits(Some(astro_api::RateLimits::per_second(20, 1, 1)))
        .build()
        .unwrap();
    for _ in 0..3 {
        outcomes.push(get(&client).await);
    }

    let errors: Vec<&Error> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert_eq!(errors.len(), 6, "{errors:?}");
    let kinds: Vec<astro_api::ErrorKind> = errors.iter().map(|e| e.kind()).collect();
    for kind in [
        astro_api::ErrorKind::Status,
        astro_api::ErrorKind::Transport,
        astro_api::ErrorKind::Timeout,
        astro_api::ErrorKind::Body,
        astro_api::ErrorKind::Connect,
    ] {
        assert!(
            kinds.contains(&kind),
            "an error of kind {kind:?}: {kinds:?}"
        );
    }
    for error in &errors {
        let shown = format!(
            "{error} | {error:?} | {:?}",
            std::error::Error::source(*error)
        );
        assert!(
            !shown.contains(SECRET_PART),
            "an error leaks the token: {shown}"
        );
    }
    // The panics caught here would print their (checked) messages: keep them quiet.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let messages: Vec<String> = outcomes.into_iter().map(panic_message).collect();
    std::panic::set_hook(default_hook);
    for message in messages {
        assert!(
            !message.contains(SECRET_PART),
            "a panic message leaks the token: {message}"
        );
    }
    let client_debug = format!("{client:?} {:?} {:?}", client.platform(), client.iam());
    assert!(!client_debug.contains(SECRET_PART));

    let logs = captured.text();
    // The refused create is retried: its second attempt has a span of its own.
    for expected in [
        "astro_request",
        "attempt=2",
        "retrying",
        "TRACE",
        "throttled",
    ] {
        assert!(logs.contains(expected), "the logs show {expected:?}");
    }
    assert!(!logs.contains(SECRET_PART), "the logs leak the token");
}
