//! Long-running work: the statuses a deployment, a cluster or a deploy passes through before it
//! settles, counted in reads of the item, plus the scripted statuses and scheduled removals a
//! test asks for.
//!
//! The statuses are specific to each resource, so they are listed here by the resource's noun
//! ([`LIFECYCLES`]); a lifecycle applies only where the record schema's `status` enum has its
//! values, so a document without them (or a different resource) is left alone.

use std::collections::{HashMap, VecDeque};

use serde_json::{Map, Value};

use crate::catalog::Api;
use crate::resources::Resource;
use crate::store::Store;

/// How many reads of an item a transitional status lasts by default.
pub const DEFAULT_SETTLE_READS: u32 = 2;

/// The statuses of one resource's long-running work.
#[derive(Debug)]
pub struct Lifecycle {
    /// The resource's noun (see [`Resource::noun`]).
    pub noun: &'static str,
    /// The status a created object starts with.
    pub created: &'static str,
    /// Whether the created status settles on its own (a deploy waits for its finalize).
    pub settles_after_create: bool,
    /// The status an update of a settled object moves it to, if updates are long-running.
    pub updated: Option<&'static str>,
    /// The action (last path segment) that starts the settling, if one does.
    pub started_by: Option<&'static str>,
    /// The status the work ends in.
    pub settled: &'static str,
}

/// The resources with long-running work.
pub const LIFECYCLES: &[Lifecycle] = &[
    Lifecycle {
        noun: "deployment",
        created: "CREATING",
        settles_after_create: true,
        updated: Some("DEPLOYING"),
        started_by: None,
        settled: "HEALTHY",
    },
    Lifecycle {
        noun: "cluster",
        created: "CREATING",
        settles_after_create: true,
        updated: Some("UPDATING"),
        started_by: None,
        settled: "CREATED",
    },
    Lifecycle {
        noun: "deploy",
        created: "INITIALIZED",
        settles_after_create: false,
        updated: None,
        started_by: Some("finalize"),
        settled: "DEPLOYED",
    },
];

/// The pending work of every stored item, keyed by the item's store path
/// (`/organizations/o/deployments/d`).
#[derive(Debug)]
pub struct Jobs {
    settle_reads: u32,
    settling: HashMap<String, Settling>,
    scripts: HashMap<String, VecDeque<String>>,
    removals: HashMap<String, u32>,
}

/// A transitional status waiting for reads before it settles.
#[derive(Debug)]
struct Settling {
    reads_left: u32,
    settled: &'static str,
}

impl Default for Jobs {
    fn default() -> Self {
        Self::new(DEFAULT_SETTLE_READS)
    }
}

impl Jobs {
    /// No pending work; transitional statuses last `settle_reads` reads.
    pub fn new(settle_reads: u32) -> Self {
        Self {
            settle_reads,
            settling: HashMap::new(),
            scripts: HashMap::new(),
            removals: HashMap::new(),
        }
    }

    /// Queues statuses for the next reads of an item (replacing its settling and any earlier
    /// script); an empty list drops the script.
    pub fn script(&mut self, key: &str, statuses: Vec<String>) {
        self.settling.remove(key);
        if statuses.is_empty() {
            self.scripts.remove(key);
        } else {
            self.scripts.insert(key.to_string(), statuses.into());
        }
    }

    /// Schedules an item's removal once it has answered `reads` more reads.
    pub fn remove_after(&mut self, key: &str, reads: u32) {
        self.removals.insert(key.to_string(), reads);
    }

    /// Forgets the pending work of an item that is gone.
    pub fn forget(&mut self, key: &str) {
        self.settling.remove(key);
        self.scripts.remove(key);
        self.removals.remove(key);
    }

    /// Starts settling an item's status; `false` (nothing started) when it settles at once.
    fn start(&mut self, key: &str, settled: &'static str) -> bool {
        if self.settle_reads == 0 {
            self.settling.remove(key);
            return false;
        }
        self.settling.insert(
            key.to_string(),
            Settling {
                reads_left: self.settle_reads,
                settled,
            },
        );
        true
    }
}

/// The store path of an item: its collection and id.
pub fn item_key(collection: &str, id: &str) -> String {
    format!("{collection}/{id}")
}

/// The lifecycle of a resource, if it has one and its `status` enum has the lifecycle's values.
pub fn lifecycle_of(api: &Api, resource: &Resource) -> Option<&'static Lifecycle> {
    let lifecycle = LIFECYCLES.iter().find(|l| l.noun == resource.noun)?;
    let allowed = status_values(api, resource);
    let known = |status: &str| allowed.iter().any(|value| value == status);
    let fits =
        known(lifecycle.created) && known(lifecycle.settled) && lifecycle.updated.is_none_or(known);
    fits.then_some(lifecycle)
}

