//! A tiny HTTP/1.1 server over raw TCP on 127.0.0.1, for what a well-behaved server library
//! cannot do: reset a connection before or after reading the request, stall in the middle of a
//! body, send broken framing or an endless body.
//!
//! Every connection serves one request and is then closed, so each attempt of a client is one
//! connection and the server's tally of attempts is exact.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the server read it.
#[derive(Clone, Debug)]
pub struct RawRequest {
    /// `GET`, `POST`, `DELETE`…
    pub method: String,
    /// The request target (path and query).
    pub target: String,
    /// Header names (lower case) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, read to its `Content-Length`.
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The first value of a header (`name` in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request it has read.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Writes these bytes, then closes the connection.
    Bytes(Vec<u8>),
    /// Writes these bytes, then keeps the connection open without writing anything more.
    Stall(Vec<u8>),
    /// Resets the connection (TCP RST) without answering: the request was read, so its effect
    /// may have been applied, but the response is lost.
    Reset,
    /// Writes these head bytes, then chunks of `chunk` bytes for as long as the peer reads.
    Endless { head: Vec<u8>, chunk: Vec<u8> },
}

/// What the server does with a new connection, before reading anything.
#[derive(Clone, Debug)]
pub enum Accept {
    /// Reads the request and answers with the handler's reply.
    Serve,
    /// Resets the connection at once: the request never reaches the server.
    Reset,
}

type Handler = dyn Fn(&RawRequest) -> Reply + Send + Sync;

struct State {
    accepts: VecDeque<Accept>,
    connections: usize,
    requests: Vec<RawRequest>,
}

/// A running raw server; it stops when the test's runtime ends.
#[derive(Clone)]
pub struct RawServer {
    url: String,
    state: Arc<Mutex<State>>,
}

impl RawServer {
    /// Starts a server that answers every request it reads with `handler`'s reply.
    pub async fn start(handler: impl Fn(&RawRequest) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let state = Arc::new(Mutex::new(State {
            accepts: VecDeque::new(),
            connections: 0,
            requests: Vec::new(),
        }));
        let handler: Arc<Handler> = Arc::new(handler);
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let accept = {
                    let mut state = shared.lock().unwrap();
                    state.connections += 1;
                    state.accepts.pop_front().unwrap_or(Accept::Serve)
                };
                let handler = handler.clone();
                let state = shared.clone();
                tokio::spawn(async move {
                    match accept {
                        Accept::Reset => reset(stream),
                        Accept::Serve => serve(stream, &*handler, &state).await,
                    }
                });
            }
        });
        Self { url, state }
    }

    /// Starts a server that plays `replies` in order, one per request, repeating the last.
    pub async fn script(replies: Vec<Reply>) -> Self {
        let queue = Mutex::new(VecDeque::from(replies));
        Self::start(move |_| {
            let mut queue = queue.lock().unwrap();
            if queue.len() > 1 {
                queue.pop_front().unwrap()
            } else {
                queue
                    .front()
                    .cloned()
                    .expect("a script has at least one reply")
            }
        })
        .await
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Queues what to do with the next connections (after them, [`Accept::Serve`]).
    pub fn queue_accepts(&self, accepts: impl IntoIterator<Item = Accept>) {
        self.state.lock().unwrap().accepts.extend(accepts);
    }

    /// The number of connections accepted so far (one per attempt).
    pub fn connections(&self) -> usize {
        self.state.lock().unwrap().connections
    }

    /// The requests read so far.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Forgets the connections and requests seen so far and any queued accepts.
    pub fn reset_tally(&self) {
        let mut state = self.state.lock().unwrap();
        state.accepts.clear();
        state.connections = 0;
        state.requests.clear();
    }
}

async fn serve(mut stream: TcpStream, handler: &Handler, state: &Mutex<State>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let reply = handler(&request);
    state.lock().unwrap().requests.push(request);
    match reply {
        Reply::Bytes(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Stall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            // Hold the connection open until the client gives up and closes it.
            let mut sink = [0u8; 256];
            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
        }
        Reply::Reset => reset(stream),
        Reply::Endless { head, chunk } => {
            if stream.write_all(&head).await.is_ok() {
                while stream.write_all(&chunk).await.is_ok() {}
            }
        }
    }
}

/// Closes with a TCP RST instead of an orderly FIN.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
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
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(RawRequest {
        method,
        target,
        headers,
        body,
    })
}

/// A complete response: status line, `Connection: close`, the headers given, a
/// `Content-Length` and the body.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut bytes = format!(
        "HTTP/1.1 {status} {}\r\nconnection: close\r\n",
        reason(status)
    );
    for (name, value) in headers {
        bytes.push_str(&format!("{name}: {value}\r\n"));
    }
    bytes.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut bytes = bytes.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A JSON response.
pub fn json(status: u16, body: &serde_json::Value) -> Vec<u8> {
    response(
        status,
        &[("content-type", "application/json")],
        body.to_string().as_bytes(),
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        404 => "Not Found",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}
