//! What each operation does to the store: list, create, read, update, delete, or (for the
//! other operations) a sample of the success schema shaped by the request.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::catalog::{Api, Route, Segment};
use crate::ids::Ids;
use crate::listing;
use crate::records::{merge_fields, new_record, stamp};
use crate::request::Checked;
use crate::resources::{Resource, Role};
use crate::schema::{check, conform, fitting_sample};
use crate::store::Store;

/// The answer of an operation before it is encoded: a status and an optional JSON body.
#[derive(Debug, PartialEq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body; `None` for an empty body.
    pub body: Option<Value>,
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
    let collection = format!(
        "{}{}",
        api.name,
        route.concrete_prefix(route.role.collection_len(&route.segments), params)
    );
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
        body: operation
            .success_schema
            .as_ref()
            .map(|schema| conform(document, schema, value)),
    };
    match (route.role, resource) {
        (Role::List, Some(resource)) => {
            let Some(pagination) = &operation.pagination else {
                return Ok(other(api, route, params, request));
            };
            let filters =
                listing::filters(document, operation, &resource.id_property, &resource.noun);
            let page = listing::page(
                document,
                pagination,
                &filters,
                store.list(&collection),
                &request.query,
            );
            Ok(Answer {
                status: operation.success_status,
                body: Some(page),
            })
        }
        (Role::Create, Some(resource)) => {
            let id = ids.object();
            let record = new_record(
                api,
                resource,
                params,
                request.body.as_ref(),
                operation.request_body.as_ref(),
                &id,
            );
            store.insert(&collection, &id, record.clone());
            Ok(respond(&record))
        }
        (Role::Read, Some(resource)) => match store.get(&collection, &item_id()) {
            Some(record) => Ok(respond(record)),
            None => Err(not_found(resource)),
        },
        (Role::Update, Some(resource)) => match store.get_mut(&collection, &item_id()) {
            Some(record) => {
                if let (Value::Object(fields), Some(Value::Object(changes))) =
                    (&mut *record, &request.body)
                {
                    merge_fields(api, resource, fields, changes);
                    stamp(api, resource, fields, &["updatedAt"]);
                }
                Ok(respond(record))
            }
            None => Err(not_found(resource)),
        },
        (Role::Delete, Some(resource)) => match store.remove(&collection, &item_id()) {
            true => Ok(Answer {
                status: operation.success_status,
                body: None,
            }),
            false => Err(not_found(resource)),
        },
        (Role::Action, Some(resource)) => match store.get_mut(&collection, &item_id()) {
            Some(record) => {
                if let Value::Object(fields) = &mut *record {
                    if let Some(Value::Object(changes)) = &request.body {
                        merge_fields(api, resource, fields, changes);
                    }
                    stamp(api, resource, fields, &["updatedAt"]);
                }
                Ok(respond(record))
            }
            None if declares(api, operation, 404) => Err(not_found(resource)),
            None => Ok(other(api, route, params, request)),
        },
        _ => Ok(other(api, route, params, request)),
    }
}

/// Whether the document lists `status` (or its `4XX`/`5XX` range) among the operation's
/// responses.
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
            body: None,
        };
    };
    let document = &api.document;
    let mut value = fitting_sample(document, schema);
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
        body: Some(conform(document, schema, &value)),
    }
}
