//! The per-client runtime installed in every generated `Client` as its inner value.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode};
use tracing::Instrument;

use crate::body_limit::{BodyFailure, ReadBody, read_body};
use crate::capture::{body_request_id, capture_error};
use crate::credential::{Credential, Credentials, InvalidToken, expired_response};
use crate::limits::{Limiter, RateLimits};
use crate::operation::{Api, ApiVersion, Operation};
use crate::redact::{REDACTED, Token};
use crate::response_meta::{self, ResponseMeta, retry_after};
use crate::retry::RetryPolicy;

/// How many bytes of an error body the runtime keeps.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The default cap on a success body: 64 MiB (a 1000-item page of deployments is about 2 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// Shared behaviour of one client: the generated crates call [`Runtime::execute`] from their
/// `ClientHooks::exec`, so retries, rate limits, error capture, body limits and tracing apply to
/// every operation, with or without the `astro-api` facade.
///
/// Clones share the same rate limiters and the same token: give every client that uses one API
/// token the same runtime. [`Runtime::set_bearer_token`] replaces the token for every clone.
#[derive(Clone, Debug)]
pub struct Runtime {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    retry: RetryPolicy,
    limiter: Option<Limiter>,
    max_response_bytes: u64,
    /// The bearer token, replaceable while the runtime is in use.
    credentials: Credentials,
    user_agent: HeaderValue,
    attempt_timeout: Option<Duration>,
    api_version: ApiVersion,
}

impl Default for Runtime {
    fn default() -> Self {
        Self::builder().build()
    }
}

/// The default time one attempt may take, from sending to the end of the body.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings of a [`Runtime`].
#[derive(Clone, Debug)]
pub struct RuntimeBuilder {
    retry: RetryPolicy,
    rate_limits: Option<RateLimits>,
    max_response_bytes: u64,
    credential: Option<Arc<Credential>>,
    user_agent: HeaderValue,
    attempt_timeout: Option<Duration>,
    api_version: ApiVersion,
}

impl Default for RuntimeBuilder {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            rate_limits: Some(RateLimits::default()),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            credential: None,
            user_agent: HeaderValue::from_static(concat!(
                "astro-api-core/",
                env!("CARGO_PKG_VERSION")
            )),
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            api_version: ApiVersion::Pinned,
        }
    }
}

impl RuntimeBuilder {
    /// The retry policy ([`RetryPolicy::disabled`] turns retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Client-side rate limits, or `None` for none.
    pub fn rate_limits(mut self, limits: Option<RateLimits>) -> Self {
        self.rate_limits = limits;
        self
    }

    /// The largest success body accepted, in bytes. A larger declared `Content-Length` is
    /// refused before anything is read; an undeclared length is cut off at the limit.
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The API token sent as `Authorization: Bearer <token>` with every request. The header
    /// value is marked sensitive, and the token appears in no `Debug` output.
    ///
    /// When the token is a JWT with an `exp` claim, a call made once it has passed is not sent:
    /// it fails with [`ErrorKind::TokenExpired`](crate::ErrorKind::TokenExpired).
    pub fn bearer_token(mut self, token: &str) -> Result<Self, InvalidToken> {
        self.credential = Some(Credential::new(token)?);
        Ok(self)
    }

    /// The `User-Agent` sent when the request has none.
    pub fn user_agent(mut self, user_agent: HeaderValue) -> Self {
        self.user_agent = user_agent;
        self
    }

    /// The time one attempt may take (sending, waiting and reading the body), or `None` to rely
    /// on the HTTP client's own timeout.
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Which minor version to ask for on APIs that have a version header (v1's
    /// `X-API-Version`); by default the version of the document the client was generated from.
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = version;
        self
    }

    /// Builds the runtime.
    pub fn build(self) -> Runtime {
        Runtime {
            inner: Arc::new(Inner {
                retry: self.retry,
                limiter: self.rate_limits.map(Limiter::new),
                max_response_bytes: self.max_response_bytes,
                credentials: Credentials::new(self.credential),
                user_agent: self.user_agent,
                attempt_timeout: self.attempt_timeout,
                api_version: self.api_version,
            }),
        }
    }
}

