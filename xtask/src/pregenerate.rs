//! The code pregenerated into each client crate for its package (see
//! `astro_codegen::pregenerated`), kept in step with the documents in place.

use std::path::Path;

use astro_spec::Pins;

/// Writes the pregenerated code of every client crate named by an area of the pins, from the
/// crate's copies of its documents.
pub fn run(root: &Path, pins: &Pins) -> Result<(), String> {
    let mut crates: Vec<&str> = pins
        .api
        .iter()
        .flat_map(|pin| pin.areas.iter().map(|area| area.crate_dir.as_str()))
        .collect();
    crates.sort_unstable();
    crates.dedup();
    for krate in crates {
        astro_codegen::pregenerated::write(&root.join(krate), krate, pins)
            .map_err(|e| format!("pregenerating {krate}: {e}"))?;
    }
    Ok(())
}
