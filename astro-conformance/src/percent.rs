//! Percent-decoding of URL path segments.

/// Decodes `%XX` escapes of a path segment; `None` when an escape is malformed or the result
/// is not UTF-8.
pub fn decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = segment.get(at + 1..at + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_and_refuses_broken_ones() {
        assert_eq!(decode("a%20b%2Fc&d=e").as_deref(), Some("a b/c&d=e"));
        assert_eq!(decode("%C3%A4").as_deref(), Some("ä"));
        assert_eq!(decode("%2"), None);
        assert_eq!(decode("%zz"), None);
    }
}
