//! Astronomer's "Get started with the Astro API" guide, in Rust.
//!
//! 1. List the organizations the token can see and take one (or use `ASTRO_ORGANIZATION_ID`).
//! 2. Find a workspace of that organization by name.
//! 3. Create a workspace API token, update its description, and read it back.
//!
//! With `ASTRO_API_TOKEN` set it talks to the real service (configured like
//! `astro_api::Client::from_env`); without it, it starts the local sandbox (`astro-sandbox`)
//! in-process and runs against that. It uses the Astro API v1 (`/v1/organizations/...`);
//! `--api-version v1beta1` runs the guide as first written, on the deprecated v1beta1 APIs
//! (built with the `v1beta1` feature). Run it with `cargo xtask walkthrough -- --help`.

use std::fmt;
use std::process::ExitCode;

use astro_api::Client;
use astro_api::iam::enums::CreateApiTokenRequestScope;
use astro_api::iam::types::{ApiToken, CreateApiTokenRequest, UpdateApiTokenRequest};
use clap::{Parser, ValueEnum};

#[cfg(feature = "v1beta1")]
#[path = "getting_started/v1beta1.rs"]
pub mod v1beta1;

/// Which version of the API the walk-through uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiVersionChoice {
    /// Astro API v1 (`/v1`), generally available.
    V1,
    /// The deprecated Platform and IAM APIs v1beta1 (needs the `v1beta1` feature).
    V1beta1,
}

/// What to look for and what to create.
#[derive(Debug, Clone, Parser)]
#[command(about = "Astronomer's getting-started guide for the Astro API, in Rust")]
pub struct Options {
    /// The workspace to use, by name [default: the first one listed; in the sandbox, its
    /// seeded workspace].
    #[arg(long, env = "ASTRO_WORKSPACE_NAME")]
    pub workspace: Option<String>,
    /// The name of the API token to create.
    #[arg(long, env = "ASTRO_TOKEN_NAME", default_value = "getting-started")]
    pub token_name: String,
    /// The description the token is given by the update step.
    #[arg(
        long,
        env = "ASTRO_TOKEN_DESCRIPTION",
        default_value = "Made by the astro-api getting-started walk-through"
    )]
    pub description: String,
    /// The workspace role of the token.
    #[arg(long, env = "ASTRO_TOKEN_ROLE", default_value = "WORKSPACE_MEMBER")]
    pub role: String,
    /// Delete the token again at the end.
    #[arg(long)]
    pub cleanup: bool,
    /// The API version to walk through.
    #[arg(long, value_enum, default_value = "v1")]
    pub api_version: ApiVersionChoice,
}

/// The ids the walk-through found and made.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The organization used.
    pub organization_id: String,
    /// The workspace used.
    pub workspace_id: String,
    /// The API token created.
    pub token_id: String,
    /// The description read back from the service.
    pub description: String,
}

/// A step that failed.
#[derive(Debug)]
pub enum Failure {
    /// The API answered with an error (or could not be reached).
    Api {
        /// What the step was doing.
        step: &'static str,
        /// The error, with its status, message and request id.
        error: astro_api::Error,
    },
    /// The API answered, but not with what the guide needs.
    Unexpected {
        /// What the step was doing.
        step: &'static str,
        /// What was missing or wrong.
        problem: String,
    },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Api { step, error } => {
                write!(f, "{step} failed: ")?;
                match error.status() {
                    Some(status) => write!(f, "status {}", status.as_u16())?,
                    None => write!(f, "no response ({:?})", error.kind())?,
                }
                write!(f, ", message {:?}", error.message())?;
                match error.request_id() {
                    Some(id) => write!(f, ", request id {id}"),
                    None => write!(f, ", no request id"),
                }
            }
            Failure::Unexpected { step, problem } => write!(f, "{step} failed: {problem}"),
        }
    }
}

/// Wraps an API error as the failure of `step`.
pub fn api(step: &'static str) -> impl FnOnce(astro_api::Error) -> Failure {
    move |error| Failure::Api { step, error }
}

/// Prints rows as columns padded to their widest cell, indented by two spaces.
pub fn table(say: &mut dyn FnMut(String), header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let render = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        format!("  {}", padded.join("  ").trim_end())
    };
    say(render(header.iter().map(|h| h.to_string()).collect()));
    for row in rows {
        say(render(row.clone()));
    }
}

fn describe_token(say: &mut dyn FnMut(String), token: &ApiToken) {
    say(format!("  id           {}", token.id));
    say(format!("  name         {}", token.name));
    let scope = token
        .scope
        .as_ref()
        .map_or("(not sent)", |scope| scope.as_str());
    say(format!("  scope        {scope}"));
    for role in &token.roles {
        say(format!(
            "  role         {} on {} {}",
            role.role,
            role.entity_type.as_str().to_lowercase(),
            role.entity_id
        ));
    }
    say(format!("  description  {:?}", token.description));
}

