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
pub(crate) async fn capture_error(
    mut response: reqwest::Response,
    limit: usize,
) -> reqwest::Response {
    let (parts, extensions) = parts(&response);
    let status = parts.status;
    let headers = parts.headers.clone();
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
    let mut extensions = extensions;
    extensions.insert(captured);
    rebuild(parts, extensions, reqwest::Body::from(body))
}

/// The `requestId` of a captured JSON error body, if there is one.
pub(crate) fn body_request_id(response: &reqwest::Response) -> Option<String> {
    let captured = response.extensions().get::<CapturedError>()?;
    let json: serde_json::Value = serde_json::from_slice(&captured.body).ok()?;
    json.get("requestId")?.as_str().map(str::to_string)
}

/// Status, version and headers of a response, kept to build an equivalent one.
pub(crate) struct Parts {
    pub status: StatusCode,
    pub version: http::Version,
    pub headers: HeaderMap,
}

/// The parts and extensions of a response.
pub(crate) fn parts(response: &reqwest::Response) -> (Parts, http::Extensions) {
    (
        Parts {
            status: response.status(),
            version: response.version(),
            headers: response.headers().clone(),
        },
        response.extensions().clone(),
    )
}

/// A response with the given parts, extensions and body.
pub(crate) fn rebuild(
    parts: Parts,
    extensions: http::Extensions,
    body: reqwest::Body,
) -> reqwest::Response {
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = parts.status;
    *rebuilt.version_mut() = parts.version;
    *rebuilt.headers_mut() = parts.headers;
    *rebuilt.extensions_mut() = extensions;
    reqwest::Response::from(rebuilt)
}
