//! API token values: issued by a create or a rotate as JWT-shaped strings, answered only then,
//! and remembered so that a sandbox started with [`crate::SandboxBuilder::token`] accepts the
//! current ones and tells why it refuses the others (rotated, deleted, expired, unknown).
//!
//! A resource issues values when its record schema has a `token` property (API tokens). The
//! record never stores the value, so reads and lists cannot show it.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::catalog::Api;
use crate::resources::Resource;
use crate::store::Store;

/// The record field a create or rotate answer carries the value in.
pub const FIELD: &str = "token";

/// The request field of a create giving the token's lifetime in days.
const EXPIRY_REQUEST_FIELD: &str = "tokenExpiryPeriodInDays";

/// The action that replaces a token's value.
const ROTATE: &str = "rotate";

/// Every token value issued, by value.
#[derive(Debug, Default)]
pub struct Issued {
    values: HashMap<String, IssuedValue>,
}

/// What became of one issued value.
#[derive(Debug)]
struct IssuedValue {
    collection: String,
    id: String,
    state: ValueState,
    expires_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueState {
    Current,
    Rotated,
    Deleted,
}

impl Issued {
    fn retire(&mut self, collection: &str, id: &str, state: ValueState) {
        for issued in self.values.values_mut() {
            if issued.collection == collection
                && issued.id == id
                && issued.state == ValueState::Current
            {
                issued.state = state;
            }
        }
    }
}

/// Whether the objects of `resource` carry issued token values.
pub fn issues_values(api: &Api, resource: &Resource) -> bool {
    api.document
        .resolve(&resource.record_schema)
        .pointer(&format!("/properties/{FIELD}"))
        .is_some()
}

/// The value of a token: a JWT (`header.payload.signature`, base64url without padding) whose
/// payload has the claims `sub` (the token's id), `iat`, `exp` for a token that expires, and
/// `permissions: ["organizationId:<id>"]` naming its organization, as Astro's tokens do.
/// The signature is random bytes: nobody verifies it.
pub fn token_value(
    id: &str,
    organization: Option<&str>,
    issued_at: i64,
    expires_at: Option<i64>,
) -> String {
    let header = json!({"alg": "HS256", "typ": "JWT"});
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(id));
    claims.insert("iat".into(), json!(issued_at));
    if let Some(expires_at) = expires_at {
        claims.insert("exp".into(), json!(expires_at));
    }
    if let Some(organization) = organization {
        // As Astro's tokens carry it (astro-cli reads `organizationId:<id>` from `permissions`).
        claims.insert(
            "permissions".into(),
            json!([format!("organizationId:{organization}")]),
        );
    }
    let signature: Vec<u8> = (0..4)
        .flat_map(|_| RandomState::new().hash_one(id).to_le_bytes())
        .collect();
    format!(
        "{}.{}.{}",
        base64url(header.to_string().as_bytes()),
        base64url(Value::Object(claims).to_string().as_bytes()),
        base64url(&signature)
    )
}

/// Base64url without padding (RFC 4648 §5), as JWTs use.
fn base64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The organization id in a collection path (`…/organizations/<id>/tokens`).
fn organization_of(collection: &str) -> Option<&str> {
    let mut segments = collection.split('/');
    segments.find(|segment| *segment == "organizations")?;
    segments.next().filter(|id| !id.is_empty())
}

/// A created token: its lifetime from the request (`startAt`, and `expiryPeriodInDays` and
/// `endAt` when it expires), and a fresh value, which is returned for the answer and not
/// stored in the record.
pub fn on_create(
    store: &mut Store,
    collection: &str,
    id: &str,
    record: &mut Map<String, Value>,
    request: Option<&Value>,
) -> String {
    let days = request
        .and_then(|body| body.get(EXPIRY_REQUEST_FIELD))
        .and_then(Value::as_i64);
    let now = Utc::now();
    record.insert("startAt".into(), json!(timestamp(now)));
    match days {
        Some(days) => {
            record.insert("expiryPeriodInDays".into(), json!(days));
        }
        None => {
            record.remove("expiryPeriodInDays");
        }
    }
    issue(store, collection, id, record, now)
}

