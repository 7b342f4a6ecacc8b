//! Tracing output at TRACE level: one span per attempt, a warning per retry, and never the token.
//! Alone in its binary, with a global subscriber, so that no callsite is cached as uninteresting
//! by another test's thread.

mod common;

use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn trace_logs_and_errors_never_contain_the_token() {
    let captured = common::capture_all_logs();

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex("/workspaces/ws-404$"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "message": "not found", "requestId": "req-trace-404", "statusCode": 404
        })))
        .with_priority(1)
        .mount(&server)
        .await;
    let bearer = format!("Bearer {}", common::TOKEN);
    Mock::given(method("GET"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("content-type", "text/plain")
                .set_body_string("Jwt is not in the form of Header.Payload.Signature"),
        )
        .mount(&server)
        .await;
    let client = common::client(&server.uri());
    let error = client
        .org("org-1")
        .list_workspaces()
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let text = format!("{error} {error:?} {client:?}");
    assert!(!text.contains(common::TOKEN), "{text}");

    let missing = client
        .org("org-1")
        .get_workspace()
        .workspace_id("ws-404")
        .call()
        .await
        .unwrap_err();
    assert_eq!(missing.request_id(), Some("req-trace-404"));

    let logs = captured.text();
    assert!(
        logs.contains("request_id=\"req-trace-404\"") || logs.contains("request_id=req-trace-404"),
        "{logs}"
    );
    assert!(logs.contains("astro_request"), "spans are logged: {logs}");
    assert!(
        logs.contains("ListWorkspaces") && logs.contains("attempt=2"),
        "{logs}"
    );
    assert!(logs.contains("retrying"), "a retry is warned about: {logs}");
    assert!(
        !logs.contains(common::TOKEN),
        "the token leaked into the logs"
    );
}
