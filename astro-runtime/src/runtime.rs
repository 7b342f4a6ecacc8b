//! The per-client runtime installed in every generated `Client` as its inner value.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::capture::capture_error;

/// How many bytes of an error body the runtime keeps.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Shared behaviour of one client: the generated crates call [`Runtime::execute`] from their
/// `ClientHooks::exec`, so it applies to every operation.
#[derive(Clone, Debug, Default)]
pub struct Runtime {
    config: Arc<Config>,
}

#[derive(Debug)]
struct Config {
    error_body_limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            error_body_limit: ERROR_BODY_LIMIT,
        }
    }
}

impl Runtime {
    /// A runtime with the default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends one request of an operation and returns its response; error responses come back
    /// with their body captured so that [`crate::Error`] can report it.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        let _ = operation_id;
        let response = http.execute(request).await?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Ok(capture_error(response, self.config.error_body_limit).await)
        }
    }
}

/// Whether a status is worth retrying: 408, 429, 502, 503, 504.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

/// The wait a `Retry-After` header asks for, in seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}
