//! The `Call` trait that every generated operation builder implements, and the step that turns
//! a generated `send()` into the decoded body or one [`Error`].

use futures::FutureExt as _;
use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::operation::Operation;
use crate::response_meta::{self, ResponseMeta};

/// Sends one generated request (`builder.send()`) and turns its result into the body or an
/// [`Error`] tagged with the operation. This is what every generated `call()` runs.
///
/// A decode error also keeps the response's status and request id: progenitor's `send()`
/// decodes the body after the runtime has handed the response over and keeps neither, so the
/// runtime leaves them in a task-local slot that lives as long as this future (no allocation;
/// the slot, a few words, is swapped in and out on each poll).
///
/// Not an `async fn`: each async layer around `send` would keep its own copy of the (several
/// kilobyte) `send` future, and every `.await` of the call would move them all. The future
/// returned here is `send` plus a few words.
pub fn run<T: DeserializeOwned>(
    operation: &'static Operation,
    send: impl Future<Output = Result<ResponseValue<T>, progenitor_client::Error<()>>>,
) -> impl Future<Output = Result<T, Error>> {
    response_meta::scope(send).map(move |(result, meta)| conclude(operation.id, result, meta))
}

/// An operation builder that can be sent, giving the decoded body or one [`Error`], for code
/// that is generic over operations.
///
/// Every builder of every generated crate implements it, and also has the same `call()` as an
/// inherent method, so that `client.get_workspace().workspace_id(w).call().await?` needs no
/// import.
pub trait Call: Sized {
    /// The decoded success body (`()` for 204 responses).
    type Output;
    /// The operation: its id, method, path and retry and pagination facts.
    const OPERATION: &'static Operation;

    /// Sends the request and decodes the response.
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send;
}

/// Turns a generated method's result into the body or an [`Error`] tagged with the operation,
/// for results obtained outside [`run`] (a decode error then has no status or request id).
///
/// When the body does not decode, it is decoded again to name the field that failed.
pub fn finish<T: DeserializeOwned>(
    operation_id: &'static str,
    result: Result<ResponseValue<T>, progenitor_client::Error<()>>,
) -> Result<T, Error> {
    conclude(operation_id, result, None)
}

fn conclude<T: DeserializeOwned>(
    operation_id: &'static str,
    result: Result<ResponseValue<T>, progenitor_client::Error<()>>,
    meta: Option<ResponseMeta>,
) -> Result<T, Error> {
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(progenitor_client::Error::InvalidResponsePayload(body, cause)) => {
            let mut deserializer = serde_json::Deserializer::from_slice(&body);
            let path = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                Err(traced) => Some(traced.path().to_string()),
                Ok(_) => None,
            };
            Err(Error::decode(&body, path, &cause, meta).with_operation(operation_id))
        }
        Err(other) => Err(Error::from(other).with_operation(operation_id)),
    }
}
