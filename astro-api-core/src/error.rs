//! The one error type of every Astro API call.

use std::fmt;
use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::capture::CapturedError;
use crate::credential::ExpiredToken;
use crate::redact;
use crate::response_meta::{self, ResponseMeta};

/// How many characters of a body an [`Error`] keeps.
pub const BODY_EXCERPT_CHARS: usize = 2048;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server answered with a non-success status.
    Status,
    /// No connection could be made (refused, DNS, TLS).
    Connect,
    /// The request or the response timed out.
    Timeout,
    /// Reading the response body failed part-way (connection reset, size limit).
    Body,
    /// A success response whose body is not the documented JSON, or whose success status is
    /// not the one the operation documents (a `204` where a JSON `200` is documented).
    Decode,
    /// The request could not be built from the arguments given (a missing required parameter,
    /// a value that does not serialise).
    InvalidRequest,
    /// Anything else the transport reported.
    Transport,
    /// The API token is a JWT whose `exp` has passed: the request was not sent. The message
    /// says when it expired; replace the token (`Runtime::set_bearer_token`) and call again.
    TokenExpired,
}

/// The error of every call made through the Astro API clients.
///
/// It keeps what a caller needs to act and to report: the HTTP status, Astro's `requestId`,
/// the message, the body's content type and a bounded excerpt of the raw body, whether that
/// body was the documented JSON `Error`, other JSON, plain text (the gateway's 401/403), HTML
/// or empty.
///
/// `Display` is one line of this error's own level: the operation, the status, the message and
/// the request id (`ListWorkspaces: HTTP 403: RBAC: access denied (request id r-1)`). What
/// caused it (the transport error, the JSON decoder's complaint, a body cut off while being
/// read) comes from [`std::error::Error::source`], so a report that walks the chain (anyhow's
/// `{:#}`) prints every cause once.
#[derive(Clone)]
pub struct Error {
    details: Box<Details>,
}

