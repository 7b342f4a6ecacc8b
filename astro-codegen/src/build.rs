//! The build-script entry point of a generated client crate.

use std::path::{Path, PathBuf};

use crate::generate;
use astro_spec::document::Document;

/// Generates a client crate from the document at `spec` (relative to the crate's manifest
/// directory) into `$OUT_DIR/client.rs`, for the crate's `lib.rs` to `include!`.
///
/// Reads only the spec inside the package and writes only to `OUT_DIR`, as docs.rs requires.
/// Any failure stops the build with one line that says what to do.
pub fn generate_client(spec: &str) {
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let spec_path = manifest_dir.join(spec);
    println!("cargo::rerun-if-changed={}", spec_path.display());
    if let Err(message) = write_client(&spec_path, &out_dir.join("client.rs")) {
        // One line, then a non-zero exit: cargo shows it as the build script's error.
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn write_client(spec_path: &Path, out: &Path) -> Result<(), String> {
    let document = Document::read_pinned(spec_path)?;
    let code =
        generate::generate(&document).map_err(|e| format!("{}: {e}", spec_path.display()))?;
    std::fs::write(out, code).map_err(|e| format!("cannot write {}: {e}", out.display()))
}
