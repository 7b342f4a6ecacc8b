//! Part 3: reading 10,000 deployments in pages of 1000 from a local server, through the
//! facade's lazy stream versus a hand-written loop over raw reqwest: requests sent, items per
//! second, and peak memory while streaming versus collecting.

use std::collections::HashMap;
use std::hint::black_box;
use std::pin::pin;
use std::time::Instant;

use astro_api::Client;
use astro_platform::types::{Deployment, DeploymentsPaginated};
use bytes::Bytes;
use futures::StreamExt;
use hyper::StatusCode;

use crate::alloc;
use crate::cpu;
use crate::fixtures::{self, ListFixture, ORGANIZATION, TOKEN};
use crate::report::Section;
use crate::server::{Handler, LocalServer, query_number};
use crate::stats::{median, paired_median_ratio};

/// Items in the list.
pub const TOTAL: usize = 10_000;
/// Items per page.
pub const PAGE: usize = 1000;
/// Requests a full read must take.
pub const REQUESTS: u64 = (TOTAL / PAGE) as u64;
/// Goal: the peak while streaming at most this multiple of the hand-written loop's peak,
/// which holds one page at a time.
const PEAK_GOAL: f64 = 1.5;

/// How much to measure.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Rounds; each reads the whole list once per variant.
    pub rounds: usize,
}

/// Serves the list honouring `offset` and `limit`; the pages of `PAGE` items are rendered
/// before the server starts, so the server allocates almost nothing while measured.
pub struct Pages {
    fixture: ListFixture,
    rendered: HashMap<(usize, usize), Bytes>,
}

impl Pages {
    /// The list of `TOTAL` items of `fixture`, its pages of `PAGE` items rendered.
    pub fn new(fixture: ListFixture) -> Self {
        let rendered = (0..TOTAL)
            .step_by(PAGE)
            .map(|offset| {
                let body = fixture.page_bytes(offset, PAGE, TOTAL);
                ((offset, PAGE), Bytes::from(body))
            })
            .collect();
        Self { fixture, rendered }
    }
}

impl Handler for Pages {
    fn respond(&self, _path: &str, query: Option<&str>) -> (StatusCode, Bytes) {
        let offset = query_number(query, "offset").unwrap_or(0);
        let limit = query_number(query, "limit").unwrap_or(20);
        let body = match self.rendered.get(&(offset, limit)) {
            Some(body) => body.clone(),
            None => Bytes::from(self.fixture.page_bytes(offset, limit, TOTAL)),
        };
        (StatusCode::OK, body)
    }
}

/// Reads every item through the facade's stream, one item at a time; the item count.
pub async fn facade_stream(client: &Client) -> Result<usize, String> {
    let org = client.org(ORGANIZATION);
    let items = org
        .list_deployments()
        .pager()
        .page_size(PAGE as u32)
        .items();
    let mut items = pin!(items);
    let mut count = 0;
    while let Some(item) = items.next().await {
        consume(&item.map_err(|e| format!("facade stream: {e}"))?);
        count += 1;
    }
    Ok(count)
}

/// Collects every item through the facade.
pub async fn facade_collect(client: &Client) -> Result<Vec<Deployment>, String> {
    client
        .org(ORGANIZATION)
        .list_deployments()
        .pager()
        .page_size(PAGE as u32)
        .collect()
        .await
        .map_err(|e| format!("facade collect: {e}"))
}

/// The hand-written loop: raw reqwest, one page at a time, decoded into the generated type.
pub async fn hand_loop(http: &reqwest::Client, base: &str) -> Result<usize, String> {
    let url = format!("{base}/v1/organizations/{ORGANIZATION}/deployments");
    let mut offset = 0usize;
    let mut count = 0;
    loop {
        let response = http
            .get(&url)
            .bearer_auth(TOKEN)
            .query(&[("offset", offset), ("limit", PAGE)])
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| format!("hand loop: {e}"))?;
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("hand loop: {e}"))?;
        let page: DeploymentsPaginated =
            serde_json::from_slice(&body).map_err(|e| format!("hand loop: {e}"))?;
        drop(body);
        let read = page.deployments.len();
        for item in page.deployments {
            consume(&item);
            count += 1;
        }
        offset += read;
        if read == 0 || offset as i64 >= page.total_count {
            return Ok(count);
        }
    }
}

