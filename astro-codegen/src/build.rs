//! The build-script entry point of a generated client crate, and the same checks for tools.

use std::path::PathBuf;

#[cfg(feature = "generator")]
use crate::generate;
#[cfg(feature = "generator")]
use crate::target::Target;
#[cfg(feature = "generator")]
use astro_spec::{ApiPin, Document, Pins};

/// Puts a client crate's code into `OUT_DIR`: `client.rs` (the crate root), and
/// `<feature>.rs` (a module of that name) for each pin with a feature when that feature is on.
///
/// With the `generator` feature, generates it from the pins in the crate's own
/// `openapi/pins.toml` (a link to the workspace's file, packaged as a copy): for every pin with
/// an area naming this crate, the operations of that area, from `openapi/<pin name>.yaml`.
/// Without it, installs the crate's [`pregenerated`](crate::pregenerated) code, checked against
/// the documents' sha256.
///
/// Reads only files inside the package and writes only to `OUT_DIR`, as docs.rs requires.
/// Any failure stops the build with one line that says what to do.
pub fn client_code() {
    let result = {
        #[cfg(feature = "generator")]
        {
            generate_from_env()
        }
        #[cfg(not(feature = "generator"))]
        {
            install_from_env()
        }
    };
    if let Err(message) = result {
        // One line, then a non-zero exit: cargo shows it as the build script's error.
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn var(name: &str) -> Result<PathBuf, String> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or_else(|| format!("cargo did not set {name}"))
}

#[cfg(not(feature = "generator"))]
fn install_from_env() -> Result<(), String> {
    crate::pregenerated::install(
        &var("CARGO_MANIFEST_DIR")?,
        &var("OUT_DIR")?,
        feature_enabled,
    )
}

#[cfg(feature = "generator")]
fn generate_from_env() -> Result<(), String> {
    let manifest_dir = var("CARGO_MANIFEST_DIR")?;
    let out_dir = var("OUT_DIR")?;
    let package = var("CARGO_PKG_NAME")?.to_string_lossy().into_owned();
    println!(
        "cargo::rerun-if-changed={}",
        Pins::path(&manifest_dir).display()
    );
    let pins = Pins::load(&manifest_dir).map_err(|e| e.to_string())?;
    let mut default = false;
    for (pin, _) in pins.for_crate(&package) {
        let out = match &pin.feature {
            None => {
                default = true;
                out_dir.join("client.rs")
            }
            Some(feature) if feature_enabled(feature) => out_dir.join(format!("{feature}.rs")),
            Some(_) => continue,
        };
        let spec = ApiPin::spec_in_crate(&manifest_dir, &pin.name);
        println!("cargo::rerun-if-changed={}", spec.display());
        let document = Document::read_pinned(&spec)?;
        let code = generate_crate_part(pin, &package, &document)
            .map_err(|e| format!("{}: {e}", spec.display()))?;
        std::fs::write(&out, code).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    }
    if default {
        Ok(())
    } else {
        Err(format!(
            "openapi/pins.toml has no pin without a feature whose area names crate `{package}`"
        ))
    }
}

fn feature_enabled(feature: &str) -> bool {
    let name = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"));
    std::env::var_os(name).is_some()
}

#[cfg(feature = "generator")]
/// The code of one crate's part of a pinned document: its area's operations, after checking
/// that every operation of the document falls in exactly one area and that every secret field
/// the pin lists is a string property of the document.
pub fn generate_crate_part(
    pin: &ApiPin,
    crate_dir: &str,
    document: &Document,
) -> Result<String, String> {
    pin.check_areas(&document.operations())?;
    pin.secret_fields
        .check(document)
        .map_err(|e| format!("{}: {e}", pin.name))?;
    let area = pin
        .areas
        .iter()
        .find(|area| area.crate_dir == crate_dir)
        .ok_or_else(|| format!("no area of pin `{}` names crate `{crate_dir}`", pin.name))?;
    let part = document.select_area(area);
    generate::generate(&part, &Target::for_pin(pin, document)).map_err(|e| e.to_string())
}

#[cfg(feature = "generator")]
/// Everything a build would check of a candidate document for a pin, without writing anything:
/// every operation falls in exactly one area, and every area's crate generates. For
/// `cargo xtask regen`, before it accepts a document.
pub fn check_pin(pin: &ApiPin, document: &Document) -> Result<(), String> {
    for area in &pin.areas {
        generate_crate_part(pin, &area.crate_dir, document)
            .map_err(|e| format!("{} for {}: {e}", pin.name, area.crate_dir))?;
    }
    Ok(())
}