/// The fields of an [`Error`], boxed so that `Result<T, Error>` stays small.
#[derive(Clone)]
struct Details {
    kind: ErrorKind,
    operation: Option<&'static str>,
    status: Option<StatusCode>,
    request_id: Option<String>,
    message: String,
    content_type: Option<String>,
    body_excerpt: Option<String>,
    decode_path: Option<String>,
    retry_after: Option<std::time::Duration>,
    field_errors: Vec<FieldError>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// One failed validation constraint of a request, as v1's JSON error body lists them in
/// `fieldErrors` (400 answers to requests the service refused).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldError {
    /// The request field, as the service names it.
    pub field: String,
    /// The constraint's code.
    pub code: String,
    /// What is wrong with the field.
    pub message: String,
}

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let details = Details {
            kind,
            operation: None,
            status: None,
            request_id: None,
            message: message.into(),
            content_type: None,
            body_excerpt: None,
            decode_path: None,
            retry_after: None,
            field_errors: Vec::new(),
            source: None,
        };
        Self {
            details: Box::new(details),
        }
    }

    /// The request fields the service refused, from the JSON error body's `fieldErrors` (empty
    /// when the body has none).
    pub fn field_errors(&self) -> &[FieldError] {
        &self.details.field_errors
    }

    /// An error for arguments that cannot make a valid request; `message` names what is wrong.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidRequest, message)
    }

    /// The error the runtime reports for a non-success response with this status, headers and
    /// body, as if the body had been captured whole (the runtime itself keeps at most the
    /// first 64 KiB of an error body). For tools and tests that replay or fuzz error responses.
    pub fn from_response(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Self {
        Self::from_captured(&CapturedError {
            status,
            headers,
            body: bytes::Bytes::copy_from_slice(body),
            truncated: false,
            read_error: None,
        })
    }

    /// Records the operation the error belongs to.
    pub fn with_operation(mut self, operation_id: &'static str) -> Self {
        self.details.operation = Some(operation_id);
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.details.kind
    }

    /// The operation id (`ListWorkspaces`), when known.
    pub fn operation(&self) -> Option<&'static str> {
        self.details.operation
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.details.status
    }

    /// Astro's request id, from the JSON body's `requestId` or a request-id header.
    pub fn request_id(&self) -> Option<&str> {
        self.details.request_id.as_deref()
    }

    /// The message: the JSON error's `message`, the first line of a text body, or a description
    /// of the failure.
    pub fn message(&self) -> &str {
        &self.details.message
    }

    /// The response's `Content-Type`, when the server answered.
    pub fn content_type(&self) -> Option<&str> {
        self.details.content_type.as_deref()
    }

    /// The start of the raw response body (at most 2048 characters).
    pub fn body_excerpt(&self) -> Option<&str> {
        self.details.body_excerpt.as_deref()
    }

    /// For [`ErrorKind::Decode`]: the path of the field that failed (`workspaces[3].createdAt`).
    pub fn decode_path(&self) -> Option<&str> {
        self.details.decode_path.as_deref()
    }

    /// The wait the server asked for with `Retry-After`, if any.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.details.retry_after
    }

    /// Whether the server said the object does not exist (404).
    pub fn is_not_found(&self) -> bool {
        self.details.status == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the token was refused (401), lacks a permission (403), or had expired so the
    /// request was not sent ([`ErrorKind::TokenExpired`]).
    pub fn is_auth(&self) -> bool {
        self.details.kind == ErrorKind::TokenExpired
            || matches!(
                self.details.status,
                Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
            )
    }

    /// Whether the server refused the call because of a conflict with the object's state (409),
    /// such as a cluster whose "workflow already running". See
    /// [`RetryPolicy::with_conflict_retries`](crate::RetryPolicy::with_conflict_retries).
    pub fn is_conflict(&self) -> bool {
        self.details.status == Some(StatusCode::CONFLICT)
    }

    /// Whether the server throttled the call (429).
    pub fn is_rate_limited(&self) -> bool {
        self.details.status == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the same call could succeed if made again: connection failures, timeouts, and
    /// the statuses 408, 429, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        match self.details.kind {
            ErrorKind::Connect | ErrorKind::Timeout | ErrorKind::Body => true,
            ErrorKind::Status => self
                .details
                .status
                .is_some_and(|status| crate::retry::retry_status(status, true)),
            _ => false,
        }
    }

    pub(crate) fn from_captured(captured: &CapturedError) -> Self {
        let content_type = header(&captured.headers, "content-type");
        let text = String::from_utf8_lossy(&captured.body);
        let json: Option<serde_json::Value> = serde_json::from_slice(&captured.body).ok();
        let field = |name: &str| {
            json.as_ref()
                .and_then(|v| v.get(name))
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let message = field("message")
            .or_else(|| field("error"))
            .or_else(|| {
                let looks_html = content_type.as_deref().is_some_and(|c| c.contains("html"))
                    || text.trim_start().starts_with('<');
                let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
                (!looks_html && json.is_none()).then(|| excerpt(line, 300))
            })
            .unwrap_or_else(|| {
                captured
                    .status
                    .canonical_reason()
                    .unwrap_or("unknown status")
                    .to_string()
            });
        let mut error = Self::new(ErrorKind::Status, message);
        error.details.status = Some(captured.status);
        error.details.request_id =
            field("requestId").or_else(|| request_id_header(&captured.headers));
        error.details.content_type = content_type;
        error.details.body_excerpt = (!captured.body.is_empty()).then(|| {
            let mut kept = excerpt(&text, BODY_EXCERPT_CHARS);
            if captured.truncated && !kept.ends_with('…') {
                kept.push('…');
            }
            kept
        });
        if let Some(cause) = &captured.read_error {
            error.details.source = Some(Arc::new(Cause(format!(
                "the error body could not be read to the end: {cause}"
            ))));
        }
        error.details.retry_after = response_meta::retry_after(&captured.headers);
        error.details.field_errors = json.as_ref().map(field_errors).unwrap_or_default();
        error
    }

    /// The error of a call not sent because the token expired at `at`.
    fn token_expired(at: std::time::SystemTime) -> Self {
        Self::new(
            ErrorKind::TokenExpired,
            format!(
                "the API token expired at {} (its `exp` claim); the request was not sent: \
                 set a new token",
                httpdate::fmt_http_date(at)
            ),
        )
    }

    fn from_headers(status: StatusCode, headers: &HeaderMap) -> Self {
        let mut error = if status.is_success() {
            Self::new(
                ErrorKind::Decode,
                format!("unexpected success status {status}: the operation documents another one"),
            )
        } else {
            Self::new(
                ErrorKind::Status,
                status.canonical_reason().unwrap_or("unknown status"),
            )
        };
        error.details.status = Some(status);
        error.details.request_id = request_id_header(headers);
        error.details.content_type = header(headers, "content-type");
        error.details.retry_after = response_meta::retry_after(headers);
        error
    }

    /// A failure without a response of its own: the message says which step failed, and the
    /// transport's error is the [`source`](std::error::Error::source).
    pub(crate) fn from_transport(error: reqwest::Error, kind_if_unknown: ErrorKind) -> Self {
        let kind = if error.is_timeout() {
            ErrorKind::Timeout
        } else if error.is_connect() {
            ErrorKind::Connect
        } else {
            kind_if_unknown
        };
        let message = match kind {
            ErrorKind::Timeout => "the request timed out",
            ErrorKind::Connect => "could not connect to the server",
            ErrorKind::Body => "the response body could not be read",
            _ => "the request failed",
        };
        let mut out = Self::new(kind, message);
        out.details.status = error.status();
        out.details.source = Some(Arc::new(error));
        out
    }

    /// A success response whose body did not decode; `path` names the field that failed, and
    /// the decoder's complaint is the [`source`](std::error::Error::source). With the head of
    /// the response (`meta`), the error keeps its status and request id, and the call's token,
    /// should the body have echoed it, is redacted from the excerpt and the complaint, as is
    /// any secret the body carried (the `token` of a new API token).
    pub(crate) fn decode(
        body: &[u8],
        path: Option<String>,
        cause: &serde_json::Error,
        meta: Option<ResponseMeta>,
    ) -> Self {
        let message = match &path {
            Some(path) if !path.is_empty() && path != "." => {
                format!("response body does not match the expected type at `{path}`")
            }
            _ => "response body does not match the expected type".to_string(),
        };
        let mut error = Self::new(ErrorKind::Decode, message);
        error.details.decode_path = path;
        let mut text = redact::secret_values(&String::from_utf8_lossy(body));
        let mut cause = redact::secret_values(&cause.to_string());
        if let Some(meta) = meta {
            error.details.status = Some(meta.status);
            error.details.request_id = meta
                .request_id
                .and_then(|id| id.to_str().ok().map(str::to_string));
            if let Some(token) = &meta.token {
                text = token.scrub(&text).into_owned();
                cause = token.scrub(&cause).into_owned();
            }
        }
        error.details.body_excerpt = Some(excerpt(&text, BODY_EXCERPT_CHARS));
        error.details.source = Some(Arc::new(Cause(cause)));
        error
    }
}