/// A rotated token: the old value is refused from now on and a new one, expiring after the
/// token's `expiryPeriodInDays` from now, is returned for the answer. Other actions do nothing.
pub fn on_action(
    store: &mut Store,
    action: &str,
    collection: &str,
    id: &str,
    record: &mut Map<String, Value>,
) -> Option<String> {
    if action != ROTATE {
        return None;
    }
    store.issued.retire(collection, id, ValueState::Rotated);
    let now = Utc::now();
    record.insert("lastRotatedAt".into(), json!(timestamp(now)));
    Some(issue(store, collection, id, record, now))
}

/// A deleted object: the values issued for it are refused from now on.
pub fn on_delete(store: &mut Store, collection: &str, id: &str) {
    store.issued.retire(collection, id, ValueState::Deleted);
}

fn issue(
    store: &mut Store,
    collection: &str,
    id: &str,
    record: &mut Map<String, Value>,
    now: DateTime<Utc>,
) -> String {
    let days = record.get("expiryPeriodInDays").and_then(Value::as_i64);
    let expires = days.map(|days| now + Duration::days(days.clamp(-36_500, 36_500)));
    match expires {
        Some(at) => record.insert("endAt".into(), json!(timestamp(at))),
        None => record.remove("endAt"),
    };
    record.remove(FIELD);
    let value = token_value(
        id,
        organization_of(collection),
        now.timestamp(),
        expires.map(|at| at.timestamp()),
    );
    let short: String = value
        .chars()
        .rev()
        .take(7)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    record.insert("shortToken".into(), json!(short));
    store.issued.values.insert(
        value.clone(),
        IssuedValue {
            collection: collection.to_string(),
            id: id.to_string(),
            state: ValueState::Current,
            expires_at: expires.map(|at| at.timestamp()),
        },
    );
    value
}

/// `record` as a create or rotate answers it: with the issued value.
pub fn reveal(record: &Value, value: &str) -> Value {
    let mut answer = record.clone();
    if let Value::Object(fields) = &mut answer {
        fields.insert(FIELD.into(), json!(value));
    }
    answer
}

/// Accepts a bearer token the sandbox issued that is still current: not rotated, its token
/// not deleted, not past its `exp` nor past the stored token's `endAt` (which a test may move
/// with [`crate::Sandbox::update_object`]). The error says why, as a gateway would.
pub fn authenticate(store: &Store, bearer: &str) -> Result<(), String> {
    let Some(issued) = store.issued.values.get(bearer) else {
        return Err(
            "the bearer token is unknown: it is not the sandbox's token and was not issued by it"
                .into(),
        );
    };
    let record = store.get(&issued.collection, &issued.id);
    match issued.state {
        ValueState::Rotated => {
            return Err(format!(
                "the bearer token was rotated: token {} has a new value",
                issued.id
            ));
        }
        ValueState::Deleted => {
            return Err(format!(
                "the bearer token was revoked: token {} was deleted",
                issued.id
            ));
        }
        ValueState::Current if record.is_none() => {
            return Err(format!(
                "the bearer token was revoked: token {} is gone",
                issued.id
            ));
        }
        ValueState::Current => {}
    }
    let now = Utc::now();
    let end_at = record
        .and_then(|r| r.get("endAt"))
        .and_then(Value::as_str)
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
        .map(|at| at.timestamp());
    match [issued.expires_at, end_at].into_iter().flatten().min() {
        Some(expiry) if expiry <= now.timestamp() => Err(format!(
            "the bearer token expired at {}",
            DateTime::from_timestamp(expiry, 0).map_or_else(|| expiry.to_string(), timestamp)
        )),
        _ => Ok(()),
    }
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_has_no_padding() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn values_are_jwts_with_the_claims() {
        let value = token_value("tok-1", Some("org-1"), 100, Some(200));
        let parts: Vec<&str> = value.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], base64url(br#"{"alg":"HS256","typ":"JWT"}"#));
        let claims = json!({"sub": "tok-1", "iat": 100, "exp": 200, "permissions": ["organizationId:org-1"]});
        assert_eq!(parts[1], base64url(claims.to_string().as_bytes()));
        assert_ne!(value, token_value("tok-1", Some("org-1"), 100, Some(200)));
        assert!(
            !token_value("tok-1", None, 100, None)
                .split('.')
                .nth(1)
                .unwrap()
                .is_empty()
        );
    }
}
