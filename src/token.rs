//! The API token, kept out of every `Debug` and `Display`.

use std::fmt;

/// An Astro API token. Its `Debug` is redacted and it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Reads a token as users write it: surrounding white space and a leading `Bearer ` are
    /// removed. `None` when nothing is left or the token contains white space or control
    /// characters (it could not be sent in a header).
    pub fn parse(raw: &str) -> Option<Self> {
        let trimmed = raw.trim();
        let token = match trimmed.get(..7) {
            Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => trimmed[7..].trim_start(),
            _ => trimmed,
        };
        let printable = token.chars().all(|c| c.is_ascii_graphic());
        let bare_scheme = token.eq_ignore_ascii_case("bearer");
        (!token.is_empty() && printable && !bare_scheme).then(|| Self(token.to_string()))
    }

    /// The token itself, for the one place that sends it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bearer_and_refuses_junk() {
        assert_eq!(
            Token::parse(" Bearer abc.def ").unwrap().expose(),
            "abc.def"
        );
        assert_eq!(Token::parse("bearer abc").unwrap().expose(), "abc");
        assert_eq!(Token::parse("abc").unwrap().expose(), "abc");
        assert!(Token::parse("").is_none());
        assert!(Token::parse("Bearer ").is_none());
        assert!(Token::parse("a b").is_none());
        assert!(Token::parse("a\u{7f}b").is_none());
        assert_eq!(
            format!("{:?}", Token::parse("secret").unwrap()),
            "Token(<redacted>)"
        );
    }
}
