//! Resource semantics derived from path shapes: which operations list, create, read, update or
//! delete the objects of a collection, and what those objects look like.

use std::collections::BTreeMap;

use astro_spec::{Document, Operation};
use serde_json::Value;

use crate::template::{Segment, parse_template, shape_of, shape_of_segments};

/// What an operation does to the in-memory store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `GET` of a collection with offset/limit pagination.
    List,
    /// `POST` to a collection whose items have their own path.
    Create,
    /// `GET` of an item path `…/{id}`.
    Read,
    /// `POST` to an item path.
    Update,
    /// `DELETE` of an item path.
    Delete,
    /// `POST` to an action under an item path (`…/{tokenId}/rotate`) answering the item
    /// itself; the action changes the stored item (`404` if it is missing and the operation
    /// documents `404`).
    Action,
    /// `POST` to `<collection>/bulk-create` whose body is one array: one new object per item.
    BulkCreate,
    /// `POST` to `<collection>/bulk-delete` whose body is one array of ids: those objects go.
    BulkDelete,
    /// `POST` without an answer body to a collection that has no create of its own, whose body
    /// is one array of ids (`AddTeamMembers`): one object per id.
    BulkAdd,
    /// `GET …/<item>/{id}/<collection>` of a collection that exists at the top
    /// (`/organizations/{}/teams`) and whose objects have a `members` collection: the objects
    /// whose members include `{id}` (`ListUserTeams`).
    Memberships,
    /// `GET …/self`: the seeded default user, in the answer's shape.
    SelfUser,
    /// `GET …/logs` answering a list of entries: a few synthesized entries.
    Logs,
    /// A `GET` whose answer is not JSON (the audit logs): gzip-compressed NDJSON records.
    Export,
    /// Anything else (options, bulk role updates…): answers a sample of its schema.
    Other,
}

impl Role {
    /// How many leading template segments name the collection this role works on.
    pub fn collection_len(self, segments: &[Segment]) -> usize {
        match self {
            Role::Read | Role::Update | Role::Delete => segments.len().saturating_sub(1),
            Role::Action => segments.len().saturating_sub(2),
            Role::BulkCreate | Role::BulkDelete => segments.len().saturating_sub(1),
            _ => segments.len(),
        }
    }
}

/// What the store needs to know about the objects of one collection shape.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The schema objects are kept in: the read schema, else the create or list item schema.
    pub record_schema: Value,
    /// The property holding an object's id (`id`, or e.g. `inviteId`, `userId`).
    pub id_property: String,
    /// The singular noun of the collection (`workspace`), for messages and id filters.
    pub noun: String,
}

/// The role of each operation, in the same order.
pub fn classify(operations: &[Operation]) -> Vec<Role> {
    let shapes: Vec<String> = operations.iter().map(|op| shape_of(&op.path)).collect();
    operations
        .iter()
        .zip(&shapes)
        .map(|(op, shape)| {
            let segments = parse_template(&op.path);
            let last = match segments.last() {
                Some(Segment::Literal(literal)) => literal.as_str(),
                _ => "",
            };
            let item_ends = matches!(segments.last(), Some(Segment::Param(_)));
            match (item_ends, op.method.as_str()) {
                (false, "GET") if op.success_binary => Role::Export,
                (false, "GET") if last == "self" => Role::SelfUser,
                (false, "GET") if last == "logs" && op.success_schema.is_some() => Role::Logs,
                (true, "GET") => Role::Read,
                (true, "POST") => Role::Update,
                (true, "DELETE") => Role::Delete,
                (false, "GET") if op.pagination.is_some() => Role::List,
                (false, "POST")
                    if op.success_schema.is_some()
                        && shapes.iter().any(|s| *s == format!("{shape}/{{}}")) =>
                {
                    Role::Create
                }
                _ => Role::Other,
            }
        })
        .collect()
}

/// The resources of a document, keyed by collection shape (`/organizations/{}/workspaces`).
pub fn resources(
    document: &Document,
    operations: &[(&Operation, Role)],
) -> BTreeMap<String, Resource> {
    let mut by_shape: BTreeMap<String, Vec<(&Operation, Role)>> = BTreeMap::new();
    for (op, role) in operations {
        if *role == Role::Other {
            continue;
        }
        let segments = parse_template(&op.path);
        let shape = shape_of_segments(&segments[..role.collection_len(&segments)]);
        by_shape.entry(shape).or_default().push((op, *role));
    }
    by_shape
        .into_iter()
        .filter_map(|(shape, ops)| {
            let resource = describe(document, &shape, &ops)?;
            Some((shape, resource))
        })
        .collect()
}

fn describe(document: &Document, shape: &str, ops: &[(&Operation, Role)]) -> Option<Resource> {
    let schema_of = |wanted: Role| {
        ops.iter()
            .find(|(_, role)| *role == wanted)
            .and_then(|(op, _)| match wanted {
                Role::List => op.pagination.as_ref().map(|p| p.item_schema.clone()),
                _ => op.success_schema.clone(),
            })
    };
    let record_schema = schema_of(Role::Read)
        .or_else(|| schema_of(Role::Create))
        .or_else(|| schema_of(Role::List))?;
    let item_param = ops
        .iter()
        .find_map(|(op, _)| match parse_template(&op.path).last() {
            Some(Segment::Param(name)) => Some(name.clone()),
            _ => None,
        });
    let resolved = document.resolve(&record_schema);
    let properties: Vec<&str> = resolved
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let required_id = resolved
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find(|name| name.ends_with("Id"));
    let id_property = if properties.contains(&"id") {
        "id".to_string()
    } else if let Some(param) = item_param.filter(|p| properties.contains(&p.as_str())) {
        param
    } else {
        required_id.unwrap_or("id").to_string()
    };
    let last = shape.rsplit('/').next().unwrap_or_default();
    Some(Resource {
        record_schema,
        id_property,
        noun: last.strip_suffix('s').unwrap_or(last).to_string(),
    })
}

