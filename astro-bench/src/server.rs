//! A minimal local HTTP server (hyper, HTTP/1.1 with keep-alive) on 127.0.0.1, running on its
//! own thread and tokio runtime so that it never shares a scheduler with the client measured.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// What the server answers: a status and a JSON body for a request's path and query.
pub trait Handler: Send + Sync + 'static {
    /// The answer to one request.
    fn respond(&self, path: &str, query: Option<&str>) -> (StatusCode, Bytes);
}

/// A running server; dropping it stops the server and joins its thread.
pub struct LocalServer {
    addr: SocketAddr,
    requests: Arc<AtomicU64>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LocalServer {
    /// Starts serving `handler` on an ephemeral port of 127.0.0.1.
    pub fn start(handler: impl Handler) -> std::io::Result<Self> {
        let handler: Arc<dyn Handler> = Arc::new(handler);
        let requests = Arc::new(AtomicU64::new(0));
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let (stop, stopped) = oneshot::channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let counter = requests.clone();
        let thread = std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = TcpListener::from_std(std_listener) else {
                        return;
                    };
                    tokio::select! {
                        _ = stopped => {}
                        _ = accept_loop(listener, handler, counter) => {}
                    }
                });
            })?;
        Ok(Self {
            addr,
            requests,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests answered so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(listener: TcpListener, handler: Arc<dyn Handler>, requests: Arc<AtomicU64>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        let requests = requests.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                requests.fetch_add(1, Ordering::Relaxed);
                let (status, body) = handler.respond(request.uri().path(), request.uri().query());
                let mut response = Response::new(Full::new(body));
                *response.status_mut() = status;
                response
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                async move { Ok::<_, Infallible>(response) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The same body for every request.
pub struct Fixed(pub Bytes);

impl Handler for Fixed {
    fn respond(&self, _path: &str, _query: Option<&str>) -> (StatusCode, Bytes) {
        (StatusCode::OK, self.0.clone())
    }
}

/// The value of an integer query parameter.
pub fn query_number(query: Option<&str>, name: &str) -> Option<usize> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| value.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_from_the_query() {
        assert_eq!(query_number(Some("limit=10&offset=30"), "offset"), Some(30));
        assert_eq!(query_number(Some("limit=10"), "offset"), None);
        assert_eq!(query_number(Some("offset=x"), "offset"), None);
        assert_eq!(query_number(None, "offset"), None);
    }

    #[test]
    fn serves_and_counts_requests() {
        let server = LocalServer::start(Fixed(Bytes::from_static(b"{}"))).unwrap();
        let url = server.base_url();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let body = runtime.block_on(async {
            reqwest::get(format!("{url}/x"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        });
        assert_eq!(body, "{}");
        assert_eq!(server.requests(), 1);
    }
}
