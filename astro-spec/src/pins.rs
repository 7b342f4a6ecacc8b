//! `openapi/pins.toml`: which upstream documents the project is generated from.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The comment block written at the top of the pins file.
const HEADER: &str = "\
# Pinned upstream OpenAPI documents of the Astro API.
#
# The documents themselves are Astronomer's work and are never committed: `cargo xtask fetch`
# downloads each one (from `--from`, `$ASTRO_SPEC_MIRROR`, or `url`), checks its sha256 against
# this file, and writes it to `openapi/<name>/<version>.yaml` and `<crate>/openapi/<name>.yaml`.
# `cargo xtask regen` refreshes the documents and rewrites this file.
#
# Adding an API is one `[[api]]` entry here plus a small crate whose build script calls
# `astro_codegen::build::generate_client`.
";

/// The whole pins file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pins {
    /// One entry per API.
    pub api: Vec<ApiPin>,
}

/// One pinned API document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiPin {
    /// Short name, used in paths and mirror layouts (`platform`, `iam`).
    pub name: String,
    /// The document's `info.title`.
    pub title: String,
    /// The document's `info.version`, also the file name in mirrors (`v1beta1`).
    pub version: String,
    /// Where upstream serves the document.
    pub url: String,
    /// Lower-case hex sha256 of the pinned document's bytes.
    pub sha256: String,
    /// The date (YYYY-MM-DD) the document was pinned.
    pub taken: String,
    /// The crate directory generated from this document.
    #[serde(rename = "crate")]
    pub crate_dir: String,
}

/// Why the pins file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PinsError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid pins TOML.
    #[error("{path} is not a valid pins file: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl Pins {
    /// The pins file's place below the workspace root.
    pub fn path(root: &Path) -> PathBuf {
        root.join("openapi").join("pins.toml")
    }

    /// Reads the pins file below a workspace root.
    pub fn load(root: &Path) -> Result<Self, PinsError> {
        let path = Self::path(root);
        let text = std::fs::read_to_string(&path).map_err(|source| PinsError::Io {
            path: path.clone(),
            source,
        })?;
        Self::parse(&text).map_err(|message| PinsError::Format { path, message })
    }

    /// Parses the text of a pins file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let pins: Pins = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut names = std::collections::BTreeSet::new();
        for pin in &pins.api {
            if !names.insert(pin.name.as_str()) {
                return Err(format!("api `{}` is pinned twice", pin.name));
            }
            let safe = |s: &str| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
                    && !s.starts_with('.')
            };
            if !safe(&pin.name) || !safe(&pin.version) || !safe(&pin.crate_dir) {
                return Err(format!(
                    "api `{}`: name, version and crate must be plain path segments",
                    pin.name
                ));
            }
            if pin.sha256.len() != 64 || !pin.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!("api `{}`: sha256 is not 64 hex digits", pin.name));
            }
        }
        Ok(pins)
    }

    /// The pins file's text, with its explanatory header.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("pins always serialise");
        format!("{HEADER}\n{body}")
    }

    /// The entry with this name.
    pub fn get(&self, name: &str) -> Option<&ApiPin> {
        self.api.iter().find(|pin| pin.name == name)
    }
}

impl ApiPin {
    /// Where the canonical copy of the document lives: `openapi/<name>/<version>.yaml`.
    pub fn openapi_path(&self, root: &Path) -> PathBuf {
        root.join("openapi")
            .join(&self.name)
            .join(format!("{}.yaml", self.version))
    }

    /// Where the generated crate's build script reads it: `<crate>/openapi/<name>.yaml`.
    pub fn crate_spec_path(&self, root: &Path) -> PathBuf {
        root.join(&self.crate_dir)
            .join("openapi")
            .join(format!("{}.yaml", self.name))
    }

    /// The mirror-relative path of the document: `<name>/<version>.yaml`.
    pub fn mirror_path(&self) -> String {
        format!("{}/{}.yaml", self.name, self.version)
    }
}

/// Lower-case hex sha256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_entries() {
        let text = "[[api]]\nname='x'\ntitle='X'\nversion='v1'\nurl='u'\nsha256='".to_string()
            + &"a".repeat(64)
            + "'\ntaken='2026-01-01'\ncrate='astro-x'\n";
        let pins = Pins::parse(&text).unwrap();
        assert_eq!(Pins::parse(&pins.to_toml()).unwrap(), pins);
        assert!(Pins::parse(&text.replace("name='x'", "name='../x'")).is_err());
        assert!(Pins::parse(&text.replace(&"a".repeat(64), "abc")).is_err());
    }

    #[test]
    fn hashes() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
