//! A `Deployment` as the `UpdateDeploymentRequest` that keeps it unchanged, and
//! `Org::update_deployment_with`.

use astro_api_core::Error;
use astro_platform::types::{
    Deployment, UpdateDedicatedDeploymentRequest, UpdateDeploymentRequest,
    UpdateHybridDeploymentRequest, UpdateStandardDeploymentRequest,
};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::project;
use crate::Org;

/// Request fields whose value a `Deployment` holds under another name.
const RENAMED: [(&str, &str); 2] = [
    ("effectiveWorkloadIdentity", "workloadIdentity"),
    ("effectiveDRWorkloadIdentity", "drWorkloadIdentity"),
];

/// The update request that leaves `deployment` as it is: every field the request has is
/// taken from the deployment (by name, so a field added upstream to both is carried over after
/// a regen), the workload identities from `effectiveWorkloadIdentity` and
/// `effectiveDRWorkloadIdentity`, a hybrid deployment's `scheduler` from `schedulerAu` and
/// `schedulerReplicas`. Secret environment variables are sent without a value, which keeps
/// the stored one (the API never returns it).
///
/// Fails, before anything is sent, when the deployment lacks a field the request requires
/// (the error names it) or has a `type` this version does not know.
pub fn update_request(deployment: &Deployment) -> Result<UpdateDeploymentRequest, Error> {
    let fail = |problem: String| {
        Error::invalid_request(format!(
            "cannot make an update request from deployment {}: {problem}",
            deployment.id
        ))
    };
    let mut fields = match serde_json::to_value(deployment) {
        Ok(Value::Object(fields)) => fields,
        Ok(_) | Err(_) => return Err(fail("it does not serialise as an object".into())),
    };
    for (from, to) in RENAMED {
        if let Some(value) = fields.remove(from) {
            fields.entry(to).or_insert(value);
        }
    }
    keep_secrets(&mut fields);
    let kind = fields.get("type").and_then(Value::as_str).unwrap_or("");
    match kind {
        "STANDARD" => fit::<UpdateStandardDeploymentRequest>(fields).map(Into::into),
        "DEDICATED" => fit::<UpdateDedicatedDeploymentRequest>(fields).map(Into::into),
        "HYBRID" => {
            let scheduler = json!({
                "au": fields.get("schedulerAu"),
                "replicas": fields.get("schedulerReplicas"),
            });
            fields.insert("scheduler".into(), scheduler);
            fit::<UpdateHybridDeploymentRequest>(fields).map(Into::into)
        }
        "" => Err("it has no `type`".to_string()),
        other => Err(format!("its type `{other}` is unknown to this version")),
    }
    .map_err(fail)
}

/// Secret variables lose their (absent) value, so the service keeps the stored one.
fn keep_secrets(fields: &mut Map<String, Value>) {
    let Some(Value::Array(variables)) = fields.get_mut("environmentVariables") else {
        return;
    };
    for variable in variables.iter_mut().filter_map(Value::as_object_mut) {
        if variable.get("isSecret") == Some(&Value::Bool(true)) {
            variable.remove("value");
        }
    }
}

/// `fields` fitted to the request type `R`: undeclared fields dropped, then decoded; a
/// failure names the field.
fn fit<R: JsonSchema + DeserializeOwned>(fields: Map<String, Value>) -> Result<R, String> {
    let schema = schemars::schema_for!(R).to_value();
    let fitted = project(&Value::Object(fields), &schema, &schema);
    serde_path_to_error::deserialize(fitted).map_err(|error| match error.path().to_string() {
        path if path == "." => error.inner().to_string(),
        path => format!("{path}: {}", error.inner()),
    })
}

impl Org {
    /// Reads a deployment, turns it into the update request that keeps it as it is
    /// ([`update_request`]), lets `edit` change it, and writes it back. Returns the updated
    /// deployment. `edit` can stop the update by returning an error, which is returned as it
    /// is, with nothing sent.
    ///
    /// The last write wins: see [the module docs](crate::update) for what happens when
    /// someone else changes the deployment in between.
    ///
    /// ```no_run
    /// # async fn run(org: astro_api::Org) -> Result<(), astro_api::Error> {
    /// use astro_api::update::EnvironmentVariables;
    /// let updated = org
    ///     .update_deployment_with("cldeployment1", |request| {
    ///         request.set_env_var("LOG_LEVEL", "debug")?;
    ///         request.remove_env_var("OLD_FLAG");
    ///         Ok(())
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_deployment_with(
        &self,
        deployment_id: &str,
        edit: impl FnOnce(&mut UpdateDeploymentRequest) -> Result<(), Error>,
    ) -> Result<Deployment, Error> {
        let written = self
            .edit_deployment(deployment_id, |request| edit(request).map(|()| true))
            .await?;
        written.ok_or_else(|| Error::invalid_request("the update was not written"))
    }

    /// Reads, converts and lets `edit` change the request; writes it when `edit` answers
    /// `true` and returns the updated deployment, or `None` when nothing needed writing.
    pub(crate) async fn edit_deployment(
        &self,
        deployment_id: &str,
        edit: impl FnOnce(&mut UpdateDeploymentRequest) -> Result<bool, Error>,
    ) -> Result<Option<Deployment>, Error> {
        let deployment = self
            .get_deployment()
            .deployment_id(deployment_id)
            .call()
            .await?;
        let mut request = update_request(&deployment)?;
        if !edit(&mut request)? {
            return Ok(None);
        }
        self.update_deployment()
            .deployment_id(deployment_id)
            .body(request)
            .call()
            .await
            .map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of every update request is filled from the deployment: by the same name,
    /// by a rename, or (`scheduler`) built. A regen that adds a request field the deployment
    /// does not have fails here, instead of silently resetting it on every update.
    #[test]
    fn every_request_field_has_a_source() {
        let deployment = schemars::schema_for!(Deployment).to_value();
        let readable: Vec<&str> = deployment["properties"]
            .as_object()
            .expect("Deployment is an object schema")
            .keys()
            .map(String::as_str)
            .collect();
        let requests = [
            schemars::schema_for!(UpdateStandardDeploymentRequest).to_value(),
            schemars::schema_for!(UpdateDedicatedDeploymentRequest).to_value(),
            schemars::schema_for!(UpdateHybridDeploymentRequest).to_value(),
        ];
        for request in &requests {
            for field in request["properties"].as_object().unwrap().keys() {
                let renamed = RENAMED.iter().any(|(_, to)| to == field);
                let built = field == "scheduler";
                assert!(
                    readable.contains(&field.as_str()) || renamed || built,
                    "{} has `{field}`, which update_request cannot fill from a Deployment",
                    request["title"]
                );
            }
        }
    }
}
