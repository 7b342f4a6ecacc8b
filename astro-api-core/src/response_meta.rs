//! What the runtime and the error type both read from a response's head (request id,
//! `Retry-After`), and the hand-over of a success response's status and request id from the
//! runtime to the decoding step, so that a body that fails to decode still reports them.
//!
//! Both [`crate::runtime`] and [`crate::call`] depend on this module; it depends on neither.

use std::cell::Cell;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};

use crate::redact::Token;

/// The headers a request id may come in, in order of preference.
const REQUEST_ID_HEADERS: [HeaderName; 4] = [
    HeaderName::from_static("x-request-id"),
    HeaderName::from_static("request-id"),
    HeaderName::from_static("x-amzn-requestid"),
    HeaderName::from_static("x-correlation-id"),
];

/// A request id from the response headers, if the server sent one.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&HeaderValue> {
    REQUEST_ID_HEADERS
        .iter()
        .filter_map(|name| headers.get(name))
        .find(|value| !value.is_empty() && value.to_str().is_ok())
}

/// The wait a `Retry-After` header asks for, in seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// The head of the success response a call's body was decoded from.
///
/// Recording it costs no allocation: the request id is a shared `HeaderValue` and the token a
/// shared searcher.
pub(crate) struct ResponseMeta {
    /// The response's status.
    pub status: StatusCode,
    /// Its request id header, already checked not to contain the token.
    pub request_id: Option<HeaderValue>,
    /// The call's bearer token, to redact should the body have echoed it.
    pub token: Option<Token>,
}

tokio::task_local! {
    /// The head of the last success response of the call running in this task.
    static LAST_SUCCESS: Cell<Option<ResponseMeta>>;
}

/// Runs `send` (a generated builder's `send()`) and returns its output with the head of the
/// last success response the runtime received while it ran.
///
/// Why a task-local: progenitor's `send()` reads and decodes the body after the runtime's
/// `ClientHooks::exec` has returned the response, and on failure gives back only
/// `InvalidResponsePayload(bytes, serde_error)`: status and headers are gone, and nothing of
/// the call reaches `exec` but the request. The runtime therefore leaves the head here, in a
/// slot that lives exactly as long as the call's future, costs no allocation (the slot, a few
/// words, is swapped in and out on each poll: about 0.3% of a call's instructions), and is never
/// shared between concurrent calls. Without a surrounding scope
/// (a caller of `send()` directly) nothing is recorded.
///
/// The future holds `send` once, inline: no `async` block around it, which would keep a second
/// copy of it (see [`crate::call::run`]).
pub(crate) fn scope<F: Future>(send: F) -> impl Future<Output = (F::Output, Option<ResponseMeta>)> {
    LAST_SUCCESS.scope(Cell::new(None), TakeMeta { send })
}

pin_project_lite::pin_project! {
    /// `send`, then the head recorded while it ran (polled inside the task-local's scope).
    struct TakeMeta<F> {
        #[pin]
        send: F,
    }
}

impl<F: Future> Future for TakeMeta<F> {
    type Output = (F::Output, Option<ResponseMeta>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let output = ready!(self.project().send.poll(cx));
        Poll::Ready((output, LAST_SUCCESS.with(Cell::take)))
    }
}

/// Records the head of a success response for the call running in this task, if it runs
/// inside [`scope`].
pub(crate) fn record(meta: ResponseMeta) {
    let _ = LAST_SUCCESS.try_with(|slot| slot.set(Some(meta)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_non_empty_request_id_header_wins() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static(""));
        headers.insert("x-correlation-id", HeaderValue::from_static("corr-1"));
        assert_eq!(request_id(&headers).unwrap(), "corr-1");
        headers.insert("request-id", HeaderValue::from_static("req-1"));
        assert_eq!(request_id(&headers).unwrap(), "req-1");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert("retry-after", HeaderValue::from_static(" 7 "));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
    }

    #[tokio::test]
    async fn only_a_scoped_call_sees_what_was_recorded() {
        let meta = || ResponseMeta {
            status: StatusCode::CREATED,
            request_id: Some(HeaderValue::from_static("req-9")),
            token: None,
        };
        record(meta());
        let ((), seen) = scope(async { record(meta()) }).await;
        let seen = seen.unwrap();
        assert_eq!(seen.status, StatusCode::CREATED);
        assert_eq!(seen.request_id.unwrap(), "req-9");
        let ((), nothing) = scope(async {}).await;
        assert!(nothing.is_none());
    }
}
