//! What an error keeps, whatever the body's format, and the body cap, through
//! `Runtime::execute` and the `run` step every generated `call()` goes through.

mod support;

use std::error::Error as _;

use astro_api_core::{Error, ErrorKind, RetryPolicy, Runtime};
use support::{LIST, Reply, Server, builder, json, response};

/// The error `call()` gives for a server that answers every attempt with `reply`.
async fn error_for(reply: Reply) -> Error {
    error_with(builder().build(), reply).await
}

async fn error_with(runtime: Runtime, reply: Reply) -> Error {
    let server = Server::start(vec![reply]).await;
    support::call::<serde_json::Value>(&runtime, &LIST, server.url())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn astros_json_error_keeps_status_message_request_id_and_body() {
    let error = error_for(json(
        403,
        serde_json::json!({"message": "not allowed", "requestId": "req-json", "statusCode": 403}),
    ))
    .await;
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.operation(), Some("ListThings"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.message(), "not allowed");
    assert_eq!(error.request_id(), Some("req-json"));
    assert_eq!(error.content_type(), Some("application/json"));
    assert!(error.body_excerpt().unwrap().contains("\"requestId\""));
    assert!(error.is_auth() && !error.is_retryable());
    assert_eq!(
        error.to_string(),
        "ListThings: HTTP 403: not allowed (request id req-json)"
    );
    assert!(error.source().is_none());
}

#[tokio::test]
async fn v1_field_errors_are_kept() {
    let error = error_for(json(
        400,
        serde_json::json!({
            "message": "invalid request",
            "requestId": "req-fields",
            "statusCode": 400,
            "fieldErrors": [
                {"field": "name", "code": "required", "message": "name is required"},
                {"field": "limit", "code": "max", "message": "at most 1000"},
                {"code": "no field"}
            ]
        }),
    ))
    .await;
    let fields: Vec<(&str, &str, &str)> = error
        .field_errors()
        .iter()
        .map(|f| (f.field.as_str(), f.code.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("name", "required", "name is required"),
            ("limit", "max", "at most 1000")
        ]
    );
    assert_eq!(error.message(), "invalid request");
    assert!(
        error_for(json(403, serde_json::json!({"message": "no"})))
            .await
            .field_errors()
            .is_empty()
    );
}

#[tokio::test]
async fn the_gateways_plain_text_keeps_status_message_and_header_request_id() {
    let error = error_for(response(
        401,
        &[("content-type", "text/plain"), ("x-request-id", "req-text")],
        b"Jwt is not in the form of Header.Payload.Signature\n",
    ))
    .await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        error.message(),
        "Jwt is not in the form of Header.Payload.Signature"
    );
    assert_eq!(error.request_id(), Some("req-text"));
    assert_eq!(error.content_type(), Some("text/plain"));
}

#[tokio::test]
async fn an_html_page_keeps_status_an_excerpt_and_the_header_request_id() {
    let page = format!("<html><body>{}</body></html>", "Bad gateway. ".repeat(400));
    let runtime = builder().retry(RetryPolicy::disabled()).build();
    let error = error_with(
        runtime,
        response(
            502,
            &[("content-type", "text/html"), ("request-id", "req-html")],
            page.as_bytes(),
        ),
    )
    .await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.message(), "Bad Gateway", "not the HTML");
    assert_eq!(error.request_id(), Some("req-html"));
    let excerpt = error.body_excerpt().unwrap();
    assert!(excerpt.starts_with("<html><body>Bad gateway."));
    assert!(excerpt.ends_with('…'));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn other_json_and_empty_bodies_keep_the_status() {
    let error = error_for(json(400, serde_json::json!({"error": "bad filter"}))).await;
    assert_eq!(error.message(), "bad filter");
    let error = error_for(response(404, &[], b"")).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.message(), "Not Found");
    assert_eq!(error.body_excerpt(), None);
    assert!(error.is_not_found());
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_names_the_field_and_keeps_status_and_request_id() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        things: Vec<Thing>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Thing {
        id: String,
    }
    let server = Server::start(vec![response(
        200,
        &[
            ("content-type", "application/json"),
            ("x-request-id", "req-ok"),
        ],
        br#"{"things":[{"id":"a"},{"id":7}]}"#,
    )])
    .await;
    let error = support::call::<Page>(&builder().build(), &LIST, server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.decode_path(), Some("things[1].id"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.request_id(), Some("req-ok"));
    assert_eq!(
        error.to_string(),
        "ListThings: HTTP 200: response body does not match the expected type at \
         `things[1].id` (request id req-ok)"
    );
    let cause = error.source().unwrap().to_string();
    assert!(cause.contains("invalid type"), "{cause}");
}

#[tokio::test]
async fn a_connection_failure_is_its_own_kind_with_the_transport_error_as_source() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let runtime = builder().retry(RetryPolicy::disabled()).build();
    let error = support::call::<serde_json::Value>(&runtime, &LIST, &url)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect);
    assert_eq!(
        error.to_string(),
        "ListThings: could not connect to the server"
    );
    let source = error.source().unwrap();
    assert!(source.is::<reqwest::Error>());
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_stalled_body_is_a_timeout() {
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 50\r\n\r\n{";
    let runtime = builder()
        .retry(RetryPolicy::disabled())
        .attempt_timeout(Some(std::time::Duration::from_millis(200)))
        .build();
    let error = error_with(runtime, Reply::Stall(head.to_vec())).await;
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error:?}");
}

#[tokio::test]
async fn a_declared_length_over_the_cap_is_refused_before_reading() {
    let runtime = builder().max_response_bytes(1000).build();
    let big = format!("[{}0]", "0,".repeat(1000));
    let server = Server::start(vec![json(200, serde_json::from_str(&big).unwrap())]).await;
    let error = support::call::<serde_json::Value>(&runtime, &LIST, server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Body);
    assert_eq!(server.requests().len(), 1, "a capped body is not retried");
    assert!(chain(&error).contains("larger than the limit of 1000 bytes (Content-Length 2003)"));
}

#[tokio::test]
async fn an_endless_body_is_cut_off_at_the_cap() {
    let runtime = builder().max_response_bytes(64 * 1024).build();
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n".to_vec();
    let server = Server::start(vec![Reply::Endless(head)]).await;
    let error = support::call::<serde_json::Value>(&runtime, &LIST, server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Body);
    assert_eq!(server.requests().len(), 1);
    assert!(chain(&error).contains("larger than the limit of 65536 bytes"));
}

/// The error and its causes, as anyhow's `{:#}` prints them.
fn chain(error: &Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}
