//! Code generated before a client crate is packaged, so that users' builds need no generator.
//!
//! `cargo xtask fetch` writes, for every pin with an area in a client crate, the crate's
//! generated code to `<crate>/generated/<module>.rs` (`client` for the pin without a feature,
//! the feature's name otherwise). Those files are git-ignored and listed in the crate's
//! `include`, so they travel in the published package next to the documents. Each starts with
//! a key line naming the document it came from and that document's sha256:
//!
//! ```text
//! // astro-codegen pregenerated: spec=openapi/astro.yaml sha256=127d4af6…
//! ```
//!
//! A build without the generator [`install`]s a file only when the package's document still has
//! that sha256, and fails with what to do otherwise: code is never used for a document it was
//! not generated from.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The directory of pregenerated code inside a client crate.
pub const DIR: &str = "generated";

/// The start of a pregenerated file's key line.
const KEY_PREFIX: &str = "// astro-codegen pregenerated: ";

/// The document a pregenerated file was generated from, read from its key line.
#[derive(Debug, PartialEq, Eq)]
pub struct Key {
    /// The document's path inside the crate, such as `openapi/astro.yaml`.
    pub spec: String,
    /// Lower-case hex sha256 of the document's bytes.
    pub sha256: String,
}

impl Key {
    /// The key line (with its newline) that starts a pregenerated file.
    pub fn line(&self) -> String {
        format!("{KEY_PREFIX}spec={} sha256={}\n", self.spec, self.sha256)
    }

    /// Reads the key from the first line of a pregenerated file.
    pub fn parse(code: &str) -> Option<Key> {
        let first = code.lines().next()?.strip_prefix(KEY_PREFIX)?;
        let mut spec = None;
        let mut sha256 = None;
        for field in first.split_whitespace() {
            match field.split_once('=') {
                Some(("spec", value)) => spec = Some(value.to_string()),
                Some(("sha256", value)) => sha256 = Some(value.to_string()),
                _ => return None,
            }
        }
        Some(Key {
            spec: spec?,
            sha256: sha256?,
        })
    }
}

/// Lower-case hex sha256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Copies a crate's pregenerated code into `out_dir`: `generated/client.rs` always, and
/// `generated/<feature>.rs` for each other file whose feature `enabled` says is on. Each file's
/// document must be in the crate with the sha256 its key names. Prints the
/// `cargo::rerun-if-changed` lines for everything it reads.
pub fn install(
    crate_dir: &Path,
    out_dir: &Path,
    enabled: impl Fn(&str) -> bool,
) -> Result<(), String> {
    let dir = crate_dir.join(DIR);
    println!("cargo::rerun-if-changed={}", dir.display());
    let client = dir.join("client.rs");
    if !client.is_file() {
        return Err(format!(
            "{} is missing. In the astro-api repository run `cargo xtask fetch`, which writes \
             it, or build with this crate's `codegen` feature; a published package always has it",
            client.display()
        ));
    }
    for path in modules(&dir)? {
        let Some(module) = path.file_stem().and_then(|stem| stem.to_str()) else {
            continue;
        };
        if module == "client" || enabled(module) {
            install_one(crate_dir, &path, &out_dir.join(format!("{module}.rs")))?;
        }
    }
    Ok(())
}

/// The `.rs` files of the pregenerated directory.
fn modules(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    Ok(files)
}