/// Fills in the pagination of a list whose page has several arrays (such as `roles` next to
/// `defaultRoles`), which `astro_spec` leaves undecided: the items are the array named like the
/// collection's last path segment.
pub fn complete_pagination(document: &Document, operation: &mut Operation) {
    if operation.pagination.is_some() || operation.method != "GET" {
        return;
    }
    let is_query = |name: &str| {
        operation
            .parameter(name)
            .is_some_and(|p| p.location == astro_spec::ParameterLocation::Query)
    };
    if !is_query("offset") || !is_query("limit") {
        return;
    }
    let Some(schema) = &operation.success_schema else {
        return;
    };
    let Some(page_schema) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    else {
        return;
    };
    let page = document.resolve(schema);
    let items_property = operation
        .path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let has = |name: &str| page.pointer(&format!("/properties/{name}")).is_some();
    if !["offset", "limit", "totalCount"]
        .iter()
        .all(|name| has(name))
    {
        return;
    }
    let Some(item_schema) = page
        .pointer(&format!("/properties/{items_property}"))
        .map(|array| document.resolve(array))
        .and_then(|array| array.get("items"))
    else {
        return;
    };
    operation.pagination = Some(astro_spec::Pagination {
        page_schema: page_schema.to_string(),
        item_schema: item_schema.clone(),
        max_limit: operation
            .parameter("limit")
            .and_then(|p| p.schema.get("maximum"))
            .and_then(Value::as_u64),
        items_property,
    });
}

/// Gives the roles that depend on the resources: [`Role::Action`] to the `POST`s to
/// `<item path>/<literal>` that answer with the schema of the item's collection or with no
/// body; [`Role::BulkCreate`], [`Role::BulkDelete`] and [`Role::BulkAdd`] to the `POST`s that
/// change many objects of a collection at once; [`Role::Memberships`] to the lists of the
/// collections an item belongs to.
pub fn mark_roles(
    document: &Document,
    operations: &[Operation],
    roles: &mut [Role],
    resources: &BTreeMap<String, Resource>,
) {
    for (op, role) in operations.iter().zip(roles.iter_mut()) {
        let segments = parse_template(&op.path);
        let shape = shape_of_segments(&segments);
        if *role == Role::List && is_membership_list(&segments, resources) {
            *role = Role::Memberships;
            continue;
        }
        if *role != Role::Other || op.method != "POST" {
            continue;
        }
        let array_body = op
            .request_body
            .as_ref()
            .and_then(|body| single_array(document, body))
            .is_some();
        if let [.., Segment::Literal(literal)] = segments.as_slice()
            && array_body
            && resources.contains_key(&shape_of_segments(&segments[..segments.len() - 1]))
        {
            match literal.as_str() {
                "bulk-create" => *role = Role::BulkCreate,
                "bulk-delete" => *role = Role::BulkDelete,
                _ => {}
            }
            if *role != Role::Other {
                continue;
            }
        }
        if resources.contains_key(&shape) && op.success_schema.is_none() && array_body {
            *role = Role::BulkAdd;
            continue;
        }
        let [.., Segment::Param(_), Segment::Literal(_)] = segments.as_slice() else {
            continue;
        };
        let collection = shape_of_segments(&segments[..segments.len() - 2]);
        if let Some(resource) = resources.get(&collection)
            && (op.success_schema.is_none()
                || op.success_schema.as_ref() == Some(&resource.record_schema))
        {
            *role = Role::Action;
        }
    }
}

/// Whether `segments` are `<A>/{}/<B>/{}/<C>` where `<A>/{}/<C>` and `<A>/{}/<C>/{}/members`
/// are collections: the `<C>`s one `<B>` is a member of.
fn is_membership_list(segments: &[Segment], resources: &BTreeMap<String, Resource>) -> bool {
    let [
        head @ ..,
        Segment::Param(_),
        Segment::Literal(_),
        Segment::Param(_),
        Segment::Literal(last),
    ] = segments
    else {
        return false;
    };
    let top = format!("{}/{{}}/{last}", shape_of_segments(head));
    resources.contains_key(&top) && resources.contains_key(&format!("{top}/{{}}/members"))
}

/// The name of the one property of an object schema, if it is an array.
pub fn single_array(document: &Document, schema: &Value) -> Option<String> {
    let properties = document.resolve(schema).get("properties")?.as_object()?;
    let [(name, property)] = properties.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    (document
        .resolve(property)
        .get("type")
        .and_then(Value::as_str)
        == Some("array"))
    .then(|| name.clone())
}

/// The collection shape of the top-level collection a [`Role::Memberships`] list reads
/// (`/organizations/{}/teams` for `/organizations/{}/users/{}/teams`), and how many leading
/// segments of the list's path it shares.
pub fn membership_source(segments: &[Segment]) -> Option<(String, usize)> {
    let [
        head @ ..,
        Segment::Param(_),
        Segment::Literal(_),
        Segment::Param(_),
        Segment::Literal(last),
    ] = segments
    else {
        return None;
    };
    Some((
        format!("{}/{{}}/{last}", shape_of_segments(head)),
        head.len() + 1,
    ))
}
