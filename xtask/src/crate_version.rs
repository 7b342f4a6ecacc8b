//! The spec a crate was generated from, in its version: `0.1.0+spec.v1beta1.a229e387` (semver
//! build metadata: `spec.<info.version>.<first 8 hex digits of the document's sha256>`), so that
//! crates.io and docs.rs readers see which document a release was generated from. Cargo ignores
//! build metadata when matching versions, so `version = "0.1.0"` requirements still match.
//! `cargo xtask regen` keeps it in step with `openapi/pins.toml`.
//!
//! A crate generated from several documents (v1, and v1beta1 behind a feature) names its default
//! document: the pin without a `feature`.

use std::path::Path;

use astro_spec::{ApiPin, Pins};

/// Every generated crate directory, in pins order, with the pin its version names: the first
/// pin without a feature that generates into it, or the first pin that does when all of them
/// have one.
pub fn crate_pins(pins: &Pins) -> Vec<(&str, &ApiPin)> {
    let mut crates: Vec<(&str, &ApiPin)> = Vec::new();
    for pin in &pins.api {
        for area in &pin.areas {
            let dir = area.crate_dir.as_str();
            match crates.iter_mut().find(|(known, _)| *known == dir) {
                None => crates.push((dir, pin)),
                Some(entry) if entry.1.feature.is_some() && pin.feature.is_none() => entry.1 = pin,
                Some(_) => {}
            }
        }
    }
    crates
}

/// The build metadata naming a pinned document.
pub fn metadata(pin: &ApiPin) -> String {
    let version: String = pin
        .version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("spec.{version}.{}", &pin.sha256[..8.min(pin.sha256.len())])
}

/// A manifest's `[package]` name and version, read line by line.
pub fn package_name_and_version(manifest: &str) -> Option<(String, String)> {
    let mut in_package = false;
    let (mut name, mut version) = (None, None);
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = string_value(line, "name") {
                name = Some(value);
            } else if let Some(value) = string_value(line, "version") {
                version = Some(value);
            }
        }
    }
    Some((name?, version?))
}

fn string_value(line: &str, key: &str) -> Option<String> {
    let rest = line
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    Some(rest.strip_prefix('"')?.strip_suffix('"')?.to_string())
}

/// The manifest with its `[package]` version carrying `metadata`, or an error naming the file
/// when it has no literal version.
pub fn with_metadata(manifest: &str, metadata: &str, file: &Path) -> Result<String, String> {
    let mut in_package = false;
    let mut done = false;
    let mut out = String::with_capacity(manifest.len() + 32);
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        }
        match string_value(trimmed, "version").filter(|_| in_package && !done) {
            Some(version) => {
                let base = version.split('+').next().unwrap_or(&version);
                let ending = if line.ends_with('\n') { "\n" } else { "" };
                out.push_str(&format!("version = \"{base}+{metadata}\"{ending}"));
                done = true;
            }
            None => out.push_str(line),
        }
    }
    if done {
        Ok(out)
    } else {
        Err(format!(
            "{} has no literal `version = \"...\"` in [package] to carry the spec version",
            file.display()
        ))
    }
}

/// `Cargo.lock` with the version of package `name` set to `version` (unchanged if absent).
pub fn lock_with_version(lock: &str, name: &str, version: &str) -> String {
    let mut out = String::with_capacity(lock.len() + 32);
    let mut in_package = false;
    for line in lock.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = false;
        } else if let Some(package) = string_value(trimmed, "name") {
            in_package = package == name;
        } else if in_package && string_value(trimmed, "version").is_some() {
            let ending = if line.ends_with('\n') { "\n" } else { "" };
            out.push_str(&format!("version = \"{version}\"{ending}"));
            continue;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_and_replaces_build_metadata() {
        let manifest = "[package]\nname = \"astro-x\"\nversion = \"0.1.0\"\n\n[dependencies]\nversion = \"9\"\n";
        let once = with_metadata(manifest, "spec.v1.abcd1234", Path::new("C")).unwrap();
        assert!(once.contains("version = \"0.1.0+spec.v1.abcd1234\"\n"));
        assert!(once.ends_with("[dependencies]\nversion = \"9\"\n"));
        let twice = with_metadata(&once, "spec.v2.ffff0000", Path::new("C")).unwrap();
        assert_eq!(
            package_name_and_version(&twice),
            Some(("astro-x".into(), "0.1.0+spec.v2.ffff0000".into()))
        );
        assert!(
            with_metadata("[package]\nversion.workspace = true\n", "m", Path::new("C")).is_err()
        );
    }

    #[test]
    fn a_crate_names_its_default_document() {
        let pin = |name: &str, feature: Option<&str>, crates: &[&str]| {
            format!(
                "[[api]]\nname = '{name}'\ntitle = 'T'\nversion = '1'\nurl = 'u'\nsha256 = '{}'\n\
                 taken = '2026-01-01'\n{}{}",
                "a".repeat(64),
                feature.map_or(String::new(), |f| format!("feature = '{f}'\n")),
                crates
                    .iter()
                    .map(|c| format!("[[api.area]]\ncrate = '{c}'\n"))
                    .collect::<String>()
            )
        };
        let text = [
            pin("old", Some("v1beta1"), &["astro-a"]),
            pin("new", None, &["astro-a", "astro-b"]),
            pin("extra", Some("x"), &["astro-c"]),
        ]
        .concat();
        let pins = Pins::parse(&text).unwrap();
        let chosen: Vec<(&str, &str)> = crate_pins(&pins)
            .into_iter()
            .map(|(dir, pin)| (dir, pin.name.as_str()))
            .collect();
        assert_eq!(
            chosen,
            [("astro-a", "new"), ("astro-b", "new"), ("astro-c", "extra")]
        );
    }

    #[test]
    fn updates_only_the_named_lock_entry() {
        let lock = "[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"b\"\nversion = \"0.1.0\"\n";
        assert_eq!(
            lock_with_version(lock, "b", "0.1.0+m"),
            "[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"b\"\nversion = \"0.1.0+m\"\n"
        );
    }
}
