//! Grant (or revoke) one workspace role of a user, a team or an API token, keeping every
//! other role it has.
//!
//! `cargo run --example grant_role -- --team <id> --workspace-id <id> --role WORKSPACE_AUTHOR`
//! (`--revoke` instead of `--role` removes it). Without `ASTRO_API_TOKEN` it runs against a
//! local sandbox, on its seeded user and workspace.

#[path = "support/connect.rs"]
mod connect;

use std::process::ExitCode;

use astro_api::roles::Subject;
use astro_api::{Error, Org};
use clap::Parser;

/// Command-line options.
#[derive(Debug, Parser)]
#[command(group(clap::ArgGroup::new("subject").args(["user", "team", "token"])))]
pub struct Options {
    /// A user's id.
    #[arg(long)]
    pub user: Option<String>,
    /// A team's id.
    #[arg(long)]
    pub team: Option<String>,
    /// An API token's id.
    #[arg(long)]
    pub token: Option<String>,
    /// The workspace (default: the sandbox's).
    #[arg(long)]
    pub workspace_id: Option<String>,
    /// The role to grant.
    #[arg(long, required_unless_present = "revoke")]
    pub role: Option<String>,
    /// Revoke the subject's role in the workspace instead.
    #[arg(long, conflicts_with = "role")]
    pub revoke: bool,
}

impl Options {
    /// The subject named on the command line, if any.
    pub fn subject(&self) -> Option<Subject> {
        let user = self.user.clone().map(Subject::User);
        let team = self.team.clone().map(Subject::Team);
        user.or(team).or(self.token.clone().map(Subject::ApiToken))
    }
}

/// Grants or revokes; returns what was done, in one line.
pub async fn run(
    org: &Org,
    subject: &Subject,
    workspace_id: &str,
    options: &Options,
) -> Result<String, Error> {
    match (&options.role, options.revoke) {
        (_, true) => {
            let removed = org.revoke_workspace_role(subject, workspace_id).await?;
            Ok(match removed {
                true => format!("revoked the role of {subject:?} in {workspace_id}"),
                false => format!("{subject:?} had no role in {workspace_id}"),
            })
        }
        (Some(role), false) => {
            org.grant_workspace_role(subject, workspace_id, role)
                .await?;
            Ok(format!("granted {role} in {workspace_id} to {subject:?}"))
        }
        (None, false) => Err(Error::invalid_request("--role or --revoke is required")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    connect::exit(start(Options::parse()).await)
}

/// The example's job with its errors, for `main`.
async fn start(options: Options) -> Result<Vec<String>, connect::BoxError> {
    let connection = connect::connect().await?;
    let org = &connection.org;
    let (subject, workspace) = match &connection.sandbox {
        Some(sandbox) => {
            let users = org.list_users().pager().collect().await?;
            let seeded_user = users.first().map(|user| Subject::User(user.id.clone()));
            let workspace = options
                .workspace_id
                .clone()
                .unwrap_or_else(|| sandbox.workspace_id().to_string());
            (options.subject().or(seeded_user), Some(workspace))
        }
        None => (options.subject(), options.workspace_id.clone()),
    };
    let (Some(subject), Some(workspace)) = (subject, workspace) else {
        return Err("name a subject (--user, --team or --token) and --workspace-id".into());
    };
    Ok(vec![run(org, &subject, &workspace, &options).await?])
}
