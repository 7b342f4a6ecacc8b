//! What each operation does to the store: list, create, read, update, delete, the bulk and
//! membership operations, the synthesized logs, or (for the other operations) a sample of the
//! success schema shaped by the request.

use std::collections::BTreeMap;

use astro_spec::samples::sample;
use serde_json::{Map, Value};

use crate::catalog::{Api, Route};
use crate::ids::Ids;
use crate::lifecycle::{self, item_key};
use crate::listing;
use crate::records::{merge_fields, new_record, stamp};
use crate::request::Checked;
use crate::resources::{Resource, Role, membership_source, single_array};
use crate::schema::{check, conform};
use crate::store::Store;
use crate::template::Segment;
use crate::{env_vars, roles, synth, tokens, uploads};

/// The answer of an operation before it is encoded: a status and a body.
#[derive(Debug, PartialEq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Body,
}

/// The body of an [`Answer`].
#[derive(Debug, PartialEq)]
pub enum Body {
    /// No body.
    Empty,
    /// A JSON body.
    Json(Value),
    /// Bytes of a declared content type (the audit logs' gzip NDJSON).
    Bytes {
        /// The `Content-Type` header.
        content_type: &'static str,
        /// The body.
        bytes: Vec<u8>,
    },
}

/// A request the operation refuses, with the status and message of the JSON `Error` body.
#[derive(Debug, PartialEq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// What was wrong.
    pub message: String,
}

