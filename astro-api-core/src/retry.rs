//! When and how long to wait before sending a request again.

use std::time::Duration;

use backon::BackoffBuilder;
use reqwest::StatusCode;

/// How failed calls are retried: jittered exponential backoff with a cap, honouring the server's
/// `Retry-After`.
///
/// What is retried:
/// - a connection that could not be made (the request was never sent): every operation;
/// - `429 Too Many Requests`: every operation (the server refused it before acting);
/// - timeouts, connections lost after sending, `408`, `502`, `503`, `504`: only idempotent
///   operations (GET, DELETE and the `Update*` POSTs). Astro's create POSTs are not idempotent,
///   so they are never sent twice once they may have reached the server;
/// - `409 Conflict`, only when turned on with [`RetryPolicy::with_conflict_retries`], and only
///   for idempotent operations (the Terraform provider does this for cluster updates and
///   deletes answered "workflow already running"). Never for creates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    retry_conflicts: bool,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    /// Four attempts in all, backoff from 200 ms doubling up to 20 s with jitter, and a
    /// `Retry-After` honoured up to 60 s.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            retry_conflicts: false,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is sent once.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The number of attempts in all, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff delay; each next one doubles.
    pub fn with_initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The longest backoff delay.
    pub fn with_max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The longest `Retry-After` the client waits for; a longer one ends the retries and the
    /// 429 or 503 is returned to the caller.
    pub fn with_max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Turns jitter off (the delays become exactly exponential).
    pub fn without_jitter(mut self) -> Self {
        self.jitter = false;
        self
    }

    /// Whether to retry idempotent operations (GET, DELETE, the `Update*` POSTs) answered `409
    /// Conflict`, with the same backoff and attempt budget as other retries (off by default).
    /// A `409` usually means the object is busy (a cluster's "workflow already running") and
    /// frees up within minutes: raise [`with_max_attempts`](Self::with_max_attempts) and
    /// [`with_max_backoff`](Self::with_max_backoff) to wait that long. Creates and other
    /// non-idempotent POSTs are never retried on `409`.
    pub fn with_conflict_retries(mut self, enabled: bool) -> Self {
        self.retry_conflicts = enabled;
        self
    }

    /// The number of attempts in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether `409 Conflict` is retried for idempotent operations.
    pub fn conflict_retries(&self) -> bool {
        self.retry_conflicts
    }

    /// Whether a response status is worth another attempt of an operation under this policy.
    pub(crate) fn retries_status(&self, status: StatusCode, idempotent: bool) -> bool {
        retry_status(status, idempotent)
            || (status == StatusCode::CONFLICT && idempotent && self.retry_conflicts)
    }

    /// The backoff delays of one call, in order.
    pub(crate) fn backoff(&self) -> impl Iterator<Item = Duration> + Send + use<> {
        let builder = backon::ExponentialBuilder::default()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_factor(2.0)
            .without_max_times();
        let builder = if self.jitter {
            builder.with_jitter()
        } else {
            builder
        };
        builder.build()
    }

    /// The wait before the next attempt: the server's `Retry-After` if it gave one (`None` when
    /// it is longer than allowed), the next backoff delay otherwise.
    pub(crate) fn next_delay(
        &self,
        retry_after: Option<Duration>,
        backoff: &mut dyn Iterator<Item = Duration>,
    ) -> Option<Duration> {
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => {
                backoff.next();
                Some(wait)
            }
            None => backoff.next(),
        }
    }
}

/// Whether a response status is worth another attempt of this operation.
pub(crate) fn retry_status(status: StatusCode, idempotent: bool) -> bool {
    match status.as_u16() {
        429 => true,
        408 | 502 | 503 | 504 => idempotent,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_only_what_is_safe() {
        assert!(retry_status(StatusCode::TOO_MANY_REQUESTS, false));
        assert!(retry_status(StatusCode::SERVICE_UNAVAILABLE, true));
        assert!(!retry_status(StatusCode::SERVICE_UNAVAILABLE, false));
        assert!(!retry_status(StatusCode::INTERNAL_SERVER_ERROR, true));
        assert!(!retry_status(StatusCode::NOT_FOUND, true));
    }

    #[test]
    fn conflicts_are_retried_only_when_asked_and_only_for_idempotent_calls() {
        let default = RetryPolicy::default();
        assert!(!default.conflict_retries());
        assert!(!default.retries_status(StatusCode::CONFLICT, true));
        let policy = RetryPolicy::default().with_conflict_retries(true);
        assert!(policy.conflict_retries());
        assert!(policy.retries_status(StatusCode::CONFLICT, true));
        assert!(!policy.retries_status(StatusCode::CONFLICT, false));
        assert!(policy.retries_status(StatusCode::TOO_MANY_REQUESTS, false));
        assert!(!policy.retries_status(StatusCode::BAD_REQUEST, true));
    }

    #[test]
    fn backoff_grows_to_the_cap_and_honours_retry_after() {
        let policy = RetryPolicy::default()
            .without_jitter()
            .with_max_backoff(Duration::from_secs(1));
        let millis: Vec<u128> = policy.backoff().take(5).map(|d| d.as_millis()).collect();
        assert_eq!(millis, [200, 400, 800, 1000, 1000]);
        let mut backoff = policy.backoff();
        assert_eq!(
            policy.next_delay(Some(Duration::from_secs(2)), &mut backoff),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            policy.next_delay(Some(Duration::from_secs(3600)), &mut backoff),
            None
        );
    }

    #[test]
    fn jitter_stays_within_twice_the_delay() {
        let policy = RetryPolicy::default();
        for delay in policy.backoff().take(6) {
            assert!(delay >= Duration::from_millis(200) && delay <= Duration::from_secs(40));
        }
    }
}
