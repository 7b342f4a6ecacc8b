//! Reading and checking an OpenAPI document.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::operations::{self, Operation};

/// Why a document was refused.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The bytes are not UTF-8 text.
    #[error("the document is not UTF-8 text")]
    NotText,
    /// The bytes look like an HTML page (a login or error page served instead of the spec).
    #[error("the document is an HTML page, not an OpenAPI document")]
    Html,
    /// The text is neither valid JSON nor valid YAML.
    #[error("the document is not valid YAML or JSON: {0}")]
    Syntax(String),
    /// The document parsed but is not an OpenAPI 3.0 document this project can generate from.
    #[error("the document is not a usable OpenAPI 3.0 document: {0}")]
    Invalid(String),
}

/// A parsed OpenAPI document, kept as a JSON value so that the pre-pass can rewrite it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    value: Value,
}

impl Document {
    /// Parses YAML or JSON bytes and checks that they form an OpenAPI 3.0.x document with
    /// unique operation ids.
    pub fn parse(bytes: &[u8]) -> Result<Self, DocumentError> {
        let text = std::str::from_utf8(bytes).map_err(|_| DocumentError::NotText)?;
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with('<') {
            return Err(DocumentError::Html);
        }
        let value = if trimmed.starts_with('{') {
            serde_json::from_str(trimmed).map_err(|e| DocumentError::Syntax(e.to_string()))?
        } else {
            let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(trimmed)
                .map_err(|e| DocumentError::Syntax(e.to_string()))?;
            yaml_to_json(yaml)
        };
        let document = Self { value };
        document.validate()?;
        Ok(document)
    }

    /// Reads a pinned spec for a build script. The error is one line; when the file is missing
    /// it says how to fetch it.
    pub fn read_pinned(path: &std::path::Path) -> Result<Self, String> {
        let bytes = std::fs::read(path).map_err(|e| {
            format!(
                "cannot read the pinned spec {} ({e}); fetch it with `cargo xtask fetch` \
                 (set ASTRO_SPEC_MIRROR=<dir or URL> on machines without internet)",
                path.display()
            )
        })?;
        Self::parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Wraps an already parsed value, checking it like [`Document::parse`] does.
    pub fn from_value(value: Value) -> Result<Self, DocumentError> {
        let document = Self { value };
        document.validate()?;
        Ok(document)
    }

    fn validate(&self) -> Result<(), DocumentError> {
        let invalid = |message: String| Err(DocumentError::Invalid(message));
        let Some(root) = self.value.as_object() else {
            return invalid("the top level is not a mapping".into());
        };
        match root.get("openapi").and_then(Value::as_str) {
            Some(v) if v.starts_with("3.0.") => {}
            Some(v) => return invalid(format!("OpenAPI version {v} is not 3.0.x")),
            None => return invalid("no `openapi` version field".into()),
        }
        if self.info_version().is_empty() {
            return invalid("no `info.version`".into());
        }
        if !root.get("paths").is_some_and(Value::is_object) {
            return invalid("no `paths` mapping".into());
        }
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (path, method, op) in operations::raw_operations(&self.value) {
            let place = format!("{} {path}", method.to_uppercase());
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                return invalid(format!("{place} has no operationId"));
            };
            if let Some(other) = seen.insert(id.to_string(), place.clone()) {
                return invalid(format!(
                    "operationId {id} is used by both {other} and {place}"
                ));
            }
        }
        if seen.is_empty() {
            return invalid("the document has no operations".into());
        }
        Ok(())
    }

    /// The document as a JSON value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Consumes the document, returning its JSON value.
    pub fn into_value(self) -> Value {
        self.value
    }

