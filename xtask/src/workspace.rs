//! The workspace the tasks act on, and running cargo in it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (the parent of this crate's directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Fetches any pinned spec that is not in place yet.
pub fn ensure_specs(root: &Path) -> Result<(), String> {
    crate::fetch::run(root, &crate::SourceArgs::default(), false)
}

/// Runs cargo with arguments in the workspace, failing on a non-zero exit.
pub fn cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

/// Replaces several files as one step: every new content is written to a temporary file beside
/// its target first, and only when all are written are they renamed into place. On any failure
/// before the renames, the temporaries are removed and the targets are untouched.
pub fn write_all_atomically(files: &[(PathBuf, Vec<u8>)]) -> Result<(), String> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |staged: &[(PathBuf, PathBuf)]| {
        for (temporary, _) in staged {
            let _ = std::fs::remove_file(temporary);
        }
    };
    for (target, content) in files {
        let result = (|| {
            let parent = target
                .parent()
                .ok_or_else(|| format!("{} has no parent directory", target.display()))?;
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            let name = target.file_name().unwrap_or_default().to_string_lossy();
            let temporary = parent.join(format!(".{name}.{}.tmp", std::process::id()));
            std::fs::write(&temporary, content)
                .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
            Ok::<_, String>(temporary)
        })();
        match result {
            Ok(temporary) => staged.push((temporary, target.clone())),
            Err(message) => {
                cleanup(&staged);
                return Err(message);
            }
        }
    }
    for (index, (temporary, target)) in staged.iter().enumerate() {
        if let Err(e) = std::fs::rename(temporary, target) {
            cleanup(&staged[index..]);
            return Err(format!("cannot move {} into place: {e}", target.display()));
        }
    }
    Ok(())
}
