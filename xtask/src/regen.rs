//! `cargo xtask regen`: refresh the documents from their source, check them, report what changed
//! for users, and update the pins, the crate versions and `openapi/CHANGES.md`.

use std::path::{Path, PathBuf};

use astro_spec::pins::{Pins, sha256_hex};
use astro_spec::{ApiPin, Document};

use crate::SourceArgs;
use crate::changes::{ApiReport, Report, Side, compare_documents, report::short};
use crate::files::write_all_atomically;
use crate::{changelog, crate_version, source};

/// A checked new document for one API.
struct Candidate {
    pin: ApiPin,
    bytes: Vec<u8>,
    document: Document,
}

/// Refreshes the selected APIs. Every document is read and checked (YAML or JSON, OpenAPI 3.0.x,
/// unique operation ids, every `$ref` resolving, the same API as pinned, every operation's tags
/// selecting exactly one area of the pin, and a trial generation of each area with the build's
/// settings) before anything is written. The change report against the current
/// copies is printed; then the documents, the pins file, the crate versions and
/// `openapi/CHANGES.md` are replaced together. Any failure leaves every file byte-for-byte as it
/// was. With `check`, nothing is written and a difference from the pins is an error.
pub fn run(root: &Path, args: &SourceArgs, check: bool) -> Result<(), String> {
    let pins = Pins::load(root).map_err(|e| e.to_string())?;
    let candidates = source::selected(&pins, args)?
        .into_iter()
        .map(|pin| check_candidate(args, pin))
        .collect::<Result<Vec<_>, _>>()?;
    for candidate in &candidates {
        let (pin, sha) = (&candidate.pin, sha256_hex(&candidate.bytes));
        if sha == pin.sha256 {
            println!("{}: unchanged ({})", pin.name, short(&sha));
        } else {
            println!("{}: {} -> {}", pin.name, short(&pin.sha256), short(&sha));
        }
    }
    let report = Report {
        apis: candidates.iter().map(|c| report_for(root, c)).collect(),
    };
    print!("{}", report.text());

    let new_pins = moved_pins(&pins, &candidates);
    let moved: Vec<&str> = new_pins
        .api
        .iter()
        .zip(&pins.api)
        .filter(|(new, old)| new.sha256 != old.sha256)
        .map(|(new, _)| new.name.as_str())
        .collect();
    if check {
        return if moved.is_empty() {
            println!("the source matches the pins");
            Ok(())
        } else {
            Err(format!(
                "the source differs from the pins for: {} (see the report above; \
                 `cargo xtask regen` takes it)",
                moved.join(", ")
            ))
        };
    }

    let mut writes: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for candidate in &candidates {
        let pin = new_pins
            .get(&candidate.pin.name)
            .ok_or_else(|| format!("{} vanished from the pins", candidate.pin.name))?;
        writes.push((pin.openapi_path(root), candidate.bytes.clone()));
        for path in pin.crate_spec_paths(root) {
            writes.push((path, candidate.bytes.clone()));
        }
    }
    if new_pins != pins {
        writes.push((Pins::path(root), new_pins.to_toml().into_bytes()));
    }
    let versions = version_writes(root, &new_pins)?;
    let versions_moved = !versions.is_empty();
    writes.extend(versions);
    let changed = Report {
        apis: report
            .apis
            .into_iter()
            .filter(|api| moved.contains(&api.api.as_str()))
            .collect(),
    };
    if !changed.apis.is_empty() {
        writes.push(changelog_write(root, &changed)?);
    }
    write_all_atomically(&writes)?;
    crate::pregenerate::run(root, &new_pins)?;
    if moved.is_empty() && versions_moved {
        println!("the documents match the pins; updated the crate versions to name them");
    } else if moved.is_empty() {
        println!("nothing changed");
    } else {
        println!(
            "updated openapi/pins.toml, the crate versions and openapi/CHANGES.md for: {}",
            moved.join(", ")
        );
    }
    Ok(())
}

/// The change report of one API: its current copy against the candidate, both with the pin's
/// secret fields (regen keeps them).
fn report_for(root: &Path, candidate: &Candidate) -> ApiReport {
    let pin = &candidate.pin;
    match previous(root, pin) {
        Some((bytes, document)) => compare_documents(
            &pin.name,
            (&document, &bytes, &pin.secret_fields),
            (&candidate.document, &candidate.bytes, &pin.secret_fields),
        ),
        None => ApiReport {
            api: pin.name.clone(),
            old: Side {
                version: pin.version.clone(),
                sha256: pin.sha256.clone(),
            },
            new: Side {
                version: candidate.document.info_version().to_string(),
                sha256: sha256_hex(&candidate.bytes),
            },
            changes: Vec::new(),
            compared: false,
        },
    }
}

