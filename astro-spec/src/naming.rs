//! Rust names derived from OpenAPI names, following the rules progenitor and typify use, so that
//! glue generated here names the same items that progenitor generates.

use heck::{ToPascalCase, ToSnakeCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

fn sanitize(input: &str, to_case: fn(&str) -> String) -> String {
    let cleaned: String = input
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let out = to_case(&cleaned);
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("{}{out}", to_case("x")),
    };
    if KEYWORDS.contains(&out.as_str()) {
        format!("{out}_")
    } else {
        out
    }
}

/// `snake_case` name: operation methods (`list_workspaces`), builder setters and struct fields.
pub fn snake(input: &str) -> String {
    sanitize(input, |s| s.to_snake_case())
}

/// `PascalCase` name: types and builder structs (`ListWorkspaces`).
pub fn pascal(input: &str) -> String {
    sanitize(input, |s| s.to_pascal_case())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_progenitor_spelling() {
        assert_eq!(snake("ListWorkspaces"), "list_workspaces");
        assert_eq!(snake("organizationId"), "organization_id");
        assert_eq!(snake("type"), "type_");
        assert_eq!(pascal("name:asc"), "NameAsc");
        assert_eq!(pascal("EXTRA_LARGE"), "ExtraLarge");
        assert_eq!(pascal("2XL"), "X2xl");
    }
}