impl Runtime {
    /// A runtime with the default settings: retries on, Astro's documented rate limits, a
    /// 64 MiB body cap.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a runtime with custom settings.
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder::default()
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Replaces the API token of this runtime and of every clone of it (so of every generated
    /// client built on it), for every attempt that starts from now on, calls already running
    /// included. Echoes of the new token are scrubbed from errors as the old one's were.
    ///
    /// The token is prepared here, once: attempts only take a reference to it.
    pub fn set_bearer_token(&self, token: &str) -> Result<(), InvalidToken> {
        self.inner.credentials.replace(Credential::new(token)?);
        Ok(())
    }

    /// Sends a request of an operation: waits for the rate limiter, retries what is safe to
    /// retry (see [`RetryPolicy`]), and returns the final response. Error responses come back
    /// with their body captured so that [`crate::Error`] can report it.
    ///
    /// A DELETE that answers 404 after an earlier attempt of the same call may have reached the
    /// server (its response was lost) is reported as the 204 that attempt would have given:
    /// the object is gone either way.
    ///
    /// The status and request id of a success response are left for the call's decoding step
    /// (the generated `call()`), so that a body that does not decode still reports them.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        api: &'static Api,
        operation: &'static Operation,
    ) -> reqwest::Result<reqwest::Response> {
        self.prepare(&mut request, api);
        let operation_id = operation.id;
        let mut attempts = Attempts::new(&self.inner.retry, request.method(), operation);
        let mut next = Some(request);
        while let Some(mut request) = next.take() {
            attempts.number += 1;
            let spare = if attempts.number < self.inner.retry.max_attempts() {
                request.try_clone()
            } else {
                None
            };
            self.throttle(&attempts.method, operation_id).await;
            let credential = self.inner.credentials.current();
            if let Some(credential) = &credential {
                if let Some(at) = credential.expired() {
                    tracing::warn!(
                        operation = operation_id,
                        "not sent: the API token expired at {}",
                        httpdate::fmt_http_date(at)
                    );
                    return Ok(expired_response(at));
                }
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, credential.authorization.clone());
            }
            let token = credential.as_ref().and_then(|c| c.token.as_ref());
            let span = tracing::info_span!(
                "astro_request",
                operation = operation_id,
                method = %attempts.method,
                attempt = attempts.number,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let step = match http.execute(request).instrument(span.clone()).await {
                Ok(response) => {
                    let status = response.status();
                    span.record("status", status.as_u16());
                    let header_id = response_meta::request_id(response.headers())
                        .map(|id| without_token(id, token));
                    if let Some(id) = &header_id {
                        span.record("request_id", id.to_str().unwrap_or(REDACTED));
                    }
                    if status.is_success() {
                        response_meta::record(ResponseMeta {
                            status,
                            request_id: header_id,
                            token: token.cloned(),
                        });
                        let body = read_body(response, self.inner.max_response_bytes).await;
                        attempts.after_body(body, spare.is_some())
                    } else {
                        let step = attempts
                            .after_status(response, spare.is_some(), token)
                            .await;
                        if let Step::Finish(Ok(captured)) = &step
                            && let Some(id) = body_request_id(captured)
                        {
                            span.record("request_id", id.as_str());
                        }
                        step
                    }
                }
                Err(error) => attempts.after_transport_error(error, spare.is_some()),
            };
            match step {
                Step::Finish(result) => return result,
                Step::Retry(delay) => {
                    tokio::time::sleep(delay).await;
                    next = spare;
                }
            }
        }
        unreachable!("every attempt without a spare request finishes the call")
    }

    /// Adds the runtime's headers and timeout to a request that does not set its own (the
    /// token is added per attempt, so that a replaced one is used from the next attempt on).
    fn prepare(&self, request: &mut reqwest::Request, api: &Api) {
        let headers = request.headers_mut();
        if let Some((name, version)) = self.inner.api_version.header_value(api)
            && let Ok(value) = HeaderValue::from_str(version)
        {
            headers.insert(name, value);
        }
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, self.inner.user_agent.clone());
        }
        if request.timeout().is_none() {
            *request.timeout_mut() = self.inner.attempt_timeout;
        }
    }

    async fn throttle(&self, method: &Method, operation_id: &'static str) {
        if let Some(limiter) = &self.inner.limiter {
            let waited = limiter.acquire(method).await;
            if !waited.is_zero() {
                tracing::warn!(
                    operation = operation_id,
                    wait_ms = waited.as_millis() as u64,
                    "throttled by the client-side rate limit"
                );
            }
        }
    }
}

