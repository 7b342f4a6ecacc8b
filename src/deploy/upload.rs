//! Uploading an archive file to a blob SAS URL: one Put Blob when it is small, otherwise
//! blocks of [`UploadOptions::block_size`] under ids unique to this upload, then one Put Block
//! List. Each request is retried on its own (a `5xx`, `408`, `429`, a timeout, a reset), so a
//! failed block is the only one sent again; memory holds one block at a time.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::{Bytes, BytesMut};
use tokio::io::AsyncReadExt;

use super::blob::{self, BlobUrl, Failure};
use super::error::BlobError;

/// How an archive is uploaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadOptions {
    /// Archives up to this size go in one Put Blob; larger ones in blocks. Default 8 MiB.
    pub single_put_limit: u64,
    /// The size of a block (the last may be smaller). Default 8 MiB; at most 4000 MiB.
    pub block_size: usize,
    /// Attempts per request, the first included. Default 5.
    pub max_attempts: u32,
    /// The time one request may take. Default 2 minutes.
    pub request_timeout: Duration,
    /// The pause after a failed attempt; it doubles with each further failure. Default 1 s.
    pub retry_delay: Duration,
    /// The time allowed to connect to the blob host. Default 10 s.
    pub connect_timeout: Duration,
}

impl Default for UploadOptions {
    fn default() -> Self {
        Self {
            single_put_limit: 8 << 20,
            block_size: 8 << 20,
            max_attempts: 5,
            request_timeout: Duration::from_secs(120),
            retry_delay: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// How far an upload has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadProgress {
    /// Bytes of the archive stored so far.
    pub sent: u64,
    /// The archive's size.
    pub total: u64,
}

/// Uploads `len` bytes of `file` to `url`; returns the blob's version id.
pub async fn upload(
    http: &reqwest::Client,
    url: &BlobUrl,
    file: tokio::fs::File,
    len: u64,
    options: &UploadOptions,
    progress: &(dyn Fn(UploadProgress) + Send + Sync),
) -> Result<String, BlobError> {
    let mut file = file;
    let version = if len <= options.single_put_limit {
        let body = read_block(&mut file, usize::try_from(len).unwrap_or(usize::MAX)).await?;
        let version = retried(options, || {
            blob::put_blob(http, url, body.clone(), options.request_timeout)
        })
        .await?;
        progress(UploadProgress {
            sent: len,
            total: len,
        });
        version
    } else {
        let block_size = options.block_size.max(1);
        let nonce = upload_nonce();
        let mut ids = Vec::new();
        let mut sent = 0u64;
        while sent < len {
            let want = usize::try_from(len - sent)
                .unwrap_or(usize::MAX)
                .min(block_size);
            let body = read_block(&mut file, want).await?;
            let id = block_id(nonce, ids.len());
            retried(options, || {
                blob::put_block(http, url, &id, body.clone(), options.request_timeout)
            })
            .await?;
            sent += body.len() as u64;
            ids.push(id);
            tracing::debug!(target: "astro_api::deploy", sent, total = len, blocks = ids.len(), "block stored");
            progress(UploadProgress { sent, total: len });
        }
        retried(options, || {
            blob::put_block_list(http, url, &ids, options.request_timeout)
        })
        .await?
    };
    version.ok_or(BlobError::MissingVersionId)
}

/// Reads exactly `len` bytes (the archive does not change while it is uploaded).
async fn read_block(file: &mut tokio::fs::File, len: usize) -> Result<Bytes, BlobError> {
    let mut buffer = BytesMut::zeroed(len);
    file.read_exact(&mut buffer)
        .await
        .map_err(BlobError::Read)?;
    Ok(buffer.freeze())
}

/// Runs one request until it succeeds, fails for good, or attempts run out.
async fn retried<T, F, Fut>(options: &UploadOptions, mut attempt: F) -> Result<T, BlobError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Failure>>,
{
    let attempts = options.max_attempts.max(1);
    let mut delay = options.retry_delay;
    let mut number = 1;
    loop {
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(Failure::Permanent(error)) => return Err(error),
            Err(Failure::Transient(error)) if number >= attempts => {
                return Err(BlobError::GaveUp {
                    attempts,
                    last: Box::new(error),
                });
            }
            Err(Failure::Transient(error)) => {
                tracing::warn!(target: "astro_api::deploy", attempt = number, %error, "upload request failed; retrying");
                tokio::time::sleep(delay).await;
                delay = delay.saturating_mul(2);
                number += 1;
            }
        }
    }
}

/// A number unique to one upload, so that two uploads to the same blob (parallel deploys)
/// never share a block id.
fn upload_nonce() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos()),
    );
    hasher.write_u32(std::process::id());
    hasher.finish()
}

/// The id of block `index` of an upload: base64 of `<nonce hex>-<index>`, the same length for
/// every block of a blob, as the service requires.
fn block_id(nonce: u64, index: usize) -> String {
    STANDARD.encode(format!("{nonce:016x}-{index:08}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_ids_are_unique_per_upload_and_of_one_length() {
        let (a, b) = (upload_nonce(), upload_nonce());
        assert_ne!(a, b);
        let ids: Vec<String> = (0..3).map(|i| block_id(a, i)).collect();
        assert!(ids.iter().all(|id| id.len() == ids[0].len()));
        assert_ne!(ids[0], ids[1]);
        assert_ne!(block_id(a, 0), block_id(b, 0));
        assert_eq!(
            STANDARD.decode(&ids[2]).unwrap(),
            format!("{a:016x}-00000002").as_bytes()
        );
    }
}
