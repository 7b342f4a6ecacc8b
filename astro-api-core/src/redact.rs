//! Keeping secrets out of errors, spans and logs: the one place that decides what a secret is,
//! how it is found and what replaces it.
//!
//! Two kinds of secret can reach an error:
//! - the client's own bearer token, when a server echoes the request's credentials into a
//!   header or a body ([`Token`]);
//! - secrets a response legitimately carries, such as the `token` of a newly created API token,
//!   which must stay out of the body excerpt of a decode error ([`secret_values`]).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use memchr::memmem::Finder;

/// What replaces a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// Tokens shorter than this are not searched for: they are not real API tokens, and replacing
/// them would garble ordinary text.
const MIN_TOKEN_LEN: usize = 8;

/// The bearer token of a runtime, with a substring searcher built once, so that looking for it
/// in a header or a body is one linear pass.
#[derive(Clone)]
pub(crate) struct Token {
    finder: Arc<Finder<'static>>,
}

impl Token {
    /// A searcher for `token`, or `None` when it is too short to be searched for.
    pub(crate) fn new(token: &[u8]) -> Option<Self> {
        (token.len() >= MIN_TOKEN_LEN).then(|| Self {
            finder: Arc::new(Finder::new(token).into_owned()),
        })
    }

    /// Whether `text` contains the token.
    pub(crate) fn is_in(&self, text: &[u8]) -> bool {
        self.finder.find(text).is_some()
    }