    /// `info.version`, such as `v1beta1`.
    pub fn info_version(&self) -> &str {
        self.value
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// `info.title`.
    pub fn title(&self) -> &str {
        self.value
            .pointer("/info/title")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The named schemas under `components/schemas`.
    pub fn schemas(&self) -> Map<String, Value> {
        self.value
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }

    /// Follows a local `$ref` (`#/components/...`) to its target; other values are returned as is.
    pub fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut current = schema;
        for _ in 0..32 {
            match current.get("$ref").and_then(Value::as_str) {
                Some(reference) => match reference
                    .strip_prefix('#')
                    .and_then(|pointer| self.value.pointer(pointer))
                {
                    Some(target) => current = target,
                    None => return current,
                },
                None => return current,
            }
        }
        current
    }

    /// The names of the component schemas reachable through `$ref`s from some values of this
    /// document (or of a rewritten copy of it, `within`).
    pub fn reachable_schemas(
        within: &Value,
        roots: &[Value],
    ) -> std::collections::BTreeSet<String> {
        let mut found = std::collections::BTreeSet::new();
        let mut stack: Vec<&Value> = roots.iter().collect();
        while let Some(value) = stack.pop() {
            match value {
                Value::Object(map) => {
                    let target = map
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        .filter(|name| found.insert(name.to_string()))
                        .and_then(|name| within.pointer("/components/schemas")?.get(name));
                    stack.extend(target);
                    stack.extend(map.values());
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        found
    }

    /// The part of the document that one area (crate) of a pin takes: the operations whose tags
    /// it selects, and the component schemas those reach. Path items left without operations
    /// are dropped.
    pub fn select_area(&self, area: &crate::Area) -> Document {
        let mut value = self.value.clone();
        if let Some(paths) = value.get_mut("paths").and_then(Value::as_object_mut) {
            for item in paths.values_mut() {
                let Some(item) = item.as_object_mut() else {
                    continue;
                };
                item.retain(|key, op| {
                    if !operations::METHODS.contains(&key.as_str()) {
                        return true;
                    }
                    let tags: Vec<String> = op
                        .get("tags")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect();
                    area.takes(&tags)
                });
            }
            paths.retain(|_, item| {
                operations::METHODS
                    .iter()
                    .any(|method| item.get(*method).is_some())
            });
        }
        let roots: Vec<Value> = value.get("paths").cloned().into_iter().collect();
        let used = Self::reachable_schemas(&value, &roots);
        if let Some(schemas) = value
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            schemas.retain(|name, _| used.contains(name));
        }
        Document { value }
    }

    /// Every operation, in document order.
    pub fn operations(&self) -> Vec<Operation> {
        operations::collect(self)
    }

    /// The operation ids, in document order.
    pub fn operation_ids(&self) -> Vec<String> {
        self.operations().into_iter().map(|op| op.id).collect()
    }
}

/// Converts a YAML value to JSON, turning non-string mapping keys (such as `200:`) into strings.
fn yaml_to_json(yaml: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (yaml_key(k), yaml_to_json(v)))
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn yaml_key(key: serde_yaml_ng::Value) -> String {
    match key {
        serde_yaml_ng::Value::String(s) => s,
        other => match yaml_to_json(other) {
            Value::String(s) => s,
            value => value.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: v1}\npaths:\n  /a:\n    get:\n      operationId: GetA\n      responses:\n        200: {description: ok}\n";

    #[test]
    fn an_area_keeps_its_operations_and_the_schemas_they_reach() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1.0'}\npaths:\n  /a:\n    get:\n      operationId: GetA\n      tags: [A]\n      responses:\n        200: {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Outer'}}}}\n  /b:\n    get:\n      operationId: GetB\n      tags: [B]\n      responses:\n        200: {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/OnlyB'}}}}\ncomponents:\n  schemas:\n    Outer: {type: object, properties: {inner: {$ref: '#/components/schemas/Inner'}}}\n    Inner: {type: string}\n    OnlyB: {type: string}\n";
        let doc = Document::parse(yaml.as_bytes()).unwrap();
        let area = crate::Area {
            crate_dir: "x".into(),
            tags: vec!["A".into()],
        };
        let part = doc.select_area(&area);
        assert_eq!(part.operation_ids(), ["GetA"]);
        let names: Vec<String> = part.schemas().keys().cloned().collect();
        assert_eq!(names, ["Inner", "Outer"]);
        assert!(part.value().pointer("/paths/~1b").is_none());
    }

    #[test]
    fn parses_yaml_with_integer_keys() {
        let doc = Document::parse(MINIMAL.as_bytes()).unwrap();
        assert_eq!(doc.info_version(), "v1");
        assert!(
            doc.value()
                .pointer("/paths/~1a/get/responses/200")
                .is_some()
        );
    }

    #[test]
    fn refuses_html_and_wrong_versions_and_duplicates() {
        assert!(matches!(
            Document::parse(b"<!DOCTYPE html><html></html>"),
            Err(DocumentError::Html)
        ));
        let v31 = MINIMAL.replace("3.0.3", "3.1.0");
        assert!(
            matches!(Document::parse(v31.as_bytes()), Err(DocumentError::Invalid(m)) if m.contains("3.1.0"))
        );
        let dup = format!(
            "{MINIMAL}  /b:\n    get:\n      operationId: GetA\n      responses:\n        200: {{description: ok}}\n"
        );
        assert!(
            matches!(Document::parse(dup.as_bytes()), Err(DocumentError::Invalid(m)) if m.contains("GetA"))
        );
        assert!(matches!(
            Document::parse(b"a: [b"),
            Err(DocumentError::Syntax(_))
        ));
    }
}
