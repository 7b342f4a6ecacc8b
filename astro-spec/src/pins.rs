//! `openapi/pins.toml`: which upstream documents the project is generated from.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::secret_fields::SecretFields;

/// The comment block written at the top of the pins file.
const HEADER: &str = "\
# Pinned upstream OpenAPI documents of the Astro API.
#
# The documents themselves are Astronomer's work and are never committed: `cargo xtask fetch`
# downloads each one (from `--from`, `$ASTRO_SPEC_MIRROR`, or `url`), checks its sha256 against
# this file, and writes it to `openapi/<name>/v<version>.yaml` and, for every crate generated
# from it, `<crate>/openapi/<name>.yaml`. `cargo xtask regen` refreshes the documents and
# rewrites this file.
#
# Each `[[api.area]]` is one generated crate: it takes the operations whose tags are listed
# (every operation when `tags` is absent). Every operation must fall in exactly one area.
# A document with a `feature` is generated only when that cargo feature of the crate is on, as a
# module named after the feature (`astro_platform::v1beta1`).
#
# `[api.secret_fields]` lists, per component schema, the properties whose values are secrets
# (token values, passwords): they are generated as `astro_api_core::SecretString`, whose `Debug`
# and `Display` are redacted. A listed property that the document lacks, or that is not a
# string, stops the build and `cargo xtask regen` with an error naming it.
#
# Adding an API version is an `[[api]]` entry here; a new area is a small crate whose build
# script calls `astro_codegen::build::client_code`. The generated crates read this file
# through their own `openapi/pins.toml` (a link to it).
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
    /// The request header that pins a minor version of this API (`X-API-Version` for v1), sent
    /// with the document's `info.version` unless the client chooses otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_header: Option<String>,
    /// The cargo feature that turns this document on in its crates, which then generate it as
    /// a module of that name; `None` for the crates' default API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// The properties generated as `astro_api_core::SecretString`, by schema name.
    #[serde(default, skip_serializing_if = "SecretFields::is_empty")]
    pub secret_fields: SecretFields,
    /// The crates generated from this document, each taking the operations of some tags.
    #[serde(rename = "area")]
    pub areas: Vec<Area>,
}

/// One crate generated from (part of) a pinned document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// The crate directory (and package name), such as `astro-platform`.
    #[serde(rename = "crate")]
    pub crate_dir: String,
    /// The tags whose operations this crate takes; empty for every operation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl Area {
    /// Whether an operation with these tags belongs to this area.
    pub fn takes(&self, tags: &[String]) -> bool {
        self.tags.is_empty() || tags.iter().any(|tag| self.tags.contains(tag))
    }
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
            let crates_safe = pin.areas.iter().all(|area| safe(&area.crate_dir));
            let feature_safe = pin.feature.as_deref().is_none_or(safe);
            if !safe(&pin.name) || !safe(&pin.version) || !crates_safe || !feature_safe {
                return Err(format!(
                    "api `{}`: name, version, feature and crates must be plain path segments",
                    pin.name
                ));
            }
            if pin.areas.is_empty() {
                return Err(format!(
                    "api `{}`: no `[[api.area]]` names a crate",
                    pin.name
                ));
            }
            if pin.sha256.len() != 64 || !pin.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!("api `{}`: sha256 is not 64 hex digits", pin.name));
            }
            pin.secret_fields
                .check_format()
                .map_err(|e| format!("api `{}`: {e}", pin.name))?;
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

    /// The pins generated into one crate, with that crate's area of each.
    pub fn for_crate<'a>(
        &'a self,
        crate_dir: &'a str,
    ) -> impl Iterator<Item = (&'a ApiPin, &'a Area)> + 'a {
        self.api.iter().flat_map(move |pin| {
            pin.areas
                .iter()
                .filter(move |area| area.crate_dir == crate_dir)
                .map(move |area| (pin, area))
        })
    }
}

impl ApiPin {
    /// The version as it appears in file names and upstream URLs: `v1beta1`, `v1.0`
    /// (`info.version` with a leading `v` when it has none).
    pub fn file_version(&self) -> String {
        if self.version.starts_with('v') {
            self.version.clone()
        } else {
            format!("v{}", self.version)
        }
    }

    /// Where the canonical copy of the document lives: `openapi/<name>/<file version>.yaml`.
    pub fn openapi_path(&self, root: &Path) -> PathBuf {
        root.join("openapi")
            .join(&self.name)
            .join(format!("{}.yaml", self.file_version()))
    }

