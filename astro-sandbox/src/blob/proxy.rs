//! [`BlobProxy`]: an HTTP proxy on 127.0.0.1 in front of a blob server (Azurite) that records
//! every request, adds the `x-ms-version-id` a versioned Azure account answers with (Azurite
//! has no blob versions), and plays faults: an error status, a connection cut in the middle of
//! a request body, a delay.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::http::{self as plain, Plain};
use crate::handler::lock;

/// The Blob service operation of a request, from its method and `comp` query parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlobOperation {
    /// `PUT` without `comp`: Put Blob.
    PutBlob,
    /// `PUT …?comp=block&blockid=…`: Put Block.
    PutBlock,
    /// `PUT …?comp=blocklist`: Put Block List.
    PutBlockList,
    /// Anything else (reads, container operations).
    Other,
}

impl BlobOperation {
    fn of(method: &http::Method, query: &str) -> Self {
        if method != http::Method::PUT {
            return Self::Other;
        }
        let comp = query_value(query, "comp");
        let container = query_value(query, "restype").is_some();
        match comp.as_deref() {
            None if !container => Self::PutBlob,
            Some("block") => Self::PutBlock,
            Some("blocklist") => Self::PutBlockList,
            _ => Self::Other,
        }
    }
}

/// A fault the proxy plays instead of forwarding a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlobFault {
    /// Answers this status (such as `503`) after reading the body, without forwarding.
    Status(u16),
    /// Reads at least half of the request body (as it arrives), then closes the connection
    /// without an answer.
    ResetMidBody,
    /// Waits this long before forwarding.
    Delay(Duration),
}

/// One request the proxy received, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobRequest {
    /// The HTTP method.
    pub method: String,
    /// The path, such as `/devstoreaccount1/deploys/d1/x.tar.gz`.
    pub path: String,
    /// The raw query string.
    pub query: String,
    /// The Blob service operation.
    pub operation: BlobOperation,
    /// The request headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// How many body bytes the proxy read (0 until it is done with the request).
    pub body_len: usize,
    /// The status answered; `None` when the proxy cut the connection, or while (or if never)
    /// done with the request: a client that gave up on a delayed request leaves it `None`.
    pub status: Option<u16>,
    /// The `x-ms-version-id` the proxy added, if any.
    pub version_id: Option<String>,
    /// The fault played on this request, if any.
    pub fault: Option<BlobFault>,
}

impl BlobRequest {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// A query parameter, decoded.
    pub fn query_value(&self, name: &str) -> Option<String> {
        query_value(&self.query, name)
    }
}

fn query_value(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// A queued fault: let `skip` matching requests through, then play `fault` once.
#[derive(Debug)]
struct Pending {
    operation: BlobOperation,
    skip: u32,
    fault: BlobFault,
}

#[derive(Debug)]
struct ProxyState {
    upstream: String,
    http: Plain,
    log: Mutex<Vec<BlobRequest>>,
    faults: Mutex<VecDeque<Pending>>,
    add_version_ids: AtomicBool,
    versions: AtomicU64,
}

/// A recording, fault-injecting proxy in front of a blob server. Dropping it stops it.
#[derive(Debug)]
pub struct BlobProxy {
    address: SocketAddr,
    state: Arc<ProxyState>,
    stop: watch::Sender<bool>,
}

impl BlobProxy {
    /// Starts a proxy on a free port of 127.0.0.1 forwarding to `upstream` (an origin such as
    /// `http://127.0.0.1:10000`, see [`Azurite::origin`](super::Azurite::origin)), adding
    /// version ids.
    pub async fn start(upstream: &str) -> std::io::Result<Self> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        let address = listener.local_addr()?;
        let state = Arc::new(ProxyState {
            upstream: upstream.trim_end_matches('/').to_string(),
            http: plain::client(),
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(VecDeque::new()),
            add_version_ids: AtomicBool::new(true),
            versions: AtomicU64::new(0),
        });
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(crate::server::serve(
            listener,
            Arc::clone(&state),
            stopped,
            handle,
        ));
        Ok(Self {
            address,
            state,
            stop,
        })
    }

    /// The proxy's origin, such as `http://127.0.0.1:40124`: use it in place of the blob
    /// server's.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Whether successful Put Blob and Put Block List answers get an `x-ms-version-id` (on by
    /// default); off, the proxy answers as Azurite does, like an account without versioning.
    pub fn add_version_ids(&self, on: bool) {
        self.state.add_version_ids.store(on, Ordering::SeqCst);
    }

    /// Queues `fault` for a request of `operation`, after letting `skip` of them through.
    pub fn inject(&self, operation: BlobOperation, skip: u32, fault: BlobFault) {
        lock(&self.state.faults).push_back(Pending {
            operation,
            skip,
            fault,
        });
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<BlobRequest> {
        lock(&self.state.log).clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.state.log).clear();
    }
}

