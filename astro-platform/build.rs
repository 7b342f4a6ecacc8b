//! Generates the client from the pinned documents named in `openapi/pins.toml` (fetched into
//! `openapi/` by `cargo xtask fetch`): the Astro API v1 operations of this crate's tags, and the
//! Platform API v1beta1 with the `v1beta1` feature.

fn main() {
    astro_codegen::build::generate_client();
}
