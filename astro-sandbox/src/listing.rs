//! List operations: the filters the document declares that map onto item fields (the rules
//! are in the crate docs), `sorts`, and offset/limit pages with `totalCount`.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use astro_spec::{Document, Operation, Pagination};
use serde_json::{Map, Value};

use astro_spec::samples::sample;

use crate::schema::conform;

/// The number of items a page holds when the request gives no `limit`.
pub const DEFAULT_LIMIT: u64 = 20;

const PAGING_KEYS: [&str; 3] = ["offset", "limit", "sorts"];

/// How one query parameter of a list operation filters its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The query parameter.
    pub parameter: String,
    /// The item field it is compared with.
    pub field: String,
}

/// The filters that apply to a list operation, from its parameters and item schema.
pub fn filters(
    document: &Document,
    operation: &Operation,
    id_property: &str,
    noun: &str,
) -> Vec<Filter> {
    let Some(pagination) = &operation.pagination else {
        return Vec::new();
    };
    let item = document.resolve(&pagination.item_schema);
    let has_field = |name: &str| item.pointer(&format!("/properties/{name}")).is_some();
    operation
        .parameters
        .iter()
        .filter(|p| p.location == astro_spec::ParameterLocation::Query)
        .filter(|p| !PAGING_KEYS.contains(&p.name.as_str()))
        .filter_map(|p| {
            let singular = p.name.strip_suffix('s').filter(|_| p.is_array());
            let field = match singular {
                Some(field) if has_field(field) => field.to_string(),
                Some(field) if field == format!("{noun}Id") => id_property.to_string(),
                Some(_) => return None,
                None if has_field(&p.name) => p.name.clone(),
                None => return None,
            };
            Some(Filter {
                parameter: p.name.clone(),
                field,
            })
        })
        .collect()
}

/// One page of `items` for a list request: filtered, sorted, sliced, and shaped like the
/// operation's page schema.
pub fn page(
    document: &Document,
    pagination: &Pagination,
    filters: &[Filter],
    items: Vec<&Value>,
    query: &BTreeMap<String, Value>,
) -> Value {
    let mut kept: Vec<&Value> = items
        .into_iter()
        .filter(|item| filters.iter().all(|f| passes(item, f, query)))
        .collect();
    if let Some(Value::Array(sorts)) = query.get("sorts") {
        for sort in sorts.iter().rev().filter_map(Value::as_str) {
            let (field, direction) = sort.split_once(':').unwrap_or((sort, "asc"));
            kept.sort_by(|a, b| {
                let order = compare(a.get(field), b.get(field));
                if direction == "desc" {
                    order.reverse()
                } else {
                    order
                }
            });
        }
    }
    let total = kept.len();
    let offset = query.get("offset").and_then(whole).unwrap_or(0);
    let max = pagination.max_limit.unwrap_or(u64::MAX);
    let limit = query
        .get("limit")
        .and_then(whole)
        .unwrap_or(DEFAULT_LIMIT)
        .min(max);
    let shown: Vec<Value> = kept
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|item| conform(document, &pagination.item_schema, item))
        .collect();
    let page_schema = Value::String(format!("#/components/schemas/{}", pagination.page_schema));
    let page_ref = Value::Object(Map::from_iter([("$ref".to_string(), page_schema)]));
    let mut page = sample(document, &page_ref);
    if let Value::Object(fields) = &mut page {
        fields.insert("offset".into(), Value::from(offset));
        fields.insert("limit".into(), Value::from(limit));
        fields.insert("totalCount".into(), Value::from(total));
        fields.insert(pagination.items_property.clone(), Value::Array(shown));
    }
    page
}

/// A non-negative whole number, saturating beyond `u64` (a huge offset gives an empty page).
fn whole(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
}

fn passes(item: &Value, filter: &Filter, query: &BTreeMap<String, Value>) -> bool {
    let Some(wanted) = query.get(&filter.parameter) else {
        return true;
    };
    let Some(actual) = item.get(&filter.field) else {
        return false;
    };
    match wanted {
        Value::Array(choices) => choices.is_empty() || choices.iter().any(|c| same(c, actual)),
        single => same(single, actual),
    }
}

fn same(wanted: &Value, actual: &Value) -> bool {
    match (wanted, actual) {
        (Value::String(w), Value::String(a)) => w == a,
        (Value::String(w), other) => {
            serde_json::from_str::<Value>(w).is_ok_and(|parsed| parsed == *other)
        }
        _ => wanted == actual,
    }
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn filters_of(operation_id: &str) -> Vec<(String, String)> {
        let catalog = Catalog::pinned().unwrap();
        let (api, route) = catalog.operation(operation_id).unwrap();
        let resource = api.resource(route).unwrap();
        filters(
            &api.document,
            &route.operation,
            &resource.id_property,
            &resource.noun,
        )
        .into_iter()
        .map(|f| (f.parameter, f.field))
        .collect()
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn filters_map_parameters_onto_fields() {
        assert_eq!(
            filters_of("ListWorkspaces"),
            [pair("workspaceIds", "id"), pair("names", "name")]
        );
        assert_eq!(
            filters_of("ListDeployments"),
            [
                pair("deploymentIds", "id"),
                pair("names", "name"),
                pair("workspaceIds", "workspaceId")
            ]
        );
        assert!(filters_of("ListOrganizations").contains(&pair("product", "product")));
        assert!(filters_of("ListRoles").contains(&pair("scopeTypes", "scopeType")));
    }
}
