//! A plain HTTP/1 client for loopback hosts: what the blob proxy forwards with and what the
//! Azurite helpers call.

use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A response read whole.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

/// An HTTP/1 client without TLS.
pub type Plain = Client<HttpConnector, Full<Bytes>>;

/// A new client.
pub fn client() -> Plain {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Sends one request and reads its answer whole.
pub async fn send(
    client: &Plain,
    method: Method,
    url: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> std::io::Result<Reply> {
    let mut request = Request::builder()
        .method(method)
        .uri(url)
        .body(Full::new(body))
        .map_err(std::io::Error::other)?;
    for (name, value) in headers {
        if name != http::header::HOST {
            request.headers_mut().append(name.clone(), value.clone());
        }
    }
    let response = client
        .request(request)
        .await
        .map_err(std::io::Error::other)?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
    Ok(Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    })
}
