//! List everything an organization has: workspaces, deployments, clusters, users, teams and
//! API tokens, every page of each (lazily, a page at a time).
//!
//! `cargo run --example list_everything` (without `ASTRO_API_TOKEN` it runs against a local
//! sandbox).

#[path = "support/connect.rs"]
mod connect;

use std::process::ExitCode;

use astro_api::{Error, Org};
use futures::TryStreamExt;

/// One line per object (`kind id name`), in the order listed.
pub async fn run(org: &Org) -> Result<Vec<String>, Error> {
    let mut lines = Vec::new();
    let mut workspaces = org.list_workspaces().pager().page_size(100).items();
    while let Some(workspace) = workspaces.try_next().await? {
        lines.push(format!("workspace {} {}", workspace.id, workspace.name));
    }
    let mut deployments = org.list_deployments().pager().page_size(100).items();
    while let Some(deployment) = deployments.try_next().await? {
        lines.push(format!(
            "deployment {} {} {}",
            deployment.id,
            deployment.name,
            deployment.status.as_ref().map_or("-", |s| s.as_str())
        ));
    }
    let mut clusters = org.list_clusters().pager().page_size(100).items();
    while let Some(cluster) = clusters.try_next().await? {
        lines.push(format!(
            "cluster {} {} {}",
            cluster.id,
            cluster.name,
            cluster.status.as_ref().map_or("-", |s| s.as_str())
        ));
    }
    let mut users = org.list_users().pager().page_size(100).items();
    while let Some(user) = users.try_next().await? {
        lines.push(format!("user {} {}", user.id, user.username));
    }
    let mut teams = org.list_teams().pager().page_size(100).items();
    while let Some(team) = teams.try_next().await? {
        lines.push(format!("team {} {}", team.id, team.name));
    }
    let mut tokens = org.list_api_tokens().pager().page_size(100).items();
    while let Some(token) = tokens.try_next().await? {
        lines.push(format!("token {} {}", token.id, token.name));
    }
    Ok(lines)
}

#[tokio::main]
async fn main() -> ExitCode {
    connect::exit(start().await)
}

/// The example's job with its errors, for `main`.
async fn start() -> Result<Vec<String>, connect::BoxError> {
    let connection = connect::connect().await?;
    Ok(run(&connection.org).await?)
}
