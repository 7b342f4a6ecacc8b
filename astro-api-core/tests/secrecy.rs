//! The token never appears in `Debug` or `Display` output, in an error, or in a log line at any
//! level, even when a server echoes it back; and the tracing output has what it promises (one
//! span per attempt, a warning per retry with its wait). Alone in its binary, with a global
//! subscriber, so that no callsite is cached as uninteresting by another test's thread.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use astro_api_core::__private::progenitor_client::Error as SendError;
use astro_api_core::{Error, Runtime};
use support::{CREATE, LIST, Reply, Server, TOKEN, builder, json, response};

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn capture_all_logs() -> Logs {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    logs
}

/// Everything an error shows: `Display`, `Debug`, and every cause.
fn shown(error: &Error) -> String {
    let mut text = format!("{error} {error:?}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(" {cause} {cause:?}"));
        source = cause.source();
    }
    text
}

async fn call(runtime: &Runtime, reply: Vec<Reply>) -> Error {
    let server = Server::start(reply).await;
    support::call::<Vec<u32>>(runtime, &LIST, server.url())
        .await
        .unwrap_err()
}

#[tokio::test(start_paused = true)]
async fn the_token_stays_out_of_errors_debug_output_and_logs() {
    let logs = capture_all_logs();
    let runtime = builder().build();
    let mut seen = format!("{runtime:?} {:?}", builder());

    // A success whose request id header and body echo the token, and whose body does not
    // decode: the decode error keeps a redacted request id, excerpt and cause.
    let echo = format!(r#"["{TOKEN}", "Bearer {TOKEN}"]"#);
    let error = call(
        &runtime,
        vec![response(
            200,
            &[("x-request-id", &format!("req-{TOKEN}"))],
            echo.as_bytes(),
        )],
    )
    .await;
    assert_eq!(error.request_id(), Some("<redacted>"));
    assert!(error.body_excerpt().unwrap().contains("Bearer <redacted>"));
    seen.push_str(&shown(&error));

    // Error bodies in JSON and text, and headers, that echo the token.
    let error = call(
        &runtime,
        vec![json(
            401,
            serde_json::json!({"message": format!("bad token {TOKEN}"), "requestId": "r-1"}),
        )],
    )
    .await;
    assert_eq!(error.message(), "bad token <redacted>");
    seen.push_str(&shown(&error));
    let error = call(
        &runtime,
        vec![response(
            403,
            &[("www-authenticate", &format!("Bearer {TOKEN}"))],
            format!("denied: Bearer {TOKEN}").as_bytes(),
        )],
    )
    .await;
    assert_eq!(error.message(), "denied: Bearer <redacted>");
    seen.push_str(&shown(&error));

    // What `send()` itself hands back is redacted too.
    let server = Server::start(vec![response(
        400,
        &[("x-echo", TOKEN)],
        format!("echo {TOKEN}").as_bytes(),
    )])
    .await;
    let sent = support::send::<Vec<u32>>(&runtime, &LIST, server.url()).await;
    let Err(SendError::UnexpectedResponse(answer)) = sent else {
        panic!("a 400 is an unexpected response");
    };
    seen.push_str(&format!("{:?}", answer.headers()));
    seen.push_str(&answer.text().await.unwrap());

    // An error body cut off at the capture limit (64 KiB) in the middle of an echoed token.
    let mut long = vec![b'x'; 64 * 1024 - 12];
    long.extend_from_slice(format!("{TOKEN} and more").as_bytes());
    let server = Server::start(vec![response(400, &[], &long)]).await;
    let sent = support::send::<Vec<u32>>(&runtime, &LIST, server.url()).await;
    let Err(SendError::UnexpectedResponse(answer)) = sent else {
        panic!("a 400 is an unexpected response");
    };
    let kept = answer.text().await.unwrap();
    assert!(kept.ends_with("<redacted>"), "{}", &kept[kept.len() - 20..]);
    assert!(!kept.contains(&TOKEN[..12]));

    // Retries on 503 and 429 (with Retry-After), then a transport error.
    let server = Server::start(vec![
        support::astro_error(503, "r-503"),
        response(429, &[("retry-after", "2")], b""),
        json(200, serde_json::json!([1])),
    ])
    .await;
    let ok = support::call::<Vec<u32>>(&runtime, &LIST, server.url()).await;
    assert_eq!(ok.unwrap(), [1]);
    let error = call(&runtime, vec![Reply::Reset]).await;
    seen.push_str(&shown(&error));
    let create = Server::start(vec![Reply::Reset]).await;
    let error = support::call::<Vec<u32>>(&runtime, &CREATE, create.url())
        .await
        .unwrap_err();
    seen.push_str(&shown(&error));

    let logs = logs.text();
    assert!(!seen.contains(TOKEN), "{seen}");
    assert!(!logs.contains(TOKEN), "{logs}");
    assert!(logs.contains("astro_request"), "one span per attempt");
    assert!(logs.contains("operation=\"ListThings\""), "{logs}");
    assert!(logs.contains("request_id=\"r-1\""), "{logs}");
    assert!(logs.contains("retrying: status 503"), "{logs}");
    assert!(
        logs.contains("wait_ms=2000"),
        "Retry-After is the wait: {logs}"
    );
    assert!(logs.contains("retrying: transport error"), "{logs}");
}
