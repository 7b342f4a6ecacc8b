//! Part 4: 100 GETs through a client limited to 25 per second, against a server that answers
//! 429 to any request above 25 in the last second: total time against the 4 s minimum, and
//! errors surfaced.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use astro_api::{Client, RateLimits};
use bytes::Bytes;
use futures::future::join_all;
use hyper::StatusCode;

use crate::fixtures::{self, ListFixture, ORGANIZATION, TOKEN};
use crate::per_call::facade_call;
use crate::report::Section;
use crate::server::{Handler, LocalServer};
use crate::stats::median;

/// Requests sent in one run.
pub const CALLS: usize = 100;
/// The server's limit and the client's, per second.
pub const PER_SECOND: usize = 25;
/// Goal: total time at most this multiple of the minimum.
const GOAL: f64 = 1.05;

/// A server that admits at most `PER_SECOND` requests in any sliding one-second window and
/// answers 429 to the rest.
pub struct SlidingWindow {
    body: Bytes,
    admitted: Mutex<VecDeque<Instant>>,
    rejected: AtomicU64,
}

impl SlidingWindow {
    /// A server answering `body` to admitted requests.
    pub fn new(body: Bytes) -> Self {
        Self {
            body,
            admitted: Mutex::new(VecDeque::new()),
            rejected: AtomicU64::new(0),
        }
    }

    /// 429s sent so far.
    pub fn rejected(&self) -> u64 {
        self.rejected.load(Ordering::Relaxed)
    }

    /// Whether a request arriving at `now` is admitted (and if so, records it).
    pub fn admit(&self, now: Instant) -> bool {
        let Ok(mut admitted) = self.admitted.lock() else {
            return false;
        };
        while admitted
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= Duration::from_secs(1))
        {
            admitted.pop_front();
        }
        if admitted.len() < PER_SECOND {
            admitted.push_back(now);
            true
        } else {
            false
        }
    }
}

impl Handler for std::sync::Arc<SlidingWindow> {
    fn respond(&self, _path: &str, _query: Option<&str>) -> (StatusCode, Bytes) {
        if self.admit(Instant::now()) {
            (StatusCode::OK, self.body.clone())
        } else {
            self.rejected.fetch_add(1, Ordering::Relaxed);
            (
                StatusCode::TOO_MANY_REQUESTS,
                Bytes::from_static(br#"{"message":"rate limit exceeded","statusCode":429}"#),
            )
        }
    }
}

struct Run {
    seconds: f64,
    errors: usize,
    rejected: u64,
    requests: u64,
}

/// Sends `CALLS` GETs through `client`, all at once or one after another, and waits for all
/// of them.
fn one_run(
    rt: &tokio::runtime::Runtime,
    server: &LocalServer,
    window: &SlidingWindow,
    client: &Client,
    at_once: bool,
) -> Run {
    // Let the server's window empty, so that every run starts from the same state.
    std::thread::sleep(Duration::from_millis(1100));
    let (requests, rejected) = (server.requests(), window.rejected());
    let start = Instant::now();
    let results = rt.block_on(async {
        if at_once {
            join_all((0..CALLS).map(|_| facade_call(client))).await
        } else {
            let mut results = Vec::with_capacity(CALLS);
            for _ in 0..CALLS {
                results.push(facade_call(client).await);
            }
            results
        }
    });
    Run {
        seconds: start.elapsed().as_secs_f64(),
        errors: results.iter().filter(|r| r.is_err()).count(),
        rejected: window.rejected() - rejected,
        requests: server.requests() - requests,
    }
}

fn client(base: &str, limits: Option<RateLimits>) -> Result<Client, String> {
    Client::builder()
        .token(TOKEN)
        .base_url(base)
        .organization_id(ORGANIZATION)
        .rate_limits(limits)
        .build()
        .map_err(|e| format!("cannot build the facade client: {e}"))
}

/// Runs part 4 (`runs` limited runs, then one without the client-side limiter) on `rt`.
pub fn run(rt: &tokio::runtime::Runtime, runs: usize) -> Result<Section, String> {
    let spec = fixtures::platform_spec()?;
    let body = ListFixture::new(&spec, "ListWorkspaces")?.page_bytes(0, 20, 20);
    let window = std::sync::Arc::new(SlidingWindow::new(Bytes::from(body)));
    let server =
        LocalServer::start(window.clone()).map_err(|e| format!("cannot start the server: {e}"))?;
    let base = server.base_url();
    let limits = RateLimits::per_second(PER_SECOND as u32, 10, 5);
    let limited: Vec<Run> = (0..runs.max(1))
        .map(|_| client(&base, Some(limits)).map(|c| one_run(rt, &server, &window, &c, true)))
        .collect::<Result<_, _>>()?;
    let sequential = one_run(rt, &server, &window, &client(&base, Some(limits))?, false);
    let unlimited = one_run(rt, &server, &window, &client(&base, None)?, true);

    let minimum = CALLS as f64 / PER_SECOND as f64;
    let seconds = median(&limited.iter().map(|r| r.seconds).collect::<Vec<_>>());
    let errors: usize = limited.iter().map(|r| r.errors).sum();
    let ratio = seconds / minimum;
    let row = |label: String, run: &Run| {
        vec![
            label,
            format!("{:.3}", run.seconds),
            format!("{:.3}×", run.seconds / minimum),
            run.requests.to_string(),
            run.rejected.to_string(),
            run.errors.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = limited
        .iter()
        .enumerate()
        .map(|(i, run)| {
            row(
                format!("limited to 25 GET/s, all at once, run {}", i + 1),
                run,
            )
        })
        .collect();
    rows.push(row(
        "limited to 25 GET/s, one after another".into(),
        &sequential,
    ));
    rows.push(row(
        "no client-side limit (retries only)".into(),
        &unlimited,
    ));

    let mut section = Section::new("4. Rate limiting: 100 GETs at 25/s");
    section.paragraph(format!(
        "{CALLS} ListWorkspaces calls started at once (`join_all`) through a facade client with \
         `RateLimits::per_second(25, 10, 5)` (Astro's documented limits, the default) and the \
         default retry policy, against a local server that answers 429 to any request beyond \
         {PER_SECOND} in the last second (sliding window). The minimum is {minimum:.0} s \
         ({CALLS} / {PER_SECOND}); real time, {} runs, each after the server's window emptied. \
         The goal is judged on the median of the runs with all calls at once. For comparison, \
         the same limit with the calls made one after another (no task waits on the limiter \
         alongside others), and the same load without the client-side limiter, where the \
         server's 429s are met by retries alone.",
        limited.len()
    ));
    section.table(
        &[
            "Client",
            "Seconds",
            "× 4 s minimum",
            "Requests sent",
            "429s received",
            "Errors surfaced",
        ],
        &rows,
    );
    section.goal(
        "Rate limiting: 100 GETs at 25/s, total time vs 4 s",
        "≤ 1.05×",
        format!("{ratio:.3}× ({seconds:.3} s, median of {})", limited.len()),
        ratio <= GOAL,
    );
    section.goal(
        "Rate limiting: errors surfaced",
        "0",
        errors.to_string(),
        errors == 0,
    );
    Ok(section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_admits_25_per_second() {
        let window = SlidingWindow::new(Bytes::new());
        let start = Instant::now();
        let admitted = (0..30).filter(|_| window.admit(start)).count();
        assert_eq!(admitted, PER_SECOND);
        assert!(!window.admit(start + Duration::from_millis(999)));
        assert!(window.admit(start + Duration::from_secs(1)));
    }
}
