//! Generates the client from the pinned spec `openapi/iam.yaml` (placed by `cargo xtask fetch`).

fn main() {
    astro_codegen::build::generate_client("openapi/iam.yaml");
}
