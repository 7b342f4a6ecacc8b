//! Writes `$OUT_DIR/decoders.rs`: one entry per operation of every pinned document (the
//! `v1beta1` ones with that feature), in the crate whose area takes it, derived from the
//! documents themselves, so a regenerated spec adds its operations to the fuzzing without new
//! code. An operation with a success body gets a decoder into its generated output type.

use std::fmt::Write as _;
use std::path::PathBuf;

use astro_spec::{ApiPin, Document, Pins, naming};

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

/// Whether this crate's cargo feature of that name is on.
fn feature_enabled(feature: &str) -> bool {
    let name = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"));
    std::env::var_os(name).is_some()
}

fn run() -> Result<(), String> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let root = manifest
        .parent()
        .ok_or("astro-fuzz sits in the workspace root")?
        .to_path_buf();
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    println!("cargo::rerun-if-changed={}", Pins::path(&root).display());
    let pins = Pins::load(&root).map_err(|e| e.to_string())?;
    let mut code = String::from(
        "/// Every operation of the pinned documents this build fuzzes, in document order.\npub static OPERATIONS: &[Operation] = &[\n",
    );
    // A pin behind a feature (v1beta1) is fuzzed when this crate's feature of that name is on.
    let enabled = pins
        .api
        .iter()
        .filter(|pin| pin.feature.as_deref().is_none_or(feature_enabled));
    for pin in enabled {
        for area in &pin.areas {
            let path = ApiPin::spec_in_crate(&root.join(&area.crate_dir), &pin.name);
            println!("cargo::rerun-if-changed={}", path.display());
            let document = Document::read_pinned(&path)?.select_area(area);
            let module = match &pin.feature {
                Some(feature) => format!(
                    "{}::{}",
                    naming::snake(&area.crate_dir),
                    naming::snake(feature)
                ),
                None => naming::snake(&area.crate_dir),
            };
            for operation in document.operations() {
                let decode = match operation.success_schema {
                    Some(_) => format!(
                        "Some(crate::decode_as::<<::{module}::builder::{builder}<'static> as ::astro_api_core::Call>::Output>)",
                        builder = naming::pascal(&operation.id)
                    ),
                    None => "None".to_string(),
                };
                writeln!(
                    code,
                    "    Operation {{ api: {api:?}, module: {module:?}, id: {id:?}, spec_yaml: ::{module}::SPEC_YAML, decode: {decode} }},",
                    api = pin.name,
                    id = operation.id,
                )
                .map_err(|e| e.to_string())?;
            }
        }
    }
    code.push_str("];\n");
    std::fs::write(out.join("decoders.rs"), code).map_err(|e| e.to_string())
}