/// The pins with every candidate whose sha256 differs moved to it (version and date too).
fn moved_pins(pins: &Pins, candidates: &[Candidate]) -> Pins {
    let mut new_pins = pins.clone();
    for candidate in candidates {
        let sha = sha256_hex(&candidate.bytes);
        if let Some(entry) = new_pins
            .api
            .iter_mut()
            .find(|entry| entry.name == candidate.pin.name && entry.sha256 != sha)
        {
            entry.sha256 = sha;
            entry.version = candidate.document.info_version().to_string();
            entry.taken = chrono::Utc::now().format("%Y-%m-%d").to_string();
        }
    }
    new_pins
}

/// `openapi/CHANGES.md` with the report of this regen on top.
fn changelog_write(root: &Path, changed: &Report) -> Result<(PathBuf, Vec<u8>), String> {
    let path = changelog::path(root);
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let date = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let text = changelog::prepend(existing.as_deref(), &changed.markdown(&date));
    Ok((path, text.into_bytes()))
}

/// The current copy of an API's document, as the generated crate is built from it.
fn previous(root: &Path, pin: &ApiPin) -> Option<(Vec<u8>, Document)> {
    std::iter::once(pin.openapi_path(root))
        .chain(pin.crate_spec_paths(root))
        .find_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            let document = Document::parse(&bytes).ok()?;
            Some((bytes, document))
        })
}

/// The crate manifests (and `Cargo.lock` entries) whose version must carry new build metadata.
fn version_writes(root: &Path, pins: &Pins) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let mut writes = Vec::new();
    let lock_path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path).ok();
    let mut new_lock = lock.clone();
    for (crate_dir, pin) in crate_version::crate_pins(pins) {
        let manifest_path = root.join(crate_dir).join("Cargo.toml");
        let manifest = std::fs::read_to_string(&manifest_path)
            .map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))?;
        let updated =
            crate_version::with_metadata(&manifest, &crate_version::metadata(pin), &manifest_path)?;
        if updated == manifest {
            continue;
        }
        if let (Some((name, version)), Some(lock)) = (
            crate_version::package_name_and_version(&updated),
            new_lock.as_mut(),
        ) {
            *lock = crate_version::lock_with_version(lock, &name, &version);
        }
        writes.push((manifest_path, updated.into_bytes()));
    }
    if let (Some(new_lock), Some(lock)) = (new_lock, lock)
        && new_lock != lock
    {
        writes.push((lock_path, new_lock.into_bytes()));
    }
    Ok(writes)
}

fn check_candidate(args: &SourceArgs, pin: &ApiPin) -> Result<Candidate, String> {
    let from = source::choose(args, pin);
    let bytes = source::read(&from)?;
    let document = Document::parse(&bytes).map_err(|e| format!("{} from {from}: {e}", pin.name))?;
    if document.title() != pin.title {
        return Err(format!(
            "{} from {from} is the document `{}`, not `{}`",
            pin.name,
            document.title(),
            pin.title
        ));
    }
    if !ends_completely(&bytes) {
        return Err(format!(
            "{} from {from} ends in the middle of a line (truncated?)",
            pin.name
        ));
    }
    if let Some(reference) = dangling_reference(document.value()) {
        return Err(format!(
            "{} from {from} refers to {reference}, which it does not contain (truncated?)",
            pin.name
        ));
    }
    pin.check_areas(&document.operations())
        .map_err(|e| format!("{e} (document from {from})"))?;
    quietly(|| astro_codegen::build::check_pin(pin, &document))
        .map_err(|e| format!("{} from {from}: trial generation failed: {e}", pin.name))?;
    Ok(Candidate {
        pin: pin.clone(),
        bytes,
        document,
    })
}

/// Whether a document's text ends where a whole document does: YAML with a line break, JSON
/// with its closing brace. A download cut short mostly ends elsewhere; one cut exactly at a line
/// break is caught by [`dangling_reference`] when it loses the schemas.
fn ends_completely(bytes: &[u8]) -> bool {
    let text = bytes.trim_ascii_start();
    if text.starts_with(b"{") {
        text.trim_ascii_end().ends_with(b"}")
    } else {
        text.ends_with(b"\n")
    }
}

/// The first local `$ref` of a document that points at nothing.
fn dangling_reference(document: &serde_json::Value) -> Option<String> {
    let mut stack = vec![document];
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(serde_json::Value::as_str) {
                    let found = reference
                        .strip_prefix('#')
                        .is_some_and(|pointer| document.pointer(pointer).is_some());
                    if !found {
                        return Some(reference.to_string());
                    }
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    None
}

/// Runs `f` without the default panic message: the generator turns panics into errors, and the
/// error is reported on one line.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = f();
    std::panic::set_hook(hook);
    result
}
