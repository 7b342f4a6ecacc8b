//! Puts the client's code into `OUT_DIR`: the Astro API v1 operations of this crate's tags, and
//! the Platform API v1beta1 with the `v1beta1` feature. Installs the code pregenerated into the
//! package (`generated/`, written by `cargo xtask fetch`, checked against the documents in
//! `openapi/`), or with the `codegen` feature generates it from those documents.

fn main() {
    astro_codegen::build::client_code();
}
