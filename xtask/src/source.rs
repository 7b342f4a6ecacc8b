//! Where spec documents come from: `--from`, `$ASTRO_SPEC_MIRROR`, or the upstream URL.

use std::path::{Path, PathBuf};
use std::time::Duration;

use astro_spec::{ApiPin, Pins};

use crate::SourceArgs;

/// The environment variable naming a mirror directory or base URL.
pub const MIRROR_VAR: &str = "ASTRO_SPEC_MIRROR";

/// One place to read a document from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A local file.
    File(PathBuf),
    /// An HTTP(S) URL.
    Url(String),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Url(url) => f.write_str(url),
        }
    }
}

/// The pins the arguments select: all, or the one named by `--api`. A `--from` naming a single
/// file needs `--api` when several documents are pinned.
pub fn selected<'a>(pins: &'a Pins, args: &SourceArgs) -> Result<Vec<&'a ApiPin>, String> {
    match &args.api {
        Some(name) => pins.get(name).map(|pin| vec![pin]).ok_or_else(|| {
            let names: Vec<&str> = pins.api.iter().map(|pin| pin.name.as_str()).collect();
            format!(
                "no API named `{name}` in openapi/pins.toml (pinned: {})",
                names.join(", ")
            )
        }),
        None => {
            if args.from.as_ref().is_some_and(|from| from.is_file()) && pins.api.len() > 1 {
                return Err("--from names a single file: say which API it is with --api".into());
            }
            Ok(pins.api.iter().collect())
        }
    }
}

/// Chooses the source of one API's document.
pub fn choose(args: &SourceArgs, pin: &ApiPin) -> Source {
    if let Some(from) = &args.from {
        return if from.is_dir() {
            Source::File(from.join(pin.mirror_path()))
        } else {
            Source::File(from.clone())
        };
    }
    match std::env::var(MIRROR_VAR) {
        Ok(mirror) if !mirror.trim().is_empty() => mirror_source(mirror.trim(), pin),
        _ => Source::Url(pin.url.clone()),
    }
}

fn mirror_source(mirror: &str, pin: &ApiPin) -> Source {
    if mirror.starts_with("http://") || mirror.starts_with("https://") {
        Source::Url(format!(
            "{}/{}",
            mirror.trim_end_matches('/'),
            pin.mirror_path()
        ))
    } else {
        let base = mirror.strip_prefix("file://").unwrap_or(mirror);
        Source::File(Path::new(base).join(pin.mirror_path()))
    }
}

/// Reads a document's bytes; the error is one line and names `ASTRO_SPEC_MIRROR` when the
/// network is the problem.
pub fn read(source: &Source) -> Result<Vec<u8>, String> {
    match source {
        Source::File(path) => {
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
        }
        Source::Url(url) => download(url).map_err(|e| {
            format!(
                "cannot download {url}: {e} (without internet, set {MIRROR_VAR} to a mirror \
                 directory or URL laid out as <api>/<version>.yaml, or pass --from)"
            )
        }),
    }
}

fn download(url: &str) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(true)
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
    response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| e.to_string())
}
