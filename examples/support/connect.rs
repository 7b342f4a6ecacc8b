//! How the job examples get a client: from the environment when `ASTRO_API_TOKEN` is set,
//! otherwise against a local sandbox started in-process (with a deployment to work on).

use std::process::ExitCode;

use astro_api::{Client, Org};
use astro_sandbox::Sandbox;

/// A client's organization, and the sandbox it talks to when there is no token.
pub struct Connection {
    /// The organization the example works in.
    pub org: Org,
    /// The local sandbox, kept alive for as long as the example runs (some examples only hold
    /// it).
    #[allow(dead_code)]
    pub sandbox: Option<Sandbox>,
}

/// Connects from the environment, or starts a sandbox (settling statuses after one read, so
/// waits are short) when `ASTRO_API_TOKEN` is unset.
pub async fn connect() -> Result<Connection, BoxError> {
    let real = std::env::var("ASTRO_API_TOKEN").is_ok_and(|token| !token.trim().is_empty());
    if real {
        let client = Client::from_env()?;
        let org = client.default_org()?;
        return Ok(Connection { org, sandbox: None });
    }
    let sandbox = Sandbox::builder()
        .settle_after(1)
        .start()
        .await
        .map_err(|error| format!("could not start the local sandbox: {error}"))?;
    eprintln!(
        "ASTRO_API_TOKEN is not set: running against a local sandbox at {}",
        sandbox.url()
    );
    let client = Client::builder()
        .token("sandbox")
        .base_url(sandbox.url())
        .organization_id(sandbox.organization_id())
        .build()?;
    let org = client.default_org()?;
    Ok(Connection {
        org,
        sandbox: Some(sandbox),
    })
}

/// Any error of an example's `main`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Prints an example's lines, or its error, and the exit code that goes with it.
pub fn exit(outcome: Result<Vec<String>, BoxError>) -> ExitCode {
    match outcome {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