/// A cause kept as text, already redacted, for causes that may quote the response.
#[derive(Debug)]
struct Cause(String);

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Cause {}

impl From<progenitor_client::Error<()>> for Error {
    fn from(error: progenitor_client::Error<()>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(message) => Self::invalid_request(message),
            P::CommunicationError(e) => Self::from_transport(e, ErrorKind::Transport),
            P::InvalidUpgrade(e) => Self::from_transport(e, ErrorKind::Transport),
            P::ResponseBodyError(e) => Self::from_transport(e, ErrorKind::Body),
            P::ErrorResponse(value) => Self::from_headers(value.status(), value.headers()),
            P::InvalidResponsePayload(body, cause) => Self::decode(&body, None, &cause, None),
            P::UnexpectedResponse(response) => {
                let extensions = response.extensions();
                if let Some(expired) = extensions.get::<ExpiredToken>() {
                    Self::token_expired(expired.at)
                } else if let Some(captured) = extensions.get::<CapturedError>() {
                    Self::from_captured(captured)
                } else {
                    Self::from_headers(response.status(), response.headers())
                }
            }
            P::Custom(message) => Self::new(ErrorKind::Transport, message),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = self.details.operation {
            write!(f, "{operation}: ")?;
        }
        match self.details.status {
            Some(status) => write!(f, "HTTP {}: {}", status.as_u16(), self.details.message)?,
            None => f.write_str(&self.details.message)?,
        }
        if let Some(id) = &self.details.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.details.kind)
            .field("operation", &self.details.operation)
            .field("status", &self.details.status)
            .field("request_id", &self.details.request_id)
            .field("message", &self.details.message)
            .field("content_type", &self.details.content_type)
            .field("body_excerpt", &self.details.body_excerpt)
            .field("decode_path", &self.details.decode_path)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.details
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn request_id_header(headers: &HeaderMap) -> Option<String> {
    response_meta::request_id(headers).and_then(|id| id.to_str().ok().map(str::to_string))
}

/// At most `max` characters of `text`, with an ellipsis when cut.
fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The `fieldErrors` of a JSON error body; entries without a string `field` are skipped, and
/// a missing `code` or `message` reads as empty.
fn field_errors(json: &serde_json::Value) -> Vec<FieldError> {
    let text = |entry: &serde_json::Value, name: &str| {
        entry
            .get(name)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    json.get("fieldErrors")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter(|entry| entry.get("field").is_some_and(serde_json::Value::is_string))
        .map(|entry| FieldError {
            field: text(entry, "field"),
            code: text(entry, "code"),
            message: text(entry, "message"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use reqwest::header::HeaderValue;

    use super::*;
    use crate::redact::Token;

    /// Display of the error and of every cause, as anyhow's `{:#}` prints them.
    fn chain(error: &Error) -> String {
        let mut text = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            text.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        text
    }

    #[test]
    fn a_status_error_is_one_line_of_its_own_level() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("req-h"));
        let error = Error::from_response(
            StatusCode::FORBIDDEN,
            headers,
            b"RBAC: access denied\nmore text",
        )
        .with_operation("ListWorkspaces");
        assert_eq!(
            error.to_string(),
            "ListWorkspaces: HTTP 403: RBAC: access denied (request id req-h)"
        );
        assert!(error.source().is_none());
        assert!(error.is_auth() && !error.is_retryable());
    }

    #[test]
    fn a_decode_error_keeps_its_cause_in_the_chain_only() {
        let cause = serde_json::from_slice::<u32>(b"\"x\"").unwrap_err();
        let meta = ResponseMeta {
            status: StatusCode::OK,
            request_id: Some(HeaderValue::from_static("req-1")),
            token: None,
        };
        let error = Error::decode(b"\"x\"", Some("id".into()), &cause, Some(meta))
            .with_operation("GetWorkspace");
        let own = "GetWorkspace: HTTP 200: response body does not match the expected type at \
                   `id` (request id req-1)";
        assert_eq!(error.to_string(), own);
        assert_eq!(chain(&error), format!("{own}: {cause}"));
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert_eq!(error.decode_path(), Some("id"));
    }

    #[test]
    fn a_decode_error_redacts_the_echoed_token_and_secret_values() {
        let body = br#"{"token":"new-secret-value","echo":"my-bearer-token","id":7}"#;
        let cause = serde_json::from_slice::<String>(b"\"my-bearer-token\" 1").unwrap_err();
        let meta = ResponseMeta {
            status: StatusCode::CREATED,
            request_id: None,
            token: Token::new(b"my-bearer-token"),
        };
        let error = Error::decode(body, None, &cause, Some(meta));
        let text = format!("{} {error:?}", chain(&error));
        assert!(!text.contains("my-bearer-token"), "{text}");
        assert!(!text.contains("new-secret-value"), "{text}");
        assert!(error.body_excerpt().unwrap().contains("\"id\":7"));
    }

    #[test]
    fn a_conflict_is_told_apart_and_is_not_retryable_by_default() {
        let error = Error::from_response(
            StatusCode::CONFLICT,
            HeaderMap::new(),
            br#"{"message":"workflow already running","requestId":"r-9","statusCode":409}"#,
        );
        assert!(error.is_conflict());
        assert!(!error.is_retryable() && !error.is_auth() && !error.is_not_found());
        assert_eq!(error.message(), "workflow already running");
        let other = Error::from_response(StatusCode::BAD_REQUEST, HeaderMap::new(), b"");
        assert!(!other.is_conflict());
    }

    #[test]
    fn an_expired_token_is_its_own_kind_with_the_time() {
        let at = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1000);
        let response = crate::credential::expired_response(at);
        let error = Error::from(progenitor_client::Error::UnexpectedResponse(response))
            .with_operation("ListWorkspaces");
        assert_eq!(error.kind(), ErrorKind::TokenExpired);
        assert_eq!(error.status(), None);
        assert!(error.is_auth() && !error.is_retryable());
        assert_eq!(
            error.to_string(),
            "ListWorkspaces: the API token expired at Thu, 01 Jan 1970 00:16:40 GMT (its `exp` \
             claim); the request was not sent: set a new token"
        );
    }

    #[test]
    fn a_body_cut_off_while_capturing_is_a_cause() {
        let error = Error::from_captured(&CapturedError {
            status: StatusCode::BAD_GATEWAY,
            headers: HeaderMap::new(),
            body: bytes::Bytes::from_static(b"<html>bad gateway</html>"),
            truncated: false,
            read_error: Some("connection reset".into()),
        });
        assert_eq!(error.to_string(), "HTTP 502: Bad Gateway");
        assert_eq!(
            chain(&error),
            "HTTP 502: Bad Gateway: the error body could not be read to the end: connection reset"
        );
        assert!(error.is_retryable());
    }
}
