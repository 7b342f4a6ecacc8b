//! What an Astro API token says about itself: Astro API tokens are JWTs, and their payload
//! carries an expiry (`exp`) and the organization the token belongs to.
//!
//! The payload is only decoded, never verified (the server verifies), and neither the token nor
//! any part of it is ever logged or put into an error message.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// The prefix of the `permissions` entry that names the token's organization.
///
/// astro-cli reads the organization of an `ASTRO_API_TOKEN` the same way: its
/// `util.ParseAPIToken` (`pkg/util/util.go`) decodes the claims unverified, and `checkAPIToken`
/// (`cmd/cloud/setup.go`) takes the organization id from the `permissions` entry of the form
/// `organizationId:<id>` (the `org_id` claim there is the auth service's id, not Astro's).
const ORGANIZATION_PERMISSION: &str = "organizationId:";

/// The claims of an API token that the client uses, read from the JWT payload without
/// verifying its signature.
///
/// ```
/// use astro_api_core::TokenClaims;
///
/// // A token that is not a JWT (a sandbox's `any-token`) has no claims.
/// assert!(TokenClaims::read("any-token").is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenClaims {
    expires_at: Option<SystemTime>,
    organization_id: Option<String>,
}

impl TokenClaims {
    /// The claims of `token`, or `None` when it is not a JWT (three dot-separated parts whose
    /// second is a base64url JSON object). Claims of an unexpected type are read as absent.
    pub fn read(token: &str) -> Option<Self> {
        let mut parts = token.split('.');
        let (Some(_header), Some(payload), Some(_signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        let Value::Object(claims) = serde_json::from_slice(&bytes).ok()? else {
            return None;
        };
        Some(Self {
            expires_at: claims.get("exp").and_then(numeric_date),
            organization_id: claims.get("permissions").and_then(organization_of),
        })
    }

    /// When the token expires (its `exp` claim), if it says.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// The organization the token belongs to, from its `permissions` claim
    /// (`organizationId:<id>`), if it names one.
    pub fn organization_id(&self) -> Option<&str> {
        self.organization_id.as_deref()
    }

    /// Whether the token has expired at `now` (an `exp` at or before it).
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// A JWT `NumericDate` (seconds since the epoch, possibly fractional) as a time; one before the
/// epoch is the epoch, one too far ahead to represent is absent (it never expires).
fn numeric_date(value: &Value) -> Option<SystemTime> {
    let seconds = value.as_f64()?;
    let since_epoch = Duration::try_from_secs_f64(seconds.max(0.0)).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(since_epoch)
}

/// The organization id of the first `organizationId:<id>` entry of a `permissions` array.
fn organization_of(permissions: &Value) -> Option<String> {
    permissions
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|entry| entry.strip_prefix(ORGANIZATION_PERMISSION))
        .find(|id| !id.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A JWT with this payload (header and signature are not read).
    fn jwt(payload: &str) -> String {
        let encode = |text: &str| URL_SAFE_NO_PAD.encode(text);
        format!(
            "{}.{}.{}",
            encode(r#"{"alg":"RS256","typ":"JWT"}"#),
            encode(payload),
            encode("signature")
        )
    }

    #[test]
    fn reads_expiry_and_organization_of_a_jwt() {
        let token = jwt(&json!({
            "exp": 1_900_000_000,
            "org_id": "auth-service-id",
            "permissions": ["workspaceId:ws-1", "organizationId:clorg-7", "orgShortName:acme"],
        })
        .to_string());
        let claims = TokenClaims::read(&token).unwrap();
        let exp = SystemTime::UNIX_EPOCH + Duration::from_secs(1_900_000_000);
        assert_eq!(claims.expires_at(), Some(exp));
        assert_eq!(claims.organization_id(), Some("clorg-7"));
        assert!(!claims.is_expired_at(exp - Duration::from_secs(1)));
        assert!(claims.is_expired_at(exp));
    }

    #[test]
    fn missing_or_mistyped_claims_are_absent() {
        let claims = TokenClaims::read(&jwt(r#"{"sub":"u"}"#)).unwrap();
        assert_eq!(claims.expires_at(), None);
        assert_eq!(claims.organization_id(), None);
        assert!(!claims.is_expired_at(SystemTime::now()));
        let odd = jwt(r#"{"exp":"soon","permissions":[3,"organizationId:",{"a":1}]}"#);
        let claims = TokenClaims::read(&odd).unwrap();
        assert_eq!(
            (claims.expires_at(), claims.organization_id()),
            (None, None)
        );
        let claims = TokenClaims::read(&jwt(r#"{"permissions":"organizationId:x"}"#)).unwrap();
        assert_eq!(claims.organization_id(), None);
    }

    #[test]
    fn past_future_fractional_and_extreme_expiry() {
        let past = TokenClaims::read(&jwt(r#"{"exp":1000.5}"#)).unwrap();
        assert_eq!(
            past.expires_at(),
            Some(SystemTime::UNIX_EPOCH + Duration::from_millis(1_000_500))
        );
        assert!(past.is_expired_at(SystemTime::now()));
        let future = TokenClaims::read(&jwt(r#"{"exp":4102444800}"#)).unwrap();
        assert!(!future.is_expired_at(SystemTime::now()));
        let before_epoch = TokenClaims::read(&jwt(r#"{"exp":-5}"#)).unwrap();
        assert_eq!(before_epoch.expires_at(), Some(SystemTime::UNIX_EPOCH));
        let far = TokenClaims::read(&jwt(r#"{"exp":1e300}"#)).unwrap();
        assert_eq!(far.expires_at(), None);
    }

    #[test]
    fn what_is_not_a_jwt_has_no_claims() {
        for token in [
            "any-token",
            "abc.def.ghi",
            "a.b",
            "a.b.c.d",
            "",
            "..",
            "x.!!!.y",
            "x.w6k.y",
        ] {
            assert_eq!(TokenClaims::read(token), None, "{token}");
        }
        let encode = |text: &str| URL_SAFE_NO_PAD.encode(text);
        assert_eq!(
            TokenClaims::read(&format!("h.{}.s", encode("not json"))),
            None
        );
        assert_eq!(TokenClaims::read(&format!("h.{}.s", encode("[1,2]"))), None);
        assert_eq!(TokenClaims::read(&format!("h.{}.s", encode("\"s\""))), None);
        let padded = format!("h.{}=.s", encode(r#"{"exp":1}"#));
        assert!(TokenClaims::read(&padded).is_some());
    }

    #[test]
    fn debug_shows_no_token_part() {
        let token = jwt(r#"{"exp":1,"permissions":["organizationId:o"]}"#);
        let shown = format!("{:?}", TokenClaims::read(&token).unwrap());
        assert!(!shown.contains(token.split('.').nth(1).unwrap()), "{shown}");
    }
}
