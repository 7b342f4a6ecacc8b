//! The deploy archive: deterministic bytes, normalised metadata, ignore rules and links.

use std::io::Read;
use std::path::Path;

use astro_api::deploy::{ArchiveError, ENTRY_MTIME, pack};

fn write(root: &Path, relative: &str, bytes: &[u8]) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn bytes_of(folder: &Path, ignore: &[String]) -> Vec<u8> {
    let mut packed = pack(folder, ignore).unwrap();
    let mut bytes = Vec::new();
    packed.file.read_to_end(&mut bytes).unwrap();
    bytes
}

/// Each entry's path, type, mode, owner, time and (for links) target, in archive order.
fn entries(bytes: &[u8]) -> Vec<(String, char, u32, u64, u64, Option<String>)> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    archive
        .entries()
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let header = entry.header();
            let kind = match header.entry_type() {
                tar::EntryType::Directory => 'd',
                tar::EntryType::Symlink => 'l',
                _ => 'f',
            };
            (
                entry.path().unwrap().display().to_string(),
                kind,
                header.mode().unwrap(),
                header.uid().unwrap(),
                header.mtime().unwrap(),
                entry
                    .link_name()
                    .unwrap()
                    .map(|target| target.display().to_string()),
            )
        })
        .collect()
}

fn paths(bytes: &[u8]) -> Vec<String> {
    entries(bytes).into_iter().map(|entry| entry.0).collect()
}

#[test]
fn the_same_files_give_the_same_bytes_whatever_their_times_and_creation_order() {
    let first = tempfile::tempdir().unwrap();
    write(first.path(), "a.py", b"a");
    write(first.path(), "sub/b.py", b"b");
    write(first.path(), "sub/c.py", b"c");
    let second = tempfile::tempdir().unwrap();
    write(second.path(), "sub/c.py", b"c");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write(second.path(), "sub/b.py", b"b");
    write(second.path(), "a.py", b"a");

    let bytes = bytes_of(first.path(), &[]);
    assert_eq!(bytes, bytes_of(first.path(), &[]), "packing twice");
    assert_eq!(
        bytes,
        bytes_of(second.path(), &[]),
        "another folder, other times and order"
    );
    write(second.path(), "a.py", b"changed");
    assert_ne!(bytes, bytes_of(second.path(), &[]), "content counts");
}

#[test]
fn entries_are_sorted_with_normalised_metadata() {
    let folder = tempfile::tempdir().unwrap();
    write(folder.path(), "z.py", b"z");
    write(folder.path(), "b/run.sh", b"#!/bin/sh\n");
    write(folder.path(), "a.py", b"a");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let script = folder.path().join("b/run.sh");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
        let plain = folder.path().join("a.py");
        std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let listed = entries(&bytes_of(folder.path(), &[]));
    let expected = [
        ("a.py", 'f', 0o644),
        ("b", 'd', 0o755),
        ("b/run.sh", 'f', if cfg!(unix) { 0o755 } else { 0o644 }),
        ("z.py", 'f', 0o644),
    ];
    assert_eq!(listed.len(), expected.len(), "{listed:?}");
    for (entry, (path, kind, mode)) in listed.iter().zip(expected) {
        assert_eq!(entry.0.trim_end_matches('/'), path);
        assert_eq!((entry.1, entry.2), (kind, mode), "{entry:?}");
        assert_eq!((entry.3, entry.4), (0, ENTRY_MTIME), "{entry:?}");
    }
}

#[test]
fn ignore_rules_come_from_the_defaults_the_ignore_file_and_the_caller() {
    let folder = tempfile::tempdir().unwrap();
    write(folder.path(), ".astroignore", b"tests/\n*.log\n");
    write(folder.path(), "dag.py", b"d");
    write(folder.path(), "dag.log", b"l");
    write(folder.path(), "tests/test_dag.py", b"t");
    write(folder.path(), "__pycache__/dag.cpython-312.pyc", b"c");
    write(folder.path(), "sub/old.pyc", b"c");
    write(folder.path(), ".git/HEAD", b"ref");
    write(folder.path(), "notes.md", b"n");
    write(folder.path(), "sub/keep.py", b"k");
    let listed = paths(&bytes_of(folder.path(), &["*.md".to_string()]));
    let listed: Vec<&str> = listed.iter().map(|p| p.trim_end_matches('/')).collect();
    assert_eq!(listed, ["dag.py", "sub", "sub/keep.py"]);
}

#[test]
fn a_bad_ignore_pattern_is_named() {
    let folder = tempfile::tempdir().unwrap();
    write(folder.path(), "dag.py", b"d");
    let error = pack(folder.path(), &["a{b".to_string()]).unwrap_err();
    assert!(
        matches!(&error, ArchiveError::Pattern { pattern, .. } if pattern == "a{b"),
        "{error}"
    );
}

#[cfg(unix)]
#[test]
fn links_inside_the_folder_are_kept_and_links_outside_refused() {
    let folder = tempfile::tempdir().unwrap();
    write(folder.path(), "common/util.py", b"u");
    write(folder.path(), "dags/dag.py", b"d");
    std::os::unix::fs::symlink("../common/util.py", folder.path().join("dags/util.py")).unwrap();
    let listed = entries(&bytes_of(folder.path(), &[]));
    let link = listed
        .iter()
        .find(|entry| entry.0 == "dags/util.py")
        .unwrap();
    assert_eq!(link.1, 'l');
    assert_eq!(link.5.as_deref(), Some("../common/util.py"));

    std::os::unix::fs::symlink("../../etc/passwd", folder.path().join("dags/escape")).unwrap();
    let error = pack(folder.path(), &[]).unwrap_err();
    assert!(
        matches!(&error, ArchiveError::LinkOutside { link, .. } if link == Path::new("dags/escape")),
        "{error}"
    );
}

#[test]
fn a_folder_with_only_ignored_files_or_only_folders_is_empty() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(folder.path().join("a/b")).unwrap();
    write(folder.path(), "__pycache__/x.pyc", b"c");
    assert!(matches!(
        pack(folder.path(), &[]),
        Err(ArchiveError::Empty(_))
    ));
}
