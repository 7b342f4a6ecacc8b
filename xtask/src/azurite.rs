//! Azurite, the blob server of the deploy tests: installed from the pins in `tools/azurite`
//! (`package.json`, `package-lock.json`) with `npm ci` when it is missing.

use std::path::Path;
use std::process::Command;

/// Where the pinned install puts the blob server's program.
const PROGRAM: &str = "tools/azurite/node_modules/.bin/azurite-blob";

/// Installs Azurite with `npm ci --prefix tools/azurite` unless it is already there.
pub fn ensure(root: &Path) -> Result<(), String> {
    if root.join(PROGRAM).is_file() {
        return Ok(());
    }
    eprintln!("installing Azurite for the deploy tests: npm ci --prefix tools/azurite");
    let status = Command::new("npm")
        .args(["ci", "--prefix", "tools/azurite", "--no-audit", "--no-fund"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run npm (Node.js is needed for Azurite): {e}"))?;
    match status.success() && root.join(PROGRAM).is_file() {
        true => Ok(()),
        false => Err(format!("`npm ci --prefix tools/azurite` failed ({status})")),
    }
}
