//! Role grants: what a user, a team or an API token may do, as stored in its record.
//!
//! - Users and teams keep `organizationRole`, `workspaceRoles`, `deploymentRoles` and
//!   `dagRoles`; API tokens keep a list of `roles` (`entityType`, `entityId`, `role`).
//! - A role update (`POST …/{id}/roles`: UpdateUserRoles, UpdateTeamRoles,
//!   UpdateApiTokenRoles) replaces them: each role field of the request's schema that the
//!   record has takes the request's value, and a list the request leaves out becomes empty.
//!   A value that does not fit the record (an unknown organization role) is refused with `400`;
//!   an unknown subject gets `404`. The answer is the subject's roles in the operation's shape
//!   (for a token, its `roles` grouped by entity type into organization, workspace and
//!   deployment roles).
//! - A new subject starts with the roles its request names and no others: a created API token
//!   holds the one `role` of its `scope` on `entityId` (the organization when none is given);
//!   a team or user without an organization role gets `ORGANIZATION_MEMBER`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::catalog::{Api, Route};
use crate::crud::Refusal;
use crate::records::stamp;
use crate::request::Checked;
use crate::resources::Resource;
use crate::schema::check;
use crate::store::Store;
use crate::template::{Segment, shape_of_segments};

/// The role fields of users and teams.
pub const SUBJECT_FIELDS: [&str; 4] = [
    "organizationRole",
    "workspaceRoles",
    "deploymentRoles",
    "dagRoles",
];

/// The role field of API tokens.
pub const TOKEN_FIELD: &str = "roles";

/// The last path segment of a role update.
const ROLES_PATH: &str = "roles";

/// The organization role a new subject gets when its request names none.
const DEFAULT_ORGANIZATION_ROLE: &str = "ORGANIZATION_MEMBER";

/// The roles a new subject starts with (see the module docs); `given` is the request body or
/// the seeded fields.
pub fn on_create(
    api: &Api,
    resource: &Resource,
    params: &BTreeMap<String, String>,
    given: Option<&Value>,
    record: &mut Map<String, Value>,
) {
    let document = &api.document;
    let schema = document.resolve(&resource.record_schema);
    let given = given.and_then(Value::as_object);
    let asked = |name: &str| given.and_then(|body| body.get(name));
    for name in SUBJECT_FIELDS.into_iter().chain([TOKEN_FIELD]) {
        let Some(property) = schema.pointer(&format!("/properties/{name}")) else {
            continue;
        };
        if asked(name).is_some_and(|value| check(document, property, value).is_ok()) {
            continue;
        }
        let start = match name {
            "organizationRole" => json!(DEFAULT_ORGANIZATION_ROLE),
            TOKEN_FIELD => match (asked("role"), asked("scope")) {
                (Some(role), Some(scope)) => {
                    let organization = params.get("organizationId").map(|id| json!(id));
                    let entity = asked("entityId").cloned().or(organization);
                    json!([{"entityId": entity, "entityType": scope, "role": role}])
                }
                _ => json!([]),
            },
            _ => json!([]),
        };
        if check(document, property, &start).is_ok() {
            record.insert(name.to_string(), start);
        }
    }
}

/// Runs a role update (`POST <collection>/{id}/roles` whose request has role fields the
/// collection's records have); `None` for any other operation. The `Ok` value is the subject's
/// roles, to be shaped like the operation's answer.
pub fn grant(
    store: &mut Store,
    api: &Api,
    route: &Route,
    params: &BTreeMap<String, String>,
    request: &Checked,
) -> Option<Result<Value, Refusal>> {
    let segments = &route.segments;
    let [.., Segment::Param(id_param), Segment::Literal(last)] = segments.as_slice() else {
        return None;
    };
    if route.operation.method != "POST" || last != ROLES_PATH {
        return None;
    }
    let subjects = &segments[..segments.len() - 2];
    let resource = api.resources.get(&shape_of_segments(subjects))?;
    let document = &api.document;
    let schema = document.resolve(&resource.record_schema);
    let request_schema = document.resolve(route.operation.request_body.as_ref()?);
    let fields: Vec<(&str, &Value)> = SUBJECT_FIELDS
        .into_iter()
        .chain([TOKEN_FIELD])
        .filter(|name| {
            request_schema
                .pointer(&format!("/properties/{name}"))
                .is_some()
        })
        .filter_map(|name| Some((name, schema.pointer(&format!("/properties/{name}"))?)))
        .collect();
    if fields.is_empty() {
        return None;
    }
    let collection = route.concrete_prefix(subjects.len(), params);
    let id = params.get(id_param).cloned().unwrap_or_default();
    let empty = Map::new();
    let body = request
        .body
        .as_ref()
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let missing = || {
        Some(Err(Refusal {
            status: 404,
            message: format!("{} {id} not found", resource.noun),
        }))
    };
    if store.get(&collection, &id).is_none() {
        return missing();
    }
    let mut granted = Vec::new();
    for (name, property) in fields {
        let value = match body.get(name) {
            Some(value) => value.clone(),
            None if document.resolve(property).get("type") == Some(&json!("array")) => json!([]),
            None => continue,
        };
        if let Err(mismatch) = check(document, property, &value) {
            let at = if mismatch.at.is_empty() {
                String::new()
            } else {
                format!(" at {}", mismatch.at)
            };
            return Some(Err(Refusal {
                status: 400,
                message: format!(
                    "request body field `{name}`{at} {} for a {}",
                    mismatch.problem, resource.noun
                ),
            }));
        }
        granted.push((name, value));
    }
    let Some(Value::Object(record)) = store.get_mut(&collection, &id) else {
        return missing();
    };
    for (name, value) in granted {
        record.insert(name.to_string(), value);
    }
    stamp(api, resource, record, &["updatedAt"]);
    Some(Ok(subject_roles(record)))
}

/// The roles of a subject as role updates answer them: a user's or team's role fields as they
/// are; a token's `roles` by entity type (`ORGANIZATION` → `organizationRole`, `WORKSPACE` →
/// `workspaceRoles`, `DEPLOYMENT` → `deploymentRoles`).
fn subject_roles(record: &Map<String, Value>) -> Value {
    let Some(Value::Array(roles)) = record.get(TOKEN_FIELD) else {
        return Value::Object(record.clone());
    };
    let of_type = |wanted: &'static str| {
        roles
            .iter()
            .filter(move |role| role.get("entityType").and_then(Value::as_str) == Some(wanted))
    };
    let scoped = |wanted: &'static str, id_field: &str| -> Vec<Value> {
        of_type(wanted)
            .map(|role| json!({id_field: role.get("entityId"), "role": role.get("role")}))
            .collect()
    };
    let mut answer = Map::new();
    if let Some(role) = of_type("ORGANIZATION").find_map(|role| role.get("role")) {
        answer.insert("organizationRole".into(), role.clone());
    }
    answer.insert(
        "workspaceRoles".into(),
        json!(scoped("WORKSPACE", "workspaceId")),
    );
    answer.insert(
        "deploymentRoles".into(),
        json!(scoped("DEPLOYMENT", "deploymentId")),
    );
    Value::Object(answer)
}
