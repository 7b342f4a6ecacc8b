//! Create a standard deployment and wait until it is healthy, printing each state.
//!
//! `cargo run --example create_deployment -- --workspace-id <id> --name etl`
//! (without `ASTRO_API_TOKEN` it runs against a local sandbox and its seeded workspace).

#[path = "support/connect.rs"]
mod connect;

use std::process::ExitCode;
use std::time::Duration;

use astro_api::Org;
use astro_api::platform::types::{CreateDeploymentRequest, Deployment};
use clap::Parser;

/// Command-line options.
#[derive(Debug, Parser)]
pub struct Options {
    /// The workspace to create the deployment in (default: the sandbox's workspace).
    #[arg(long)]
    pub workspace_id: Option<String>,
    /// The deployment's name.
    #[arg(long, default_value = "etl")]
    pub name: String,
    /// The cloud region of the standard cluster.
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
    /// The longest to wait, in seconds.
    #[arg(long, default_value_t = 1800)]
    pub timeout: u64,
}

/// Creates the deployment and waits for it; `say` gets each line of progress.
pub async fn run(
    org: &Org,
    workspace_id: &str,
    options: &Options,
    say: impl Fn(String) + Clone + Send + Sync + 'static,
) -> Result<Deployment, Box<dyn std::error::Error + Send + Sync>> {
    let request: CreateDeploymentRequest = serde_json::from_value(serde_json::json!({
        "type": "STANDARD",
        "name": options.name,
        "workspaceId": workspace_id,
        "cloudProvider": "AWS",
        "region": options.region,
        "executor": "CELERY",
        "schedulerSize": "SMALL",
        "isHighAvailability": false,
        "isCicdEnforced": false,
        "isDagDeployEnabled": true,
        "isDevelopmentMode": false,
    }))?;
    let created = org.create_deployment().body(request).call().await?;
    say(format!(
        "created deployment {} ({})",
        created.name, created.id
    ));
    let progress = say.clone();
    let ready = org
        .wait_for_deployment(&created.id)
        .timeout(Duration::from_secs(options.timeout))
        .on_progress(move |step| progress(step.to_string()))
        .await?;
    let status = ready.status.as_ref().map_or("(no status)", |s| s.as_str());
    say(format!("{} is {status}", ready.name));
    Ok(ready)
}

#[tokio::main]
async fn main() -> ExitCode {
    connect::exit(start(Options::parse()).await)
}

/// The example's job with its errors, for `main`.
async fn start(options: Options) -> Result<Vec<String>, connect::BoxError> {
    let connection = connect::connect().await?;
    let workspace = match (&options.workspace_id, &connection.sandbox) {
        (Some(id), _) => id.clone(),
        (None, Some(sandbox)) => sandbox.workspace_id().to_string(),
        (None, None) => return Err("--workspace-id is required against the real service".into()),
    };
    run(&connection.org, &workspace, &options, |line| {
        println!("{line}")
    })
    .await?;
    Ok(Vec::new())
}
