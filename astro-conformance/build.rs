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

use astro_spec::{Document, Pins};

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
    for pin in &pins.api {
        let spec_path = pin.crate_spec_path(root);
        println!("cargo::rerun-if-changed={}", spec_path.display());
        let document = read_spec(&spec_path)?;
        let code = astro_codegen::generate::generate(&document)
            .map_err(|e| format!("{}: {e}", spec_path.display()))?;
        let setters = setters::read(&code).map_err(|e| format!("{}: {e}", spec_path.display()))?;
        modules.push(cases::api_module(pin, &document, &setters)?);
    }
    let apis = pins
        .api
        .iter()
        .map(|pin| quote::format_ident!("{}", astro_spec::naming::snake(&pin.name)));
    let emitted = quote::quote! {
        /// Each pinned API's name and the operation ids its emitted tests cover.
        pub const COVERAGE: &[(&str, &[&str])] = &[ #( (#apis::API.name, #apis::COVERED) ),* ];
        #( #modules )*
    };
    let file: syn::File =
        syn::parse2(emitted).map_err(|e| format!("the emitted tests do not parse: {e}"))?;
    let out = out_dir.join("cases.rs");
    std::fs::write(&out, prettyplease::unparse(&file))
        .map_err(|e| format!("cannot write {}: {e}", out.display()))
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
