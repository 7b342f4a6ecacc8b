//! `openapi/CHANGES.md`: the change reports of every regen, newest first.

use std::path::{Path, PathBuf};

/// The file's opening, kept above the entries.
pub const HEADER: &str = "\
# Changes of the pinned API documents

Written by `cargo xtask regen`, newest first: what each refresh of `openapi/pins.toml` changed for
a Rust user of the generated crates. Only names, types, flags and counts appear here (the documents
are Astronomer's work and are not copied). Impacts: *breaks compilation* (code that compiled stops
compiling), *breaks at run time* (it compiles but calls or decoding can fail), *additive*, *docs only*.
";

/// Where the file lives below a workspace root.
pub fn path(root: &Path) -> PathBuf {
    root.join("openapi").join("CHANGES.md")
}

/// The file's new text: `entry` placed right after the header, above the older entries.
pub fn prepend(existing: Option<&str>, entry: &str) -> String {
    let older = existing
        .map(|text| text.strip_prefix(HEADER).unwrap_or(text).trim_start())
        .unwrap_or("");
    let mut text = format!("{HEADER}\n{}\n", entry.trim_end());
    if !older.is_empty() {
        text.push('\n');
        text.push_str(older);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_entry_comes_first() {
        let first = prepend(None, "## 1\n");
        assert!(first.starts_with(HEADER));
        let second = prepend(Some(&first), "## 2\n");
        assert!(second.starts_with(HEADER));
        let one = second.find("## 1").unwrap();
        let two = second.find("## 2").unwrap();
        assert!(two < one);
        assert_eq!(second.matches("# Changes of").count(), 1);
    }
}
