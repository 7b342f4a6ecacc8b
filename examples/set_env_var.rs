//! Change one environment variable of a deployment, keeping every other variable and every
//! secret (the service never returns secret values; this never sends an empty one).
//!
//! `cargo run --example set_env_var -- --deployment-id <id> --key LOG_LEVEL --value debug`
//! (`--secret` makes it a secret; `--remove` deletes it). Without `ASTRO_API_TOKEN` it runs
//! against a local sandbox, on a deployment it creates there.

#[path = "support/connect.rs"]
mod connect;

use std::process::ExitCode;

use astro_api::{Error, Org};
use clap::Parser;

/// Command-line options.
#[derive(Debug, Parser)]
pub struct Options {
    /// The deployment to change (default: one created in the sandbox).
    #[arg(long)]
    pub deployment_id: Option<String>,
    /// The variable's name.
    #[arg(long)]
    pub key: String,
    /// Its new value (not with `--remove`).
    #[arg(long, required_unless_present = "remove")]
    pub value: Option<String>,
    /// Store it as a secret.
    #[arg(long)]
    pub secret: bool,
    /// Remove the variable instead.
    #[arg(long, conflicts_with_all = ["value", "secret"])]
    pub remove: bool,
}

/// Applies the change; returns the variables the deployment has afterwards, as
/// `KEY=value`, with secrets shown as `KEY=<secret>`.
pub async fn run(org: &Org, deployment_id: &str, options: &Options) -> Result<Vec<String>, Error> {
    let value = options.value.as_deref().unwrap_or_default();
    if options.remove {
        org.remove_env_var(deployment_id, &options.key).await?;
    } else if options.secret {
        org.set_secret_env_var(deployment_id, &options.key, value)
            .await?;
    } else {
        org.set_env_var(deployment_id, &options.key, value).await?;
    }
    let deployment = org
        .get_deployment()
        .deployment_id(deployment_id)
        .call()
        .await?;
    Ok(deployment
        .environment_variables
        .iter()
        .map(
            |variable| match (&variable.value, variable.is_secret == Some(true)) {
                (_, true) => format!("{}=<secret>", variable.key),
                (Some(value), false) => format!("{}={value}", variable.key),
                (None, false) => format!("{}=", variable.key),
            },
        )
        .collect())
}

#[tokio::main]
async fn main() -> ExitCode {
    connect::exit(start(Options::parse()).await)
}

/// The example's job with its errors, for `main`.
async fn start(options: Options) -> Result<Vec<String>, connect::BoxError> {
    let connection = connect::connect().await?;
    let deployment = match (&options.deployment_id, &connection.sandbox) {
        (Some(id), _) => id.clone(),
        (None, Some(sandbox)) => {
            let deployments = format!(
                "/v1/organizations/{}/deployments",
                sandbox.organization_id()
            );
            let seeded = sandbox.seed(
                &deployments,
                serde_json::json!({"type": "STANDARD", "workerQueues": []}),
            )?;
            seeded["id"].as_str().unwrap_or_default().to_string()
        }
        (None, None) => return Err("--deployment-id is required against the real service".into()),
    };
    Ok(run(&connection.org, &deployment, &options).await?)
}
