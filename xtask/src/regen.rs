//! `cargo xtask regen`: refresh the documents from their source, check them, update the pins.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use astro_spec::pins::{Pins, sha256_hex};
use astro_spec::{ApiPin, Document};

use crate::SourceArgs;
use crate::fetch::selected;
use crate::source;
use crate::workspace::write_all_atomically;

/// A checked new document for one API.
struct Candidate {
    pin: ApiPin,
    bytes: Vec<u8>,
    document: Document,
}

/// Refreshes the selected APIs. Every document is read and checked (YAML or JSON, OpenAPI 3.0.x,
/// unique operation ids, the same API as pinned, and a trial generation with the build's
/// settings) before anything is written; then the documents and the pins file are replaced
/// together. Any failure leaves the current files byte-for-byte as they were.
pub fn run(root: &Path, args: &SourceArgs, check: bool) -> Result<(), String> {
    let pins = Pins::load(root).map_err(|e| e.to_string())?;
    let mut candidates = Vec::new();
    for pin in selected(&pins, args)? {
        candidates.push(check_candidate(args, pin)?);
    }

    let mut new_pins = pins.clone();
    let mut writes: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut changed = Vec::new();
    for candidate in &candidates {
        let pin = &candidate.pin;
        let sha = sha256_hex(&candidate.bytes);
        let previous = std::fs::read(pin.openapi_path(root))
            .ok()
            .and_then(|bytes| Document::parse(&bytes).ok());
        print_operation_changes(pin, previous.as_ref(), &candidate.document);
        if sha == pin.sha256 {
            println!("{}: unchanged ({})", pin.name, short(&sha));
        } else {
            println!("{}: {} -> {}", pin.name, short(&pin.sha256), short(&sha));
            changed.push(pin.name.clone());
        }
        let entry = new_pins
            .api
            .iter_mut()
            .find(|p| p.name == pin.name)
            .expect("candidate comes from the pins");
        if sha != entry.sha256 {
            entry.sha256 = sha;
            entry.version = candidate.document.info_version().to_string();
            entry.taken = chrono::Utc::now().format("%Y-%m-%d").to_string();
        }
        writes.push((entry.openapi_path(root), candidate.bytes.clone()));
        writes.push((entry.crate_spec_path(root), candidate.bytes.clone()));
    }

    if check {
        return if changed.is_empty() {
            println!("the source matches the pins");
            Ok(())
        } else {
            Err(format!("the source differs from the pins for: {}", changed.join(", ")))
        };
    }
    if new_pins != pins {
        writes.push((Pins::path(root), new_pins.to_toml().into_bytes()));
    }
    write_all_atomically(&writes)?;
    if changed.is_empty() {
        println!("nothing changed");
    } else {
        println!("updated openapi/pins.toml for: {}", changed.join(", "));
    }
    Ok(())
}

fn check_candidate(args: &SourceArgs, pin: &ApiPin) -> Result<Candidate, String> {
    let from = source::choose(args, pin);
    let bytes = source::read(&from)?;
    let document =
        Document::parse(&bytes).map_err(|e| format!("{} from {from}: {e}", pin.name))?;
    if document.title() != pin.title {
        return Err(format!(
            "{} from {from} is the document `{}`, not `{}`",
            pin.name,
            document.title(),
            pin.title
        ));
    }
    astro_codegen::generate::generate(&document)
        .map_err(|e| format!("{} from {from}: trial generation failed: {e}", pin.name))?;
    Ok(Candidate {
        pin: pin.clone(),
        bytes,
        document,
    })
}

fn print_operation_changes(pin: &ApiPin, previous: Option<&Document>, next: &Document) {
    let Some(previous) = previous else {
        println!("{}: no previous copy to compare with", pin.name);
        return;
    };
    let old: BTreeSet<String> = previous.operation_ids().into_iter().collect();
    let new: BTreeSet<String> = next.operation_ids().into_iter().collect();
    for added in new.difference(&old) {
        println!("{}: operation added: {added}", pin.name);
    }
    for removed in old.difference(&new) {
        println!("{}: operation removed: {removed}", pin.name);
    }
}

fn short(sha: &str) -> &str {
    &sha[..12.min(sha.len())]
}
