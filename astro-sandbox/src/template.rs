//! Path templates (`/organizations/{organizationId}/workspaces`): their segments and shapes,
//! shared by the routing ([`crate::catalog`]) and the resource rules ([`crate::resources`]).

/// A segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A fixed segment such as `workspaces`.
    Literal(String),
    /// A parameter such as `{workspaceId}`.
    Param(String),
}

/// Splits a template such as `/a/{b}/c` into segments.
pub fn parse_template(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(s.to_string()),
            },
        )
        .collect()
}

/// The shape of a path template: parameters replaced by `{}`.
pub fn shape_of(path: &str) -> String {
    shape_of_segments(&parse_template(path))
}

/// The shape of template segments: parameters replaced by `{}`.
pub fn shape_of_segments(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal(literal) => format!("/{literal}"),
            Segment::Param(_) => "/{}".to_string(),
        })
        .collect()
}

/// Splits a request path into percent-decoded segments; `None` if a segment is not UTF-8.
pub fn split_path(path: &str) -> Option<Vec<String>> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    if trimmed.is_empty() {
        return Some(Vec::new());
    }
    trimmed
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .ok()
                .map(|c| c.into_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_segments_and_shapes() {
        assert_eq!(
            parse_template("/a/{b}/c"),
            [
                Segment::Literal("a".into()),
                Segment::Param("b".into()),
                Segment::Literal("c".into())
            ]
        );
        assert_eq!(
            shape_of("/organizations/{organizationId}/teams"),
            "/organizations/{}/teams"
        );
        assert_eq!(
            split_path("/o%201/w"),
            Some(vec!["o 1".to_string(), "w".to_string()])
        );
        assert_eq!(split_path("/%FF"), None);
    }
}
