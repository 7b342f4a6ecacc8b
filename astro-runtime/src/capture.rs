//! Capturing error-response bodies inside the client hooks, so that the status, headers and a
//! bounded copy of the body survive into [`crate::Error`] whatever the body's format.

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// What the runtime read from a non-success response, stored in the response's extensions.
#[derive(Clone, Debug)]
pub(crate) struct CapturedError {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// At most the capture limit of the body's first bytes.
    pub body: Bytes,
    /// Whether the body was longer than what was kept.
    pub truncated: bool,
    /// Set when reading the body failed part-way.
    pub read_error: Option<String>,
}

/// Reads at most `limit` bytes of a non-success response and returns an equivalent response
/// (same status and headers, body = the bytes read) carrying a [`CapturedError`].
pub(crate) async fn capture_error(mut response: reqwest::Response, limit: usize) -> reqwest::Response {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let mut body = BytesMut::new();
    let mut truncated = false;
    let mut read_error = None;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit.saturating_sub(body.len());
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(error) => {
                read_error = Some(error.to_string());
                break;
            }
        }
    }
    let body = body.freeze();
    let captured = CapturedError {
        status,
        headers: headers.clone(),
        body: body.clone(),
        truncated,
        read_error,
    };
    let mut rebuilt = http::Response::new(reqwest::Body::from(body));
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    rebuilt.extensions_mut().insert(captured);
    reqwest::Response::from(rebuilt)
}