/// A request id header, or `<redacted>` in its place when it contains the attempt's token (a
/// server echoing credentials into a header must not put them into logs or errors).
fn without_token(id: &HeaderValue, token: Option<&Token>) -> HeaderValue {
    match token {
        Some(token) if token.is_in(id.as_bytes()) => HeaderValue::from_static(REDACTED),
        _ => id.clone(),
    }
}

/// What to do after an attempt.
enum Step {
    /// Wait, then send the spare copy of the request.
    Retry(Duration),
    /// Hand this result to the generated code.
    Finish(reqwest::Result<reqwest::Response>),
}

/// The state of one call across its attempts, and the retry decisions.
struct Attempts<'a> {
    policy: &'a RetryPolicy,
    /// The backoff delays, made at the first retry: most calls never need them.
    backoff: Option<Box<dyn Iterator<Item = Duration> + Send>>,
    method: Method,
    operation_id: &'static str,
    idempotent: bool,
    /// Whether an earlier attempt may have reached the server and been applied.
    maybe_applied: bool,
    number: u32,
}

impl<'a> Attempts<'a> {
    fn new(policy: &'a RetryPolicy, method: &Method, operation: &'static Operation) -> Self {
        Self {
            policy,
            backoff: None,
            method: method.clone(),
            operation_id: operation.id,
            idempotent: operation.idempotent,
            maybe_applied: false,
            number: 0,
        }
    }

    /// The backoff delays of this call.
    fn backoff(&mut self) -> &mut (dyn Iterator<Item = Duration> + Send) {
        self.backoff
            .get_or_insert_with(|| Box::new(self.policy.backoff()))
            .as_mut()
    }

    fn retry(&self, delay: Duration, why: &str) -> Step {
        tracing::warn!(
            operation = self.operation_id,
            attempt = self.number,
            wait_ms = delay.as_millis() as u64,
            "retrying: {why}"
        );
        Step::Retry(delay)
    }

    /// A success status: finish, unless the body failed part-way on an idempotent call.
    fn after_body(&mut self, body: ReadBody, can_retry: bool) -> Step {
        let transfer_failed = matches!(body.outcome, Err(BodyFailure::Read(_)));
        if transfer_failed
            && self.idempotent
            && can_retry
            && let Some(delay) = self.backoff().next()
        {
            self.maybe_applied = true;
            return self.retry(delay, "the response body failed part-way");
        }
        Step::Finish(Ok(body.into_response()))
    }

    /// An error status: retry it if the policy allows, else finish with its body captured.
    async fn after_status(
        &mut self,
        response: reqwest::Response,
        can_retry: bool,
        token: Option<&Token>,
    ) -> Step {
        let status = response.status();
        if status == StatusCode::NOT_FOUND && self.method == Method::DELETE && self.maybe_applied {
            tracing::warn!(
                operation = self.operation_id,
                "DELETE answered 404 after an earlier attempt may have succeeded; reporting success"
            );
            return Step::Finish(Ok(no_content()));
        }
        if can_retry && self.policy.retries_status(status, self.idempotent) {
            let wait = retry_after(response.headers());
            let policy = self.policy;
            if let Some(delay) = policy.next_delay(wait, self.backoff()) {
                return self.retry(delay, &format!("status {}", status.as_u16()));
            }
        }
        Step::Finish(Ok(capture_error(response, ERROR_BODY_LIMIT, token).await))
    }

    /// No response: retry when the request was never sent, or when it is idempotent.
    fn after_transport_error(&mut self, error: reqwest::Error, can_retry: bool) -> Step {
        let never_sent = error.is_connect();
        self.maybe_applied |= !never_sent;
        if can_retry
            && (never_sent || self.idempotent)
            && let Some(delay) = self.backoff().next()
        {
            return self.retry(delay, &format!("transport error: {error}"));
        }
        Step::Finish(Err(error))
    }
}

/// The response a DELETE would have given had its first response not been lost.
fn no_content() -> reqwest::Response {
    let mut response = http::Response::new(reqwest::Body::from(Vec::new()));
    *response.status_mut() = StatusCode::NO_CONTENT;
    reqwest::Response::from(response)
}
