//! `cargo xtask fetch`: put the pinned documents in place, checked against their sha256.

use std::path::Path;

use astro_spec::pins::{Pins, sha256_hex};

use crate::SourceArgs;
use crate::files::write_all_atomically;
use crate::{pregenerate, source};

/// Fetches every pinned document that is missing (all of them with `locked`), refusing any whose
/// sha256 differs from its pin. Copies already in place are checked too. A document is written
/// to its canonical place and into every crate generated from it, and each such crate's
/// pregenerated code is brought in step with it.
pub fn run(root: &Path, args: &SourceArgs, locked: bool) -> Result<(), String> {
    let pins = Pins::load(root).map_err(|e| e.to_string())?;
    for pin in source::selected(&pins, args)? {
        let canonical = pin.openapi_path(root);
        let in_crates = pin.crate_spec_paths(root);
        let present = |path: &Path| {
            std::fs::read(path)
                .ok()
                .filter(|bytes| sha256_hex(bytes) == pin.sha256)
        };
        let bytes = match (locked, present(&canonical)) {
            (false, Some(bytes)) => {
                if in_crates.iter().all(|path| present(path).is_some()) {
                    continue;
                }
                bytes
            }
            _ => {
                let from = source::choose(args, pin);
                let bytes = source::read(&from)?;
                let actual = sha256_hex(&bytes);
                if actual != pin.sha256 {
                    return Err(format!(
                        "{} from {from} has sha256 {actual}, but openapi/pins.toml pins {}: \
                         refusing it (run `cargo xtask regen` to move the pin)",
                        pin.name, pin.sha256
                    ));
                }
                eprintln!("fetched {} {} from {from}", pin.name, pin.version);
                bytes
            }
        };
        let mut writes = vec![(canonical, bytes.clone())];
        writes.extend(in_crates.into_iter().map(|path| (path, bytes.clone())));
        write_all_atomically(&writes)?;
    }
    pregenerate::run(root, &pins)
}

/// Fetches any pinned document that is not in place yet, from the default sources.
pub fn ensure(root: &Path) -> Result<(), String> {
    run(root, &SourceArgs::default(), false)
}
