//! [`SecretString`]: a string the API treats as a secret (an API token's value, an environment
//! variable's value), kept out of every `Debug` and `Display`.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::redact::REDACTED;

/// A secret string: it serialises and deserialises as a plain JSON string, but its `Debug` and
/// `Display` print `<redacted>`. Read it with [`expose`](Self::expose), which makes every place
/// that handles the value easy to find.
///
/// ```
/// use astro_api_core::SecretString;
///
/// let token = SecretString::new("eyJhbGciOi...");
/// assert_eq!(format!("{token:?}"), "SecretString(<redacted>)");
/// assert_eq!(token.to_string(), "<redacted>");
/// assert_eq!(token.expose(), "eyJhbGciOi...");
/// assert_eq!(serde_json::to_string(&token).unwrap(), r#""eyJhbGciOi...""#);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret itself, taking ownership.
    pub fn into_exposed(self) -> String {
        self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretString({REDACTED})")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

impl schemars::JsonSchema for SecretString {
    fn schema_name() -> Cow<'static, str> {
        "SecretString".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A secret value, sent and received as a plain string.",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_in_debug_and_display_but_not_on_the_wire() {
        let secret = SecretString::from("s3cr3t");
        let wrapped = Some(vec![secret.clone()]);
        assert!(!format!("{wrapped:?}").contains("s3cr3t"));
        assert!(!format!("{wrapped:#?}").contains("s3cr3t"));
        assert_eq!(secret.to_string(), "<redacted>");
        let json = serde_json::to_string(&secret).unwrap();
        assert_eq!(json, r#""s3cr3t""#);
        let back: SecretString = serde_json::from_str(&json).unwrap();
        assert_eq!(back, secret);
        assert_eq!(back.into_exposed(), "s3cr3t");
        assert!(serde_json::from_str::<SecretString>("12").is_err());
    }

    #[test]
    fn schema_is_a_string() {
        let schema = schemars::schema_for!(SecretString);
        assert_eq!(schema.get("type"), Some(&serde_json::json!("string")));
    }
}
