//! Test helpers of the robustness tests (bad responses, faults, secrets): a raw TCP server for
//! resets, stalls and broken framing, and a gzip encoder.
#![allow(dead_code)]

pub mod gzip;
pub mod raw;
