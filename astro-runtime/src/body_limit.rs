//! A cap on response body size, so a broken or hostile server cannot make the client buffer
//! an unbounded body.

use futures::StreamExt;

/// The error a capped body stream ends with; `crate::Error` reports it as a body error.
#[derive(Debug, thiserror::Error)]
#[error("the response body is larger than the limit of {limit} bytes{}", declared.map(|d| format!(" (Content-Length {d})")).unwrap_or_default())]
pub struct BodyTooLarge {
    /// The limit in bytes.
    pub limit: u64,
    /// The declared `Content-Length`, when it alone exceeded the limit.
    pub declared: Option<u64>,
}

/// Returns the response with a body that fails once more than `limit` bytes arrive; a declared
/// `Content-Length` above the limit fails at once, before anything is read.
pub(crate) fn limit_body(response: reqwest::Response, limit: u64) -> reqwest::Response {
    let declared = response.content_length();
    if declared.is_some_and(|length| length <= limit) {
        return response;
    }
    let (parts, extensions) = crate::capture::parts(&response);
    let body = match declared {
        Some(length) => reqwest::Body::wrap_stream(futures::stream::once(async move {
            Err::<bytes::Bytes, _>(BodyTooLarge {
                limit,
                declared: Some(length),
            })
        })),
        None => {
            let mut seen: u64 = 0;
            reqwest::Body::wrap_stream(response.bytes_stream().map(move |chunk| {
                let chunk =
                    chunk.map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
                seen += chunk.len() as u64;
                if seen > limit {
                    Err(Box::new(BodyTooLarge {
                        limit,
                        declared: None,
                    })
                        as Box<dyn std::error::Error + Send + Sync>)
                } else {
                    Ok(chunk)
                }
            }))
        }
    };
    crate::capture::rebuild(parts, extensions, body)
}