    /// Where each generated crate's build script reads it: `<crate>/openapi/<name>.yaml`.
    pub fn crate_spec_paths(&self, root: &Path) -> Vec<PathBuf> {
        self.areas
            .iter()
            .map(|area| Self::spec_in_crate(&root.join(&area.crate_dir), &self.name))
            .collect()
    }

    /// The document's place inside a crate directory: `<crate>/openapi/<name>.yaml`.
    pub fn spec_in_crate(crate_root: &Path, name: &str) -> PathBuf {
        crate_root.join("openapi").join(format!("{name}.yaml"))
    }

    /// The mirror-relative path of the document: `<name>/<file version>.yaml`.
    pub fn mirror_path(&self) -> String {
        format!("{}/{}.yaml", self.name, self.file_version())
    }

    /// The area each operation of a document belongs to, by its tags. An operation in no area,
    /// or in more than one, is an error that names it.
    pub fn check_areas(&self, operations: &[crate::Operation]) -> Result<(), String> {
        for operation in operations {
            let areas: Vec<&str> = self
                .areas
                .iter()
                .filter(|area| area.takes(&operation.tags))
                .map(|area| area.crate_dir.as_str())
                .collect();
            match areas.as_slice() {
                [_] => {}
                [] => {
                    return Err(format!(
                        "{}: operation {} (tags {:?}) is in no area of openapi/pins.toml; \
                         add one of its tags to a crate's `tags`",
                        self.name, operation.id, operation.tags
                    ));
                }
                several => {
                    return Err(format!(
                        "{}: operation {} (tags {:?}) is in more than one area ({}); \
                         its tags must select exactly one crate",
                        self.name,
                        operation.id,
                        operation.tags,
                        several.join(", ")
                    ));
                }
            }
        }
        Ok(())
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
            + "'\ntaken='2026-01-01'\n[api.secret_fields]\nToken=['value']\n\
               [[api.area]]\ncrate='astro-x'\n";
        let pins = Pins::parse(&text).unwrap();
        assert!(pins.api[0].secret_fields.contains("Token", "value"));
        assert_eq!(Pins::parse(&pins.to_toml()).unwrap(), pins);
        let twice = Pins::parse(&text.replace("['value']", "['value', 'value']")).unwrap_err();
        assert!(twice.contains("`Token.value` is listed twice"), "{twice}");
        assert!(Pins::parse(&text.replace("name='x'", "name='../x'")).is_err());
        assert!(Pins::parse(&text.replace(&"a".repeat(64), "abc")).is_err());
        assert!(Pins::parse(&text.replace("crate='astro-x'", "crate='../x'")).is_err());
    }

    fn operation(id: &str, tags: &[&str]) -> crate::Operation {
        crate::Operation {
            id: id.into(),
            method: "GET".into(),
            path: "/".into(),
            parameters: Vec::new(),
            request_body: None,
            request_body_required: false,
            success_status: 200,
            success_schema: None,
            success_binary: false,
            pagination: None,
            summary: None,
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn every_operation_falls_in_exactly_one_area() {
        let area = |krate: &str, tags: &[&str]| Area {
            crate_dir: krate.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        };
        let pin = ApiPin {
            name: "astro".into(),
            title: "Astro API".into(),
            version: "1.0".into(),
            url: "u".into(),
            sha256: "a".repeat(64),
            taken: "2026-01-01".into(),
            version_header: None,
            feature: None,
            secret_fields: SecretFields::default(),
            areas: vec![area("p", &["Cluster"]), area("i", &["User", "Team"])],
        };
        assert_eq!(pin.file_version(), "v1.0");
        assert_eq!(pin.mirror_path(), "astro/v1.0.yaml");
        assert!(
            pin.check_areas(&[operation("A", &["Cluster"]), operation("B", &["Team"])])
                .is_ok()
        );
        let none = pin
            .check_areas(&[operation("ListAudit", &["Audit"])])
            .unwrap_err();
        assert!(
            none.contains("ListAudit") && none.contains("no area"),
            "{none}"
        );
        let both = pin
            .check_areas(&[operation("Mixed", &["Cluster", "User"])])
            .unwrap_err();
        assert!(both.contains("Mixed") && both.contains("p, i"), "{both}");
    }

    #[test]
    fn the_committed_file_is_what_regen_writes() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let text = std::fs::read_to_string(Pins::path(root)).unwrap();
        let pins = Pins::parse(&text).unwrap();
        assert!(pins.api.iter().all(|pin| !pin.secret_fields.is_empty()));
        assert_eq!(pins.to_toml(), text);
    }

    #[test]
    fn hashes() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