/// Runs `route` against the store.
pub fn dispatch(
    store: &mut Store,
    ids: &Ids,
    api: &Api,
    route: &Route,
    params: &BTreeMap<String, String>,
    request: &Checked,
) -> Result<Answer, Refusal> {
    let operation = &route.operation;
    let resource = api.resource(route);
    let collection = route.concrete_prefix(route.role.collection_len(&route.segments), params);
    let item_id = || match route
        .segments
        .get(route.role.collection_len(&route.segments))
    {
        Some(Segment::Param(name)) => params.get(name).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let not_found = |resource: &Resource| Refusal {
        status: 404,
        message: format!("{} {} not found", resource.noun, item_id()),
    };
    let document = &api.document;
    let respond = |value: &Value| Answer {
        status: operation.success_status,
        body: match &operation.success_schema {
            Some(schema) => Body::Json(conform(document, schema, &env_vars::redact(value))),
            None => Body::Empty,
        },
    };
    let empty = || Answer {
        status: operation.success_status,
        body: Body::Empty,
    };
    match (route.role, resource) {
        (Role::List, Some(resource)) => {
            let items = store.list(&collection);
            Ok(list(api, route, resource, items, request))
        }
        (Role::Memberships, Some(resource)) => {
            let items = memberships(store, api, route, params);
            Ok(list(api, route, resource, items.iter().collect(), request))
        }
        (Role::Create, Some(resource)) => {
            let id = ids.object();
            let mut record = new_record(
                api,
                resource,
                params,
                request.body.as_ref(),
                operation.request_body.as_ref(),
                &id,
            );
            let mut issued = None;
            if let Value::Object(fields) = &mut record {
                roles::on_create(api, resource, params, request.body.as_ref(), fields);
                env_vars::on_write(fields, None, request.body.as_ref());
                let key = item_key(&collection, &id);
                lifecycle::on_create(&mut store.jobs, api, resource, &key, fields);
                let endpoint = store.blob_endpoint.as_ref();
                uploads::on_create(endpoint, resource, params, request.body.as_ref(), fields);
                if tokens::issues_values(api, resource) {
                    let body = request.body.as_ref();
                    issued = Some(tokens::on_create(store, &collection, &id, fields, body));
                }
            }
            store.insert(&collection, &id, record.clone());
            Ok(respond(&with_token(record, issued)))
        }
        (Role::Read, Some(resource)) => match lifecycle::read(store, &collection, &item_id()) {
            Some(record) => Ok(respond(&record)),
            None => Err(not_found(resource)),
        },
        (Role::Update, Some(resource)) => {
            let id = item_id();
            let Some(mut record) = store.get(&collection, &id).cloned() else {
                return Err(not_found(resource));
            };
            if let (Value::Object(fields), Some(Value::Object(changes))) =
                (&mut record, &request.body)
            {
                let variables = fields.get(env_vars::FIELD).cloned();
                merge_fields(api, resource, fields, changes);
                env_vars::on_write(fields, variables.as_ref(), request.body.as_ref());
                stamp(api, resource, fields, &["updatedAt"]);
                let key = item_key(&collection, &id);
                lifecycle::on_update(&mut store.jobs, api, resource, &key, fields);
            }
            store.insert(&collection, &id, record.clone());
            Ok(respond(&record))
        }
        (Role::Delete, Some(resource)) => match remove_item(store, &collection, &item_id()) {
            true => Ok(empty()),
            false => Err(not_found(resource)),
        },
        (Role::Action, Some(resource)) => {
            let id = item_id();
            let Some(mut record) = store.get(&collection, &id).cloned() else {
                return match declares(api, operation, 404) {
                    true => Err(not_found(resource)),
                    false => Ok(other(api, route, params, request)),
                };
            };
            let action = match route.segments.last() {
                Some(Segment::Literal(action)) => action.as_str(),
                _ => "",
            };
            let mut issued = None;
            if let Value::Object(fields) = &mut record {
                if let Some(Value::Object(changes)) = &request.body {
                    merge_fields(api, resource, fields, changes);
                }
                stamp(api, resource, fields, &["updatedAt"]);
                let key = item_key(&collection, &id);
                lifecycle::on_action(&mut store.jobs, api, resource, action, &key, fields);
                if tokens::issues_values(api, resource) {
                    issued = tokens::on_action(store, action, &collection, &id, fields);
                }
            }
            store.insert(&collection, &id, record.clone());
            Ok(respond(&with_token(record, issued)))
        }
        (Role::BulkCreate, Some(resource)) => bulk_create(
            store,
            ids,
            api,
            route,
            resource,
            params,
            request,
            &collection,
        ),
        (Role::BulkDelete, Some(_)) => {
            for id in listed_ids(api, operation, request) {
                remove_item(store, &collection, &id);
            }
            Ok(empty())
        }
        (Role::BulkAdd, Some(resource)) => {
            // Members are added to an existing parent (the team), as the service does.
            if let Some((parents, parent_id)) = parent_item(route, params)
                && store.get(&parents, &parent_id).is_none()
                && declares(api, operation, 404)
            {
                return Err(Refusal {
                    status: 404,
                    message: format!("{parent_id} not found"),
                });
            }
            for id in listed_ids(api, operation, request) {
                if store.get(&collection, &id).is_none() {
                    let mut record = new_record(api, resource, params, None, None, &id);
                    copy_user(store, route, params, &id, api, resource, &mut record);
                    store.insert(&collection, &id, record);
                }
            }
            Ok(empty())
        }
        (Role::SelfUser, _) => {
            let user = store
                .self_user
                .as_ref()
                .and_then(|(collection, id)| store.get(collection, id));
            match user {
                Some(user) => Ok(respond(user)),
                None => Ok(other(api, route, params, request)),
            }
        }
        (Role::Logs, _) => match &operation.success_schema {
            Some(schema) => Ok(Answer {
                status: operation.success_status,
                body: Body::Json(synth::log_entries(document, schema, &request.query, ids)),
            }),
            None => Ok(empty()),
        },
        (Role::Export, _) => {
            let organization = params.get("organizationId").map_or("", String::as_str);
            Ok(Answer {
                status: operation.success_status,
                body: Body::Bytes {
                    content_type: "application/octet-stream",
                    bytes: synth::audit_logs(organization, &request.query, ids),
                },
            })
        }
        _ => match roles::grant(store, api, route, params, request) {
            Some(granted) => granted.map(|roles| respond(&roles)),
            None => Ok(other(api, route, params, request)),
        },
    }
}

/// Removes a stored item with its pending work and the token values issued for it.
fn remove_item(store: &mut Store, collection: &str, id: &str) -> bool {
    tokens::on_delete(store, collection, id);
    lifecycle::remove(store, collection, id)
}

/// A record as a create or rotate answers it: with the token value just issued, if any.
fn with_token(record: Value, issued: Option<String>) -> Value {
    match issued {
        Some(value) => tokens::reveal(&record, &value),
        None => record,
    }
}

/// One page of `items` for a list request.
fn list(
    api: &Api,
    route: &Route,
    resource: &Resource,
    items: Vec<&Value>,
    request: &Checked,
) -> Answer {
    let operation = &route.operation;
    let Some(pagination) = &operation.pagination else {
        return other(api, route, &BTreeMap::new(), request);
    };
    let filters = listing::filters(
        &api.document,
        operation,
        &resource.id_property,
        &resource.noun,
    );
    let answered: Vec<Value> = items.into_iter().map(env_vars::redact).collect();
    let items = answered.iter().collect();
    let page = listing::page(&api.document, pagination, &filters, items, &request.query);
    Answer {
        status: operation.success_status,
        body: Body::Json(page),
    }
}

/// The objects of the top collection a [`Role::Memberships`] list reads whose `members`
/// include the path's item (the teams a user is a member of).
fn memberships(
    store: &Store,
    api: &Api,
    route: &Route,
    params: &BTreeMap<String, String>,
) -> Vec<Value> {
    let Some((top_shape, shared)) = membership_source(&route.segments) else {
        return Vec::new();
    };
    let Some(top) = api.resources.get(&top_shape) else {
        return Vec::new();
    };
    let (Some(Segment::Param(member)), Some(Segment::Literal(last))) =
        (route.segments.get(shared + 1), route.segments.last())
    else {
        return Vec::new();
    };
    let member = params.get(member).cloned().unwrap_or_default();
    let top_collection = format!("{}/{last}", route.concrete_prefix(shared, params));
    store
        .list(&top_collection)
        .into_iter()
        .filter(|object| {
            let id = object
                .get(&top.id_property)
                .and_then(Value::as_str)
                .unwrap_or_default();
            store
                .get(&format!("{top_collection}/{id}/members"), &member)
                .is_some()
        })
        .cloned()
        .collect()
}

/// The strings of the one array of the request body (ids to add or delete).
fn listed_ids(api: &Api, operation: &astro_spec::Operation, request: &Checked) -> Vec<String> {
    let Some(name) = operation
        .request_body
        .as_ref()
        .and_then(|schema| single_array(&api.document, schema))
    else {
        return Vec::new();
    };
    request
        .body
        .as_ref()
        .and_then(|body| body.get(&name))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// Copies the fields of the organization's user with this id (name, avatar…) into a new
/// member record, when that user exists.
fn copy_user(
    store: &Store,
    route: &Route,
    params: &BTreeMap<String, String>,
    id: &str,
    api: &Api,
    resource: &Resource,
    record: &mut Value,
) {
    let users = format!("{}/users", route.concrete_prefix(2, params));
    if let (Some(Value::Object(user)), Value::Object(fields)) = (store.get(&users, id), record) {
        let mut copied = user.clone();
        copied.remove("id");
        merge_fields(api, resource, fields, &copied);
    }
}

/// Creates one object per item of the request's array, all or none: `409` when an item
/// repeats the field of an object already there (if the operation documents `409`).
#[allow(clippy::too_many_arguments)]
fn bulk_create(
    store: &mut Store,
    ids: &Ids,
    api: &Api,
    route: &Route,
    resource: &Resource,
    params: &BTreeMap<String, String>,
    request: &Checked,
    collection: &str,
) -> Result<Answer, Refusal> {
    let operation = &route.operation;
    let document = &api.document;
    let values: Vec<Value> = operation
        .request_body
        .as_ref()
        .and_then(|schema| single_array(document, schema))
        .and_then(|name| request.body.as_ref()?.get(&name)?.as_array().cloned())
        .unwrap_or_default();
    // The collection's own create names the field one item fills (`ipAddressRange`).
    let create = api.routes.iter().find(|other| {
        other.role == Role::Create
            && other.segments[..] == route.segments[..route.segments.len() - 1]
    });
    let create_schema = create.and_then(|c| c.operation.request_body.as_ref());
    let field = create_schema.and_then(|schema| only_required(document, schema));
    let Some(field) = field else {
        return Ok(other(api, route, params, request));
    };
    if declares(api, operation, 409) {
        let existing = store.list(collection);
        if let Some(taken) = values.iter().find(|value| {
            existing
                .iter()
                .any(|object| object.get(&field) == Some(value))
        }) {
            return Err(Refusal {
                status: 409,
                message: format!("{} {taken} already exists", resource.noun),
            });
        }
    }
    let mut created = Vec::new();
    for value in values {
        let id = ids.object();
        let fields = Value::Object(Map::from_iter([(field.clone(), value)]));
        let record = new_record(api, resource, params, Some(&fields), create_schema, &id);
        store.insert(collection, &id, record.clone());
        created.push(record);
    }
    let Some(schema) = &operation.success_schema else {
        return Ok(Answer {
            status: operation.success_status,
            body: Body::Empty,
        });
    };
    let mut answer = sample(document, schema);
    if let (Value::Object(fields), Some(name)) = (&mut answer, single_array(document, schema)) {
        fields.insert(name, Value::Array(created));
    }
    Ok(Answer {
        status: operation.success_status,
        body: Body::Json(conform(document, schema, &answer)),
    })
}

/// The one required property of an object schema.
fn only_required(document: &astro_spec::Document, schema: &Value) -> Option<String> {
    let required = document.resolve(schema).get("required")?.as_array()?;
    match required.as_slice() {
        [Value::String(name)] => Some(name.clone()),
        _ => None,
    }
}

/// Whether the document lists `status` (or its `4XX`/`5XX` range) among the operation's
/// responses.
/// The collection and id of the item a sub-collection route hangs from
/// (`…/teams/{teamId}/members` gives the teams collection and the team id).
fn parent_item(route: &Route, params: &BTreeMap<String, String>) -> Option<(String, String)> {
    let len = route.segments.len();
    match route.segments.get(len.checked_sub(2)?)? {
        Segment::Param(name) => Some((
            route.concrete_prefix(len - 2, params),
            params.get(name)?.clone(),
        )),
        Segment::Literal(_) => None,
    }
}

fn declares(api: &Api, operation: &astro_spec::Operation, status: u16) -> bool {
    let pointer = format!(
        "/paths/{}/{}/responses",
        operation.path.replace('~', "~0").replace('/', "~1"),
        operation.method.to_lowercase()
    );
    let range = format!("{}XX", status / 100);
    api.document
        .value()
        .pointer(&pointer)
        .and_then(Value::as_object)
        .is_some_and(|responses| {
            responses
                .keys()
                .any(|code| code == &status.to_string() || code.eq_ignore_ascii_case(&range))
        })
}

/// An operation without store semantics: a sample of its success schema with the request's
/// fields and path parameters where the schema has them; an empty body when it has none.
fn other(api: &Api, route: &Route, params: &BTreeMap<String, String>, request: &Checked) -> Answer {
    let operation = &route.operation;
    let Some(schema) = &operation.success_schema else {
        return Answer {
            status: operation.success_status,
            body: Body::Empty,
        };
    };
    let document = &api.document;
    let mut value = sample(document, schema);
    if let Value::Object(fields) = &mut value {
        let resolved = document.resolve(schema);
        let from_path = params
            .iter()
            .map(|(name, value)| (name.clone(), Value::String(value.clone())));
        let from_body = match &request.body {
            Some(Value::Object(body)) => body.clone().into_iter().collect(),
            _ => Vec::new(),
        };
        for (name, given) in from_path.chain(from_body) {
            if let Some(property) = resolved.pointer(&format!("/properties/{name}"))
                && check(document, property, &given).is_ok()
            {
                fields.insert(name, given);
            }
        }
    }
    Answer {
        status: operation.success_status,
        body: Body::Json(conform(document, schema, &value)),
    }
}
