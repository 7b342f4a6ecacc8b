//! Writes `$OUT_DIR/decoders.rs`: one entry per operation of every pinned spec, derived from
//! the specs themselves, so a regenerated spec adds its operations to the fuzzing without new
//! code. An operation with a success body gets a decoder into its generated output type.

use std::fmt::Write as _;
use std::path::PathBuf;

use astro_spec::{Document, Pins, naming};

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
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
        "/// Every operation of the pinned specs, in spec order.\npub static OPERATIONS: &[Operation] = &[\n",
    );
    for pin in &pins.api {
        let path = pin.openapi_path(&root);
        println!("cargo::rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).map_err(|e| {
            format!(
                "cannot read the pinned spec {} ({e}); fetch it with `cargo xtask fetch`",
                path.display()
            )
        })?;
        let document = Document::parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let krate = pin.crate_dir.replace('-', "_");
        for operation in document.operations() {
            let decode = match operation.success_schema {
                Some(_) => format!(
                    "Some(crate::decode_as::<<::{krate}::builder::{builder}<'static> as ::astro_api_core::Call>::Output>)",
                    builder = naming::pascal(&operation.id)
                ),
                None => "None".to_string(),
            };
            writeln!(
                code,
                "    Operation {{ api: {api:?}, id: {id:?}, decode: {decode} }},",
                api = pin.name,
                id = operation.id,
            )
            .map_err(|e| e.to_string())?;
        }
    }
    code.push_str("];\n");
    std::fs::write(out.join("decoders.rs"), code).map_err(|e| e.to_string())
}
