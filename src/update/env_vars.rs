//! Editing a deployment's environment variables without losing a secret.
//!
//! The service never returns a secret variable's value. A request that sends a secret
//! variable without a value keeps the stored value; one that sends `""` overwrites it with
//! nothing. [`update_request`](super::update_request) sends every secret without a value, and
//! these edits never put an empty value into a secret.

use astro_api_core::Error;
use astro_platform::types::{DeploymentEnvironmentVariableRequest, UpdateDeploymentRequest};

use crate::Org;

/// Edits of the environment variables of an update request.
pub trait EnvironmentVariables {
    /// The request's variables, in order.
    fn env_vars(&self) -> &[DeploymentEnvironmentVariableRequest];

    /// The request's variables, to edit by hand.
    fn env_vars_mut(&mut self) -> &mut Vec<DeploymentEnvironmentVariableRequest>;

    /// Sets a plain (not secret) variable, adding it or replacing its value. Refused for a
    /// variable that is secret: making it plain would show its value to everyone who can read
    /// the deployment (remove it first if that is what you want).
    fn set_env_var(&mut self, key: &str, value: &str) -> Result<(), Error> {
        check_key(key)?;
        let variables = self.env_vars_mut();
        match variables.iter_mut().find(|variable| variable.key == key) {
            Some(variable) if variable.is_secret => Err(Error::invalid_request(format!(
                "environment variable {key} is secret; set it with set_secret_env_var, or \
                 remove it before making it plain"
            ))),
            Some(existing) => {
                *existing = variable(key, value, false)?;
                Ok(())
            }
            None => {
                variables.push(variable(key, value, false)?);
                Ok(())
            }
        }
    }

    /// Sets a secret variable, adding it, replacing its value, or making a plain variable
    /// secret. An empty value is refused: sent to the service it would erase the secret.
    fn set_secret_env_var(&mut self, key: &str, value: &str) -> Result<(), Error> {
        check_key(key)?;
        if value.is_empty() {
            return Err(Error::invalid_request(format!(
                "the new value of secret environment variable {key} is empty; an empty value \
                 would erase the stored secret (use remove_env_var to delete the variable)"
            )));
        }
        let new = variable(key, value, true)?;
        let variables = self.env_vars_mut();
        match variables.iter_mut().find(|variable| variable.key == key) {
            Some(existing) => *existing = new,
            None => variables.push(new),
        }
        Ok(())
    }

    /// Removes a variable; `false` if the request had none of that name.
    fn remove_env_var(&mut self, key: &str) -> bool {
        let variables = self.env_vars_mut();
        let before = variables.len();
        variables.retain(|variable| variable.key != key);
        variables.len() != before
    }
}

impl EnvironmentVariables for UpdateDeploymentRequest {
    fn env_vars(&self) -> &[DeploymentEnvironmentVariableRequest] {
        match self {
            Self::StandardDeploymentRequest(request) => &request.environment_variables,
            Self::DedicatedDeploymentRequest(request) => &request.environment_variables,
            Self::HybridDeploymentRequest(request) => &request.environment_variables,
        }
    }

    fn env_vars_mut(&mut self) -> &mut Vec<DeploymentEnvironmentVariableRequest> {
        match self {
            Self::StandardDeploymentRequest(request) => &mut request.environment_variables,
            Self::DedicatedDeploymentRequest(request) => &mut request.environment_variables,
            Self::HybridDeploymentRequest(request) => &mut request.environment_variables,
        }
    }
}

/// A variable of the request (decoded from its JSON, which does not depend on how the
/// generated type spells its fields).
fn variable(
    key: &str,
    value: &str,
    secret: bool,
) -> Result<DeploymentEnvironmentVariableRequest, Error> {
    let json = serde_json::json!({ "key": key, "value": value, "isSecret": secret });
    serde_json::from_value(json)
        .map_err(|error| Error::invalid_request(format!("environment variable {key}: {error}")))
}

/// A key the service can store: not empty, no `=` and no white space or control characters.
fn check_key(key: &str) -> Result<(), Error> {
    let valid = !key.is_empty() && key.chars().all(|c| c.is_ascii_graphic() && c != '=');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid_request(format!(
            "{key:?} is not a valid environment variable name (it must be non-empty, without \
             `=`, spaces or control characters)"
        )))
    }
}

impl Org {
    /// Sets one plain environment variable of a deployment, keeping every other variable and
    /// every secret as it is. See [`EnvironmentVariables::set_env_var`].
    pub async fn set_env_var(
        &self,
        deployment_id: &str,
        key: &str,
        value: &str,
    ) -> Result<(), Error> {
        check_key(key)?;
        self.update_deployment_with(deployment_id, |request| request.set_env_var(key, value))
            .await
            .map(drop)
    }

    /// Sets one secret environment variable of a deployment, keeping every other variable and
    /// every other secret as it is. See [`EnvironmentVariables::set_secret_env_var`].
    pub async fn set_secret_env_var(
        &self,
        deployment_id: &str,
        key: &str,
        value: &str,
    ) -> Result<(), Error> {
        check_key(key)?;
        if value.is_empty() {
            return Err(Error::invalid_request(format!(
                "the new value of secret environment variable {key} is empty"
            )));
        }
        self.update_deployment_with(deployment_id, |request| {
            request.set_secret_env_var(key, value)
        })
        .await
        .map(drop)
    }

    /// Removes one environment variable of a deployment, keeping the others; `false` (and
    /// nothing written) when it has no variable of that name.
    pub async fn remove_env_var(&self, deployment_id: &str, key: &str) -> Result<bool, Error> {
        let written = self
            .edit_deployment(deployment_id, |request| Ok(request.remove_env_var(key)))
            .await?;
        Ok(written.is_some())
    }
}
