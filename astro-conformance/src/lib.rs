//! Test-only support for the conformance suite: every operation of every pinned Astro API spec
//! is called through its generated client against a local mock server, and what reaches the
//! server is compared with what the spec says the request must be.
