//! Secret fields: the properties a pin lists in `[api.secret_fields]` are generated as
//! `astro_api_core::SecretString` (or `Option<SecretString>`), whose `Debug` and `Display` are
//! redacted and whose serde form is the plain string.
//!
//! The pre-pass tags each listed property with typify's `x-rust-type` extension naming that
//! type, and [`allow_secret_type`] lets typify use types of `astro-api-core`. Everything else
//! about the property stays: an optional one is `Option<SecretString>`, and a response-only
//! required one keeps the empty default the pre-pass gave it.

use progenitor::{CrateVers, GenerationSettings};
use serde_json::{Value, json};

use astro_spec::SecretFields;

/// The crate that defines the secret type, as Cargo names it.
const CORE_CRATE: &str = "astro-api-core";

/// The secret type's path, starting with the crate's name as Rust spells it.
pub const SECRET_TYPE: &str = "astro_api_core::SecretString";

/// Tags every listed property present in the (prepared) document with `x-rust-type`, so that
/// typify generates it as [`SECRET_TYPE`]. Schemas outside this document (another crate's area)
/// are skipped; whether the list fits the whole document is checked by
/// [`SecretFields::check`].
pub fn mark(document: &mut Value, fields: &SecretFields) {
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (schema, property) in fields.iter() {
        if let Some(definition) = schemas
            .get_mut(schema)
            .and_then(|s| s.get_mut("properties"))
            .and_then(|p| p.get_mut(property))
            .and_then(Value::as_object_mut)
        {
            definition.insert(
                "x-rust-type".into(),
                json!({"crate": CORE_CRATE, "version": "*", "path": SECRET_TYPE}),
            );
        }
    }
}

/// Lets typify honour `x-rust-type` extensions that name a type of `astro-api-core` (and only
/// that crate: others are still generated from their schemas).
pub fn allow_secret_type(settings: &mut GenerationSettings) {
    settings.with_crate(CORE_CRATE, CrateVers::Any, None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_only_listed_properties_that_are_present() {
        let mut document = json!({"components": {"schemas": {
            "ApiToken": {"type": "object", "properties": {
                "token": {"type": "string"}, "name": {"type": "string"}}}
        }}});
        let fields: SecretFields = serde_json::from_value(json!({
            "ApiToken": ["token"], "Elsewhere": ["value"]
        }))
        .unwrap();
        mark(&mut document, &fields);
        let properties = &document["components"]["schemas"]["ApiToken"]["properties"];
        assert_eq!(properties["token"]["x-rust-type"]["path"], SECRET_TYPE);
        assert_eq!(properties["token"]["type"], "string");
        assert!(properties["name"].get("x-rust-type").is_none());
        assert!(document["components"]["schemas"].get("Elsewhere").is_none());
    }
}
