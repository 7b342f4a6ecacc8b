//! Every operation of every pinned spec, called through its generated client against a local
//! mock server (tests emitted by the build script), plus the coverage check.

mod alternatives;
mod auth;
mod coverage;
mod errors;
mod path_parameters;

include!(concat!(env!("OUT_DIR"), "/cases.rs"));
