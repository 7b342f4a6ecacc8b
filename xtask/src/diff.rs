//! `cargo xtask diff OLD NEW`: the change report between any two spec files, read-only.

use std::path::Path;

use astro_spec::{Document, Pins};

use crate::changes::{Report, compare_documents};

/// Prints the report of what changed from `old` to `new` for users of the generated crate.
/// The API is named after the pin with the same title, if any.
pub fn run(root: &Path, old: &Path, new: &Path) -> Result<(), String> {
    let read = |path: &Path| -> Result<(Vec<u8>, Document), String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let document = Document::parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok((bytes, document))
    };
    let (old_bytes, old_document) = read(old)?;
    let (new_bytes, new_document) = read(new)?;
    let api = Pins::load(root)
        .ok()
        .and_then(|pins| {
            pins.api
                .into_iter()
                .find(|pin| pin.title == new_document.title())
                .map(|pin| pin.name)
        })
        .unwrap_or_else(|| "api".to_string());
    let report = Report {
        apis: vec![compare_documents(
            &api,
            (&old_document, &old_bytes),
            (&new_document, &new_bytes),
        )],
    };
    print!("{}", report.text());
    Ok(())
}
