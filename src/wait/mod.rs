//! Waiters: poll a resource until it reaches the state a job needs (a deployment HEALTHY, a
//! cluster CREATED, a deploy DEPLOYED, anything gone), with a typed error that says why and
//! when they stopped.
//!
//! Every waiter is a builder on [`Org`](crate::Org) that resolves when awaited:
//!
//! ```no_run
//! # async fn run(org: astro_api::Org) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! let deployment = org
//!     .wait_for_deployment("cldeployment1")
//!     .timeout(Duration::from_secs(20 * 60))
//!     .on_progress(|progress| println!("{progress}"))
//!     .await?;
//! println!("{} is {:?}", deployment.name, deployment.status);
//! # Ok(()) }
//! ```
//!
//! How a wait behaves, whatever the resource:
//! - it polls with a GET, first after [`WaitOptions::initial_interval`], then at intervals
//!   growing by half up to [`WaitOptions::max_interval`]; every GET goes through the client's
//!   runtime, so it also respects the client's rate limits and retries;
//! - it ends with the resource when its state is the target, and fails fast with
//!   [`WaitError`] on a terminal failure state, on timeout, and on an error that is not worth
//!   retrying (a `401` or `403`, say); a retryable error (a `503` that outlived the client's
//!   retries) is counted and the wait goes on;
//! - a state this version does not know yet (an open enum's `Unknown`) does not end the wait:
//!   it is logged once as a `tracing` warning and the wait goes on;
//! - a `404` before the resource was first seen is taken as "not visible yet"; after it was
//!   seen, a ready-waiter fails with [`WaitErrorKind::Vanished`];
//! - every change of state is a `tracing` info event (target `astro_api::wait`) and a call of
//!   the optional [`on_progress`](Wait::on_progress) callback;
//! - dropping the future stops it: nothing runs in the background.

mod error;
mod poll;
mod targets;

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub use error::{WaitError, WaitErrorKind};
pub use poll::Progress;
pub use targets::{CLUSTER_TIMEOUT, DEPLOY_TIMEOUT, DEPLOYMENT_TIMEOUT, GONE_TIMEOUT, until_gone};

use astro_api_core::Error;

/// Timing of a wait. The defaults of each waiter are on its `Org` method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitOptions {
    /// The longest the whole wait may take.
    pub timeout: Duration,
    /// The pause after the first poll (the first poll is immediate); later pauses grow by half.
    pub initial_interval: Duration,
    /// The longest pause between two polls.
    pub max_interval: Duration,
}

impl WaitOptions {
    /// Options with `timeout`, a first interval of 5 s and intervals up to 30 s.
    pub fn with_timeout(timeout: Duration) -> Self {
        Self {
            timeout,
            initial_interval: Duration::from_secs(5),
            max_interval: Duration::from_secs(30),
        }
    }

    /// The pause after `previous`: half as long again, at most [`max_interval`](Self::max_interval).
    fn next_interval(&self, previous: Duration) -> Duration {
        (previous + previous / 2).min(self.max_interval)
    }
}

/// A progress callback.
type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// A wait for one resource, configured by its methods and started by `.await`.
#[must_use = "a wait does nothing until it is awaited"]
pub struct Wait<T> {
    options: WaitOptions,
    progress: Option<ProgressFn>,
    run: Box<dyn FnOnce(WaitOptions, Option<ProgressFn>) -> BoxWait<T> + Send>,
}

/// The future of a [`Wait`].
pub type BoxWait<T> = Pin<Box<dyn Future<Output = Result<T, WaitError>> + Send>>;

impl<T> Wait<T> {
    /// A wait that runs `run` with its options when awaited.
    pub(crate) fn new(
        options: WaitOptions,
        run: impl FnOnce(WaitOptions, Option<ProgressFn>) -> BoxWait<T> + Send + 'static,
    ) -> Self {
        Self {
            options,
            progress: None,
            run: Box::new(run),
        }
    }

    /// The longest the whole wait may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// The first pause between polls (it grows by half each time).
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.options.initial_interval = interval;
        self
    }

    /// The longest pause between two polls.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.options.max_interval = interval;
        self
    }

    /// Replaces all the timing options at once.
    pub fn options(mut self, options: WaitOptions) -> Self {
        self.options = options;
        self
    }

    /// Calls `callback` on the first state seen and on every change of state.
    pub fn on_progress(mut self, callback: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// The timing options the wait will use.
    pub fn wait_options(&self) -> &WaitOptions {
        &self.options
    }
}

impl<T> IntoFuture for Wait<T> {
    type Output = Result<T, WaitError>;
    type IntoFuture = BoxWait<T>;

    fn into_future(self) -> Self::IntoFuture {
        (self.run)(self.options, self.progress)
    }
}

impl<T> fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("options", &self.options)
            .field("on_progress", &self.progress.is_some())
            .finish()
    }
}

/// What one GET saw.
pub(crate) enum Seen<T> {
    /// The resource, as read.
    Present(T),
    /// The GET answered `404`.
    Absent,
}

/// Reads once: `404` becomes [`Seen::Absent`], other errors stay errors.
pub(crate) async fn observe<T>(
    read: impl Future<Output = Result<T, Error>>,
) -> Result<Seen<T>, Error> {
    match read.await {
        Ok(resource) => Ok(Seen::Present(resource)),
        Err(error) if error.is_not_found() => Ok(Seen::Absent),
        Err(error) => Err(error),
    }
}