    /// `text` with every copy of the token replaced by [`REDACTED`]; borrowed when there is
    /// none.
    pub(crate) fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match self.scrub_bytes(text.as_bytes()) {
            // Replacing a valid UTF-8 needle with ASCII in valid UTF-8 keeps it valid.
            Some(clean) => Cow::Owned(String::from_utf8_lossy(&clean).into_owned()),
            None => Cow::Borrowed(text),
        }
    }

    /// `bytes` with every copy of the token replaced by [`REDACTED`], or `None` when there is
    /// none.
    pub(crate) fn scrub_bytes(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let needle = self.finder.needle().len();
        let mut found = self.finder.find_iter(bytes).peekable();
        found.peek()?;
        let mut out = Vec::with_capacity(bytes.len());
        let mut kept = 0;
        for at in found {
            // `find_iter` reports overlapping matches; skip those inside a replaced one.
            if at < kept {
                continue;
            }
            out.extend_from_slice(&bytes[kept..at]);
            out.extend_from_slice(REDACTED.as_bytes());
            kept = at + needle;
        }
        out.extend_from_slice(&bytes[kept..]);
        Some(out)
    }

    /// Like [`Token::scrub_bytes`], for bytes that were cut off at a size limit: a copy of the
    /// token cut by the limit (a tail of at least [`MIN_TOKEN_LEN`] bytes that starts the
    /// token) is replaced too.
    pub(crate) fn scrub_cut_bytes(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let whole = self.scrub_bytes(bytes);
        let text = whole.as_deref().unwrap_or(bytes);
        let needle = self.finder.needle();
        let longest = (needle.len() - 1).min(text.len());
        let cut = (MIN_TOKEN_LEN..=longest)
            .rev()
            .find(|&len| text.ends_with(&needle[..len]));
        match cut {
            Some(len) => {
                let mut out = text[..text.len() - len].to_vec();
                out.extend_from_slice(REDACTED.as_bytes());
                Some(out)
            }
            None => whole,
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Whether a JSON key names a secret: `token` itself, and any key naming a secret or a
/// password. (`tokenId`, `tokenName` and the like are not secrets.)
fn is_secret_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("token")
        || contains_ignore_case(key, "secret")
        || contains_ignore_case(key, "password")
}

fn contains_ignore_case(text: &str, word: &str) -> bool {
    text.as_bytes()
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

/// `text` with the string value of every secret key (`"token": "…"`) replaced by
/// `"<redacted>"`. Works on text that is not valid JSON (a truncated body) too.
pub(crate) fn secret_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let (before, from_quote) = rest.split_at(start);
        out.push_str(before);
        let Some((key, after_key)) = read_string(from_quote) else {
            out.push_str(from_quote);
            return out;
        };
        out.push_str(&from_quote[..from_quote.len() - after_key.len()]);
        rest = after_key;
        let gap_len = rest.len() - rest.trim_start().len();
        let after_gap = &rest[gap_len..];
        if is_secret_key(key) && after_gap.starts_with(':') {
            let value_part = &after_gap[1..];
            let space = value_part.len() - value_part.trim_start().len();
            let value_start = &value_part[space..];
            if value_start.starts_with('"') {
                out.push_str(&rest[..gap_len + 1 + space]);
                out.push('"');
                out.push_str(REDACTED);
                out.push('"');
                rest = read_string(value_start).map_or("", |(_, after)| after);
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads a JSON string at the start of `text` (which starts with `"`): its raw content and what
/// follows the closing quote. `None` when the string is not closed.
fn read_string(text: &str) -> Option<(&str, &str)> {
    let mut escaped = false;
    for (index, c) in text.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some((&text[1..index], &text[index + 1..])),
            _ => escaped = false,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_copy_of_the_token_is_replaced() {
        let token = Token::new(b"s3cret-token").unwrap();
        assert_eq!(
            token
                .scrub_bytes(b"Bearer s3cret-token and s3cret-token!")
                .unwrap(),
            b"Bearer <redacted> and <redacted>!"
        );
        assert_eq!(token.scrub_bytes(b"nothing here"), None);
        assert_eq!(
            token.scrub("a s3cret-tokens3cret-token b"),
            "a <redacted><redacted> b"
        );
        assert!(matches!(token.scrub("clean"), Cow::Borrowed("clean")));
        assert!(token.is_in(b"req-s3cret-token"));
        assert!(!token.is_in(b"req-1"));
        assert!(!format!("{token:?}").contains("s3cret"));
    }

    #[test]
    fn a_copy_cut_at_the_limit_is_replaced() {
        let token = Token::new(b"s3cret-token").unwrap();
        assert_eq!(
            token
                .scrub_cut_bytes(b"s3cret-token, then s3cret-to")
                .unwrap(),
            b"<redacted>, then <redacted>"
        );
        assert_eq!(
            token.scrub_cut_bytes(b"ends in s3cr").as_deref(),
            None,
            "shorter than a token"
        );
        assert_eq!(token.scrub_cut_bytes(b"clean"), None);
    }

    #[test]
    fn overlapping_copies_are_replaced_once() {
        let token = Token::new(b"aaaaaaaa").unwrap();
        assert_eq!(
            token.scrub("xaaaaaaaaaay"),
            "x<redacted>aay",
            "a match inside a replaced one is not replaced again"
        );
    }

    #[test]
    fn short_tokens_are_not_searched_for() {
        assert!(Token::new(b"short").is_none());
    }

    #[test]
    fn redacts_secret_values_only() {
        assert_eq!(
            secret_values(
                r#"{"id":"t1","token" : "eyJ.abc","tokenName":"n","clientSecret":"s\"x"}"#
            ),
            r#"{"id":"t1","token" : "<redacted>","tokenName":"n","clientSecret":"<redacted>"}"#
        );
        assert_eq!(
            secret_values(r#"{"name":"a","token":"eyJ.cut-off"#),
            r#"{"name":"a","token":"<redacted>""#
        );
        assert_eq!(secret_values("plain text"), "plain text");
        assert_eq!(secret_values(r#"{"token": 3}"#), r#"{"token": 3}"#);
        assert_eq!(
            secret_values(r#"{"PASSWORD":"p","Token":"t"}"#),
            r#"{"PASSWORD":"<redacted>","Token":"<redacted>"}"#
        );
    }
}
