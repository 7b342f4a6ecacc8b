//! Client-side rate limits per method class, so a client stays under Astro's per-token limits
//! instead of collecting 429s.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use reqwest::Method;

/// Requests per second allowed for each method class. Astronomer documents 25 GET, 10 POST and
/// 5 DELETE requests per second per API token, which is the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    get: Option<NonZeroU32>,
    post: Option<NonZeroU32>,
    delete: Option<NonZeroU32>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::per_second(25, 10, 5)
    }
}

impl RateLimits {
    /// Limits in requests per second for GET, POST (and any other write) and DELETE; 0 means
    /// no limit for that class.
    pub fn per_second(get: u32, post: u32, delete: u32) -> Self {
        Self {
            get: NonZeroU32::new(get),
            post: NonZeroU32::new(post),
            delete: NonZeroU32::new(delete),
        }
    }

    /// No limit for any class.
    pub fn unlimited() -> Self {
        Self::per_second(0, 0, 0)
    }

    /// The limit that applies to a method, in requests per second.
    pub fn for_method(&self, method: &Method) -> Option<NonZeroU32> {
        match *method {
            Method::GET | Method::HEAD | Method::OPTIONS => self.get,
            Method::DELETE => self.delete,
            _ => self.post,
        }
    }
}

/// A clock on tokio's time, so a paused test clock drives the limiter too.
#[derive(Clone, Debug)]
struct TokioClock {
    start: tokio::time::Instant,
}

impl Clock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        tokio::time::Instant::now().saturating_duration_since(self.start)
    }
}

type Gcra = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;

/// The limiters of one client: one per method class, requests spaced evenly (no bursts), so no
/// one-second window ever holds more than the limit.
#[derive(Debug)]
pub(crate) struct Limiter {
    clock: TokioClock,
    get: Option<Gcra>,
    post: Option<Gcra>,
    delete: Option<Gcra>,
}

impl Limiter {
    pub(crate) fn new(limits: RateLimits) -> Self {
        let clock = TokioClock {
            start: tokio::time::Instant::now(),
        };
        let make = |rate: Option<NonZeroU32>| {
            let period = Duration::from_secs(1) / rate?.get();
            let quota = Quota::with_period(period)?.allow_burst(NonZeroU32::MIN);
            Some(RateLimiter::direct_with_clock(quota, clock.clone()))
        };
        Self {
            get: make(limits.get),
            post: make(limits.post),
            delete: make(limits.delete),
            clock: clock.clone(),
        }
    }

    /// Waits until a request of this method may go; returns how long it waited.
    pub(crate) async fn acquire(&self, method: &Method) -> Duration {
        let gcra = match *method {
            Method::GET | Method::HEAD | Method::OPTIONS => &self.get,
            Method::DELETE => &self.delete,
            _ => &self.post,
        };
        let Some(gcra) = gcra else {
            return Duration::ZERO;
        };
        let mut waited = Duration::ZERO;
        while let Err(not_until) = gcra.check() {
            let wait = not_until.wait_time_from(self.clock.now());
            waited += wait;
            tokio::time::sleep(wait).await;
        }
        waited
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn spaces_requests_evenly() {
        let limiter = Limiter::new(RateLimits::per_second(10, 0, 5));
        let start = tokio::time::Instant::now();
        for _ in 0..30 {
            limiter.acquire(&Method::GET).await;
        }
        let elapsed = start.elapsed();
        assert!(
            elapsed >= Duration::from_millis(2900) && elapsed < Duration::from_millis(3000),
            "{elapsed:?}"
        );
        assert_eq!(limiter.acquire(&Method::POST).await, Duration::ZERO);
    }
}
