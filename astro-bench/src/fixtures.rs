//! Response bodies built from the pinned Platform spec: list pages of spec samples (the
//! schemas' own examples), each item with its own id and name.

use astro_spec::{Document, Pagination, samples};
use serde_json::{Value, json};

/// The organization id used in every request path.
pub const ORGANIZATION: &str = "clbench0org000000000000000";
/// The bearer token every client sends.
pub const TOKEN: &str = "bench-token-0123456789abcdef";

/// One offset/limit list operation of the Platform API and a sample item of it.
pub struct ListFixture {
    /// The operation id, such as `ListDeployments`.
    pub operation_id: String,
    items_property: String,
    item: Value,
}

/// The pinned Platform spec, parsed.
pub fn platform_spec() -> Result<Document, String> {
    Document::parse(astro_platform::SPEC_YAML.as_bytes())
        .map_err(|e| format!("the pinned Platform spec does not parse: {e}"))
}

impl ListFixture {
    /// The list operation `operation_id` of `document`, with a full sample of its item schema.
    pub fn new(document: &Document, operation_id: &str) -> Result<Self, String> {
        let operation = document
            .operations()
            .into_iter()
            .find(|op| op.id == operation_id)
            .ok_or_else(|| format!("the pinned Platform spec has no operation {operation_id}"))?;
        let Some(Pagination {
            items_property,
            item_schema,
            ..
        }) = operation.pagination
        else {
            return Err(format!("{operation_id} is not an offset/limit list"));
        };
        let item = samples::sample(document, &item_schema);
        if !item.is_object() {
            return Err(format!(
                "the sample item of {operation_id} is not an object"
            ));
        }
        Ok(Self {
            operation_id: operation_id.to_string(),
            items_property,
            item,
        })
    }

    /// The `index`-th item: the sample with an id and a name of its own.
    pub fn item(&self, index: usize) -> Value {
        let mut item = self.item.clone();
        if let Some(fields) = item.as_object_mut() {
            let id = fields.get("id").and_then(Value::as_str).unwrap_or("cl");
            let keep = id.chars().count().saturating_sub(8);
            let id = format!("{}{index:08}", id.chars().take(keep).collect::<String>());
            let name = fields.get("name").and_then(Value::as_str).unwrap_or("item");
            let name = format!("{name} {index}");
            fields.insert("id".into(), Value::String(id));
            fields.insert("name".into(), Value::String(name));
        }
        item
    }

    /// A page of the items `offset..offset + limit` of a list of `total`.
    pub fn page(&self, offset: usize, limit: usize, total: usize) -> Value {
        let end = offset.saturating_add(limit).min(total);
        let items: Vec<Value> = (offset.min(end)..end).map(|i| self.item(i)).collect();
        json!({
            self.items_property.as_str(): items,
            "offset": offset,
            "limit": limit,
            "totalCount": total,
        })
    }

    /// [`ListFixture::page`] as JSON bytes.
    pub fn page_bytes(&self, offset: usize, limit: usize, total: usize) -> Vec<u8> {
        serde_json::to_vec(&self.page(offset, limit, total)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use astro_platform::types::{DeploymentsPaginated, WorkspacesPaginated};

    #[test]
    fn pages_decode_into_the_generated_types_with_distinct_ids() {
        let spec = platform_spec().unwrap();
        let deployments = ListFixture::new(&spec, "ListDeployments").unwrap();
        let page: DeploymentsPaginated =
            serde_json::from_slice(&deployments.page_bytes(10, 5, 12)).unwrap();
        assert_eq!(page.deployments.len(), 2);
        assert_eq!(page.total_count, 12);
        assert_ne!(page.deployments[0].id, page.deployments[1].id);
        assert!(page.deployments[1].name.ends_with(" 11"));
        let workspaces = ListFixture::new(&spec, "ListWorkspaces").unwrap();
        let page: WorkspacesPaginated =
            serde_json::from_slice(&workspaces.page_bytes(0, 20, 20)).unwrap();
        assert_eq!(page.workspaces.len(), 20);
    }
}
