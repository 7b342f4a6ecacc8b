//! `cargo xtask diff OLD... NEW`: the change report between spec files, read-only. Several older
//! documents (v1beta1's Platform and IAM documents) are compared as one API against the newer
//! one (v1), which is the migration report from the one to the other. Each document is generated
//! with the secret fields of the pin with its title: from `--old-pins` for the older ones, so
//! that a change of `[api.secret_fields]` shows as the type change it is.

use std::path::{Path, PathBuf};

use astro_spec::pins::sha256_hex;
use astro_spec::{Document, Pins, SecretFields};
use serde_json::{Map, Value};

use crate::changes::{Report, Side, compare_documents};

/// Prints the report of what changed from the `old` documents to `new` for users of the
/// generated crates and the facade. The API is named after the pin with the new document's
/// title, if any. The older documents take their secret fields from `old_pins` (a pins file),
/// or from the current pins.
pub fn run(
    root: &Path,
    old: &[PathBuf],
    new: &Path,
    old_pins: Option<&Path>,
) -> Result<(), String> {
    let read = |path: &Path| -> Result<(Vec<u8>, Document), String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let document = Document::parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok((bytes, document))
    };
    let olds = old
        .iter()
        .map(|path| read(path))
        .collect::<Result<Vec<_>, _>>()?;
    let (new_bytes, new_document) = read(new)?;
    let pins = Pins::load(root).ok();
    let earlier_pins = match old_pins {
        Some(path) => Some(read_pins(path)?),
        None => pins.clone(),
    };
    let api = pins
        .as_ref()
        .and_then(|pins| {
            pins.api
                .iter()
                .find(|pin| pin.title == new_document.title())
                .map(|pin| pin.name.clone())
        })
        .unwrap_or_else(|| "api".to_string());
    let new_secrets = secret_fields(pins.as_ref(), &[&new_document]);
    let old_documents: Vec<&Document> = olds.iter().map(|(_, document)| document).collect();
    let old_secrets = secret_fields(earlier_pins.as_ref(), &old_documents);
    let report = match olds.as_slice() {
        [(bytes, document)] => compare_documents(
            &api,
            (document, bytes, &old_secrets),
            (&new_document, &new_bytes, &new_secrets),
        ),
        several => {
            let documents: Vec<(&Path, &Document)> = old
                .iter()
                .zip(several)
                .map(|(path, (_, document))| (path.as_path(), document))
                .collect();
            let merged = merge(&documents)?;
            let mut report = compare_documents(
                &api,
                (&merged, b"".as_slice(), &old_secrets),
                (&new_document, &new_bytes, &new_secrets),
            );
            report.old = Side {
                version: merged.info_version().to_string(),
                sha256: several
                    .iter()
                    .map(|(bytes, _)| sha256_hex(bytes))
                    .collect::<Vec<_>>()
                    .join("+"),
            };
            report
        }
    };
    print!("{}", Report { apis: vec![report] }.text());
    Ok(())
}

/// A pins file at any path (an earlier copy of `openapi/pins.toml`).
fn read_pins(path: &Path) -> Result<Pins, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Pins::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The secret fields the pins list for these documents (by title), together.
fn secret_fields(pins: Option<&Pins>, documents: &[&Document]) -> SecretFields {
    let mut fields = SecretFields::default();
    for document in documents {
        let pin = pins.and_then(|pins| pins.api.iter().find(|p| p.title == document.title()));
        for (schema, property) in pin.into_iter().flat_map(|pin| pin.secret_fields.iter()) {
            fields.insert(schema, property);
        }
    }
    fields
}