/// The values of the record schema's `status` enum (empty when it has none).
pub fn status_values(api: &Api, resource: &Resource) -> Vec<String> {
    let schema = api.document.resolve(&resource.record_schema);
    schema
        .pointer("/properties/status")
        .map(|status| api.document.resolve(status))
        .and_then(|status| status.get("enum"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// A created object's status: the lifecycle's first status, settling over the next reads (or
/// the settled status at once when the sandbox settles immediately).
pub fn on_create(
    jobs: &mut Jobs,
    api: &Api,
    resource: &Resource,
    key: &str,
    record: &mut Map<String, Value>,
) {
    let Some(lifecycle) = lifecycle_of(api, resource) else {
        return;
    };
    jobs.forget(key);
    let status = if !lifecycle.settles_after_create || jobs.start(key, lifecycle.settled) {
        lifecycle.created
    } else {
        lifecycle.settled
    };
    record.insert("status".into(), Value::String(status.into()));
}

/// An updated object's status: a settled object moves to the lifecycle's update status and
/// settles again; an object still in transition (or in a scripted status) keeps its status.
pub fn on_update(
    jobs: &mut Jobs,
    api: &Api,
    resource: &Resource,
    key: &str,
    record: &mut Map<String, Value>,
) {
    let Some(lifecycle) = lifecycle_of(api, resource) else {
        return;
    };
    let Some(updated) = lifecycle.updated else {
        return;
    };
    let settled = record.get("status").and_then(Value::as_str) == Some(lifecycle.settled);
    if settled && !jobs.scripts.contains_key(key) && jobs.start(key, lifecycle.settled) {
        record.insert("status".into(), Value::String(updated.into()));
    }
}

/// An action on an item (`…/finalize`): starts the settling the lifecycle names for it.
pub fn on_action(
    jobs: &mut Jobs,
    api: &Api,
    resource: &Resource,
    action: &str,
    key: &str,
    record: &mut Map<String, Value>,
) {
    let Some(lifecycle) = lifecycle_of(api, resource) else {
        return;
    };
    if lifecycle.started_by != Some(action) || jobs.scripts.contains_key(key) {
        return;
    }
    if !jobs.start(key, lifecycle.settled) {
        record.insert("status".into(), Value::String(lifecycle.settled.into()));
    }
}

/// A seeded object without a `status` of its own starts settled: fixtures are ready.
pub fn on_seed(api: &Api, resource: &Resource, record: &mut Map<String, Value>) {
    if let Some(lifecycle) = lifecycle_of(api, resource) {
        record.insert("status".into(), Value::String(lifecycle.settled.into()));
    }
}

/// Reads an item for a `GET` of it, playing its pending work: the next scripted status (stored
/// as it is served), or one read of its settling (the settled status is stored after the last
/// transitional read), and its scheduled removal. `None` when the item is not there (or has
/// just been removed).
pub fn read(store: &mut Store, collection: &str, id: &str) -> Option<Value> {
    let key = item_key(collection, id);
    if store.get(collection, id).is_none() {
        store.jobs.forget(&key);
        return None;
    }
    if store.jobs.removals.get(&key) == Some(&0) {
        remove(store, collection, id);
        return None;
    }
    let scripted = match store.jobs.scripts.get_mut(&key) {
        Some(queue) if queue.len() > 1 => queue.pop_front(),
        Some(queue) => {
            let last = queue.pop_front();
            store.jobs.scripts.remove(&key);
            last
        }
        None => None,
    };
    if let Some(status) = scripted {
        set_status(store, collection, id, &status);
    }
    let served = store.get(collection, id).cloned();
    if let Some(settling) = store.jobs.settling.get_mut(&key) {
        settling.reads_left = settling.reads_left.saturating_sub(1);
        if settling.reads_left == 0 {
            let settled = settling.settled;
            store.jobs.settling.remove(&key);
            set_status(store, collection, id, settled);
        }
    }
    if let Some(left) = store.jobs.removals.get_mut(&key) {
        *left = left.saturating_sub(1);
        if *left == 0 {
            remove(store, collection, id);
        }
    }
    served
}

/// Removes an item now and forgets its pending work.
pub fn remove(store: &mut Store, collection: &str, id: &str) -> bool {
    store.jobs.forget(&item_key(collection, id));
    store.remove(collection, id)
}

fn set_status(store: &mut Store, collection: &str, id: &str, status: &str) {
    if let Some(Value::Object(record)) = store.get_mut(collection, id) {
        record.insert("status".into(), Value::String(status.into()));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn store_with(settle_reads: u32) -> Store {
        let mut store = Store::with_settle_reads(settle_reads);
        store.insert("/c", "1", json!({"status": "CREATING"}));
        store
    }

    fn status(value: Option<Value>) -> Option<String> {
        value.and_then(|v| v["status"].as_str().map(str::to_string))
    }

    #[test]
    fn settling_takes_its_reads_and_scripts_win() {
        let mut store = store_with(2);
        assert!(store.jobs.start("/c/1", "HEALTHY"));
        assert_eq!(
            status(read(&mut store, "/c", "1")).as_deref(),
            Some("CREATING")
        );
        assert_eq!(
            status(read(&mut store, "/c", "1")).as_deref(),
            Some("CREATING")
        );
        assert_eq!(
            status(read(&mut store, "/c", "1")).as_deref(),
            Some("HEALTHY")
        );

        store.jobs.start("/c/1", "HEALTHY");
        store
            .jobs
            .script("/c/1", vec!["UNHEALTHY".into(), "UNKNOWN".into()]);
        assert_eq!(
            status(read(&mut store, "/c", "1")).as_deref(),
            Some("UNHEALTHY")
        );
        for _ in 0..3 {
            assert_eq!(
                status(read(&mut store, "/c", "1")).as_deref(),
                Some("UNKNOWN")
            );
        }
    }

    #[test]
    fn removal_comes_after_the_reads_it_was_given() {
        let mut store = store_with(0);
        store.jobs.remove_after("/c/1", 2);
        assert!(read(&mut store, "/c", "1").is_some());
        assert!(read(&mut store, "/c", "1").is_some());
        assert!(store.get("/c", "1").is_none());
        assert!(read(&mut store, "/c", "1").is_none());
    }
}
