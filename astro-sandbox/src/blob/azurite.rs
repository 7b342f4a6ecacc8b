//! Azurite, Microsoft's Azure Storage emulator, run as a child process: a real blob server
//! on a free port of 127.0.0.1, with no telemetry and in-memory storage, stopped on drop.

use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::Utc;
use http::{HeaderMap, HeaderValue, Method};

use super::http as plain;
use super::sas::{Account, SAS_VERSION};

/// The environment variable naming the `azurite-blob` program to run, if set.
pub const AZURITE_VAR: &str = "AZURITE_BLOB";

/// How to install Azurite where [`Azurite::start`] finds it.
pub const INSTALL_HINT: &str = "Azurite is not installed: run `npm ci --prefix tools/azurite` in the astro-api workspace \
     (`cargo xtask test` does it), or point AZURITE_BLOB at an `azurite-blob` program";

/// How long Azurite may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs the program given as arguments in the background, and stops it when standard input
/// closes: when the [`Azurite`] is dropped, or when the process holding it exits in any way.
const WATCHDOG: &str = r#""$@" & child=$!; read _closed; kill "$child" 2>/dev/null; wait "$child""#;

/// A running Azurite blob service. Dropping it (or ending the process) stops it.
///
/// It holds no Tokio resources, so one instance can serve tests on several runtimes (keep it
/// in a `static`). Unix only: a `sh` watchdog stops Azurite when the parent goes away.
#[derive(Debug)]
pub struct Azurite {
    child: Child,
    stdin: Option<ChildStdin>,
    url: String,
    account: Account,
    _output: tempfile::TempDir,
}

impl Azurite {
    /// Starts `azurite-blob` (from [`AZURITE_VAR`], the workspace's `tools/azurite`, or the
    /// `PATH`) on a free port of 127.0.0.1 with `--disableTelemetry`, `--silent`,
    /// `--skipApiVersionCheck`, `--loose` and `--inMemoryPersistence`, and waits until it
    /// listens. Fails with [`INSTALL_HINT`] when no program is found.
    pub async fn start() -> std::io::Result<Self> {
        let program = program().ok_or_else(|| std::io::Error::other(INSTALL_HINT))?;
        let output = tempfile::TempDir::new()?;
        let log = output.path().join("azurite.out");
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(WATCHDOG)
            .arg("azurite-watchdog")
            .arg(&program)
            .args([
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                "0",
                "--disableTelemetry",
                "--silent",
                "--skipApiVersionCheck",
                "--loose",
                "--inMemoryPersistence",
                "--extentMemoryLimit",
                "2048",
            ])
            .stdin(Stdio::piped())
            .stdout(std::fs::File::create(&log)?)
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|error| {
                std::io::Error::other(format!(
                    "could not run {}: {error}. {INSTALL_HINT}",
                    program.display()
                ))
            })?;
        let stdin = child.stdin.take();
        let started = Instant::now();
        let address = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(url) = text
                .lines()
                .find_map(|line| line.split_once("listens on ").map(|(_, url)| url))
            {
                break url.trim().trim_end_matches('/').to_string();
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(std::io::Error::other(format!(
                    "Azurite ({}) stopped before it listened ({status}): {text}",
                    program.display()
                )));
            }
            if started.elapsed() > START_TIMEOUT {
                let _ = child.kill();
                return Err(std::io::Error::other(
                    "Azurite did not start listening within 60 s",
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let account = Account::dev();
        Ok(Self {
            child,
            stdin,
            url: format!("{address}/{}", account.name()),
            account,
            _output: output,
        })
    }

    /// The account's blob endpoint, such as `http://127.0.0.1:40123/devstoreaccount1`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address Azurite listens on, such as `http://127.0.0.1:40123`.
    pub fn origin(&self) -> &str {
        self.url
            .rsplit_once('/')
            .map_or(self.url.as_str(), |(origin, _)| origin)
    }

    /// The storage account (Azurite's development account).
    pub fn account(&self) -> &Account {
        &self.account
    }

    /// Creates a container (private, no public access).
    pub async fn create_container(&self, name: &str) -> std::io::Result<()> {
        let url = format!("{}/{name}?restype=container&{}", self.url, self.sas("c"));
        let reply = self.call(Method::PUT, &url).await?;
        match reply.status.is_success() {
            true => Ok(()),
            false => Err(std::io::Error::other(format!(
                "creating container {name} answered {}: {}",
                reply.status,
                String::from_utf8_lossy(&reply.body)
            ))),
        }
    }

    /// The content of a blob, or `None` if it does not exist.
    pub async fn read_blob(&self, container: &str, blob: &str) -> std::io::Result<Option<Bytes>> {
        let url = format!("{}/{container}/{blob}?{}", self.url, self.sas("r"));
        let reply = self.call(Method::GET, &url).await?;
        match reply.status.as_u16() {
            200 => Ok(Some(reply.body)),
            404 => Ok(None),
            status => Err(std::io::Error::other(format!(
                "reading {container}/{blob} answered {status}"
            ))),
        }
    }

    fn sas(&self, permissions: &str) -> String {
        self.account
            .account_sas(permissions, Utc::now() + chrono::Duration::hours(1))
    }

    async fn call(&self, method: Method, url: &str) -> std::io::Result<plain::Reply> {
        let mut headers = HeaderMap::new();
        headers.insert("x-ms-version", HeaderValue::from_static(SAS_VERSION));
        // A client per call: pooled connections would belong to the caller's runtime.
        plain::send(&plain::client(), method, url, &headers, Bytes::new()).await
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        // Closing the watchdog's input stops Azurite; then collect the watchdog.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// The `azurite-blob` program: [`AZURITE_VAR`], else the workspace's pinned install, else
/// the first on the `PATH`.
fn program() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(AZURITE_VAR).filter(|path| !path.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let pinned = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tools/azurite/node_modules/.bin/azurite-blob");
    if pinned.is_file() {
        return Some(pinned);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("azurite-blob"))
            .find(|candidate| candidate.is_file())
    })
}
