//! `cargo xtask fetch`: put the pinned documents in place, checked against their sha256.

use std::path::Path;

use astro_spec::pins::{Pins, sha256_hex};

use crate::SourceArgs;
use crate::source;
use crate::workspace::write_all_atomically;

/// Fetches every pinned document that is missing (all of them with `locked`), refusing any whose
/// sha256 differs from its pin. Copies already in place are checked too.
pub fn run(root: &Path, args: &SourceArgs, locked: bool) -> Result<(), String> {
    let pins = Pins::load(root).map_err(|e| e.to_string())?;
    for pin in selected(&pins, args)? {
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
    Ok(())
}

/// The pins the arguments select: all, or the one named by `--api`.
pub fn selected<'a>(
    pins: &'a Pins,
    args: &SourceArgs,
) -> Result<Vec<&'a astro_spec::ApiPin>, String> {
    match &args.api {
        Some(name) => pins
            .get(name)
            .map(|pin| vec![pin])
            .ok_or_else(|| format!("no API named `{name}` in openapi/pins.toml")),
        None => {
            if args.from.as_ref().is_some_and(|from| from.is_file()) && pins.api.len() > 1 {
                return Err("--from names a single file: say which API it is with --api".into());
            }
            Ok(pins.api.iter().collect())
        }
    }
}
