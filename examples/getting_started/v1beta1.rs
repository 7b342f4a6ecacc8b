//! The walk-through on the deprecated v1beta1 APIs (`--api-version v1beta1`), as the guide was
//! first written: the same three steps through `Client::v1beta1()`. Removed with the `v1beta1`
//! feature when Astronomer ends v1beta1's support (January 2027).

use std::fmt;

use astro_api::Client;
use astro_api::iam::v1beta1::enums::CreateApiTokenRequestType;
use astro_api::iam::v1beta1::types::{
    ApiToken, CreateApiTokenRequest, UpdateApiTokenRequest, UpdateApiTokenRequestDescription,
    UpdateApiTokenRequestName,
};

use super::{Failure, Options, Outcome, api, table};

fn describe_token(say: &mut dyn FnMut(String), token: &ApiToken) {
    say(format!("  id           {}", token.id));
    say(format!("  name         {}", token.name));
    let scope = token
        .type_
        .as_ref()
        .map_or("(not sent)", |kind| kind.as_str());
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

/// Runs the three steps against `client`'s v1beta1 APIs, reporting each through `say`.
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
                .v1beta1()
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
                        o.support_plan
                            .as_ref()
                            .map_or("(not sent)", |plan| plan.as_str())
                            .to_string(),
                    ]
                })
                .collect();
            table(say, &["ID", "NAME", "PLAN"], &rows);
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
    let org = client.v1beta1().org(&organization_id);
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
    let org = client.v1beta1().org(&organization_id);
    let created = org
        .create_api_token()
        .body(
            CreateApiTokenRequest::builder()
                .name(options.token_name.clone())
                .entity_id(Some(workspace_id.clone()))
                .role(options.role.clone())
                .type_(CreateApiTokenRequestType::Workspace),
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
    let refused = |what: &str, error: &dyn fmt::Display| Failure::Unexpected {
        step,
        problem: format!("the {what} does not fit the API's bounds: {error}"),
    };
    let name: UpdateApiTokenRequestName = created
        .name
        .as_str()
        .try_into()
        .map_err(|e| refused("token name", &e))?;
    let description: UpdateApiTokenRequestDescription = options
        .description
        .as_str()
        .try_into()
        .map_err(|e| refused("description", &e))?;
    let update = UpdateApiTokenRequest::builder()
        .name(name)
        .description(Some(description));
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
