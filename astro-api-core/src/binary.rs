//! Operations whose success body is not JSON (a file, such as the gzip NDJSON of audit logs):
//! `call()` gives the body's bytes, as sent (the runtime has already capped their size).

use bytes::{Bytes, BytesMut};
use futures::TryStreamExt;
use progenitor_client::{ByteStream, ResponseValue};

use crate::Error;
use crate::operation::Operation;

/// Sends one generated request whose success body is a byte stream and reads it whole.
pub async fn run_bytes(
    operation: &'static Operation,
    send: impl Future<Output = Result<ResponseValue<ByteStream>, progenitor_client::Error<()>>>,
) -> Result<Bytes, Error> {
    let stream = send
        .await
        .map_err(|error| Error::from(error).with_operation(operation.id))?
        .into_inner();
    let body = stream
        .into_inner()
        .try_fold(BytesMut::new(), |mut body, chunk| async move {
            body.extend_from_slice(&chunk);
            Ok(body)
        })
        .await
        .map_err(|error| {
            Error::from(progenitor_client::Error::<()>::from(error)).with_operation(operation.id)
        })?;
    Ok(body.freeze())
}
