//! Path parameters are checked before a request is built: a value that URL parsing would read
//! as a path step (`..`, `.`) or that would leave a segment empty sends the request to another
//! resource, so it is refused with the parameter's name.

/// `Ok` when `value` can stand as one path segment; otherwise a message naming `parameter`.
pub fn check_path_segment(parameter: &str, value: &str) -> Result<(), String> {
    let problem = match value {
        "" => "is empty",
        "." | ".." => "is a relative path step",
        _ => return Ok(()),
    };
    Err(format!(
        "path parameter `{parameter}` {problem} ({value:?}): it would change which resource \
         the request goes to"
    ))
}

#[cfg(test)]
mod tests {
    use super::check_path_segment;

    #[test]
    fn refuses_values_that_change_the_path() {
        for bad in ["", ".", ".."] {
            let message = check_path_segment("teamId", bad).unwrap_err();
            assert!(message.contains("`teamId`"), "{message}");
        }
        for good in ["clx123", "a.b", "...", "%2e%2e", "name with space"] {
            assert!(check_path_segment("teamId", good).is_ok(), "{good}");
        }
    }
}
