//! The HTTP client, runtime and typed values every conformance test uses.

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

/// The bearer token the conformance tests send.
pub const TOKEN: &str = "conformance-token.x_y-Z";

/// A `reqwest::Client` that sends `Authorization: Bearer <TOKEN>` with every request, as a
/// caller that manages its own HTTP client would; the header value is marked sensitive.
pub fn http_client() -> reqwest::Client {
    let mut value = HeaderValue::from_str(&format!("Bearer {TOKEN}"))
        .expect("the token is a valid header value");
    value.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, value);
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("a plain HTTP client builds")
}

/// A runtime that sends every call exactly once (no retries, no client-side rate limits), so
/// that the server sees one request per call.
pub fn runtime() -> astro_api_core::Runtime {
    astro_api_core::Runtime::builder()
        .retry(astro_api_core::RetryPolicy::disabled())
        .rate_limits(None)
        .build()
}

/// The value of type `T` that the JSON text `json` describes; `what` names the parameter or
/// body in the failure message, which means the generated setter type cannot hold a
/// spec-conformant value.
pub fn typed<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| {
        panic!(
            "the spec sample for {what} ({json}) does not fit the generated setter type `{}`: {e}",
            std::any::type_name::<T>()
        )
    })
}
