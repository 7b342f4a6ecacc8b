//! The Azure Blob Storage REST calls a deploy needs, against a SAS URL: Put Blob, Put Block and
//! Put Block List, each one attempt (retries are [`super::upload`]'s job).
//!
//! The calls go through their own `reqwest::Client` without default headers, so nothing of the
//! Astro client (its token above all) can reach the blob host; the SAS in the URL is the only
//! credential. Errors never carry the URL (its `sig` is a credential).

use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};
use url::Url;

use super::error::{BlobError, BlobOperation};

/// The Blob service version the calls ask for (`x-ms-version`).
pub const BLOB_API_VERSION: &str = "2021-08-06";

/// The response header that names the blob version a write created.
const VERSION_ID: &str = "x-ms-version-id";

/// An upload URL, checked: HTTPS, or plain HTTP to a loopback host only.
#[derive(Clone)]
pub struct BlobUrl(Url);

impl BlobUrl {
    /// Parses and checks an upload URL (a SAS URL of one blob).
    pub fn parse(raw: &str) -> Result<Self, BlobError> {
        let url = Url::parse(raw).map_err(|_| BlobError::InvalidUrl)?;
        match url.scheme() {
            "https" => Ok(Self(url)),
            "http" if is_loopback(&url) => Ok(Self(url)),
            "http" => Err(BlobError::InsecureUrl {
                host: url.host_str().unwrap_or_default().to_string(),
            }),
            _ => Err(BlobError::InvalidUrl),
        }
    }

    /// The URL with extra query parameters (after the SAS ones).
    fn with(&self, pairs: &[(&str, &str)]) -> Url {
        let mut url = self.0.clone();
        url.query_pairs_mut().extend_pairs(pairs);
        url
    }
}

impl std::fmt::Debug for BlobUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The query holds the SAS signature: show only where the blob is.
        write!(
            f,
            "BlobUrl({}://{}{})",
            self.0.scheme(),
            self.0.host_str().unwrap_or_default(),
            self.0.path()
        )
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// The HTTP client for blob hosts: no default headers, no redirects.
pub fn http_client(connect_timeout: Duration) -> Result<reqwest::Client, BlobError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(crate::USER_AGENT)
        .connect_timeout(connect_timeout)
        .build()
        .map_err(|error| BlobError::Client(error.without_url()))
}

/// How one attempt went wrong.
#[derive(Debug)]
pub enum Failure {
    /// Worth another attempt: a `5xx`, `408` or `429`, a timeout, a reset or refused connection.
    Transient(BlobError),
    /// Not worth another attempt (a `403` for an expired SAS, say).
    Permanent(BlobError),
}

/// Put Blob: the whole archive in one request; returns the new version id, if the host sent one.
pub async fn put_blob(
    http: &reqwest::Client,
    url: &BlobUrl,
    body: Bytes,
    timeout: Duration,
) -> Result<Option<String>, Failure> {
    let request = http
        .put(url.0.clone())
        .header("x-ms-blob-type", "BlockBlob")
        .header("x-ms-blob-content-type", "application/gzip")
        .header(CONTENT_TYPE, "application/octet-stream")
        .header(CONTENT_LENGTH, body.len())
        .body(body);
    let headers = send(request, timeout, BlobOperation::PutBlob).await?;
    Ok(version_id(&headers))
}

/// Put Block: one block of the archive under `block_id` (base64, same length for all blocks).
pub async fn put_block(
    http: &reqwest::Client,
    url: &BlobUrl,
    block_id: &str,
    body: Bytes,
    timeout: Duration,
) -> Result<(), Failure> {
    let request = http
        .put(url.with(&[("comp", "block"), ("blockid", block_id)]))
        .header(CONTENT_TYPE, "application/octet-stream")
        .header(CONTENT_LENGTH, body.len())
        .body(body);
    send(request, timeout, BlobOperation::PutBlock).await?;
    Ok(())
}

/// Put Block List: commits the blocks, in order; returns the new version id, if sent.
pub async fn put_block_list(
    http: &reqwest::Client,
    url: &BlobUrl,
    block_ids: &[String],
    timeout: Duration,
) -> Result<Option<String>, Failure> {
    let body = block_list_xml(block_ids);
    let request = http
        .put(url.with(&[("comp", "blocklist")]))
        .header("x-ms-blob-content-type", "application/gzip")
        .header(CONTENT_TYPE, "application/xml")
        .header(CONTENT_LENGTH, body.len())
        .body(body);
    let headers = send(request, timeout, BlobOperation::PutBlockList).await?;
    Ok(version_id(&headers))
}

/// The body of Put Block List: every id as `Latest` (the block just uploaded under it).
pub fn block_list_xml(block_ids: &[String]) -> String {
    let mut xml = String::from(r#"<?xml version="1.0" encoding="utf-8"?><BlockList>"#);
    for id in block_ids {
        xml.push_str("<Latest>");
        xml.push_str(id);
        xml.push_str("</Latest>");
    }
    xml.push_str("</BlockList>");
    xml
}

async fn send(
    request: reqwest::RequestBuilder,
    timeout: Duration,
    operation: BlobOperation,
) -> Result<HeaderMap, Failure> {
    let response = request
        .header("x-ms-version", BLOB_API_VERSION)
        .timeout(timeout)
        .send()
        .await
        .map_err(|error| transport(operation, error))?;
    let status = response.status();
    let headers = response.headers().clone();
    if status.is_success() {
        // Read the (empty) body so that the connection can be reused.
        response
            .bytes()
            .await
            .map_err(|error| transport(operation, error))?;
        return Ok(headers);
    }
    let code = headers
        .get("x-ms-error-code")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let error = BlobError::Status {
        operation,
        status: status.as_u16(),
        code,
    };
    let transient = status.is_server_error() || matches!(status.as_u16(), 408 | 429);
    Err(match transient {
        true => Failure::Transient(error),
        false => Failure::Permanent(error),
    })
}

/// A transport error (timeout, reset, refused): always worth another attempt.
fn transport(operation: BlobOperation, error: reqwest::Error) -> Failure {
    Failure::Transient(BlobError::Transport {
        operation,
        source: error.without_url(),
    })
}

fn version_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(VERSION_ID)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_refused_except_to_loopback() {
        assert!(BlobUrl::parse("https://acct.blob.core.windows.net/c/b?sig=x").is_ok());
        assert!(BlobUrl::parse("http://127.0.0.1:10000/devstoreaccount1/c/b").is_ok());
        assert!(BlobUrl::parse("http://[::1]:10000/a/c/b").is_ok());
        assert!(BlobUrl::parse("http://localhost:10000/a/c/b").is_ok());
        let refused = BlobUrl::parse("http://acct.blob.core.windows.net/c/b?sig=x");
        assert!(
            matches!(refused, Err(BlobError::InsecureUrl { ref host }) if host == "acct.blob.core.windows.net")
        );
        assert!(matches!(
            BlobUrl::parse("ftp://x/y"),
            Err(BlobError::InvalidUrl)
        ));
        assert!(matches!(
            BlobUrl::parse("not a url"),
            Err(BlobError::InvalidUrl)
        ));
    }

    #[test]
    fn a_url_debugs_without_its_signature() {
        let url = BlobUrl::parse("https://a.blob.core.windows.net/c/b?sv=1&sig=SECRET").unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("/c/b"), "{shown}");
    }

    #[test]
    fn the_block_list_names_every_block_in_order() {
        let xml = block_list_xml(&["QQ==".into(), "Qg==".into()]);
        assert_eq!(
            xml,
            r#"<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>QQ==</Latest><Latest>Qg==</Latest></BlockList>"#
        );
    }
}
