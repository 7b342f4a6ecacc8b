//! The in-memory objects, kept per collection in insertion order.

use std::collections::HashMap;

use serde_json::Value;

use crate::lifecycle::Jobs;
use crate::tokens::Issued;

/// Every stored object, keyed by collection (the collection's concrete path without the API's
/// mount prefix, such as `/organizations/o1/workspaces`), shared by every served API.
#[derive(Debug, Default)]
pub struct Store {
    collections: HashMap<String, Vec<Record>>,
    /// The collection and id of the user `GET /users/self` answers with (the seeded user).
    pub self_user: Option<(String, String)>,
    /// The pending long-running work of stored items (statuses settling, scripts, removals).
    pub jobs: Jobs,
    /// The API token values issued so far, current or not.
    pub issued: Issued,
    /// Where created deploys' upload URLs point, if anywhere (see [`crate::uploads`]).
    pub blob_endpoint: Option<crate::uploads::BlobEndpoint>,
}

/// One stored object and its id.
#[derive(Debug, Clone)]
struct Record {
    id: String,
    value: Value,
}

impl Store {
    /// An empty store whose transitional statuses last `settle_reads` reads.
    pub fn with_settle_reads(settle_reads: u32) -> Self {
        Self {
            jobs: Jobs::new(settle_reads),
            ..Self::default()
        }
    }

    /// Adds an object, replacing one with the same id.
    pub fn insert(&mut self, collection: &str, id: &str, value: Value) {
        let records = self.collections.entry(collection.to_string()).or_default();
        match records.iter_mut().find(|r| r.id == id) {
            Some(record) => record.value = value,
            None => records.push(Record {
                id: id.to_string(),
                value,
            }),
        }
    }

    /// The object with this id.
    pub fn get(&self, collection: &str, id: &str) -> Option<&Value> {
        self.collections
            .get(collection)?
            .iter()
            .find(|r| r.id == id)
            .map(|r| &r.value)
    }

    /// The object with this id, to change in place.
    pub fn get_mut(&mut self, collection: &str, id: &str) -> Option<&mut Value> {
        self.collections
            .get_mut(collection)?
            .iter_mut()
            .find(|r| r.id == id)
            .map(|r| &mut r.value)
    }

    /// Removes the object with this id; whether there was one.
    pub fn remove(&mut self, collection: &str, id: &str) -> bool {
        let Some(records) = self.collections.get_mut(collection) else {
            return false;
        };
        let before = records.len();
        records.retain(|r| r.id != id);
        records.len() != before
    }

    /// The objects of a collection, oldest first.
    pub fn list(&self, collection: &str) -> Vec<&Value> {
        self.collections
            .get(collection)
            .map(|records| records.iter().map(|r| &r.value).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keeps_objects_per_collection_in_order() {
        let mut store = Store::default();
        store.insert("a", "1", json!({"n": 1}));
        store.insert("a", "2", json!({"n": 2}));
        store.insert("b", "1", json!({"n": 3}));
        store.insert("a", "1", json!({"n": 4}));
        assert_eq!(store.list("a"), [&json!({"n": 4}), &json!({"n": 2})]);
        assert_eq!(store.get("b", "1"), Some(&json!({"n": 3})));
        if let Some(value) = store.get_mut("b", "1") {
            value["n"] = json!(5);
        }
        assert_eq!(store.get("b", "1"), Some(&json!({"n": 5})));
        assert!(store.remove("a", "1"));
        assert!(!store.remove("a", "1"));
        assert!(store.get("a", "1").is_none());
        assert!(store.list("c").is_empty());
    }
}
