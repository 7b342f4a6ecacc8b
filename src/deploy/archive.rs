//! Packing a folder into a deterministic tar.gz, written to an anonymous temporary file so
//! that memory stays small whatever the folder's size.
//!
//! Deterministic: the same files give the same bytes, whoever packs them and whenever.
//! - entries are in byte order of their paths, each folder before its content;
//! - metadata is normalised: owner and group 0 with no names, modification time
//!   1980-01-01T00:00:00Z ([`ENTRY_MTIME`]), mode `0755` for folders and for files with any
//!   execute bit, `0644` for other files; the gzip header carries no name and no time;
//! - symbolic links are kept as links when their target (relative) stays inside the folder,
//!   and refused ([`ArchiveError::LinkOutside`]) when it is absolute or leaves the folder, since
//!   the target would not exist where the archive is unpacked; links are never followed;
//! - other special files (sockets, pipes, devices) are skipped.
//!
//! Ignore rules, in gitignore syntax, relative to the folder: [`ALWAYS_IGNORED`], then the
//! lines of a [`IGNORE_FILE`] at the folder's root if there is one, then the caller's
//! patterns (`DeployOptions::ignore`). An ignored folder is not entered. A folder with no file
//! left is refused ([`ArchiveError::Empty`]) before any request is sent.

use std::fs::{self, File};
use std::io::{BufWriter, Read, Seek, Write};
use std::path::{Component, Path};

use flate2::Compression;
use flate2::write::GzEncoder;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::error::ArchiveError;

/// The file at a folder's root whose lines (gitignore syntax) name what not to deploy.
pub const IGNORE_FILE: &str = ".astroignore";

/// What is never deployed: version-control data, Python byte code, the ignore file itself.
pub const ALWAYS_IGNORED: &[&str] = &[".git/", "__pycache__/", "*.pyc", "/.astroignore"];

/// The modification time of every entry: 1980-01-01T00:00:00Z, in seconds since the epoch.
pub const ENTRY_MTIME: u64 = 315_532_800;

/// A packed folder: the archive file (positioned at its start) and what it holds.
#[derive(Debug)]
pub struct PackedArchive {
    /// The archive, an anonymous temporary file removed when closed.
    pub file: File,
    /// Its size in bytes.
    pub len: u64,
    /// How many regular files it holds.
    pub files: usize,
}

/// Packs `root` with the ignore rules and the caller's `ignore` patterns.
pub fn pack(root: &Path, ignore: &[String]) -> Result<PackedArchive, ArchiveError> {
    let metadata = fs::metadata(root).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ArchiveError::Missing(root.to_path_buf()),
        _ => ArchiveError::Io {
            path: root.to_path_buf(),
            source,
        },
    })?;
    if !metadata.is_dir() {
        return Err(ArchiveError::NotAFolder(root.to_path_buf()));
    }
    let rules = rules(root, ignore)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ArchiveError::Io { path, source }
    };
    let temporary = tempfile::tempfile().map_err(io(Path::new("temporary file")))?;
    let gzip = flate2::GzBuilder::new().write(BufWriter::new(temporary), Compression::default());
    let mut packer = Packer {
        root,
        rules: &rules,
        tar: tar::Builder::new(gzip),
        files: 0,
    };
    packer.folder(Path::new(""))?;
    if packer.files == 0 {
        return Err(ArchiveError::Empty(root.to_path_buf()));
    }
    let archive_error = io(Path::new("temporary file"));
    let finished = packer
        .tar
        .into_inner()
        .and_then(GzEncoder::finish)
        .and_then(|mut writer| {
            writer.flush()?;
            writer.into_inner().map_err(|error| error.into_error())
        });
    let mut file = finished.map_err(archive_error)?;
    let len = file
        .stream_position()
        .and_then(|len| file.rewind().map(|()| len))
        .map_err(io(Path::new("temporary file")))?;
    Ok(PackedArchive {
        file,
        len,
        files: packer.files,
    })
}

/// The ignore rules of a folder.
fn rules(root: &Path, extra: &[String]) -> Result<Gitignore, ArchiveError> {
    let mut builder = GitignoreBuilder::new(root);
    let pattern_error = |pattern: &str, error: ignore::Error| ArchiveError::Pattern {
        pattern: pattern.to_string(),
        message: error.to_string(),
    };
    for pattern in ALWAYS_IGNORED {
        builder
            .add_line(None, pattern)
            .map_err(|error| pattern_error(pattern, error))?;
    }
    let file = root.join(IGNORE_FILE);
    if file.is_file()
        && let Some(error) = builder.add(&file)
    {
        return Err(pattern_error(IGNORE_FILE, error));
    }
    for pattern in extra {
        builder
            .add_line(None, pattern)
            .map_err(|error| pattern_error(pattern, error))?;
    }
    builder
        .build()
        .map_err(|error| pattern_error("(all)", error))
}

