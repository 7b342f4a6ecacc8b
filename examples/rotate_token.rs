//! Rotate an API token. With `--own`, the token is the one this client runs with: the new value
//! is swapped into the running client, which goes on working, while the old value stops
//! working at once.
//!
//! `cargo run --example rotate_token -- --token-id <id> [--own]`. Without `ASTRO_API_TOKEN` it
//! runs against a local sandbox that checks tokens: it creates a token there, connects with
//! it, and rotates it with `--own`.

use std::process::ExitCode;

use astro_api::iam::types::CreateApiTokenRequest;
use astro_api::{Client, Error, Org};
use astro_sandbox::Sandbox;
use clap::Parser;

/// Command-line options.
#[derive(Debug, Parser)]
pub struct Options {
    /// The token to rotate (its id, not its value). Required against the real service.
    #[arg(long)]
    pub token_id: Option<String>,
    /// The token is the one this client uses: swap the new value in.
    #[arg(long)]
    pub own: bool,
}

/// Rotates `token_id`; with `own`, swaps the new value into the client and checks that it
/// still works. Returns a line saying what happened (never the token's value).
pub async fn run(org: &Org, token_id: &str, own: bool) -> Result<String, Error> {
    let rotated = if own {
        let rotated = org.rotate_own_token(token_id).await?;
        org.list_workspaces().call().await?;
        rotated
    } else {
        org.rotate_api_token().token_id(token_id).call().await?
    };
    let ending = rotated.short_token.as_str();
    Ok(match own {
        true => format!(
            "rotated token {token_id} (now …{ending}); this client switched to the new value and still works"
        ),
        false => format!("rotated token {token_id} (now …{ending}); update wherever it is stored"),
    })
}

/// Against a sandbox that accepts only its admin token and the tokens it issues: creates an
/// organization token and returns a client that uses it, and the token's id.
async fn sandbox_token_client(sandbox: &Sandbox, admin: &str) -> Result<(Org, String), Error> {
    let connect = |token: &str| {
        Client::builder()
            .token(token)
            .base_url(sandbox.url())
            .organization_id(sandbox.organization_id())
            .build()
            .map_err(|error| Error::invalid_request(error.to_string()))
    };
    let request: CreateApiTokenRequest = serde_json::from_value(serde_json::json!({
        "name": "rotated by the example", "role": "ORGANIZATION_OWNER", "scope": "ORGANIZATION",
    }))
    .map_err(|error| Error::invalid_request(error.to_string()))?;
    let admin = connect(admin)?.default_org()?;
    let created = admin.create_api_token().body(request).call().await?;
    let value = created
        .token
        .as_ref()
        .map(astro_api::SecretString::expose)
        .ok_or_else(|| Error::invalid_request("the created token has no value"))?;
    Ok((connect(value)?.default_org()?, created.id))
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    let real = std::env::var("ASTRO_API_TOKEN").is_ok_and(|token| !token.trim().is_empty());
    let outcome = if real {
        let org = Client::from_env()
            .map_err(|error| Error::invalid_request(error.to_string()))
            .and_then(|client| client.default_org());
        match (org, &options.token_id) {
            (Ok(org), Some(id)) => run(&org, id, options.own).await,
            (Err(error), _) => Err(error),
            (_, None) => Err(Error::invalid_request("--token-id is required")),
        }
    } else {
        const ADMIN: &str = "sandbox-admin-token";
        match Sandbox::builder().token(ADMIN).start().await {
            Ok(sandbox) => {
                eprintln!(
                    "ASTRO_API_TOKEN is not set: running against a local sandbox at {}",
                    sandbox.url()
                );
                match sandbox_token_client(&sandbox, ADMIN).await {
                    Ok((org, id)) => run(&org, &id, true).await,
                    Err(error) => Err(error),
                }
            }
            Err(error) => Err(Error::invalid_request(format!(
                "could not start the sandbox: {error}"
            ))),
        }
    };
    match outcome {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
