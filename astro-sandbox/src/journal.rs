//! What clients sent: every request the sandbox received, with the status it answered.

use serde_json::Value;

/// One request as received, and the status and request id it was answered with.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// The HTTP method, such as `POST`.
    pub method: String,
    /// The path as sent (percent-encoded), without the query string.
    pub path: String,
    /// The raw query string, empty when there was none.
    pub query: String,
    /// The name of the API the request was routed to (`astro` for v1; `platform` or `iam`
    /// for v1beta1), if any.
    pub api: Option<String>,
    /// The operation id the request was routed to, if any.
    pub operation_id: Option<String>,
    /// The request headers, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
    /// The status the sandbox answered.
    pub status: u16,
    /// The request id the sandbox answered with (the `x-request-id` header).
    pub request_id: String,
}

impl RecordedRequest {
    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Every value of a query key, decoded, in order.
    pub fn query_values(&self, name: &str) -> Vec<String> {
        form_urlencoded::parse(self.query.as_bytes())
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_query_and_body() {
        let request = RecordedRequest {
            method: "GET".into(),
            path: "/x".into(),
            query: "names=a%20b&names=c&limit=3".into(),
            api: None,
            operation_id: None,
            headers: vec![("authorization".into(), "Bearer t".into())],
            body: br#"{"a":1}"#.to_vec(),
            status: 200,
            request_id: "r".into(),
        };
        assert_eq!(request.header("Authorization"), Some("Bearer t"));
        assert_eq!(request.query_values("names"), ["a b", "c"]);
        assert_eq!(request.json().unwrap()["a"], 1);
    }
}
