//! How the job examples get a client: from the environment when `ASTRO_API_TOKEN` is set,
//! otherwise against a local sandbox started in-process (with a deployment to work on).

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
pub async fn connect() -> Result<Connection, String> {
    let real = std::env::var("ASTRO_API_TOKEN").is_ok_and(|token| !token.trim().is_empty());
    if real {
        let client = Client::from_env().map_err(|error| error.to_string())?;
        let org = client.default_org().map_err(|error| error.to_string())?;
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
        .build()
        .map_err(|error| error.to_string())?;
    let org = client.default_org().map_err(|error| error.to_string())?;
    Ok(Connection {
        org,
        sandbox: Some(sandbox),
    })
}
