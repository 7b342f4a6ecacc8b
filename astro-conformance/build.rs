//! Emits the conformance tests: for every operation of every pinned spec, a test that calls it
//! through the generated client with every parameter set and checks what reaches the server.
//!
//! The setter types come from the code the generator produces for that same spec, so a
//! parameter or body the generated client cannot take fails this build with a message naming
//! the operation, instead of being skipped.

#[path = "build/cases.rs"]
mod cases;
#[path = "build/future.rs"]
mod future;
#[path = "build/setters.rs"]
mod setters;
#[path = "build/values.rs"]
mod values;

use std::path::{Path, PathBuf};

use astro_spec::{ApiPin, Document, Pins};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=build");
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").ok_or("cargo sets CARGO_MANIFEST_DIR")?,
    );
    let root = manifest_dir
        .parent()
        .ok_or("the crate sits inside the workspace")?;
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("cargo sets OUT_DIR")?);
    println!("cargo::rerun-if-changed={}", Pins::path(root).display());
    let pins = Pins::load(root).map_err(|e| e.to_string())?;
    let mut modules = Vec::new();
    let mut names = Vec::new();
    // A pin behind a feature (v1beta1) is tested when this crate's feature of that name is on,
    // which also turns it on in the generated crates.
    let enabled = pins
        .api
        .iter()
        .filter(|pin| pin.feature.as_deref().is_none_or(feature_enabled));
    for pin in enabled {
        for area in &pin.areas {
            let spec_path = ApiPin::spec_in_crate(&root.join(&area.crate_dir), &pin.name);
            println!("cargo::rerun-if-changed={}", spec_path.display());
            let document = read_spec(&spec_path)?;
            let code = astro_codegen::build::generate_crate_part(pin, &area.crate_dir, &document)
                .map_err(|e| format!("{}: {e}", spec_path.display()))?;
            let setters =
                setters::read(&code).map_err(|e| format!("{}: {e}", spec_path.display()))?;
            let module = cases::Module::new(pin, area);
            names.push(module.ident());
            modules.push(cases::api_module(&module, &document, &setters)?);
        }
    }
    let emitted = quote::quote! {
        /// Each tested module's API name and the operation ids its emitted tests cover.
        pub const COVERAGE: &[(&str, &[&str])] = &[ #( (#names::API.name, #names::COVERED) ),* ];
        #( #modules )*
    };
    let file: syn::File =
        syn::parse2(emitted).map_err(|e| format!("the emitted tests do not parse: {e}"))?;
    let out = out_dir.join("cases.rs");
    std::fs::write(&out, prettyplease::unparse(&file))
        .map_err(|e| format!("cannot write {}: {e}", out.display()))
}

/// Whether this crate's cargo feature of that name is on.
fn feature_enabled(feature: &str) -> bool {
    let name = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"));
    std::env::var_os(name).is_some()
}

fn read_spec(path: &Path) -> Result<Document, String> {
    let bytes = std::fs::read(path).map_err(|e| {
        format!(
            "cannot read the pinned spec {} ({e}); fetch it with `cargo xtask fetch`",
            path.display()
        )
    })?;
    Document::parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}
