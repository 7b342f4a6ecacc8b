//! Replacing several files as one step: every file is written, or none is.

use std::path::{Path, PathBuf};

/// Replaces several files as one step. Every new content is first written to a temporary file
/// beside its target, and every existing target is hard-linked to a backup; only then are the
/// temporaries renamed into place. If any step fails, the targets already replaced are restored
/// from their backups (new ones are removed), so the files are left as they were. Files that
/// already hold their new content are not touched (their mtimes stay, so nothing rebuilds).
pub fn write_all_atomically(files: &[(PathBuf, Vec<u8>)]) -> Result<(), String> {
    let changed: Vec<(PathBuf, Vec<u8>)> = files
        .iter()
        .filter(|(target, content)| std::fs::read(target).ok().as_ref() != Some(content))
        .cloned()
        .collect();
    replace_all(&changed, |from, to| std::fs::rename(from, to))
}

/// One target being replaced: its temporary and, when it existed, its backup.
struct Staged {
    target: PathBuf,
    temporary: PathBuf,
    backup: Option<PathBuf>,
}

impl Staged {
    fn discard(&self) {
        let _ = std::fs::remove_file(&self.temporary);
        if let Some(backup) = &self.backup {
            let _ = std::fs::remove_file(backup);
        }
    }
}

/// [`write_all_atomically`] with the rename step given, so tests can make it fail midway.
fn replace_all(
    files: &[(PathBuf, Vec<u8>)],
    mut rename: impl FnMut(&Path, &Path) -> std::io::Result<()>,
) -> Result<(), String> {
    let mut staged: Vec<Staged> = Vec::new();
    for (target, content) in files {
        match stage(target, content) {
            Ok(one) => staged.push(one),
            Err(message) => {
                staged.iter().for_each(Staged::discard);
                return Err(message);
            }
        }
    }
    for (index, one) in staged.iter().enumerate() {
        if let Err(e) = rename(&one.temporary, &one.target) {
            for done in staged[..index].iter().rev() {
                match &done.backup {
                    Some(backup) => {
                        let _ = std::fs::rename(backup, &done.target);
                    }
                    None => {
                        let _ = std::fs::remove_file(&done.target);
                    }
                }
            }
            staged.iter().for_each(Staged::discard);
            return Err(format!(
                "cannot move {} into place: {e}; every file was left as it was",
                one.target.display()
            ));
        }
    }
    for one in &staged {
        if let Some(backup) = &one.backup {
            let _ = std::fs::remove_file(backup);
        }
    }
    Ok(())
}

fn stage(target: &Path, content: &[u8]) -> Result<Staged, String> {
    let parent = target
        .parent()
        .ok_or_else(|| format!("{} has no parent directory", target.display()))?;
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let temporary = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, content)
        .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
    let backup = if target.exists() {
        let backup = parent.join(format!(".{name}.{}.bak", std::process::id()));
        let _ = std::fs::remove_file(&backup);
        if let Err(e) = std::fs::hard_link(target, &backup) {
            let _ = std::fs::remove_file(&temporary);
            return Err(format!("cannot back up {}: {e}", target.display()));
        }
        Some(backup)
    } else {
        None
    };
    Ok(Staged {
        target: target.to_path_buf(),
        temporary,
        backup,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                let content = if path.is_dir() {
                    b"(directory)".to_vec()
                } else {
                    std::fs::read(&path).unwrap()
                };
                (name, content)
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn a_failure_at_any_rename_restores_every_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), b"old a").unwrap();
        std::fs::write(dir.path().join("b"), b"old b").unwrap();
        let files = vec![
            (dir.path().join("a"), b"new a".to_vec()),
            (dir.path().join("new"), b"new file".to_vec()),
            (dir.path().join("b"), b"new b".to_vec()),
        ];
        let before = listing(dir.path());
        for failing in 0..files.len() {
            let mut count = 0;
            let result = replace_all(&files, |from, to| {
                count += 1;
                if count > failing {
                    Err(std::io::Error::other("killed"))
                } else {
                    std::fs::rename(from, to)
                }
            });
            assert!(result.unwrap_err().contains("killed"));
            assert_eq!(listing(dir.path()), before, "failing at rename {failing}");
        }
        write_all_atomically(&files).unwrap();
        let modified = std::fs::metadata(dir.path().join("a"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_all_atomically(&files).unwrap();
        let unchanged = std::fs::metadata(dir.path().join("a"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(
            modified, unchanged,
            "a file already up to date was rewritten"
        );
        assert_eq!(
            listing(dir.path()),
            vec![
                ("a".to_string(), b"new a".to_vec()),
                ("b".to_string(), b"new b".to_vec()),
                ("new".to_string(), b"new file".to_vec()),
            ]
        );
    }

    #[test]
    fn a_target_that_cannot_be_replaced_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), b"old a").unwrap();
        std::fs::create_dir(dir.path().join("dir")).unwrap();
        std::fs::write(dir.path().join("dir").join("inside"), b"x").unwrap();
        let before = listing(dir.path());
        let files = vec![
            (dir.path().join("a"), b"new a".to_vec()),
            (dir.path().join("dir"), b"not a directory".to_vec()),
        ];
        assert!(write_all_atomically(&files).is_err());
        assert_eq!(listing(dir.path()), before);
    }
}