fn install_one(crate_dir: &Path, from: &Path, to: &Path) -> Result<(), String> {
    println!("cargo::rerun-if-changed={}", from.display());
    let code = std::fs::read_to_string(from)
        .map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let key = Key::parse(&code).ok_or_else(|| {
        format!(
            "{} does not start with a `{KEY_PREFIX}` line; regenerate it with `cargo xtask fetch`",
            from.display()
        )
    })?;
    let spec = crate_dir.join(&key.spec);
    println!("cargo::rerun-if-changed={}", spec.display());
    let document =
        std::fs::read(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let actual = sha256_hex(&document);
    if actual != key.sha256 {
        return Err(format!(
            "{} was generated from a document with sha256 {}, but {} has sha256 {actual}. In \
             the astro-api repository run `cargo xtask fetch` to regenerate it, or build with \
             this crate's `codegen` feature",
            from.display(),
            key.sha256,
            spec.display()
        ));
    }
    std::fs::write(to, code).map_err(|e| format!("cannot write {}: {e}", to.display()))
}

/// Writes the pregenerated code of the client crate `package` in `crate_dir`: one file per pin
/// with an area in the crate, generated from the crate's copy of the document. Removes other
/// `.rs` files of the directory, so no module of an old pin survives. Returns the files written.
#[cfg(feature = "generator")]
pub fn write(
    crate_dir: &Path,
    package: &str,
    pins: &astro_spec::Pins,
) -> Result<Vec<PathBuf>, String> {
    use astro_spec::{ApiPin, Document};

    let mut written = Vec::new();
    for (pin, _) in pins.for_crate(package) {
        let spec = ApiPin::spec_in_crate(crate_dir, &pin.name);
        let bytes =
            std::fs::read(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
        let document = Document::parse(&bytes).map_err(|e| format!("{}: {e}", spec.display()))?;
        let code = crate::build::generate_crate_part(pin, package, &document)
            .map_err(|e| format!("{}: {e}", spec.display()))?;
        let key = Key {
            spec: format!("openapi/{}.yaml", pin.name),
            sha256: sha256_hex(&bytes),
        };
        let module = pin.feature.as_deref().unwrap_or("client");
        written.push((
            crate_dir.join(DIR).join(format!("{module}.rs")),
            key.line() + &code,
        ));
    }
    let dir = crate_dir.join(DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for old in modules(&dir)? {
        if !written.iter().any(|(path, _)| *path == old) {
            std::fs::remove_file(&old)
                .map_err(|e| format!("cannot remove {}: {e}", old.display()))?;
        }
    }
    for (path, code) in &written {
        // Unchanged files keep their modification time, so cargo does not rebuild for nothing.
        if std::fs::read_to_string(path).ok().as_deref() != Some(code.as_str()) {
            std::fs::write(path, code)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    Ok(written.into_iter().map(|(path, _)| path).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "astro-codegen-pregenerated-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(DIR)).unwrap();
        std::fs::create_dir_all(dir.join("openapi")).unwrap();
        std::fs::create_dir_all(dir.join("out")).unwrap();
        dir
    }

    fn pregenerate(dir: &Path, module: &str, spec: &str, document: &[u8], body: &str) {
        let key = Key {
            spec: format!("openapi/{spec}"),
            sha256: sha256_hex(document),
        };
        std::fs::write(dir.join("openapi").join(spec), document).unwrap();
        std::fs::write(
            dir.join(DIR).join(format!("{module}.rs")),
            key.line() + body,
        )
        .unwrap();
    }

    #[test]
    fn the_key_line_reads_back() {
        let key = Key {
            spec: "openapi/astro.yaml".into(),
            sha256: sha256_hex(b"doc"),
        };
        assert_eq!(Key::parse(&(key.line() + "pub struct X;\n")), Some(key));
        assert_eq!(Key::parse("// something else\n"), None);
        assert_eq!(Key::parse("// astro-codegen pregenerated: spec=x\n"), None);
    }

    #[test]
    fn sha256_is_lower_case_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn installs_the_client_and_enabled_features_only() {
        let dir = scratch("features");
        pregenerate(&dir, "client", "astro.yaml", b"v1", "pub struct V1;\n");
        pregenerate(&dir, "v1beta1", "old.yaml", b"beta", "pub struct Beta;\n");
        install(&dir, &dir.join("out"), |_| false).unwrap();
        assert!(dir.join("out/client.rs").is_file());
        assert!(!dir.join("out/v1beta1.rs").exists());
        install(&dir, &dir.join("out"), |feature| feature == "v1beta1").unwrap();
        let beta = std::fs::read_to_string(dir.join("out/v1beta1.rs")).unwrap();
        assert!(beta.ends_with("pub struct Beta;\n"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_code_generated_from_another_document() {
        let dir = scratch("stale");
        pregenerate(&dir, "client", "astro.yaml", b"v1", "pub struct V1;\n");
        std::fs::write(dir.join("openapi/astro.yaml"), b"v1, edited").unwrap();
        let error = install(&dir, &dir.join("out"), |_| false).unwrap_err();
        assert!(
            error.contains("was generated from a document with sha256"),
            "{error}"
        );
        assert!(error.contains("cargo xtask fetch"), "{error}");
        assert!(!dir.join("out/client.rs").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_client_says_what_to_do() {
        let dir = scratch("missing");
        let error = install(&dir, &dir.join("out"), |_| false).unwrap_err();
        assert!(error.contains("client.rs is missing"), "{error}");
        assert!(error.contains("`codegen` feature"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
