//! Rotating the client's own API token: `RotateApiToken`, then the new value swapped into the
//! running client, so that it and its clones go on working with the token that replaced theirs.

use astro_api_core::Error;
use astro_iam::types::ApiToken;

use crate::client::Org;

impl Org {
    /// Rotates the API token `token_id`, which must be the token this client authenticates
    /// with, and makes the client (every clone and every [`Org`] of it) use the new value from
    /// the next request on. Returns the rotated token, whose `token` field holds the new value:
    /// store it wherever the old one was kept.
    ///
    /// The rotation is not retried (a repeat would rotate again). If the answer carries no
    /// usable token value, the error says so and the client keeps the old token, which the
    /// service has already revoked.
    pub async fn rotate_own_token(&self, token_id: &str) -> Result<ApiToken, Error> {
        let rotated = self.rotate_api_token().token_id(token_id).call().await?;
        let value = token_value(&rotated).ok_or_else(|| {
            Error::invalid_request(
                "RotateApiToken answered without a token value: the client keeps its old token",
            )
            .with_operation("RotateApiToken")
        })?;
        self.client().set_token(value).map_err(|error| {
            Error::invalid_request(format!(
                "the rotated token cannot be used, the client keeps its old token: {error}"
            ))
            .with_operation("RotateApiToken")
        })?;
        Ok(rotated)
    }
}

/// The secret value of an API token, as the generated type holds it.
fn token_value(token: &ApiToken) -> Option<&str> {
    token
        .token
        .as_ref()
        .map(astro_api_core::SecretString::expose)
}
