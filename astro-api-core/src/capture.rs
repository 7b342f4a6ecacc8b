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

/// What replaces a secret found in a captured error.
const REDACTED: &[u8] = b"<redacted>";

/// Secrets shorter than this are not redacted: they are not real API tokens, and replacing
/// them would garble ordinary text.
const MIN_SECRET_LEN: usize = 8;

/// Replaces every copy of `secret` in a captured error (its body and headers) with
/// `<redacted>`, so a server that echoes the request's credentials back cannot put them into
/// an [`crate::Error`].
pub(crate) fn redact(response: &mut reqwest::Response, secret: &[u8]) {
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let Some(captured) = response.extensions_mut().get_mut::<CapturedError>() else {
        return;
    };
    if let Some(clean) = replace_all(&captured.body, secret) {
        captured.body = Bytes::from(clean);
    }
    for value in captured.headers.values_mut() {
        if let Some(clean) = replace_all(value.as_bytes(), secret) {
            *value = reqwest::header::HeaderValue::from_bytes(&clean)
                .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("<redacted>"));
        }
    }
}

/// `text` with every `needle` replaced by [`REDACTED`], or `None` when there is none.
fn replace_all(text: &[u8], needle: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    let mut found = false;
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        found = true;
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(REDACTED);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    found.then_some(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_copy_of_the_secret_is_replaced() {
        assert_eq!(
            replace_all(b"Bearer s3cret-token and s3cret-token!", b"s3cret-token").unwrap(),
            b"Bearer <redacted> and <redacted>!"
        );
        assert_eq!(replace_all(b"nothing here", b"s3cret-token"), None);
    }
}
