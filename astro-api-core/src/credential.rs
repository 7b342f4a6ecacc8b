//! The bearer token of a runtime, replaceable while the runtime is in use: every clone of the
//! runtime (and so every generated client built on it) reads the current one on each attempt.
//!
//! Everything an attempt needs of the token is computed once, when it is set: the sensitive
//! `Authorization` header value, the searcher that scrubs echoes of it, and its expiry. An
//! attempt takes a shared reference to that (a read lock and a reference count), allocating
//! nothing.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

use reqwest::StatusCode;
use reqwest::header::HeaderValue;

use crate::claims::TokenClaims;
use crate::redact::Token;

/// One bearer token, prepared for sending.
#[derive(Debug)]
pub(crate) struct Credential {
    /// `Authorization: Bearer …`, marked sensitive (its `Debug` prints `Sensitive`).
    pub authorization: HeaderValue,
    /// The token alone, to keep it out of what a server echoes back.
    pub token: Option<Token>,
    /// The token's `exp` claim, when it is a JWT that has one.
    pub expires_at: Option<SystemTime>,
}

/// A bearer token that cannot be sent as a header value.
#[derive(Debug, thiserror::Error)]
#[error(
    "the API token is not a valid header value (it contains control characters or non-ASCII text)"
)]
pub struct InvalidToken;

impl Credential {
    /// Prepares `token`; its claims are read for the expiry only.
    pub fn new(token: &str) -> Result<Arc<Self>, InvalidToken> {
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| InvalidToken)?;
        authorization.set_sensitive(true);
        Ok(Arc::new(Self {
            authorization,
            token: Token::new(token.as_bytes()),
            expires_at: TokenClaims::read(token).and_then(|claims| claims.expires_at()),
        }))
    }

    /// When the token expired, if it has (the clock is read only for a token with an expiry).
    pub fn expired(&self) -> Option<SystemTime> {
        self.expires_at.filter(|at| *at <= SystemTime::now())
    }
}

/// The current credential of a runtime, shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct Credentials {
    current: RwLock<Option<Arc<Credential>>>,
}

impl Credentials {
    /// Starts with `credential`.
    pub fn new(credential: Option<Arc<Credential>>) -> Self {
        Self {
            current: RwLock::new(credential),
        }
    }

    /// The credential in force now (a reference count, no copy).
    pub fn current(&self) -> Option<Arc<Credential>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the credential for every attempt that starts from now on.
    pub fn replace(&self, credential: Arc<Credential>) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(credential);
    }
}

/// Marks the stand-in response of an attempt that was not sent because the token had expired;
/// [`crate::Error`] turns it into an [`crate::ErrorKind::TokenExpired`] error.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExpiredToken {
    /// The token's `exp`.
    pub at: SystemTime,
}

/// What the runtime hands back instead of sending a request with a token that expired at `at`:
/// a `401` with an empty body that never came from a server, marked with [`ExpiredToken`].
pub(crate) fn expired_response(at: SystemTime) -> reqwest::Response {
    let mut response = http::Response::new(reqwest::Body::from(Vec::new()));
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response.extensions_mut().insert(ExpiredToken { at });
    reqwest::Response::from(response)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_replacement_is_seen_by_every_holder() {
        let shared = Arc::new(Credentials::new(Some(
            Credential::new("first-token").unwrap(),
        )));
        let other = Arc::clone(&shared);
        shared.replace(Credential::new("second-token").unwrap());
        let current = other.current().unwrap();
        assert_eq!(current.authorization, "Bearer second-token");
        assert!(current.authorization.is_sensitive());
        assert!(current.token.as_ref().unwrap().is_in(b"x second-token"));
        assert!(Credential::new("bad\ntoken").is_err());
        assert!(Credentials::default().current().is_none());
    }

    #[test]
    fn expiry_comes_from_the_claims() {
        let plain = Credential::new("any-token").unwrap();
        assert_eq!(plain.expired(), None);
        // {"exp":1000}
        let expired = Credential::new("e30.eyJleHAiOjEwMDB9.c2ln").unwrap();
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(expired.expired(), Some(at));
        // {"exp":4102444800} (2100)
        let current = Credential::new("e30.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln").unwrap();
        assert_eq!(current.expired(), None);
        assert!(current.expires_at.is_some());
        let response = expired_response(at);
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.extensions().get::<ExpiredToken>().is_some());
    }
}
