//! The `Call` trait that every generated operation builder implements.

use std::cell::RefCell;

use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::operation::Operation;

tokio::task_local! {
    /// The status and request id of the last response of the call running in this task, set by
    /// the runtime, so that a body that fails to decode can still report them.
    static LAST_RESPONSE: RefCell<Option<ResponseMeta>>;
}

/// What a decode error needs to know of the response whose body failed.
#[derive(Clone)]
pub(crate) struct ResponseMeta {
    pub status: StatusCode,
    pub request_id: Option<String>,
    /// The call's bearer token, to redact should the body have echoed it.
    pub token: Option<String>,
}

/// Records the final response of an attempt for the call running in this task, if any.
pub(crate) fn record_response(status: StatusCode, request_id: Option<&str>, token: Option<&[u8]>) {
    let meta = ResponseMeta {
        status,
        request_id: request_id.map(str::to_string),
        token: token.map(|t| String::from_utf8_lossy(t).into_owned()),
    };
    let _ = LAST_RESPONSE.try_with(|slot| *slot.borrow_mut() = Some(meta));
}

/// Sends one generated request (`builder.send()`) and turns its result into the body or an
/// [`Error`] tagged with the operation; a decode error also keeps the response's status and
/// request id. This is what every generated `Call::call` runs.
pub async fn run<T: DeserializeOwned>(
    operation: &'static Operation,
    send: impl Future<Output = Result<ResponseValue<T>, progenitor_client::Error<()>>>,
) -> Result<T, Error> {
    LAST_RESPONSE
        .scope(RefCell::new(None), async move {
            let result = send.await;
            let meta = LAST_RESPONSE.with(|slot| slot.borrow_mut().take());
            finish(operation.id, result).map_err(|error| match meta {
                Some(meta) => error.with_response_meta(meta),
                None => error,
            })
        })
        .await
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

/// Turns a generated method's result into the body or an [`Error`] tagged with the operation.
///
/// When the body does not decode, it is decoded again to name the field that failed.
pub fn finish<T: DeserializeOwned>(
    operation_id: &'static str,
    result: Result<ResponseValue<T>, progenitor_client::Error<()>>,
) -> Result<T, Error> {
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(progenitor_client::Error::InvalidResponsePayload(body, cause)) => {
            let mut deserializer = serde_json::Deserializer::from_slice(&body);
            let path = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                Err(traced) => Some(traced.path().to_string()),
                Ok(_) => None,
            };
            Err(Error::decode(&body, path, &cause).with_operation(operation_id))
        }
        Err(other) => Err(Error::from(other).with_operation(operation_id)),
    }
}
