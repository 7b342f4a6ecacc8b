//! `openapi/CHANGES.md` is committed, so it must hold no text of the documents: no description,
//! summary or example of the pinned documents (or the mirror's earlier ones) appears in it.

use std::path::PathBuf;

use serde_json::Value;

/// Every description, summary and example string of a document longer than a name would be.
fn document_texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("description" | "summary" | "example", Value::String(text))
                        if text.trim().len() > 24 =>
                    {
                        out.push(text.trim().to_string())
                    }
                    _ => document_texts(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| document_texts(item, out)),
        _ => {}
    }
}

#[test]
fn the_changelog_holds_no_document_text() {
    let root = xtask::workspace::root();
    let changelog = std::fs::read_to_string(xtask::changelog::path(&root)).unwrap();
    assert!(changelog.starts_with(xtask::changelog::HEADER));
    let mut documents: Vec<PathBuf> = Vec::new();
    let pins = astro_spec::Pins::load(&root).unwrap();
    documents.extend(pins.api.iter().map(|pin| pin.openapi_path(&root)));
    if let Some(mirror) = std::env::var_os("ASTRO_SPEC_MIRROR").map(PathBuf::from) {
        documents.push(mirror.join("history/platform/2024-07-10.yaml"));
        documents.push(mirror.join("history/iam/2024-06-12.yaml"));
    }
    let mut checked = 0;
    for path in documents {
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!(
                "note: {} is not there; not checked against it",
                path.display()
            );
            continue;
        };
        let document = astro_spec::Document::parse(&bytes).unwrap();
        let mut texts = Vec::new();
        document_texts(document.value(), &mut texts);
        for text in &texts {
            assert!(
                !changelog.contains(text.as_str()),
                "CHANGES.md holds text of {}",
                path.display()
            );
        }
        checked += texts.len();
    }
    eprintln!("{checked} document texts checked");
}
