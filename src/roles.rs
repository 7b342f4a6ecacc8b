//! Granting and revoking one role without dropping the others.
//!
//! The role updates (`UpdateUserRoles`, `UpdateTeamRoles`, `UpdateApiTokenRoles`) replace a
//! subject's whole set of roles. These helpers read the subject, change the one role and send
//! the whole set back: the organization role, every other workspace and deployment role and
//! every DAG role are sent as they were read. The last write wins, as with every update (see
//! [`crate::update`]).
//!
//! ```no_run
//! # async fn run(org: astro_api::Org) -> Result<(), astro_api::Error> {
//! use astro_api::roles::Subject;
//! let team = Subject::Team("clteam1".into());
//! org.grant_workspace_role(&team, "clworkspace1", "WORKSPACE_AUTHOR").await?;
//! org.revoke_deployment_role(&team, "cldeployment1").await?;
//! # Ok(()) }
//! ```

use astro_api_core::Error;
use astro_iam::types::{
    UpdateApiTokenRolesRequest, UpdateTeamRolesRequest, UpdateUserRolesRequest,
};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::Org;
use crate::update::project;

/// Who holds roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A user, by id.
    User(String),
    /// A team, by id.
    Team(String),
    /// An API token, by id (not its value).
    ApiToken(String),
}

impl Subject {
    /// The subject's id.
    pub fn id(&self) -> &str {
        match self {
            Self::User(id) | Self::Team(id) | Self::ApiToken(id) => id,
        }
    }
}

/// What a role is given on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Workspace,
    Deployment,
}

impl Scope {
    /// The field of a user's or team's roles that lists this scope's roles.
    fn list(self) -> &'static str {
        match self {
            Self::Workspace => "workspaceRoles",
            Self::Deployment => "deploymentRoles",
        }
    }

    /// The field of such a role naming the workspace or deployment.
    fn id_field(self) -> &'static str {
        match self {
            Self::Workspace => "workspaceId",
            Self::Deployment => "deploymentId",
        }
    }

    /// An API token role's `entityType` for this scope.
    fn entity_type(self) -> &'static str {
        match self {
            Self::Workspace => "WORKSPACE",
            Self::Deployment => "DEPLOYMENT",
        }
    }
}

/// The fields of a user or team that make up its roles.
const SUBJECT_ROLE_FIELDS: [&str; 4] = [
    "organizationRole",
    "workspaceRoles",
    "deploymentRoles",
    "dagRoles",
];

/// A change to one role.
#[derive(Clone, Copy)]
enum Change<'a> {
    Grant(&'a str),
    Revoke,
}

impl Org {
    /// Gives `subject` the role `role` (such as `WORKSPACE_AUTHOR`) in a workspace, replacing
    /// the role it had there, and keeping every other role.
    pub async fn grant_workspace_role(
        &self,
        subject: &Subject,
        workspace_id: &str,
        role: &str,
    ) -> Result<(), Error> {
        check("role", role)?;
        self.change_role(subject, Scope::Workspace, workspace_id, Change::Grant(role))
            .await
            .map(drop)
    }

    /// Removes `subject`'s role in a workspace, keeping every other role; `false` (and
    /// nothing written) when it had none there.
    pub async fn revoke_workspace_role(
        &self,
        subject: &Subject,
        workspace_id: &str,
    ) -> Result<bool, Error> {
        self.change_role(subject, Scope::Workspace, workspace_id, Change::Revoke)
            .await
    }

    /// Gives `subject` the role `role` (such as `DEPLOYMENT_ADMIN`, or a custom role's name)
    /// on a deployment, replacing the role it had there, and keeping every other role.
    pub async fn grant_deployment_role(
        &self,
        subject: &Subject,
        deployment_id: &str,
        role: &str,
    ) -> Result<(), Error> {
        check("role", role)?;
        self.change_role(
            subject,
            Scope::Deployment,
            deployment_id,
            Change::Grant(role),
        )
        .await
        .map(drop)
    }

    /// Removes `subject`'s role on a deployment, keeping every other role; `false` (and
    /// nothing written) when it had none there.
    pub async fn revoke_deployment_role(
        &self,
        subject: &Subject,
        deployment_id: &str,
    ) -> Result<bool, Error> {
        self.change_role(subject, Scope::Deployment, deployment_id, Change::Revoke)
            .await
    }

    /// Reads the subject's roles, applies `change` and writes them all back if anything
    /// changed; `true` when something was written.
    async fn change_role(
        &self,
        subject: &Subject,
        scope: Scope,
        target: &str,
        change: Change<'_>,
    ) -> Result<bool, Error> {
        check("subject id", subject.id())?;
        check(scope.id_field(), target)?;
        match subject {
            Subject::User(id) => {
                let user = self.get_user().user_id(id).call().await?;
                let Some(roles) = subject_roles(&to_json(&user)?, scope, target, change) else {
                    return Ok(false);
                };
                let request: UpdateUserRolesRequest = fit(roles, subject)?;
                self.update_user_roles()
                    .user_id(id)
                    .body(request)
                    .call()
                    .await?;
            }
            Subject::Team(id) => {
                let team = self.get_team().team_id(id).call().await?;
                let Some(roles) = subject_roles(&to_json(&team)?, scope, target, change) else {
                    return Ok(false);
                };
                let request: UpdateTeamRolesRequest = fit(roles, subject)?;
                self.update_team_roles()
                    .team_id(id)
                    .body(request)
                    .call()
                    .await?;
            }
            Subject::ApiToken(id) => {
                let token = self.get_api_token().token_id(id).call().await?;
                let Some(roles) = token_roles(&to_json(&token)?, scope, target, change) else {
                    return Ok(false);
                };
                let request: UpdateApiTokenRolesRequest = fit(roles, subject)?;
                self.update_api_token_roles()
                    .token_id(id)
                    .body(request)
                    .call()
                    .await?;
            }
        }
        Ok(true)
    }
}

