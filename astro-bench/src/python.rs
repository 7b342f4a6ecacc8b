//! The Python `requests` loop: a virtual environment with `requests` installed by pip, and one
//! long-lived Python process that runs batches of calls on command.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The loop script, run with `python -c`.
const SCRIPT: &str = include_str!("../scripts/requests_loop.py");

/// Where the virtual environment lives (kept between runs so pip runs once).
fn venv_dir() -> PathBuf {
    std::env::temp_dir().join("astro-bench-venv")
}

/// The venv's Python with `requests` importable, and the `requests` version; or why not.
pub fn ensure_requests() -> Result<(PathBuf, String), String> {
    let dir = venv_dir();
    let python = dir.join("bin").join("python");
    if !python.exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&dir))
            .map_err(|e| format!("cannot create a Python venv with `python3 -m venv`: {e}"))?;
    }
    if version(&python).is_err() {
        run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "requests"]))
            .map_err(|e| format!("`pip install requests` failed: {e}"))?;
    }
    let version = version(&python)?;
    Ok((python, version))
}

fn version(python: &PathBuf) -> Result<String, String> {
    let out = Command::new(python)
        .args([
            "-c",
            "import requests, sys; print(requests.__version__, sys.version.split()[0])",
        ])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    let requests = words.next().unwrap_or("?");
    let python = words.next().unwrap_or("?");
    Ok(format!("requests {requests} on Python {python}"))
}

fn run(command: &mut Command) -> Result<(), String> {
    let out = command.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(stderr.lines().last().unwrap_or("no output").to_string())
    }
}

/// A running Python loop with a kept `requests.Session`.
pub struct RequestsLoop {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl RequestsLoop {
    /// Starts the loop against `url`, expecting `expected_items` under `items_property`.
    pub fn start(
        python: &PathBuf,
        url: &str,
        token: &str,
        expected_items: usize,
        items_property: &str,
    ) -> Result<Self, String> {
        let mut child = Command::new(python)
            .args(["-c", SCRIPT, url, token])
            .arg(expected_items.to_string())
            .arg(items_property)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the Python loop: {e}"))?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("the Python loop has no pipes".into());
        };
        Ok(Self {
            child,
            input,
            output: BufReader::new(output),
        })
    }

    /// Runs `calls` calls; their rate in calls per second and the CPU seconds per call.
    pub fn batch(&mut self, calls: usize) -> Result<(f64, f64), String> {
        writeln!(self.input, "{calls}").map_err(|e| format!("the Python loop stopped: {e}"))?;
        self.input
            .flush()
            .map_err(|e| format!("the Python loop stopped: {e}"))?;
        let mut line = String::new();
        self.output
            .read_line(&mut line)
            .map_err(|e| format!("the Python loop stopped: {e}"))?;
        let mut numbers = line.split_whitespace().map(str::parse::<f64>);
        match (numbers.next(), numbers.next()) {
            (Some(Ok(rate)), Some(Ok(cpu))) => Ok((rate, cpu)),
            _ => Err(format!(
                "the Python loop answered {line:?} instead of two numbers"
            )),
        }
    }
}

impl Drop for RequestsLoop {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
