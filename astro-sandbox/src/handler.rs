//! The request pipeline: route, play injected faults, check the bearer token, check the
//! request against its operation, run it against the store, record it, and encode the answer.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};

use crate::catalog::{Catalog, Resolution};
use crate::crud::{self, Answer, Body, Refusal};
use crate::ids::Ids;
use crate::inject::{FaultResponse, Injections};
use crate::journal::RecordedRequest;
use crate::store::Store;
use crate::{request, tokens};

/// Everything a running sandbox shares between its connections and its handle.
#[derive(Debug)]
pub struct State {
    /// The served operations.
    pub catalog: Catalog,
    /// The stored objects.
    pub store: Mutex<Store>,
    /// The queued faults.
    pub injections: Mutex<Injections>,
    /// The requests received so far.
    pub journal: Mutex<Vec<RecordedRequest>>,
    /// Id source.
    pub ids: Ids,
    /// The bearer token accepted, if the sandbox was started with one (with the current token
    /// values the sandbox issued); otherwise any.
    pub token: Option<String>,
}

/// Locks a mutex, carrying on with the data if a panicking thread poisoned it.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The largest request body read (bigger bodies get `413`).
const MAX_BODY: usize = 4 << 20;

/// Handles one HTTP request.
pub async fn handle(
    state: Arc<State>,
    request: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let request_id = state.ids.request();
    let (parts, body) = request.into_parts();
    let body = match http_body_util::Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(_) => Err(Refusal {
            status: 413,
            message: format!(
                "the request body could not be read or is larger than {MAX_BODY} bytes"
            ),
        }),
    };
    let (routed, response) = match body.as_ref() {
        Ok(bytes) => respond(&state, &parts, bytes, &request_id).await,
        Err(refusal) => (None, error(refusal.status, &refusal.message, &request_id)),
    };
    let (api, operation_id) = routed.unzip();
    lock(&state.journal).push(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        api,
        operation_id,
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.map(|b| b.to_vec()).unwrap_or_default(),
        status: response.status().as_u16(),
        request_id,
    });
    Ok(response)
}

/// The answer to a request, with the API and operation id it was routed to.
async fn respond(
    state: &State,
    parts: &http::request::Parts,
    body: &[u8],
    request_id: &str,
) -> (Option<(String, String)>, Response<Full<Bytes>>) {
    let path = parts.uri.path();
    let (api, route, params) = match state.catalog.resolve(parts.method.as_str(), path) {
        Resolution::Found { api, route, params } => (api, route, params),
        Resolution::NotFound => {
            let message = format!("no operation at {} {path}", parts.method);
            return (None, error(404, &message, request_id));
        }
        Resolution::MethodNotAllowed(allowed) => {
            let message = format!(
                "{} is not allowed on {path}; allowed: {}",
                parts.method,
                allowed.join(", ")
            );
            let mut response = error(405, &message, request_id);
            if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
                response.headers_mut().insert(ALLOW, value);
            }
            return (None, response);
        }
    };
    let operation = &route.operation;
    let id = Some((api.name.clone(), operation.id.clone()));
    let fault = lock(&state.injections).take(&api.name, &operation.id);
    if let Some(fault) = fault {
        tokio::time::sleep(fault.delay).await;
        if let Some(response) = fault.response {
            return (id, injected(response, request_id));
        }
    }
    if let Err(message) = authenticate(parts, state) {
        return (id, error(401, &message, request_id));
    }
    let checked = match request::check(&api.document, operation, &params, parts.uri.query(), body) {
        Ok(checked) => checked,
        Err(message) => return (id, error(400, &message, request_id)),
    };
    let outcome = {
        let mut store = lock(&state.store);
        crud::dispatch(&mut store, &state.ids, api, route, &params, &checked)
    };
    let response = match outcome {
        Ok(Answer {
            status,
            body: Body::Json(body),
        }) => json_response(status, &body, request_id),
        Ok(Answer {
            status,
            body: Body::Bytes {
                content_type,
                bytes,
            },
        }) => with_request_id(
            Response::builder()
                .status(status)
                .header(CONTENT_TYPE, content_type),
            request_id,
            Bytes::from(bytes),
        ),
        Ok(Answer {
            status,
            body: Body::Empty,
        }) => with_request_id(Response::builder().status(status), request_id, Bytes::new()),
        Err(refusal) => error(refusal.status, &refusal.message, request_id),
    };
    (id, response)
}

/// Accepts a request with `Authorization: Bearer <token>`: any token, or when the sandbox was
/// started with one, that token and the current values it issued (see [`tokens::authenticate`]).
fn authenticate(parts: &http::request::Parts, state: &State) -> Result<(), String> {
    let malformed = || "missing or malformed credentials: send `Authorization: Bearer <token>`";
    let value = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(malformed)?;
    let token = match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            token.trim()
        }
        _ => return Err(malformed().into()),
    };
    match state.token.as_deref() {
        Some(expected) if expected != token => tokens::authenticate(&lock(&state.store), token),
        _ => Ok(()),
    }
}

fn injected(fault: FaultResponse, request_id: &str) -> Response<Full<Bytes>> {
    match fault {
        FaultResponse::Json { status, message } => error(status, &message, request_id),
        FaultResponse::Text { status, body } => with_request_id(
            Response::builder()
                .status(status)
                .header(CONTENT_TYPE, "text/plain"),
            request_id,
            Bytes::from(body),
        ),
        FaultResponse::RateLimited { retry_after } => {
            let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
            let mut response = error(429, "rate limit exceeded", request_id);
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
            response
        }
    }
}

/// A JSON `Error` body (`message`, `requestId`, `statusCode`) with this status.
fn error(status: u16, message: &str, request_id: &str) -> Response<Full<Bytes>> {
    let body = json!({"message": message, "requestId": request_id, "statusCode": status});
    json_response(status, &body, request_id)
}

fn json_response(status: u16, body: &Value, request_id: &str) -> Response<Full<Bytes>> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    with_request_id(
        Response::builder()
            .status(status)
            .header(CONTENT_TYPE, "application/json"),
        request_id,
        Bytes::from(bytes),
    )
}

fn with_request_id(
    builder: http::response::Builder,
    request_id: &str,
    body: Bytes,
) -> Response<Full<Bytes>> {
    builder
        .header("x-request-id", request_id)
        .body(Full::new(body))
        .unwrap_or_else(|_| {
            let mut fallback =
                Response::new(Full::new(Bytes::from_static(b"invalid response status")));
            *fallback.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
}
