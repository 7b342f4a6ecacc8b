//! What the astro-api client costs, side by side with the alternatives, measured in one run
//! and written to `BENCHMARKS.md`: `cargo run --release -p astro-bench -- all`.
//!
//! Every figure is a rate or a ratio measured in the same run with the variants interleaved in
//! rounds, because the machines are shared and noisy. Nothing here is a timed test: the unit
//! tests check the harness (servers, fixtures, counters, log parsing), never a duration.
#![warn(missing_docs)]

pub mod alloc;
pub mod build_cost;
pub mod cargo_build;
pub mod cpu;
pub mod decode;
pub mod downstream;
pub mod fixtures;
pub mod growth;
pub mod instructions;
pub mod pagination;
pub mod per_call;
pub mod python;
pub mod rate_limit;
pub mod report;
pub mod server;
pub mod stats;
pub mod upload;
