//! Part 1: the cost of one call. ListWorkspaces (a 20-item page) against a local server, made
//! through the facade, through plain reqwest + serde_json (the floor), through Python
//! `requests` with a kept session, and by one `curl` process per call.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use astro_api::{Client, RateLimits};
use astro_platform::types::WorkspacesPaginated;
use bytes::Bytes;

use crate::cpu;
use crate::fixtures::{self, ListFixture, ORGANIZATION, TOKEN};
use crate::python::{self, RequestsLoop};
use crate::report::Section;
use crate::server::{Fixed, LocalServer};
use crate::stats::{median, paired_median_ratio, round_order};

/// The facade's default time limit per attempt, given to the floor in one variant.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Items on the page every call gets.
const PAGE_ITEMS: usize = 20;

/// How much to measure.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Rounds; every variant runs one batch per round.
    pub rounds: usize,
    /// Calls per batch of each Rust variant.
    pub rust_calls: usize,
    /// Calls per batch of the Python loop.
    pub python_calls: usize,
    /// Calls (processes) per batch of curl.
    pub curl_calls: usize,
}

/// One way of making the call.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Variant {
    Floor,
    FloorTimeout,
    Generated,
    Facade,
    FacadeLimited,
    Python,
    Curl,
}

impl Variant {
    /// The variants that run in this process, on the client thread.
    pub(crate) const RUST: [Variant; 5] = [
        Variant::Floor,
        Variant::FloorTimeout,
        Variant::Generated,
        Variant::Facade,
        Variant::FacadeLimited,
    ];

    /// A short name, for command lines.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Floor => "floor",
            Self::FloorTimeout => "floor-timeout",
            Self::Generated => "generated",
            Self::Facade => "facade",
            Self::FacadeLimited => "facade-limited",
            Self::Python => "python",
            Self::Curl => "curl",
        }
    }

    /// The facade's goal: its cost per call at most this multiple of the floor's (the
    /// limiter's bookkeeping is allowed a little more).
    pub(crate) fn goal(self) -> Option<f64> {
        match self {
            Self::Facade => Some(1.05),
            Self::FacadeLimited => Some(1.08),
            _ => None,
        }
    }

    /// The description used in the report.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Floor => "reqwest + serde_json (floor)",
            Self::FloorTimeout => "floor + 30 s request timeout",
            Self::Generated => "generated client + runtime, no facade",
            Self::Facade => "astro-api facade, no rate limiter",
            Self::FacadeLimited => "astro-api facade, limiter at 1e6/s",
            Self::Python => "Python requests, kept session",
            Self::Curl => "curl, one process per call",
        }
    }
}

/// The clients of the variants that run in this process, all set up for one local server.
pub(crate) struct RustClients {
    url: String,
    floor: reqwest::Client,
    generated: astro_platform::Client,
    facade: Client,
    limited: Client,
}

impl RustClients {
    /// Clients for the server at `base`.
    pub(crate) fn new(base: &str) -> Result<Self, String> {
        Ok(Self {
            url: format!("{base}/v1/organizations/{ORGANIZATION}/workspaces"),
            floor: reqwest::Client::new(),
            generated: generated(base)?,
            facade: facade(base, None)?,
            limited: facade(
                base,
                Some(RateLimits::per_second(1_000_000, 1_000_000, 1_000_000)),
            )?,
        })
    }

    /// One call of `variant` (one of [`Variant::RUST`]), checked to return the whole page.
    pub(crate) async fn call(&self, variant: Variant) -> Result<(), String> {
        let page = match variant {
            Variant::Floor => floor_call(&self.floor, &self.url, None).await?,
            Variant::FloorTimeout => {
                floor_call(&self.floor, &self.url, Some(ATTEMPT_TIMEOUT)).await?
            }
            Variant::Generated => generated_call(&self.generated).await?,
            Variant::Facade => facade_call(&self.facade).await?,
            Variant::FacadeLimited => facade_call(&self.limited).await?,
            Variant::Python | Variant::Curl => {
                return Err(format!("{} does not run in this process", variant.label()));
            }
        };
        if page.workspaces.len() == PAGE_ITEMS {
            Ok(())
        } else {
            Err(format!(
                "{}: {} items instead of {PAGE_ITEMS}",
                variant.label(),
                page.workspaces.len()
            ))
        }
    }
}

