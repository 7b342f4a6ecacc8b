//! What the runtime tests share: an operation table of four operations, runtimes and requests
//! built by hand, a progenitor-like `send()`, and a scripted HTTP/1.1 server over raw TCP on
//! 127.0.0.1 that can also reset connections, stall or send an endless body.
//!
//! Every connection of the server serves one request and is then closed, so each attempt of the
//! runtime is one connection and the server's tally of requests is exact.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use astro_api_core::__private::progenitor_client::{Error as SendError, ResponseValue};
use astro_api_core::{Api, Operation, RetryPolicy, Runtime, RuntimeBuilder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The bearer token of every test runtime.
pub const TOKEN: &str = "test-token-5f1c0a8e9b7d4c3a";

/// An API without a version header (v1beta1).
pub static BETA: Api = Api {
    name: "platform",
    version: "v1beta1",
    version_header: None,
    base_path: "/platform/v1beta1",
};

/// An API with a version header (v1).
pub static V1: Api = Api {
    name: "astro",
    version: "1.0",
    version_header: Some("X-API-Version"),
    base_path: "/v1",
};

const fn operation(id: &'static str, method: &'static str, idempotent: bool) -> Operation {
    Operation {
        id,
        method,
        path: "/organizations/{organizationId}/things",
        idempotent,
        org_scoped: true,
        pagination: None,
    }
}

/// A GET (idempotent).
pub static LIST: Operation = operation("ListThings", "GET", true);
/// A create POST (not idempotent).
pub static CREATE: Operation = operation("CreateThing", "POST", false);
/// An update POST (idempotent).
pub static UPDATE: Operation = operation("UpdateThing", "POST", true);
/// A DELETE (idempotent).
pub static DELETE: Operation = operation("DeleteThing", "DELETE", true);

/// A runtime with the test token, no rate limits, no attempt timeout (so that a paused test
/// clock never fires one while a socket is being read) and retries without jitter.
pub fn builder() -> RuntimeBuilder {
    Runtime::builder()
        .bearer_token(TOKEN)
        .unwrap()
        .rate_limits(None)
        .attempt_timeout(None)
        .retry(RetryPolicy::default().without_jitter())
}

/// The request of `operation` to `base` (the server's URL), as generated code builds it.
pub fn request(operation: &Operation, base: &str) -> reqwest::Request {
    let method = reqwest::Method::from_bytes(operation.method.as_bytes()).unwrap();
    let mut request = reqwest::Request::new(
        method,
        format!("{base}/organizations/org-1/things")
            .parse()
            .unwrap(),
    );
    if operation.method == "POST" {
        request
            .headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        *request.body_mut() = Some(r#"{"name":"thing"}"#.into());
    }
    request
}

/// Executes one request of `operation` through `runtime` with a fresh HTTP client.
pub async fn execute(
    runtime: &Runtime,
    api: &'static Api,
    operation: &'static Operation,
    base: &str,
) -> reqwest::Result<reqwest::Response> {
    let http = reqwest::Client::new();
    runtime
        .execute(&http, request(operation, base), api, operation)
        .await
}

/// What a generated builder's `send()` does around the runtime for an operation answering JSON:
/// execute, then decode a 2xx body into `T`, or hand any other status back as progenitor's
/// `UnexpectedResponse`.
pub async fn send<T: serde::de::DeserializeOwned>(
    runtime: &Runtime,
    operation: &'static Operation,
    base: &str,
) -> Result<ResponseValue<T>, SendError<()>> {
    let response = execute(runtime, &BETA, operation, base)
        .await
        .map_err(SendError::CommunicationError)?;
    if response.status().is_success() {
        ResponseValue::from_response(response).await
    } else {
        Err(SendError::UnexpectedResponse(response))
    }
}

/// `send()` wrapped the way every generated `call()` is.
pub async fn call<T: serde::de::DeserializeOwned>(
    runtime: &Runtime,
    operation: &'static Operation,
    base: &str,
) -> Result<T, astro_api_core::Error> {
    astro_api_core::__private::run(operation, send::<T>(runtime, operation, base)).await
}

/// A request as the server read it.
#[derive(Clone, Debug)]
pub struct RawRequest {
    /// `GET`, `POST`, `DELETE`…
    pub method: String,
    /// Header names (lower case) and values, in order.
    pub headers: Vec<(String, String)>,
}

impl RawRequest {
    /// The value of a header (`name` in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with one connection.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Reads the request, writes these bytes and closes the connection.
    Bytes(Vec<u8>),
    /// Reads the request, writes these bytes and keeps the connection open, writing nothing.
    Stall(Vec<u8>),
    /// Reads the request, then resets the connection (TCP RST): the request may have been
    /// applied, but its response is lost.
    Reset,
    /// Reads the request, writes this head, then chunks of 16 KiB for as long as the peer reads.
    Endless(Vec<u8>),
}

/// A running server; it stops with the test's runtime.
#[derive(Clone)]
pub struct Server {
    url: String,
    requests: Arc<Mutex<Vec<RawRequest>>>,
}

impl Server {
    /// Starts a server that plays `replies` in order, one per connection, repeating the last.
    pub async fn start(replies: Vec<Reply>) -> Self {
        assert!(!replies.is_empty(), "a script has at least one reply");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(replies)));
        let seen = requests.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let reply = {
                    let mut script = script.lock().unwrap();
                    if script.len() > 1 {
                        script.pop_front().unwrap()
                    } else {
                        script.front().cloned().unwrap()
                    }
                };
                tokio::spawn(serve(stream, reply, seen.clone()));
            }
        });
        Self { url, requests }
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The requests read so far, one per attempt.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(mut stream: TcpStream, reply: Reply, seen: Arc<Mutex<Vec<RawRequest>>>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    seen.lock().unwrap().push(request);
    match reply {
        Reply::Bytes(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Stall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let mut sink = [0u8; 256];
            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
        }
        Reply::Reset => {
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Reply::Endless(head) => {
            let chunk = vec![b' '; 16 * 1024];
            if stream.write_all(&head).await.is_ok() {
                while stream.write_all(&chunk).await.is_ok() {}
            }
        }
    }
}

/// Reads one request: the head up to the blank line, then `Content-Length` bytes of body.
async fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let method = lines.next()?.split(' ').next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut read = buffer.len() - head_end;
    while read < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        read += n;
    }
    Some(RawRequest { method, headers })
}

/// A complete response: status line, `Connection: close`, the headers given, a
/// `Content-Length` and the body.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut head = format!("HTTP/1.1 {status} Whatever\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    Reply::Bytes(bytes)
}

/// A JSON response.
pub fn json(status: u16, body: serde_json::Value) -> Reply {
    response(
        status,
        &[("content-type", "application/json")],
        body.to_string().as_bytes(),
    )
}

/// Astro's JSON error, with its request id.
pub fn astro_error(status: u16, request_id: &str) -> Reply {
    json(
        status,
        serde_json::json!({"message": "try later", "requestId": request_id, "statusCode": status}),
    )
}

/// A 204 with no body.
pub fn no_content() -> Reply {
    response(204, &[], b"")
}
