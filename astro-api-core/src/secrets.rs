//! Keeping secrets that a response carries (the `token` of a created or rotated API token) out
//! of error excerpts.

/// The keys whose string values are secrets: `token` itself, and any key naming a secret or a
/// password. (`tokenId`, `tokenName` and the like are not secrets.)
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key == "token" || key.contains("secret") || key.contains("password")
}

/// Replaces the string value of every secret key (`"token": "…"`) in JSON-like text with
/// `<redacted>`. Works on text that is not valid JSON (a truncated body) too.
pub(crate) fn redact_secret_values(text: &str) -> String {
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
                out.push_str("\"<redacted>\"");
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
    fn redacts_secret_values_only() {
        assert_eq!(
            redact_secret_values(
                r#"{"id":"t1","token" : "eyJ.abc","tokenName":"n","clientSecret":"s\"x"}"#
            ),
            r#"{"id":"t1","token" : "<redacted>","tokenName":"n","clientSecret":"<redacted>"}"#
        );
        assert_eq!(
            redact_secret_values(r#"{"name":"a","token":"eyJ.cut-off"#),
            r#"{"name":"a","token":"<redacted>""#
        );
        assert_eq!(redact_secret_values("plain text"), "plain text");
        assert_eq!(redact_secret_values(r#"{"token": 3}"#), r#"{"token": 3}"#);
    }
}