struct Clients {
    url: String,
    rust: RustClients,
    python: Option<RequestsLoop>,
    curl: bool,
}

/// The body of every call: a spec-valid 20-item ListWorkspaces page.
pub(crate) fn page_body() -> Result<Vec<u8>, String> {
    let spec = fixtures::platform_spec()?;
    let workspaces = ListFixture::new(&spec, "ListWorkspaces")?;
    let body = workspaces.page_bytes(0, PAGE_ITEMS, PAGE_ITEMS);
    serde_json::from_slice::<WorkspacesPaginated>(&body)
        .map_err(|e| format!("the ListWorkspaces body does not decode: {e}"))?;
    Ok(body)
}

/// Runs part 1 on the client runtime `rt`.
pub fn run(rt: &tokio::runtime::Runtime, settings: Settings) -> Result<Section, String> {
    let body = page_body()?;
    let server = LocalServer::start(Fixed(Bytes::from(body.clone())))
        .map_err(|e| format!("cannot start the local server: {e}"))?;
    let base = server.base_url();
    let url = format!("{base}/v1/organizations/{ORGANIZATION}/workspaces");

    let mut notes = Vec::new();
    let python = match python::ensure_requests() {
        Ok((interpreter, version)) => {
            notes.push(format!("Python: {version}."));
            Some(start_python(&interpreter, &url)?)
        }
        Err(reason) => {
            notes.push(format!("Python `requests` not measured: {reason}."));
            None
        }
    };
    let curl = curl_version();
    match &curl {
        Some(version) => notes.push(format!("curl: {version}.")),
        None => notes.push("curl not measured: no `curl` on the PATH.".into()),
    }
    let mut clients = Clients {
        rust: RustClients::new(&base)?,
        url,
        python,
        curl: curl.is_some(),
    };

    let mut variants = Variant::RUST.to_vec();
    if clients.python.is_some() {
        variants.push(Variant::Python);
    }
    if clients.curl {
        variants.push(Variant::Curl);
    }
    // Warm-up: connections, caches, the Python interpreter.
    for &variant in &variants {
        batch(rt, &mut clients, variant, settings, true)?;
    }
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); variants.len()];
    for round in 0..settings.rounds {
        for index in round_order(variants.len(), round) {
            samples[index].push(batch(rt, &mut clients, variants[index], settings, false)?);
        }
    }
    drop(clients);
    drop(server);

    let rates: Vec<Vec<f64>> = samples
        .iter()
        .map(|s| s.iter().map(|x| x.rate).collect())
        .collect();
    let cpus: Vec<Vec<f64>> = samples
        .iter()
        .map(|s| s.iter().map(|x| x.cpu).collect())
        .collect();
    let (floor_rates, floor_cpus) = (&rates[0], &cpus[0]);
    let (floor_rate, floor_cpu) = (median(floor_rates), median(floor_cpus));
    let mut rows = Vec::new();
    let mut section = Section::new("1. Per-call cost: ListWorkspaces, 20 items, local server");
    for (index, variant) in variants.iter().enumerate() {
        let (rate, cpu) = (median(&rates[index]), median(&cpus[index]));
        let ratio = floor_rate / rate;
        let paired = 1.0 / paired_median_ratio(&rates[index], floor_rates);
        let cpu_ratio = cpu / floor_cpu;
        let cpu_paired = paired_median_ratio(&cpus[index], floor_cpus);
        rows.push(vec![
            variant.label().to_string(),
            format!("{rate:.0}"),
            format!("{ratio:.3}× (paired {paired:.3}×)"),
            format!("{:.1}", cpu * 1e6),
            format!("{cpu_ratio:.3}× (paired {cpu_paired:.3}×)"),
        ]);
        if let Some(goal) = variant.goal() {
            section.goal(
                format!("Per call, {}: wall time vs the floor", variant.label()),
                &format!("≤ {goal:.2}×"),
                format!("{ratio:.3}× (paired {paired:.3}×)"),
                ratio <= goal,
            );
            section.goal(
                format!(
                    "Per call, {}: client CPU time vs the floor",
                    variant.label()
                ),
                &format!("≤ {goal:.2}×"),
                format!("{cpu_ratio:.3}× (paired {cpu_paired:.3}×)"),
                cpu_ratio <= goal,
            );
        }
    }
    section.paragraph(format!(
        "Each call is `GET /v1/organizations/{{id}}/workspaces` answered with the \
         same spec-valid 20-item page ({} bytes, items from the pinned spec's examples), by a hyper \
         server on 127.0.0.1 with its own thread and runtime. The Rust variants share one \
         current-thread client runtime and make their calls one after another; each round runs \
         one batch of every variant, in an order rotated every round; {} rounds of {} calls \
         (Rust), {} (Python) and {} (curl), after one warm-up batch each. Calls/s is the \
         median of the per-round rates (wall time); \"× floor wall time\" is the floor's median \
         rate over the variant's, i.e. time per call relative to the floor, and \"paired\" the \
         median over rounds of that ratio within each round. Wall time includes the server's \
         work and waiting for a CPU on this shared machine, so the CPU time of the calling side \
         is reported too: the client thread's for the Rust variants \
         (`CLOCK_THREAD_CPUTIME_ID`; everything the client does runs on that thread), the \
         Python process's (`time.process_time()`), and the curl processes' \
         (`getrusage(RUSAGE_CHILDREN)`); its ratio to the floor is the client's own cost, \
         without the parts every variant shares.",
        body.len(),
        settings.rounds,
        settings.rust_calls,
        settings.python_calls,
        settings.curl_calls
    ));
    section.table(
        &[
            "Variant",
            "Calls/s (median)",
            "× floor wall time",
            "Client CPU µs per call",
            "× floor CPU",
        ],
        &rows,
    );
    section.paragraph(
        "The floor sends the same request with plain `reqwest::Client::new()` (bearer token, \
         status checked) and decodes it with `serde_json::from_slice` into the same generated \
         `astro_platform::types::WorkspacesPaginated`. Two variants split the facade's cost: \
         the floor with a 30 s per-request timeout (`RequestBuilder::timeout`, as the runtime \
         sets by default), and the generated client called directly \
         (`astro_platform::Client::new_with_client` with a `Runtime`: bearer token, default \
         retries and 30 s attempt timeout, no rate limits). The facade is `client.org(id)\
         .list_workspaces().call()` with its defaults (30 s attempt timeout, retries on, \
         same-origin redirects), the rate limiter off or set to 1,000,000 GETs/s (never \
         reached). Python decodes each body with `.json()`; curl writes it to /dev/null \
         (`curl -q -sS -f -o /dev/null -H 'Authorization: Bearer …' URL`), spawned by the \
         benchmark once per call, as in Astronomer's curl examples.",
    );
    section.paragraph(notes.join(" "));
    Ok(section)
}

