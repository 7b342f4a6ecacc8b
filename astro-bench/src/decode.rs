//! Part 2: decoding a 1000-item ListDeployments page into the generated types versus into
//! `serde_json::Value`: time, and bytes allocated and kept per item.

use std::hint::black_box;

use astro_platform::types::DeploymentsPaginated;
use serde_json::Value;

use crate::alloc;
use crate::cpu;
use crate::fixtures::{self, ListFixture};
use crate::report::Section;
use crate::stats::{median, paired_median_ratio};

/// Items on the page decoded.
pub const ITEMS: usize = 1000;

/// How much to measure.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Rounds; each decodes the page `decodes` times per variant.
    pub rounds: usize,
    /// Decodes per batch.
    pub decodes: usize,
}

/// Bytes allocated while decoding once, and bytes still held by the decoded value.
#[derive(Clone, Copy, Debug)]
pub struct Footprint {
    /// Allocated during the decode (frees not subtracted).
    pub allocated: usize,
    /// Live after the decode, held by the result.
    pub retained: usize,
}

/// Measures one decode's allocations.
pub fn footprint<T>(decode: impl FnOnce() -> T) -> Footprint {
    let allocated = alloc::allocated();
    let live = alloc::live();
    let value = decode();
    let footprint = Footprint {
        allocated: alloc::allocated() - allocated,
        retained: alloc::live().saturating_sub(live),
    };
    drop(black_box(value));
    footprint
}

fn typed(body: &[u8]) -> Result<DeploymentsPaginated, String> {
    serde_json::from_slice(body).map_err(|e| format!("the generated types refuse the page: {e}"))
}

fn untyped(body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("serde_json refuses the page: {e}"))
}

/// Decodes per second of the thread's CPU time, over `count` decodes.
fn rate<T>(count: usize, decode: impl Fn() -> Result<T, String>) -> Result<f64, String> {
    let start = cpu::thread();
    for _ in 0..count {
        black_box(decode()?);
    }
    Ok(count as f64 / (cpu::thread() - start).as_secs_f64())
}

/// Runs part 2.
pub fn run(settings: Settings) -> Result<Section, String> {
    let spec = fixtures::platform_spec()?;
    let deployments = ListFixture::new(&spec, "ListDeployments")?;
    let body = deployments.page_bytes(0, ITEMS, ITEMS);
    let page = typed(&body)?;
    if page.deployments.len() != ITEMS {
        return Err(format!(
            "the page decoded to {} items",
            page.deployments.len()
        ));
    }
    drop(page);
    rate(settings.decodes, || typed(&body))?;
    rate(settings.decodes, || untyped(&body))?;
    let (mut typed_rates, mut value_rates) = (Vec::new(), Vec::new());
    for round in 0..settings.rounds {
        if round % 2 == 0 {
            typed_rates.push(rate(settings.decodes, || typed(&body))?);
            value_rates.push(rate(settings.decodes, || untyped(&body))?);
        } else {
            value_rates.push(rate(settings.decodes, || untyped(&body))?);
            typed_rates.push(rate(settings.decodes, || typed(&body))?);
        }
    }
    let typed_print = footprint(|| typed(&body));
    let value_print = footprint(|| untyped(&body));

    let (typed_rate, value_rate) = (median(&typed_rates), median(&value_rates));
    let per_item = |bytes: usize| format!("{:.0}", bytes as f64 / ITEMS as f64);
    let mut section = Section::new("2. Decoding: a 1000-item ListDeployments page");
    section.paragraph(format!(
        "One page of {ITEMS} deployments ({} bytes, {} bytes per item; every optional field \
         present, values from the pinned spec's examples, each item with its own id and name), \
         decoded from a byte slice with `serde_json::from_slice` into the generated \
         `DeploymentsPaginated` and into `serde_json::Value`; {} rounds of {} decodes each, the \
         two interleaved; times are the thread's CPU time (the decode \
         runs on one thread), so other work on the machine does not inflate them. Allocations are counted by the benchmark's global allocator during one \
         decode (\"allocated\", frees not subtracted) and after it (\"kept\", held by the \
         result).",
        body.len(),
        body.len() / ITEMS,
        settings.rounds,
        settings.decodes
    ));
    let rows = vec![
        vec![
            "generated types".to_string(),
            format!("{:.2}", 1e3 / typed_rate),
            format!("{:.0}", typed_rate * ITEMS as f64),
            per_item(typed_print.allocated),
            per_item(typed_print.retained),
        ],
        vec![
            "serde_json::Value".to_string(),
            format!("{:.2}", 1e3 / value_rate),
            format!("{:.0}", value_rate * ITEMS as f64),
            per_item(value_print.allocated),
            per_item(value_print.retained),
        ],
    ];
    section.table(
        &[
            "Decoded into",
            "CPU ms per page (median)",
            "Items per CPU second",
            "Bytes allocated per item",
            "Bytes kept per item",
        ],
        &rows,
    );
    let ratio = value_rate / typed_rate;
    let paired = paired_median_ratio(&value_rates, &typed_rates);
    section.paragraph(format!(
        "Typed decoding takes {ratio:.2}× the time of decoding into `Value` (paired per round: \
         {paired:.2}×) and allocates {:.2}× the bytes.",
        typed_print.allocated as f64 / value_print.allocated as f64
    ));
    Ok(section)
}