/// A user's or team's roles with `change` applied, or `None` when nothing changes.
fn subject_roles(
    subject: &Value,
    scope: Scope,
    target: &str,
    change: Change<'_>,
) -> Option<Map<String, Value>> {
    let mut roles: Map<String, Value> = SUBJECT_ROLE_FIELDS
        .iter()
        .filter_map(|field| Some((field.to_string(), subject.get(*field)?.clone())))
        .collect();
    let list = roles
        .entry(scope.list())
        .or_insert_with(|| Value::Array(Vec::new()));
    let entries = list.as_array_mut()?;
    let is_target = |entry: &Value| entry.get(scope.id_field()) == Some(&json!(target));
    let new = match change {
        Change::Grant(role) => Some(json!({ scope.id_field(): target, "role": role })),
        Change::Revoke => None,
    };
    apply(entries, is_target, new).then_some(roles)
}

/// An API token's roles with `change` applied, or `None` when nothing changes.
fn token_roles(
    token: &Value,
    scope: Scope,
    target: &str,
    change: Change<'_>,
) -> Option<Map<String, Value>> {
    let mut entries = token
        .get("roles")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let is_target = |entry: &Value| {
        entry.get("entityType") == Some(&json!(scope.entity_type()))
            && entry.get("entityId") == Some(&json!(target))
    };
    let new = match change {
        Change::Grant(role) => Some(json!({
            "entityId": target,
            "entityType": scope.entity_type(),
            "role": role,
        })),
        Change::Revoke => None,
    };
    apply(&mut entries, is_target, new).then(|| {
        let mut roles = Map::new();
        roles.insert("roles".into(), Value::Array(entries));
        roles
    })
}

/// Puts `new` in place of the first entry `is_target` picks (or at the end) and removes the
/// other picked entries; without `new`, removes them all. Whether anything changed.
fn apply(entries: &mut Vec<Value>, is_target: impl Fn(&Value) -> bool, new: Option<Value>) -> bool {
    let before = entries.clone();
    let first = entries.iter().position(&is_target);
    let mut index = 0;
    entries.retain(|entry| {
        let keep = !is_target(entry) || (new.is_some() && Some(index) == first);
        index += 1;
        keep
    });
    match (new, first) {
        (Some(new), Some(position)) => entries[position] = new,
        (Some(new), None) => entries.push(new),
        (None, _) => {}
    }
    *entries != before
}

/// A response as JSON.
fn to_json(value: &impl serde::Serialize) -> Result<Value, Error> {
    serde_json::to_value(value)
        .map_err(|error| Error::invalid_request(format!("cannot read the roles: {error}")))
}

/// `roles` fitted to the request type `R`; a failure names the subject and the field.
fn fit<R: JsonSchema + DeserializeOwned>(
    roles: Map<String, Value>,
    subject: &Subject,
) -> Result<R, Error> {
    let schema = schemars::schema_for!(R).to_value();
    let fitted = project(&Value::Object(roles), &schema, &schema);
    serde_path_to_error::deserialize(fitted).map_err(|error| {
        Error::invalid_request(format!(
            "cannot write the roles of {subject:?}: {}: {}",
            error.path(),
            error.inner()
        ))
    })
}

/// Refuses an empty id or role before anything is sent.
fn check(what: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        Err(Error::invalid_request(format!("the {what} is empty")))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_replaces_one_role_and_keeps_the_rest() {
        let user = json!({
            "id": "u1", "username": "a@b.c",
            "organizationRole": "ORGANIZATION_MEMBER",
            "workspaceRoles": [
                {"workspaceId": "w1", "role": "WORKSPACE_MEMBER"},
                {"workspaceId": "w2", "role": "WORKSPACE_OWNER"},
            ],
            "dagRoles": [{"deploymentId": "d1", "role": "DAG_VIEWER", "dagId": "x"}],
        });
        let roles = subject_roles(
            &user,
            Scope::Workspace,
            "w1",
            Change::Grant("WORKSPACE_AUTHOR"),
        )
        .expect("changed");
        assert_eq!(
            Value::Object(roles),
            json!({
                "organizationRole": "ORGANIZATION_MEMBER",
                "workspaceRoles": [
                    {"workspaceId": "w1", "role": "WORKSPACE_AUTHOR"},
                    {"workspaceId": "w2", "role": "WORKSPACE_OWNER"},
                ],
                "dagRoles": [{"deploymentId": "d1", "role": "DAG_VIEWER", "dagId": "x"}],
            })
        );
        assert!(subject_roles(&user, Scope::Deployment, "d9", Change::Revoke).is_none());
        let same = Change::Grant("WORKSPACE_OWNER");
        assert!(
            subject_roles(&user, Scope::Workspace, "w2", same).is_none(),
            "granting a role it already has writes nothing"
        );
    }

    #[test]
    fn token_roles_are_matched_by_entity_type_and_id() {
        let token = json!({"roles": [
            {"entityId": "o1", "entityType": "ORGANIZATION", "role": "ORGANIZATION_MEMBER"},
            {"entityId": "w1", "entityType": "WORKSPACE", "role": "WORKSPACE_MEMBER"},
        ]});
        let roles = token_roles(&token, Scope::Workspace, "w1", Change::Revoke).expect("changed");
        assert_eq!(
            roles["roles"],
            json!([{"entityId": "o1", "entityType": "ORGANIZATION", "role": "ORGANIZATION_MEMBER"}])
        );
        assert!(token_roles(&token, Scope::Deployment, "w1", Change::Revoke).is_none());
    }
}
