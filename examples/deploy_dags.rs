//! Deploy a DAGs folder (or print what an image deploy needs), with a progress bar.
//!
//! `cargo run --example deploy_dags -- --deployment-id <id> ./dags`
//!
//! With `ASTRO_API_TOKEN` set it deploys to Astro. Without it, it runs everything locally: it
//! starts Azurite (install it once with `npm ci --prefix tools/azurite`), the sandbox's blob
//! proxy in front of it (for the version ids Azurite lacks) and a sandbox whose upload URLs
//! point there, and deploys to a deployment it seeds.
//!
//! `--image` creates an image deploy instead and prints the commands that build, push and
//! finalize it (this crate has no Docker dependency).

#[path = "support/connect.rs"]
mod connect;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use astro_api::deploy::{DeployError, DeployProgress, REGISTRY_USERNAME, UploadOptions};
use astro_api::platform::types::Deploy;
use astro_api::wait::WaitOptions;
use astro_api::{Client, Org};
use astro_sandbox::Sandbox;
use astro_sandbox::blob::{Azurite, BlobProxy};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

/// Command-line options.
#[derive(Debug, Parser)]
pub struct Options {
    /// The deployment to deploy to (default: the local sandbox's seeded deployment).
    #[arg(long)]
    pub deployment_id: Option<String>,
    /// The folder to deploy.
    #[arg(default_value = "dags")]
    pub folder: PathBuf,
    /// The deploy's description.
    #[arg(long)]
    pub description: Option<String>,
    /// Extra ignore patterns (gitignore syntax), besides `.astroignore`.
    #[arg(long)]
    pub ignore: Vec<String>,
    /// The size of an upload block, in KiB (larger archives go in blocks).
    #[arg(long, default_value_t = 8192)]
    pub block_kib: usize,
    /// Return once finalized, without waiting for DEPLOYED.
    #[arg(long)]
    pub no_wait: bool,
    /// The longest to wait for DEPLOYED, in seconds.
    #[arg(long, default_value_t = 1800)]
    pub timeout: u64,
    /// Create an image deploy and print how to push the image, instead of deploying the folder.
    #[arg(long)]
    pub image: bool,
}

/// Deploys `options.folder` to `deployment_id`, telling `progress` about each step.
pub async fn run(
    org: &Org,
    deployment_id: &str,
    options: &Options,
    progress: impl Fn(&DeployProgress) + Send + Sync + 'static,
) -> Result<Deploy, DeployError> {
    let block = options.block_kib.max(1) << 10;
    let upload = UploadOptions {
        single_put_limit: block as u64,
        block_size: block,
        ..UploadOptions::default()
    };
    let mut request = org
        .deploy_dags(deployment_id, &options.folder)
        .upload_options(upload)
        .on_progress(progress);
    for pattern in &options.ignore {
        request = request.ignore(pattern);
    }
    if let Some(description) = &options.description {
        request = request.description(description);
    }
    request = match options.no_wait {
        true => request.no_wait(),
        false => request.wait(WaitOptions {
            timeout: Duration::from_secs(options.timeout),
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(15),
        }),
    };
    request.await
}

/// Creates an image deploy and returns the shell commands that finish it.
pub async fn image_commands(org: &Org, deployment_id: &str) -> Result<Vec<String>, DeployError> {
    let (deploy, image) = org.create_image_deploy(deployment_id, None).await?;
    let reference = image.reference();
    Ok(vec![
        format!(
            "echo \"$ASTRO_API_TOKEN\" | docker login {} --username {REGISTRY_USERNAME} --password-stdin",
            image.registry
        ),
        format!("docker build --platform linux/amd64 -t {reference} ."),
        format!("docker push {reference}"),
        format!(
            "# then finalize deploy {} of deployment {deployment_id} (FinalizeDeploy, no tarball version)",
            deploy.id
        ),
    ])
}

/// What runs locally when there is no token: Azurite, the proxy and a sandbox using them.
struct Local {
    _azurite: Azurite,
    _proxy: BlobProxy,
    _sandbox: Sandbox,
}

/// Starts the local blob server, proxy and sandbox, with a seeded deployment.
async fn local() -> Result<(Local, Org, String), connect::BoxError> {
    let azurite = Azurite::start().await?;
    azurite.create_container("deploys").await?;
    let proxy = BlobProxy::start(azurite.origin()).await?;
    let container = format!("{}/{}/deploys", proxy.url(), azurite.account().name());
    let sandbox = Sandbox::builder()
        .settle_after(1)
        .blob_endpoint(container)
        .start()
        .await?;
    eprintln!(
        "ASTRO_API_TOKEN is not set: deploying to a local sandbox at {} and Azurite at {}",
        sandbox.url(),
        azurite.origin()
    );
    let deployments = format!(
        "/v1/organizations/{}/deployments",
        sandbox.organization_id()
    );
    let seeded = sandbox.seed(&deployments, serde_json::json!({"name": "local"}))?;
    let deployment_id = seeded["id"].as_str().unwrap_or_default().to_string();
    let client = Client::builder()
        .token("sandbox")
        .base_url(sandbox.url())
        .organization_id(sandbox.organization_id())
        .build()?;
    let org = client.default_org()?;
    let local = Local {
        _azurite: azurite,
        _proxy: proxy,
        _sandbox: sandbox,
    };
    Ok((local, org, deployment_id))
}

/// A progress bar over the upload, with the steps as its message.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    let style = ProgressStyle::with_template("{msg:24} [{bar:30}] {bytes}/{total_bytes}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar
}

#[tokio::main]
async fn main() -> ExitCode {
    connect::exit(start(Options::parse()).await)
}

/// The example's job with its errors, for `main`: the lines to print at the end.
async fn start(options: Options) -> Result<Vec<String>, connect::BoxError> {
    let real = std::env::var("ASTRO_API_TOKEN").is_ok_and(|token| !token.trim().is_empty());
    // `_local` keeps the local servers running until the end.
    let (_local, org, deployment_id) = if real {
        let connection = connect::connect().await?;
        let id = options
            .deployment_id
            .clone()
            .ok_or("--deployment-id is required against the real service")?;
        (None, connection.org, id)
    } else {
        let (local, org, seeded) = local().await?;
        let id = options.deployment_id.clone().unwrap_or(seeded);
        (Some(local), org, id)
    };
    if options.image {
        return Ok(image_commands(&org, &deployment_id).await?);
    }
    let bar = progress_bar();
    let shown = bar.clone();
    let result = run(&org, &deployment_id, &options, move |event| match event {
        DeployProgress::Packed { bytes, files } => {
            shown.set_length(*bytes);
            shown.set_message(format!("packed {files} files"));
        }
        DeployProgress::Created { deploy_id } => shown.set_message(format!("deploy {deploy_id}")),
        DeployProgress::Uploaded(sent) => {
            shown.set_message("uploading");
            shown.set_position(sent.sent);
        }
        DeployProgress::Finalized { .. } => shown.set_message("finalized"),
        DeployProgress::Status(status) => shown.set_message(status.clone()),
        _ => {}
    })
    .await;
    bar.finish();
    let deploy = result?;
    let status = deploy.status.as_ref().map_or("(no status)", |s| s.as_str());
    let version = deploy.dag_tarball_version.as_deref().unwrap_or("-");
    Ok(vec![format!(
        "deploy {} is {status} (DAG tarball version {version})",
        deploy.id
    )])
}