fn consume(item: &Deployment) {
    black_box(item.id.len());
}

/// The result of one measured read.
struct Read {
    items_per_second: f64,
    items_per_cpu_second: f64,
    peak_bytes: usize,
    requests: u64,
}

/// Runs `read` once, checking the item count; its rate, peak live bytes and request count.
fn measure<F: Future<Output = Result<usize, String>>>(
    rt: &tokio::runtime::Runtime,
    server: &LocalServer,
    label: &str,
    read: F,
) -> Result<Read, String> {
    let requests = server.requests();
    let baseline = alloc::reset_peak();
    let cpu = cpu::thread();
    let start = Instant::now();
    let items = rt.block_on(read)?;
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = (cpu::thread() - cpu).as_secs_f64();
    let peak_bytes = alloc::peak().saturating_sub(baseline);
    let sent = server.requests() - requests;
    if items != TOTAL {
        return Err(format!("{label}: read {items} items instead of {TOTAL}"));
    }
    Ok(Read {
        items_per_second: items as f64 / elapsed,
        items_per_cpu_second: items as f64 / cpu,
        peak_bytes,
        requests: sent,
    })
}

/// Median CPU milliseconds to decode one page of `PAGE` items, and to serialize the decoded
/// items back to JSON.
fn page_costs(fixture: &ListFixture) -> Result<(f64, f64), String> {
    let body = fixture.page_bytes(0, PAGE, TOTAL);
    let (mut decode, mut serialize) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let start = cpu::thread();
        let page: DeploymentsPaginated =
            serde_json::from_slice(&body).map_err(|e| format!("page decode: {e}"))?;
        decode.push((cpu::thread() - start).as_secs_f64() * 1e3);
        let start = cpu::thread();
        let json = serde_json::to_vec(&page.deployments).map_err(|e| format!("serialize: {e}"))?;
        serialize.push((cpu::thread() - start).as_secs_f64() * 1e3);
        black_box(json);
    }
    Ok((median(&decode), median(&serialize)))
}