struct Packer<'a, W: Write> {
    root: &'a Path,
    rules: &'a Gitignore,
    tar: tar::Builder<W>,
    files: usize,
}

impl<W: Write> Packer<'_, W> {
    /// Packs the content of the folder at `relative` (empty for the root), sorted by name.
    fn folder(&mut self, relative: &Path) -> Result<(), ArchiveError> {
        let full = self.root.join(relative);
        let io = |source| ArchiveError::Io {
            path: full.clone(),
            source,
        };
        let mut names = Vec::new();
        for entry in fs::read_dir(&full).map_err(io)? {
            names.push(entry.map_err(io)?.file_name());
        }
        names.sort();
        for name in names {
            self.entry(&relative.join(name))?;
        }
        Ok(())
    }

    /// Packs one entry (and a folder's content), unless it is ignored.
    fn entry(&mut self, relative: &Path) -> Result<(), ArchiveError> {
        let full = self.root.join(relative);
        let io = |source| ArchiveError::Io {
            path: full.clone(),
            source,
        };
        let metadata = fs::symlink_metadata(&full).map_err(io)?;
        let kind = metadata.file_type();
        if self.rules.matched(relative, kind.is_dir()).is_ignore() {
            return Ok(());
        }
        let mut header = tar::Header::new_gnu();
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(ENTRY_MTIME);
        if kind.is_dir() {
            header.set_entry_type(tar::EntryType::Directory);
            header.set_mode(0o755);
            header.set_size(0);
            self.tar
                .append_data(&mut header, relative, std::io::empty())
                .map_err(io)?;
            self.folder(relative)
        } else if kind.is_file() {
            header.set_entry_type(tar::EntryType::Regular);
            header.set_mode(if executable(&metadata) { 0o755 } else { 0o644 });
            header.set_size(metadata.len());
            let file = File::open(&full).map_err(io)?;
            self.tar
                .append_data(&mut header, relative, file.take(metadata.len()))
                .map_err(io)?;
            self.files += 1;
            Ok(())
        } else if kind.is_symlink() {
            let target = fs::read_link(&full).map_err(io)?;
            if !stays_inside(relative, &target) {
                return Err(ArchiveError::LinkOutside {
                    link: relative.to_path_buf(),
                    target,
                });
            }
            header.set_entry_type(tar::EntryType::Symlink);
            header.set_mode(0o777);
            header.set_size(0);
            self.tar
                .append_link(&mut header, relative, &target)
                .map_err(io)
        } else {
            tracing::debug!(target: "astro_api::deploy", path = %relative.display(), "skipping a special file");
            Ok(())
        }
    }
}

#[cfg(unix)]
fn executable(metadata: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn executable(_: &fs::Metadata) -> bool {
    false
}

/// Whether a link at `link` (relative to the root) pointing at `target` stays inside the root.
fn stays_inside(link: &Path, target: &Path) -> bool {
    let mut depth = link.components().count().saturating_sub(1);
    for component in target.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_may_not_leave_the_folder() {
        let at = |link: &str, target: &str| stays_inside(Path::new(link), Path::new(target));
        assert!(at("a.py", "b.py"));
        assert!(at("sub/a.py", "../b.py"));
        assert!(at("sub/a.py", "./c/../d.py"));
        assert!(!at("a.py", "../outside.py"));
        assert!(!at("sub/a.py", "../../outside.py"));
        assert!(!at("a.py", "/etc/passwd"));
    }

    #[test]
    fn an_ignored_folder_is_matched_as_a_folder() {
        let rules = rules(Path::new("/r"), &["tests/".into()]).unwrap();
        assert!(rules.matched(Path::new("tests"), true).is_ignore());
        assert!(!rules.matched(Path::new("tests"), false).is_ignore());
        assert!(rules.matched(Path::new("x/__pycache__"), true).is_ignore());
        assert!(rules.matched(Path::new("dag.pyc"), false).is_ignore());
        assert!(!rules.matched(Path::new("dag.py"), false).is_ignore());
    }

    #[test]
    fn a_missing_folder_and_a_file_are_refused() {
        let missing = pack(Path::new("/definitely/not/here"), &[]);
        assert!(matches!(missing, Err(ArchiveError::Missing(_))));
        let file = tempfile::NamedTempFile::new().unwrap();
        assert!(matches!(
            pack(file.path(), &[]),
            Err(ArchiveError::NotAFolder(_))
        ));
    }
}
