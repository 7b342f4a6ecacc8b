//! A test's direct hold on one stored item, named by its full path as a client sends it
//! (`/v1/organizations/<org>/deployments/<id>`): read or change the record as stored, script
//! the statuses its next reads answer, schedule its removal.

use serde_json::Value;

use crate::catalog::{Api, Resolution};
use crate::handler::lock;
use crate::lifecycle::{self, item_key};
use crate::records::stamp;
use crate::resources::{Resource, Role};
use crate::sandbox::{Sandbox, SeedError, check_fields};

/// Where an item is kept: its API, resource, collection and id.
struct Item<'a> {
    api: &'a Api,
    resource: &'a Resource,
    collection: String,
    id: String,
}

impl Sandbox {
    /// The stored record of the item at `item_path`, as stored: with what answers leave out
    /// (the values of secret environment variables). `None` when there is none.
    pub fn object(&self, item_path: &str) -> Option<Value> {
        let item = self.item(item_path).ok()?;
        lock(&self.state.store)
            .get(&item.collection, &item.id)
            .cloned()
    }

    /// Merges top-level `fields` into the stored item at `item_path`, as a change made by
    /// someone else would (`updatedAt` is stamped unless `fields` sets it); returns the stored
    /// record. Each field must be a field of the item's schema and fit it. Statuses set this
    /// way do not start or stop the item's settling.
    pub fn update_object(&self, item_path: &str, fields: Value) -> Result<Value, SeedError> {
        let item = self.item(item_path)?;
        let Value::Object(given) = fields else {
            return Err(SeedError("fields must be a JSON object".into()));
        };
        check_fields(item.api, item.resource, &given)?;
        let mut store = lock(&self.state.store);
        let Some(Value::Object(record)) = store.get_mut(&item.collection, &item.id) else {
            return Err(SeedError(format!("no object is stored at {item_path}")));
        };
        stamp(item.api, item.resource, record, &["updatedAt"]);
        record.extend(given);
        Ok(Value::Object(record.clone()))
    }

    /// Makes the next `GET`s of the item at `item_path` answer `statuses` in turn, each stored
    /// as it is served; the last one stays. A script replaces the item's settling (and any
    /// earlier script); an empty list drops it. Each status must be a value of the item
    /// schema's `status` enum.
    pub fn script_statuses(&self, item_path: &str, statuses: &[&str]) -> Result<(), SeedError> {
        let item = self.stored_item(item_path)?;
        let allowed = lifecycle::status_values(item.api, item.resource);
        if allowed.is_empty() {
            return Err(SeedError(format!("a {} has no status", item.resource.noun)));
        }
        if let Some(unknown) = statuses
            .iter()
            .find(|status| !allowed.iter().any(|value| value == *status))
        {
            return Err(SeedError(format!(
                "`{unknown}` is not a status of a {}; allowed: {}",
                item.resource.noun,
                allowed.join(", ")
            )));
        }
        let statuses = statuses.iter().map(|status| status.to_string()).collect();
        lock(&self.state.store)
            .jobs
            .script(&item_key(&item.collection, &item.id), statuses);
        Ok(())
    }

    /// Makes the item at `item_path` answer `reads` more `GET`s, then disappear (`404` after,
    /// and gone from lists), as an object being deleted does. 0 removes it now.
    pub fn remove_after_reads(&self, item_path: &str, reads: u32) -> Result<(), SeedError> {
        let item = self.stored_item(item_path)?;
        let mut store = lock(&self.state.store);
        if reads == 0 {
            lifecycle::remove(&mut store, &item.collection, &item.id);
        } else {
            store
                .jobs
                .remove_after(&item_key(&item.collection, &item.id), reads);
        }
        Ok(())
    }

    /// The item at `item_path`, which must be stored.
    fn stored_item(&self, item_path: &str) -> Result<Item<'_>, SeedError> {
        let item = self.item(item_path)?;
        match lock(&self.state.store).get(&item.collection, &item.id) {
            Some(_) => Ok(item),
            None => Err(SeedError(format!("no object is stored at {item_path}"))),
        }
    }

    /// Where the item at `item_path` is kept (stored or not).
    fn item(&self, item_path: &str) -> Result<Item<'_>, SeedError> {
        let unknown = || SeedError(format!("no item of a collection is served at {item_path}"));
        let Resolution::Found { api, route, params } = self.state.catalog.resolve("GET", item_path)
        else {
            return Err(unknown());
        };
        if route.role != Role::Read {
            return Err(unknown());
        }
        let resource = api.resource(route).ok_or_else(unknown)?;
        let len = route.role.collection_len(&route.segments);
        let id = match route.segments.get(len) {
            Some(crate::template::Segment::Param(name)) => params.get(name).cloned(),
            _ => None,
        }
        .ok_or_else(unknown)?;
        Ok(Item {
            api,
            resource,
            collection: route.concrete_prefix(len, &params),
            id,
        })
    }
}