/// Several documents as one: their paths, components and tags together, `info.title` and
/// `info.version` joined with ` + ` (one version when they agree), servers one after another.
/// Two documents that give the same path and method, or the same component name, must give
/// the same definition; otherwise the error names it.
pub fn merge(documents: &[(&Path, &Document)]) -> Result<Document, String> {
    let Some(((_, first), rest)) = documents.split_first() else {
        return Err("no document to merge".into());
    };
    let mut merged = first.value().clone();
    let mut titles = vec![first.title().to_string()];
    let mut versions = vec![first.info_version().to_string()];
    for (path, document) in rest {
        let value = document.value();
        let clash = |what: String| {
            format!(
                "{} defines {what} differently from an earlier document",
                path.display()
            )
        };
        for (key, item) in value["paths"].as_object().into_iter().flatten() {
            let target = object_at(&mut merged, &["paths", key]);
            for (method, operation) in item.as_object().into_iter().flatten() {
                insert_same(target, method, operation)
                    .map_err(|()| clash(format!("{} {key}", method.to_uppercase())))?;
            }
        }
        for (section, entries) in value["components"].as_object().into_iter().flatten() {
            let target = object_at(&mut merged, &["components", section]);
            for (name, entry) in entries.as_object().into_iter().flatten() {
                insert_same(target, name, entry)
                    .map_err(|()| clash(format!("components/{section}/{name}")))?;
            }
        }
        for list in ["servers", "tags"] {
            if let Some(items) = value.get(list).and_then(Value::as_array) {
                let target = merged
                    .as_object_mut()
                    .expect("a document is a mapping")
                    .entry(list)
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Some(target) = target.as_array_mut() {
                    target.extend(
                        items
                            .iter()
                            .filter(|item| !target.contains(item))
                            .cloned()
                            .collect::<Vec<_>>(),
                    );
                }
            }
        }
        titles.push(document.title().to_string());
        if !versions.contains(&document.info_version().to_string()) {
            versions.push(document.info_version().to_string());
        }
    }
    merged["info"]["title"] = Value::String(titles.join(" + "));
    merged["info"]["version"] = Value::String(versions.join(" + "));
    Document::from_value(merged).map_err(|e| format!("the merged older documents: {e}"))
}

/// The object at a path of keys below `value`, created empty where missing.
fn object_at<'a>(value: &'a mut Value, keys: &[&str]) -> &'a mut Map<String, Value> {
    let mut current = value;
    for key in keys {
        let map = current.as_object_mut().expect("merged values are mappings");
        current = map
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !current.is_object() {
            *current = Value::Object(Map::new());
        }
    }
    current.as_object_mut().expect("made a mapping above")
}

/// Inserts `key: value` unless `key` is there with another value.
fn insert_same(map: &mut Map<String, Value>, key: &str, value: &Value) -> Result<(), ()> {
    match map.get(key) {
        Some(existing) if existing != value => Err(()),
        Some(_) => Ok(()),
        None => {
            map.insert(key.to_string(), value.clone());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(title: &str, path: &str, id: &str, schema: &str) -> Document {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: {title}, version: v1beta1}}\nservers: [{{url: 'https://h/{title}'}}]\n\
             paths:\n  {path}:\n    get:\n      operationId: {id}\n      responses:\n        '200': {{description: ok}}\n\
             components:\n  schemas:\n    Error: {{type: object}}\n    {schema}: {{type: string}}\n"
        );
        Document::parse(yaml.as_bytes()).unwrap()
    }

    #[test]
    fn merges_operations_and_schemas_and_refuses_clashes() {
        let a = document("A", "/a", "GetA", "OnlyA");
        let b = document("B", "/b", "GetB", "OnlyB");
        let merged = merge(&[(Path::new("a"), &a), (Path::new("b"), &b)]).unwrap();
        assert_eq!(merged.operation_ids(), ["GetA", "GetB"]);
        let names: Vec<String> = merged.schemas().keys().cloned().collect();
        assert_eq!(names, ["Error", "OnlyA", "OnlyB"]);
        assert_eq!(
            (merged.title(), merged.info_version()),
            ("A + B", "v1beta1")
        );
        assert_eq!(merged.value()["servers"].as_array().unwrap().len(), 2);

        let other_error = Document::from_value({
            let mut value = b.value().clone();
            value["components"]["schemas"]["Error"] = serde_json::json!({"type": "string"});
            value
        })
        .unwrap();
        let clash = merge(&[(Path::new("a"), &a), (Path::new("b.yaml"), &other_error)]);
        assert_eq!(
            clash.unwrap_err(),
            "b.yaml defines components/schemas/Error differently from an earlier document"
        );
        let same_id = document("B", "/b", "GetA", "OnlyB");
        let twice = merge(&[(Path::new("a"), &a), (Path::new("b"), &same_id)]).unwrap_err();
        assert!(twice.contains("GetA"), "{twice}");
    }
}
