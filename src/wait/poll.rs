//! The polling loop every waiter runs.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use astro_api_core::Error;
use tokio::time::Instant;

use super::error::{WaitError, WaitErrorKind};
use super::{ProgressFn, Seen, WaitOptions};

/// One step of a wait, given to the progress callback on every change of state.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// What is waited for (`"deployment"`, `"cluster"`, `"deploy"`, ...).
    pub resource: &'static str,
    /// Its id.
    pub id: String,
    /// The state just seen: a status such as `CREATING`, or `absent` after a `404`.
    pub state: String,
    /// Time since the wait started.
    pub elapsed: Duration,
    /// GETs sent so far.
    pub polls: u32,
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {} ({:.1} s, {} polls)",
            self.resource,
            self.id,
            self.state,
            self.elapsed.as_secs_f64(),
            self.polls
        )
    }
}

/// What a state means for the wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The target: the wait ends with the resource.
    Ready,
    /// Not yet: poll again.
    Pending,
    /// A terminal failure.
    Failed,
    /// Gone after having been seen.
    Vanished,
}

/// A state and what it means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Judgement {
    /// The state's name, as the service spells it.
    pub state: String,
    /// What it means for the wait.
    pub verdict: Verdict,
    /// Whether this version does not know the state (an open enum's `Unknown`).
    pub unknown: bool,
}

/// The name of what a `404` shows.
pub(crate) const ABSENT: &str = "absent";

/// What is waited for.
pub(crate) struct Target<'a> {
    /// The kind of resource, for messages.
    pub resource: &'static str,
    /// Its id.
    pub id: &'a str,
}

/// Polls `read` until `judge` says ready (the last observation is returned), failed, or the
/// timeout passes.
pub(crate) async fn poll<T, Fut>(
    target: Target<'_>,
    options: &WaitOptions,
    progress: Option<&ProgressFn>,
    mut read: impl FnMut() -> Fut,
    mut judge: impl FnMut(&Seen<T>) -> Judgement,
) -> Result<Seen<T>, WaitError>
where
    Fut: Future<Output = Result<Seen<T>, Error>>,
{
    let start = Instant::now();
    let mut polls = 0u32;
    let mut interval = options.initial_interval;
    let mut last_state: Option<String> = None;
    let mut warned = HashSet::new();
    let fail = |kind, last: &Option<String>, polls, source| {
        WaitError::new(
            kind,
            target.resource,
            target.id,
            last.clone(),
            start.elapsed(),
            polls,
            source,
        )
    };
    loop {
        let remaining = options.timeout.saturating_sub(start.elapsed());
        polls += 1;
        let outcome = match tokio::time::timeout(remaining, read()).await {
            Ok(outcome) => outcome,
            Err(_) => return Err(fail(WaitErrorKind::TimedOut, &last_state, polls, None)),
        };
        match outcome {
            Ok(seen) => {
                let judgement = judge(&seen);
                if judgement.unknown && warned.insert(judgement.state.clone()) {
                    tracing::warn!(
                        target: "astro_api::wait",
                        resource = target.resource,
                        id = target.id,
                        state = %judgement.state,
                        "state unknown to this client version; still waiting"
                    );
                }
                if last_state.as_deref() != Some(judgement.state.as_str()) {
                    let step = Progress {
                        resource: target.resource,
                        id: target.id.to_string(),
                        state: judgement.state.clone(),
                        elapsed: start.elapsed(),
                        polls,
                    };
                    tracing::info!(
                        target: "astro_api::wait",
                        resource = step.resource,
                        id = %step.id,
                        state = %step.state,
                        polls,
                        elapsed_ms = step.elapsed.as_millis() as u64,
                        "state changed"
                    );
                    if let Some(callback) = progress {
                        callback(&step);
                    }
                    last_state = Some(judgement.state);
                }
                match judgement.verdict {
                    Verdict::Ready => return Ok(seen),
                    Verdict::Pending => {}
                    Verdict::Failed => {
                        return Err(fail(WaitErrorKind::Failed, &last_state, polls, None));
                    }
                    Verdict::Vanished => {
                        return Err(fail(WaitErrorKind::Vanished, &last_state, polls, None));
                    }
                }
            }
            Err(error) if error.is_retryable() => {
                tracing::debug!(
                    target: "astro_api::wait",
                    resource = target.resource,
                    id = target.id,
                    %error,
                    "poll failed; still waiting"
                );
            }
            Err(error) => {
                return Err(fail(
                    WaitErrorKind::Request,
                    &last_state,
                    polls,
                    Some(error),
                ));
            }
        }
        let remaining = options.timeout.saturating_sub(start.elapsed());
        if remaining.is_zero() {
            return Err(fail(WaitErrorKind::TimedOut, &last_state, polls, None));
        }
        tokio::time::sleep(interval.min(remaining)).await;
        interval = options.next_interval(interval);
    }
}
