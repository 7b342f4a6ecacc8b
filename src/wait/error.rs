//! [`WaitError`]: why a wait stopped, with the last state seen, the time spent and the polls.

use std::fmt;
use std::time::Duration;

use astro_api_core::Error;

/// Why a wait stopped without reaching its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitErrorKind {
    /// The resource reached a terminal failure state (such as `CREATE_FAILED`, or a deploy
    /// `FAILED`); [`WaitError::last_state`] names it.
    Failed,
    /// The timeout passed first.
    TimedOut,
    /// A GET answered `404` after the resource had been seen.
    Vanished,
    /// A request failed with an error not worth retrying ([`WaitError::request_error`] has it).
    Request,
}

/// A wait that stopped without reaching its target. `Display` says what happened in one line;
/// [`std::error::Error::source`] gives the request error, if one ended the wait.
#[derive(Debug)]
pub struct WaitError {
    kind: WaitErrorKind,
    resource: &'static str,
    id: String,
    last_state: Option<String>,
    elapsed: Duration,
    polls: u32,
    source: Option<Error>,
}

impl WaitError {
    /// A wait error; `source` only for [`WaitErrorKind::Request`].
    pub(crate) fn new(
        kind: WaitErrorKind,
        resource: &'static str,
        id: &str,
        last_state: Option<String>,
        elapsed: Duration,
        polls: u32,
        source: Option<Error>,
    ) -> Self {
        Self {
            kind,
            resource,
            id: id.to_string(),
            last_state,
            elapsed,
            polls,
            source,
        }
    }

    /// Why the wait stopped.
    pub fn kind(&self) -> WaitErrorKind {
        self.kind
    }

    /// What was waited for: `"deployment"`, `"cluster"`, `"deploy"`, or the resource of a
    /// wait for deletion.
    pub fn resource(&self) -> &'static str {
        self.resource
    }

    /// The id of the resource.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The last state seen (a status such as `CREATING`), if the resource was seen at all.
    pub fn last_state(&self) -> Option<&str> {
        self.last_state.as_deref()
    }

    /// How long the wait ran.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// How many GETs the wait sent.
    pub fn polls(&self) -> u32 {
        self.polls
    }

    /// The request error that ended the wait, for [`WaitErrorKind::Request`].
    pub fn request_error(&self) -> Option<&Error> {
        self.source.as_ref()
    }
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            resource,
            id,
            polls,
            ..
        } = self;
        let elapsed = self.elapsed.as_secs_f64();
        let last = self.last_state.as_deref().unwrap_or("never seen");
        match self.kind {
            WaitErrorKind::Failed => write!(
                f,
                "{resource} {id} failed: it reached {last} (after {elapsed:.1} s and {polls} polls)"
            ),
            WaitErrorKind::TimedOut => write!(
                f,
                "{resource} {id} did not get there in time: still {last} after {elapsed:.1} s and {polls} polls"
            ),
            WaitErrorKind::Vanished => write!(
                f,
                "{resource} {id} disappeared (404) while waiting, last seen {last} (after {elapsed:.1} s and {polls} polls)"
            ),
            WaitErrorKind::Request => write!(
                f,
                "waiting for {resource} {id} stopped on a failed request, last seen {last} (after {elapsed:.1} s and {polls} polls)"
            ),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|error| error as &(dyn std::error::Error + 'static))
    }
}