impl Drop for BlobProxy {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct Cut;

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection cut by an injected fault")
    }
}

impl std::error::Error for Cut {}

async fn handle(
    state: Arc<ProxyState>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Cut> {
    let (parts, mut body) = request.into_parts();
    let query = parts.uri.query().unwrap_or_default().to_string();
    let operation = BlobOperation::of(&parts.method, &query);
    let record = BlobRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: query.clone(),
        operation,
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.to_string(), value)
            })
            .collect(),
        body_len: 0,
        status: None,
        version_id: None,
        fault: take_fault(&state, operation),
    };
    let expected = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok())
        .unwrap_or(0);
    let fault = record.fault.clone();
    // Logged on arrival (and completed below), so that a request whose client gave up is seen.
    let index = {
        let mut log = lock(&state.log);
        log.push(record);
        log.len() - 1
    };
    let mut bytes = BytesMut::new();
    let cut_at = (fault == Some(BlobFault::ResetMidBody)).then_some(expected / 2);
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            break;
        };
        if let Ok(data) = frame.into_data() {
            bytes.extend_from_slice(&data);
        }
        if cut_at.is_some_and(|at| bytes.len() >= at) {
            break;
        }
    }
    let body_len = bytes.len();
    let mut version_id = None;
    let answer = match &fault {
        Some(BlobFault::ResetMidBody) => None,
        Some(BlobFault::Status(status)) => Some(status_only(*status)),
        Some(BlobFault::Delay(delay)) => {
            tokio::time::sleep(*delay).await;
            Some(forward(&state, &parts, operation, bytes.freeze(), &mut version_id).await)
        }
        None => Some(forward(&state, &parts, operation, bytes.freeze(), &mut version_id).await),
    };
    if let Some(record) = lock(&state.log).get_mut(index) {
        record.body_len = body_len;
        record.status = answer.as_ref().map(|response| response.status().as_u16());
        record.version_id = version_id;
    }
    answer.ok_or(Cut)
}

/// The first queued fault for `operation` whose requests to skip are used up.
fn take_fault(state: &ProxyState, operation: BlobOperation) -> Option<BlobFault> {
    let mut faults = lock(&state.faults);
    let index = faults.iter().position(|p| p.operation == operation)?;
    let pending = &mut faults[index];
    if pending.skip > 0 {
        pending.skip -= 1;
        return None;
    }
    faults.remove(index).map(|pending| pending.fault)
}

async fn forward(
    state: &ProxyState,
    parts: &http::request::Parts,
    operation: BlobOperation,
    body: Bytes,
    issued: &mut Option<String>,
) -> Response<Full<Bytes>> {
    let path = parts.uri.path_and_query().map_or("/", |path| path.as_str());
    let url = format!("{}{path}", state.upstream);
    let reply = match plain::send(
        &state.http,
        parts.method.clone(),
        &url,
        &parts.headers,
        body,
    )
    .await
    {
        Ok(reply) => reply,
        Err(_) => return status_only(502),
    };
    let mut response = Response::new(Full::new(reply.body));
    *response.status_mut() = reply.status;
    *response.headers_mut() = reply.headers;
    let versioned = matches!(
        operation,
        BlobOperation::PutBlob | BlobOperation::PutBlockList
    );
    if versioned && reply.status.is_success() && state.add_version_ids.load(Ordering::SeqCst) {
        let version = version_id(state.versions.fetch_add(1, Ordering::SeqCst));
        if let Ok(value) = HeaderValue::from_str(&version) {
            response.headers_mut().insert("x-ms-version-id", value);
            *issued = Some(version);
        }
    }
    response
}

/// A version id shaped like Azure's (a UTC time with seven decimals), unique per proxy.
fn version_id(sequence: u64) -> String {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S");
    format!("{now}.{:07}Z", sequence % 10_000_000)
}

fn status_only(status: u16) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"injected fault")));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_told_apart_by_method_and_comp() {
        let put = http::Method::PUT;
        assert_eq!(BlobOperation::of(&put, ""), BlobOperation::PutBlob);
        assert_eq!(
            BlobOperation::of(&put, "sv=x&sig=y"),
            BlobOperation::PutBlob
        );
        assert_eq!(
            BlobOperation::of(&put, "comp=block&blockid=QQ%3D%3D"),
            BlobOperation::PutBlock
        );
        assert_eq!(
            BlobOperation::of(&put, "comp=blocklist"),
            BlobOperation::PutBlockList
        );
        assert_eq!(
            BlobOperation::of(&put, "restype=container"),
            BlobOperation::Other
        );
        assert_eq!(
            BlobOperation::of(&http::Method::GET, ""),
            BlobOperation::Other
        );
    }

    #[test]
    fn version_ids_are_unique_and_shaped_like_azures() {
        let (a, b) = (version_id(1), version_id(2));
        assert_ne!(a, b);
        assert!(a.ends_with('Z') && a.contains('T') && a.len() == 28, "{a}");
    }
}
