//! The `Call` trait that every generated operation builder implements.

use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::Error;

/// An operation builder that can be sent, giving the decoded body or one [`Error`].
///
/// Generated for every operation of every generated crate:
/// `client.get_workspace().organization_id(o).workspace_id(w).call().await?`.
pub trait Call: Sized {
    /// The decoded success body (`()` for 204 responses).
    type Output;
    /// The operation id from the spec.
    const OPERATION_ID: &'static str;
    /// The HTTP method.
    const METHOD: &'static str;
    /// The path template.
    const PATH: &'static str;

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
