//! Fresh ids for objects and requests, and the current time in the documents' format.

use std::sync::atomic::{AtomicU64, Ordering};

/// Hands out ids that are unique within one sandbox.
#[derive(Debug, Default)]
pub struct Ids {
    objects: AtomicU64,
    requests: AtomicU64,
}

impl Ids {
    /// A new object id shaped like Astro's 25-character ids: `clsbx` and 20 digits.
    pub fn object(&self) -> String {
        format!(
            "clsbx{:020}",
            self.objects.fetch_add(1, Ordering::Relaxed) + 1
        )
    }

    /// A new request id.
    pub fn request(&self) -> String {
        format!(
            "sandbox-{:08}",
            self.requests.fetch_add(1, Ordering::Relaxed) + 1
        )
    }
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_fresh_and_well_formed() {
        let ids = Ids::default();
        let (a, b) = (ids.object(), ids.object());
        assert_ne!(a, b);
        assert_eq!(a.len(), 25);
        assert_ne!(ids.request(), ids.request());
        assert!(chrono::DateTime::parse_from_rfc3339(&now()).is_ok());
    }
}