/// Runs the three steps against `client`, reporting each through `say`.
pub async fn walk(
    client: &Client,
    options: &Options,
    say: &mut dyn FnMut(String),
) -> Result<Outcome, Failure> {
    say("Step 1. Organizations".into());
    let organization_id = match client.organization_id() {
        Some(id) => {
            say(format!("  using ASTRO_ORGANIZATION_ID {id}"));
            id.to_string()
        }
        None => {
            let step = "step 1 (list organizations)";
            let page = client
                .list_organizations()
                .call()
                .await
                .map_err(api(step))?;
            let rows: Vec<Vec<String>> = page
                .organizations
                .iter()
                .map(|o| {
                    vec![
                        o.id.clone(),
                        o.name.clone(),
                        o.product
                            .as_ref()
                            .map(|product| product.to_string())
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            table(say, &["ID", "NAME", "PRODUCT"], &rows);
            let first = page.organizations.first().ok_or(Failure::Unexpected {
                step,
                problem: "the token sees no organization".into(),
            })?;
            say(format!("  -> organization {} ({})", first.id, first.name));
            first.id.clone()
        }
    };

    say(String::new());
    let step = "step 2 (find the workspace)";
    let org = client.org(&organization_id);
    let mut request = org.list_workspaces();
    match &options.workspace {
        Some(name) => {
            say(format!("Step 2. Workspaces named {name:?}"));
            request = request.names(vec![name.clone()]);
        }
        None => say("Step 2. Workspaces".into()),
    }
    let page = request.call().await.map_err(api(step))?;
    let rows: Vec<Vec<String>> = page
        .workspaces
        .iter()
        .map(|w| {
            vec![
                w.id.clone(),
                w.name.clone(),
                w.description.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(say, &["ID", "NAME", "DESCRIPTION"], &rows);
    let workspace = page
        .workspaces
        .iter()
        .find(|w| {
            options
                .workspace
                .as_ref()
                .is_none_or(|name| &w.name == name)
        })
        .ok_or_else(|| Failure::Unexpected {
            step,
            problem: match &options.workspace {
                Some(name) => {
                    format!("organization {organization_id} has no workspace named {name:?}")
                }
                None => format!("organization {organization_id} has no workspace"),
            },
        })?;
    say(format!(
        "  -> workspace {} ({})",
        workspace.id, workspace.name
    ));
    let workspace_id = workspace.id.clone();

    say(String::new());
    say(format!(
        "Step 3. Workspace API token {:?}",
        options.token_name
    ));
    let org = client.org(&organization_id);
    let created = org
        .create_api_token()
        .body(
            CreateApiTokenRequest::builder()
                .name(options.token_name.clone())
                .entity_id(Some(workspace_id.clone()))
                .role(options.role.clone())
                .scope(CreateApiTokenRequestScope::Workspace),
        )
        .call()
        .await
        .map_err(api("step 3 (create the API token)"))?;
    say("  created".into());
    describe_token(say, &created);
    if created.token.is_some() {
        say(
            "  (the token's secret value is returned once, at creation; it is not printed here)"
                .into(),
        );
    }
    let step = "step 3 (update the token's description)";
    // The builder checks each value against the document's bounds when the request is sent.
    let update = UpdateApiTokenRequest::builder()
        .name(created.name.clone())
        .description(Some(options.description.clone()));
    org.update_api_token()
        .token_id(&created.id)
        .body(update)
        .call()
        .await
        .map_err(api(step))?;
    say(format!(
        "  updated the description to {:?}",
        options.description
    ));
    let read = org
        .get_api_token()
        .token_id(&created.id)
        .call()
        .await
        .map_err(api("step 3 (read the token back)"))?;
    say("  read back".into());
    describe_token(say, &read);
    if read.description != options.description {
        return Err(Failure::Unexpected {
            step: "step 3 (read the token back)",
            problem: format!(
                "the description read back is {:?}, not {:?}",
                read.description, options.description
            ),
        });
    }
    if options.cleanup {
        org.delete_api_token()
            .token_id(&created.id)
            .call()
            .await
            .map_err(api("clean-up (delete the token)"))?;
        say(format!("  deleted token {}", created.id));
    }
    Ok(Outcome {
        organization_id,
        workspace_id,
        token_id: created.id,
        description: read.description,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut options = Options::parse();
    let real = std::env::var("ASTRO_API_TOKEN").is_ok_and(|token| !token.trim().is_empty());
    let mut sandbox = None;
    let client = if real {
        Client::from_env()
    } else {
        let started = match astro_sandbox::Sandbox::start().await {
            Ok(started) => started,
            Err(error) => {
                eprintln!("error: could not start the local sandbox: {error}");
                return ExitCode::FAILURE;
            }
        };
        println!(
            "ASTRO_API_TOKEN is not set: running against a local sandbox at {}\n",
            started.url()
        );
        if options.workspace.is_none() {
            let workspaces = format!("/v1/organizations/{}/workspaces", started.organization_id());
            options.workspace = started
                .objects(&workspaces)
                .ok()
                .and_then(|all| all.first()?.get("name")?.as_str().map(str::to_string));
        }
        let client = Client::builder()
            .token("sandbox")
            .base_url(started.url())
            .build();
        sandbox = Some(started);
        client
    };
    let client = match client {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let say = &mut |line: String| println!("{line}");
    let outcome = match options.api_version {
        ApiVersionChoice::V1 => walk(&client, &options, say).await,
        #[cfg(feature = "v1beta1")]
        ApiVersionChoice::V1beta1 => v1beta1::walk(&client, &options, say).await,
        #[cfg(not(feature = "v1beta1"))]
        ApiVersionChoice::V1beta1 => {
            eprintln!(
                "error: --api-version v1beta1 needs the `v1beta1` feature \
                 (cargo run --example getting_started --features v1beta1 -- --api-version v1beta1)"
            );
            return ExitCode::FAILURE;
        }
    };
    drop(sandbox);
    match outcome {
        Ok(_) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::FAILURE
        }
    }
}
