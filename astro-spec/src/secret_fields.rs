//! The secret fields of a pinned API: the schema properties whose values are credentials (API
//! token values, secret environment variable values, passwords), listed per pin in
//! `openapi/pins.toml` and generated as `astro_api_core::SecretString`.
//!
//! ```toml
//! [api.secret_fields]
//! ApiToken = ["token"]
//! DeploymentEnvironmentVariable = ["value"]
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Document;

/// The secret properties of one document, by component schema name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretFields(BTreeMap<String, Vec<String>>);

impl SecretFields {
    /// Whether no field is listed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `schema.property` is listed.
    pub fn contains(&self, schema: &str, property: &str) -> bool {
        self.0
            .get(schema)
            .is_some_and(|properties| properties.iter().any(|p| p == property))
    }

    /// Every listed field as `(schema, property)`, by schema name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().flat_map(|(schema, properties)| {
            properties
                .iter()
                .map(move |property| (schema.as_str(), property.as_str()))
        })
    }

    /// Adds `schema.property` to the list.
    pub fn insert(&mut self, schema: &str, property: &str) {
        let properties = self.0.entry(schema.to_string()).or_default();
        if !properties.iter().any(|p| p == property) {
            properties.push(property.to_string());
        }
    }

    /// Checks the list on its own: no empty schema list, no property listed twice.
    pub fn check_format(&self) -> Result<(), String> {
        for (schema, properties) in &self.0 {
            if properties.is_empty() {
                return Err(format!("secret_fields: `{schema}` lists no property"));
            }
            for (at, property) in properties.iter().enumerate() {
                if properties[..at].contains(property) {
                    return Err(format!(
                        "secret_fields: `{schema}.{property}` is listed twice"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks the list against a document: every listed property exists in its component
    /// schema and is a string (not an enum, not nullable). The error names the first field that fails, so a
    /// document that renames or retypes a secret field stops the build and `cargo xtask regen`.
    pub fn check(&self, document: &Document) -> Result<(), String> {
        let schemas = document.schemas();
        for (schema, property) in self.iter() {
            let field = format!("secret field `{schema}.{property}` (openapi/pins.toml)");
            let Some(found) = schemas.get(schema) else {
                return Err(format!("{field}: the document has no schema `{schema}`"));
            };
            let Some(definition) = found.pointer(&format!("/properties/{}", escape(property)))
            else {
                return Err(format!(
                    "{field}: schema `{schema}` has no property `{property}`"
                ));
            };
            if !is_plain_string(definition) {
                return Err(format!(
                    "{field}: the property is not a string ({})",
                    serde_json::to_string(definition).unwrap_or_default()
                ));
            }
        }
        Ok(())
    }
}

/// Whether a property schema is an inline string that is neither an enum nor nullable (a `$ref`,
/// another type or an enum cannot hold a secret string, and the generated `SecretString` field
/// cannot hold a `null`).
fn is_plain_string(definition: &Value) -> bool {
    definition.get("type").and_then(Value::as_str) == Some("string")
        && definition.get("enum").is_none()
        && definition.get("$ref").is_none()
        && definition.get("nullable") != Some(&Value::Bool(true))
}

/// A property name as a JSON pointer segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Document {
        let yaml = br#"
openapi: 3.0.3
info: {title: t, version: v1}
paths:
  /t:
    get:
      operationId: GetT
      responses:
        '200': {description: ok}
components:
  schemas:
    Token:
      type: object
      properties:
        token: {type: string}
        days: {type: integer}
        kind: {type: string, enum: [A, B]}
        note: {type: string, nullable: true}
        owner: {$ref: '#/components/schemas/Owner'}
    Owner: {type: string}
"#;
        Document::parse(yaml).unwrap()
    }

    fn fields(pairs: &[(&str, &str)]) -> SecretFields {
        let mut fields = SecretFields::default();
        for (schema, property) in pairs {
            fields.insert(schema, property);
        }
        fields
    }

    #[test]
    fn listed_string_properties_pass() {
        let listed = fields(&[("Token", "token")]);
        assert_eq!(listed.check(&document()), Ok(()));
        assert!(listed.contains("Token", "token"));
        assert!(!listed.contains("Token", "days"));
        assert_eq!(listed.iter().collect::<Vec<_>>(), [("Token", "token")]);
    }

    #[test]
    fn an_unknown_schema_or_property_is_an_error_naming_it() {
        let error = fields(&[("Tokens", "token")])
            .check(&document())
            .unwrap_err();
        assert!(
            error.contains("`Tokens.token`") && error.contains("no schema `Tokens`"),
            "{error}"
        );
        let error = fields(&[("Token", "value")])
            .check(&document())
            .unwrap_err();
        assert!(
            error.contains("`Token.value`") && error.contains("no property `value`"),
            "{error}"
        );
    }

    #[test]
    fn a_property_that_is_not_a_plain_string_is_an_error_naming_it() {
        for property in ["days", "kind", "owner", "note"] {
            let error = fields(&[("Token", property)])
                .check(&document())
                .unwrap_err();
            assert!(
                error.contains(&format!("`Token.{property}`")) && error.contains("not a string"),
                "{error}"
            );
        }
    }

    #[test]
    fn the_list_itself_is_checked() {
        let twice: SecretFields =
            serde_json::from_value(serde_json::json!({"Token": ["token", "token"]})).unwrap();
        assert!(twice.check_format().unwrap_err().contains("listed twice"));
        let empty: SecretFields = serde_json::from_value(serde_json::json!({"Token": []})).unwrap();
        assert!(
            empty
                .check_format()
                .unwrap_err()
                .contains("lists no property")
        );
        assert_eq!(fields(&[("Token", "token")]).check_format(), Ok(()));
    }
}
