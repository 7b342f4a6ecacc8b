//! Faults injected per operation for the next calls: an error status with a JSON body, a
//! plain-text error like the gateway's, a `429` with `Retry-After`, and delays.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

/// A fault to play on the next calls of one operation (see `Sandbox::inject`).
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use astro_sandbox::{Fault, Sandbox};
///
/// let sandbox = Sandbox::start().await?;
/// sandbox.inject("ListWorkspaces", Fault::text(403, "RBAC: access denied")).expect("known id");
/// # Ok(()) }
/// ```
///
/// By default a fault is played once; [`Fault::times`] and [`Fault::always`] change that.
/// Faults queued for the same operation are played in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub(crate) response: Option<FaultResponse>,
    pub(crate) delay: Duration,
    remaining: Option<u32>,
}

/// The response a fault sends instead of the operation's own.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FaultResponse {
    /// A JSON `Error` body with this status and message.
    Json { status: u16, message: String },
    /// A `text/plain` body with this status.
    Text { status: u16, body: String },
    /// `429 Too Many Requests` with a `Retry-After` header in whole seconds.
    RateLimited { retry_after: Duration },
}

impl Fault {
    fn new(response: Option<FaultResponse>) -> Self {
        Self {
            response,
            delay: Duration::ZERO,
            remaining: Some(1),
        }
    }

    /// Answers `status` with a JSON `Error` body (`message`, `requestId`, `statusCode`).
    pub fn status(status: u16, message: impl Into<String>) -> Self {
        Self::new(Some(FaultResponse::Json {
            status,
            message: message.into(),
        }))
    }

    /// Answers `409 Conflict` with a JSON `Error` body, like the service's "workflow already
    /// running" on a cluster that is busy.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::status(409, message)
    }

    /// Answers `status` with a `text/plain` body, like the gateway's `403 RBAC: access denied`.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::new(Some(FaultResponse::Text {
            status,
            body: body.into(),
        }))
    }

    /// Answers `429` with a JSON `Error` body and `Retry-After` (seconds, rounded up).
    pub fn rate_limited(retry_after: Duration) -> Self {
        Self::new(Some(FaultResponse::RateLimited { retry_after }))
    }

    /// Waits `delay`, then answers normally.
    pub fn delay(delay: Duration) -> Self {
        Self::new(None).after(delay)
    }

    /// Waits `delay` before sending this fault's response.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Plays the fault on the next `calls` calls (at least one).
    pub fn times(mut self, calls: u32) -> Self {
        self.remaining = Some(calls.max(1));
        self
    }

    /// Plays the fault on every call until `Sandbox::clear_faults`.
    pub fn always(mut self) -> Self {
        self.remaining = None;
        self
    }

    /// The status this fault answers with, if it replaces the response.
    pub(crate) fn response_status(&self) -> Option<u16> {
        match self.response.as_ref()? {
            FaultResponse::Json { status, .. } | FaultResponse::Text { status, .. } => {
                Some(*status)
            }
            FaultResponse::RateLimited { .. } => Some(429),
        }
    }
}

/// The queued faults of every operation, by API name and operation id.
#[derive(Debug, Default)]
pub struct Injections {
    queues: HashMap<(String, String), VecDeque<Fault>>,
}

impl Injections {
    /// Queues a fault for an operation id of an API.
    pub fn add(&mut self, api: &str, operation_id: &str, fault: Fault) {
        self.queues
            .entry((api.to_string(), operation_id.to_string()))
            .or_default()
            .push_back(fault);
    }

    /// The fault to play on this call of `operation_id`, using one of its calls up.
    pub fn take(&mut self, api: &str, operation_id: &str) -> Option<Fault> {
        let queue = self
            .queues
            .get_mut(&(api.to_string(), operation_id.to_string()))?;
        let front = queue.front_mut()?;
        let fault = front.clone();
        match &mut front.remaining {
            Some(1) => {
                queue.pop_front();
            }
            Some(left) => *left -= 1,
            None => {}
        }
        Some(fault)
    }

    /// Drops every queued fault.
    pub fn clear(&mut self) {
        self.queues.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_play_in_order_for_their_count() {
        let mut injections = Injections::default();
        injections.add("x", "A", Fault::status(500, "boom").times(2));
        injections.add("x", "A", Fault::text(403, "RBAC: access denied"));
        assert!(injections.take("x", "B").is_none());
        assert_eq!(
            injections.take("x", "A").and_then(|f| f.response),
            Fault::status(500, "boom").response
        );
        assert_eq!(
            injections.take("x", "A").and_then(|f| f.response),
            Fault::status(500, "boom").response
        );
        assert_eq!(
            injections.take("x", "A").and_then(|f| f.response),
            Fault::text(403, "RBAC: access denied").response
        );
        assert!(injections.take("x", "A").is_none());
        injections.add("x", "A", Fault::delay(Duration::from_millis(5)).always());
        for _ in 0..3 {
            assert_eq!(
                injections.take("x", "A").map(|f| f.delay),
                Some(Duration::from_millis(5))
            );
        }
        injections.clear();
        assert!(injections.take("x", "A").is_none());
    }
}