fn facade(base: &str, limits: Option<RateLimits>) -> Result<Client, String> {
    Client::builder()
        .token(TOKEN)
        .base_url(base)
        .organization_id(ORGANIZATION)
        .rate_limits(limits)
        .build()
        .map_err(|e| format!("cannot build the facade client: {e}"))
}

/// The generated Platform client with a runtime set as the facade sets it, rate limits off.
fn generated(base: &str) -> Result<astro_platform::Client, String> {
    let runtime = astro_api_core::Runtime::builder()
        .bearer_token(TOKEN)
        .map_err(|e| e.to_string())?
        .rate_limits(None)
        .build();
    Ok(astro_platform::Client::new_with_client(
        &format!("{base}/v1"),
        reqwest::Client::new(),
        runtime,
    ))
}

fn start_python(interpreter: &PathBuf, url: &str) -> Result<RequestsLoop, String> {
    RequestsLoop::start(interpreter, url, TOKEN, PAGE_ITEMS, "workspaces")
}

fn curl_version() -> Option<String> {
    let out = Command::new("curl").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next()?;
    Some(
        first
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// One batch's figures.
#[derive(Clone, Copy, Debug)]
struct Sample {
    /// Calls per second of wall time.
    rate: f64,
    /// CPU seconds per call of the calling side (the client thread, the Python process, the
    /// curl processes).
    cpu: f64,
}

/// One batch of `variant`.
fn batch(
    rt: &tokio::runtime::Runtime,
    clients: &mut Clients,
    variant: Variant,
    settings: Settings,
    warm_up: bool,
) -> Result<Sample, String> {
    let shrink = |calls: usize| if warm_up { calls.div_ceil(4) } else { calls };
    match variant {
        Variant::Python => match clients.python.as_mut() {
            Some(python) => python
                .batch(shrink(settings.python_calls))
                .map(|(rate, cpu)| Sample { rate, cpu }),
            None => Err("the Python loop is not running".into()),
        },
        Variant::Curl => curl_batch(&clients.url, shrink(settings.curl_calls)),
        _ => {
            let calls = shrink(settings.rust_calls);
            rt.block_on(async {
                let cpu = cpu::thread();
                let start = Instant::now();
                for _ in 0..calls {
                    clients.rust.call(variant).await?;
                }
                Ok(Sample {
                    rate: calls as f64 / start.elapsed().as_secs_f64(),
                    cpu: (cpu::thread() - cpu).as_secs_f64() / calls as f64,
                })
            })
        }
    }
}

/// The floor: one GET with plain reqwest, decoded by serde_json into the generated type;
/// with a per-request timeout when `timeout` is given.
pub async fn floor_call(
    http: &reqwest::Client,
    url: &str,
    timeout: Option<Duration>,
) -> Result<WorkspacesPaginated, String> {
    let mut request = http.get(url).bearer_auth(TOKEN);
    if let Some(timeout) = timeout {
        request = request.timeout(timeout);
    }
    let response = request
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| format!("floor: {e}"))?;
    let body = response.bytes().await.map_err(|e| format!("floor: {e}"))?;
    serde_json::from_slice(&body).map_err(|e| format!("floor: {e}"))
}

/// The generated client's call, through the runtime but without the facade.
async fn generated_call(client: &astro_platform::Client) -> Result<WorkspacesPaginated, String> {
    client
        .list_workspaces()
        .organization_id(ORGANIZATION)
        .call()
        .await
        .map_err(|e| format!("generated client: {e}"))
}

/// The facade's call.
pub async fn facade_call(client: &Client) -> Result<WorkspacesPaginated, String> {
    client
        .org(ORGANIZATION)
        .list_workspaces()
        .call()
        .await
        .map_err(|e| format!("facade: {e}"))
}

fn curl_batch(url: &str, calls: usize) -> Result<Sample, String> {
    let authorization = format!("Authorization: Bearer {TOKEN}");
    let cpu = cpu::children();
    let start = Instant::now();
    for _ in 0..calls {
        let status = Command::new("curl")
            .args([
                "-q",
                "-sS",
                "-f",
                "-o",
                "/dev/null",
                "-H",
                &authorization,
                url,
            ])
            .stdin(Stdio::null())
            .status()
            .map_err(|e| format!("curl: {e}"))?;
        if !status.success() {
            return Err(format!("curl exited with {status}"));
        }
    }
    Ok(Sample {
        rate: calls as f64 / start.elapsed().as_secs_f64(),
        cpu: (cpu::children() - cpu).as_secs_f64() / calls as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rust_variant_gets_the_same_page_from_the_local_server() {
        let spec = fixtures::platform_spec().unwrap();
        let body = ListFixture::new(&spec, "ListWorkspaces")
            .unwrap()
            .page_bytes(0, PAGE_ITEMS, PAGE_ITEMS);
        let server = LocalServer::start(Fixed(Bytes::from(body))).unwrap();
        let base = server.base_url();
        let url = format!("{base}/v1/organizations/{ORGANIZATION}/workspaces");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let pages = rt.block_on(async {
            vec![
                floor_call(&reqwest::Client::new(), &url, Some(ATTEMPT_TIMEOUT))
                    .await
                    .unwrap(),
                generated_call(&generated(&base).unwrap()).await.unwrap(),
                facade_call(&facade(&base, None).unwrap()).await.unwrap(),
            ]
        });
        assert_eq!(pages[0].workspaces.len(), PAGE_ITEMS);
        let ids = |page: &WorkspacesPaginated| {
            page.workspaces
                .iter()
                .map(|w| w.id.clone())
                .collect::<Vec<_>>()
        };
        assert!(pages.iter().all(|page| ids(page) == ids(&pages[0])));
        assert_eq!(server.requests(), 3);
    }
}
