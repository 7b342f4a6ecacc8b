//! Reading success bodies inside the runtime: bounded in size, and early enough that a body
//! that fails part-way (a stalled or reset connection) can still be retried.

use bytes::Bytes;

/// The error a capped body ends with; [`crate::Error`] reports it as a body error.
#[derive(Debug, thiserror::Error)]
#[error("the response body is larger than the limit of {limit} bytes{}", declared.map(|d| format!(" (Content-Length {d})")).unwrap_or_default())]
pub struct BodyTooLarge {
    /// The limit in bytes.
    pub limit: u64,
    /// The declared `Content-Length`, when it alone exceeded the limit.
    pub declared: Option<u64>,
}

/// Why a body could not be read whole.
pub(crate) enum BodyFailure {
    /// Over the size limit: never worth retrying.
    TooLarge(BodyTooLarge),
    /// The transfer failed part-way (timeout, reset): worth retrying for idempotent calls.
    Read(Box<dyn std::error::Error + Send + Sync>),
}

/// A response whose body was read, or the reason it could not be, with the response's parts.
pub(crate) struct ReadBody {
    parts: http::response::Parts,
    url: reqwest::Url,
    pub(crate) outcome: Result<Bytes, BodyFailure>,
}

/// Reads a whole body, refusing a declared `Content-Length` above `limit` before reading and
/// stopping as soon as more than `limit` bytes arrive. The response is taken apart, not copied:
/// its headers move into the result, and a body that arrives in one piece is not copied either.
pub(crate) async fn read_body(response: reqwest::Response, limit: u64) -> ReadBody {
    let declared = response.content_length();
    let url = response.url().clone();
    let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let outcome = match declared {
        Some(length) if length > limit => Err(BodyFailure::TooLarge(BodyTooLarge {
            limit,
            declared: Some(length),
        })),
        _ => {
            let limited =
                http_body_util::Limited::new(body, usize::try_from(limit).unwrap_or(usize::MAX));
            match http_body_util::BodyExt::collect(limited).await {
                Ok(collected) => Ok(collected.to_bytes()),
                Err(error) if error.is::<http_body_util::LengthLimitError>() => {
                    Err(BodyFailure::TooLarge(BodyTooLarge {
                        limit,
                        declared: None,
                    }))
                }
                Err(error) => Err(BodyFailure::Read(error)),
            }
        }
    };
    ReadBody {
        parts,
        url,
        outcome,
    }
}

impl ReadBody {
    /// The response to hand to the generated code: the bytes read, or a body that fails with
    /// the reason the read failed (so the call ends in a body error naming it).
    pub(crate) fn into_response(self) -> reqwest::Response {
        let body = match self.outcome {
            Ok(bytes) => reqwest::Body::from(bytes),
            Err(failure) => {
                let error: Box<dyn std::error::Error + Send + Sync> = match failure {
                    BodyFailure::TooLarge(error) => Box::new(error),
                    BodyFailure::Read(error) => error,
                };
                reqwest::Body::wrap_stream(futures::stream::once(
                    async move { Err::<Bytes, _>(error) },
                ))
            }
        };
        reassemble(self.parts, self.url, body)
    }
}

/// A `reqwest::Response` from the parts of one taken apart, its URL and a new body. (Without
/// the URL, reqwest would parse a placeholder URL for every response.)
pub(crate) fn reassemble(
    mut parts: http::response::Parts,
    url: reqwest::Url,
    body: reqwest::Body,
) -> reqwest::Response {
    use reqwest::ResponseBuilderExt;
    if let Ok(with_url) = http::Response::builder().url(url).body(()) {
        parts.extensions.extend(with_url.into_parts().0.extensions);
    }
    reqwest::Response::from(http::Response::from_parts(parts, body))
}
