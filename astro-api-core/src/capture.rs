//! Capturing error-response bodies inside the client hooks, so that the status, headers and a
//! bounded copy of the body survive into [`crate::Error`] whatever the body's format.

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

use crate::body_limit::reassemble;
use crate::redact::{REDACTED, Token};

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
/// (same status and headers, body = the bytes read) carrying a [`CapturedError`]. Every copy
/// of `token` in the body and the headers is replaced with `<redacted>`, in the capture and in
/// the returned response alike, so a server that echoes the request's credentials back cannot
/// put them into an error.
pub(crate) async fn capture_error(
    response: reqwest::Response,
    limit: usize,
    token: Option<&Token>,
) -> reqwest::Response {
    let url = response.url().clone();
    let (mut parts, mut stream) = http::Response::<reqwest::Body>::from(response).into_parts();
    let mut body = BytesMut::new();
    let mut truncated = false;
    let mut read_error = None;
    while let Some(frame) = stream.frame().await {
        match frame {
            Ok(frame) => {
                let Ok(chunk) = frame.into_data() else {
                    continue;
                };
                let room = limit.saturating_sub(body.len());
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Err(error) => {
                read_error = Some(error.to_string());
                break;
            }
        }
    }
    let mut body = body.freeze();
    if let Some(token) = token {
        scrub(token, &mut body, truncated, &mut parts.headers);
    }
    parts.extensions.insert(CapturedError {
        status: parts.status,
        headers: parts.headers.clone(),
        body: body.clone(),
        truncated,
        read_error,
    });
    reassemble(parts, url, reqwest::Body::from(body))
}

/// The `requestId` of a captured JSON error body, if there is one.
pub(crate) fn body_request_id(response: &reqwest::Response) -> Option<String> {
    let captured = response.extensions().get::<CapturedError>()?;
    let json: serde_json::Value = serde_json::from_slice(&captured.body).ok()?;
    json.get("requestId")?.as_str().map(str::to_string)
}

/// Replaces every copy of the token in a body (and a copy cut off at its end, when the body
/// was `truncated`) and in headers with `<redacted>`.
fn scrub(token: &Token, body: &mut Bytes, truncated: bool, headers: &mut HeaderMap) {
    let clean = if truncated {
        token.scrub_cut_bytes(body)
    } else {
        token.scrub_bytes(body)
    };
    if let Some(clean) = clean {
        *body = Bytes::from(clean);
    }
    for value in headers.values_mut() {
        if let Some(clean) = token.scrub_bytes(value.as_bytes()) {
            *value = HeaderValue::from_bytes(&clean)
                .unwrap_or_else(|_| HeaderValue::from_static(REDACTED));
        }
    }
}