fn mib(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

/// Runs part 3 on the client runtime `rt`.
pub fn run(rt: &tokio::runtime::Runtime, settings: Settings) -> Result<Section, String> {
    let spec = fixtures::platform_spec()?;
    let pages = Pages::new(ListFixture::new(&spec, "ListDeployments")?);
    let (decode_ms, serialize_ms) = page_costs(&ListFixture::new(&spec, "ListDeployments")?)?;
    let page_bytes = pages.rendered.get(&(0, PAGE)).map_or(0, Bytes::len);
    let server = LocalServer::start(pages).map_err(|e| format!("cannot start the server: {e}"))?;
    let base = server.base_url();
    let http = reqwest::Client::new();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&base)
        .organization_id(ORGANIZATION)
        .rate_limits(None)
        .build()
        .map_err(|e| format!("cannot build the facade client: {e}"))?;

    measure(rt, &server, "hand loop", hand_loop(&http, &base))?;
    measure(rt, &server, "facade stream", facade_stream(&client))?;
    let (mut stream_reads, mut hand_reads) = (Vec::new(), Vec::new());
    for round in 0..settings.rounds {
        if round % 2 == 0 {
            stream_reads.push(measure(
                rt,
                &server,
                "facade stream",
                facade_stream(&client),
            )?);
            hand_reads.push(measure(rt, &server, "hand loop", hand_loop(&http, &base))?);
        } else {
            hand_reads.push(measure(rt, &server, "hand loop", hand_loop(&http, &base))?);
            stream_reads.push(measure(
                rt,
                &server,
                "facade stream",
                facade_stream(&client),
            )?);
        }
    }
    let collect = measure(rt, &server, "facade collect", async {
        let items = facade_collect(&client).await?;
        Ok(black_box(items).len())
    })?;

    let rates = |reads: &[Read]| reads.iter().map(|r| r.items_per_second).collect::<Vec<_>>();
    let cpu_rates = |reads: &[Read]| {
        reads
            .iter()
            .map(|r| r.items_per_cpu_second)
            .collect::<Vec<_>>()
    };
    let (stream_cpu, hand_cpu) = (cpu_rates(&stream_reads), cpu_rates(&hand_reads));
    let cpu_ratio = median(&hand_cpu) / median(&stream_cpu);
    let cpu_paired = 1.0 / paired_median_ratio(&stream_cpu, &hand_cpu);
    let peak = |reads: &[Read]| reads.iter().map(|r| r.peak_bytes).max().unwrap_or(0);
    let (stream_rates, hand_rates) = (rates(&stream_reads), rates(&hand_reads));
    let (stream_rate, hand_rate) = (median(&stream_rates), median(&hand_rates));
    let (stream_peak, hand_peak) = (peak(&stream_reads), peak(&hand_reads));
    let time_ratio = hand_rate / stream_rate;
    let paired = 1.0 / paired_median_ratio(&stream_rates, &hand_rates);
    let peak_ratio = stream_peak as f64 / hand_peak as f64;

    let mut section = Section::new("3. Pagination: 10,000 deployments in pages of 1000");
    section.paragraph(format!(
        "A local server holds {TOTAL} deployments (each page {page_bytes} bytes) and honours \
         `offset` and `limit`. The facade reads them with \
         `client.org(id).list_deployments().pager().page_size(1000).items()`, one item at a \
         time; the hand-written loop sends the same GETs with raw reqwest and decodes each page \
         into the generated `DeploymentsPaginated`. Every read was checked to give {TOTAL} items, and \
         the server counted its requests. {} rounds, the two interleaved; client CPU time is the client \
         thread's (the whole client runs on it); peak memory is the highest count of live bytes above the level before the read (whole process, \
         including the server thread), the largest over the rounds.",
        settings.rounds
    ));
    section.table(
        &[
            "Read",
            "Items/s (median)",
            "× hand loop wall time",
            "Items per client CPU second",
            "× hand loop CPU",
            "Peak live MiB",
            "× hand loop peak",
        ],
        &[
            vec![
                "hand-written loop, raw reqwest".into(),
                format!("{hand_rate:.0}"),
                "1.000×".into(),
                format!("{:.0}", median(&hand_cpu)),
                "1.000×".into(),
                mib(hand_peak),
                "1.00×".into(),
            ],
            vec![
                "facade `.items()` stream".into(),
                format!("{stream_rate:.0}"),
                format!("{time_ratio:.3}× (paired {paired:.3}×)"),
                format!("{:.0}", median(&stream_cpu)),
                format!("{cpu_ratio:.3}× (paired {cpu_paired:.3}×)"),
                mib(stream_peak),
                format!("{peak_ratio:.2}×"),
            ],
            vec![
                "facade `.collect()`".into(),
                format!("{:.0}", collect.items_per_second),
                format!("{:.3}×", hand_rate / collect.items_per_second),
                format!("{:.0}", collect.items_per_cpu_second),
                format!("{:.3}×", median(&hand_cpu) / collect.items_per_cpu_second),
                mib(collect.peak_bytes),
                format!("{:.2}×", collect.peak_bytes as f64 / hand_peak as f64),
            ],
        ],
    );
    let counts: Vec<u64> = stream_reads
        .iter()
        .chain(&hand_reads)
        .chain([&collect])
        .map(|r| r.requests)
        .collect();
    let (fewest, most) = (counts.iter().min(), counts.iter().max());
    section.goal(
        "Pagination: requests per read of 10,000 items in pages of 1000",
        "exactly 10",
        match (fewest, most) {
            (Some(a), Some(b)) if a == b => format!("{a} on each of {} reads", counts.len()),
            (Some(a), Some(b)) => format!("{a} to {b} over {} reads", counts.len()),
            _ => "no reads".into(),
        },
        counts.iter().all(|&n| n == REQUESTS),
    );
    section.paragraph(format!(
        "Where the facade's extra CPU time goes, measured here: decoding one page of {PAGE} \
         takes {decode_ms:.1} CPU ms, and serializing the decoded items back to JSON with \
         `serde_json::to_vec` takes {serialize_ms:.1} CPU ms ({:.0}% of the decode). The \
         facade's pager does that serialization once per page (`fingerprint` in \
         `src/pagination.rs` hashes the page's JSON to notice a page served twice).",
        100.0 * serialize_ms / decode_ms
    ));
    section.goal(
        "Pagination: peak memory streaming vs the one-page hand loop",
        "≤ 1.5×",
        format!(
            "{peak_ratio:.2}× ({} vs {} MiB)",
            mib(stream_peak),
            mib(hand_peak)
        ),
        peak_ratio <= PEAK_GOAL,
    );
    Ok(section)
}
