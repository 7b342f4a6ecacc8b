//! Client set-up from the environment and the builder, and its errors.

use astro_api::{ClientBuilder, ClientInfo, ConfigError};

fn env(pairs: &[(&str, &str)]) -> ClientBuilder {
    ClientBuilder::from_env_vars(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

fn setting_of(error: ConfigError) -> &'static str {
    match error {
        ConfigError::Missing { setting, .. } | ConfigError::Invalid { setting, .. } => setting,
        other => panic!("unexpected error {other}"),
    }
}

#[test]
fn reads_token_organization_and_domain() {
    let client = env(&[
        ("ASTRO_API_TOKEN", "Bearer abc.def.ghi"),
        ("ASTRO_ORGANIZATION_ID", "clorg123"),
        ("ASTRO_DOMAIN", "astronomer-dev.io"),
    ])
    .build()
    .unwrap();
    assert_eq!(client.base_url(), "https://api.astronomer-dev.io");
    assert_eq!(client.organization_id(), Some("clorg123"));
    assert_eq!(
        client.platform().baseurl(),
        "https://api.astronomer-dev.io/v1"
    );
    assert_eq!(client.iam().baseurl(), "https://api.astronomer-dev.io/v1");
}

#[test]
fn defaults_to_the_production_host_and_prefers_the_explicit_url() {
    let client = env(&[("ASTRO_API_TOKEN", "t")]).build().unwrap();
    assert_eq!(client.base_url(), "https://api.astronomer.io");
    assert_eq!(client.organization_id(), None);
    let client = env(&[
        ("ASTRO_API_TOKEN", "t"),
        ("ASTRO_DOMAIN", "astronomer-stage.io"),
        ("ASTRO_API_URL", "http://127.0.0.1:8080/"),
    ])
    .build()
    .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8080");
}

#[test]
fn settings_in_code_beat_the_environment_in_any_order() {
    let client = env(&[
        ("ASTRO_API_TOKEN", "from-env"),
        ("ASTRO_ORGANIZATION_ID", "env-org"),
        ("ASTRO_API_URL", "https://env.example.com"),
    ])
    .organization_id("code-org")
    .base_url("http://localhost:9000")
    .build()
    .unwrap();
    assert_eq!(client.organization_id(), Some("code-org"));
    assert_eq!(client.base_url(), "http://localhost:9000");
    // A builder without from_env reads nothing, so a missing token is an error.
    let error = ClientBuilder::new().build().unwrap_err();
    assert_eq!(setting_of(error), "ASTRO_API_TOKEN");
}

#[test]
fn each_bad_value_names_its_variable() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[], "ASTRO_API_TOKEN"),
        (&[("ASTRO_API_TOKEN", "Bearer ")], "ASTRO_API_TOKEN"),
        (&[("ASTRO_API_TOKEN", "two words")], "ASTRO_API_TOKEN"),
        (
            &[("ASTRO_API_TOKEN", "t"), ("ASTRO_ORGANIZATION_ID", "a/b")],
            "ASTRO_ORGANIZATION_ID",
        ),
        (
            &[("ASTRO_API_TOKEN", "t"), ("ASTRO_DOMAIN", "not a domain")],
            "ASTRO_DOMAIN",
        ),
        (
            &[("ASTRO_API_TOKEN", "t"), ("ASTRO_API_URL", "::nope")],
            "ASTRO_API_URL",
        ),
        (
            &[("ASTRO_API_TOKEN", "t"), ("ASTRO_API_URL", "ftp://x.io")],
            "ASTRO_API_URL",
        ),
        (
            &[
                ("ASTRO_API_TOKEN", "t"),
                ("ASTRO_API_URL", "https://x.io/?a=1"),
            ],
            "ASTRO_API_URL",
        ),
    ];
    for (vars, expected) in cases {
        let error = env(vars).build().unwrap_err();
        let text = error.to_string();
        assert!(text.contains(expected), "{vars:?}: {text}");
        assert_eq!(setting_of(error), *expected, "{vars:?}");
    }
}

#[test]
fn plain_http_is_refused_except_for_loopback() {
    for url in [
        "http://api.astronomer.io",
        "http://10.0.0.1:80",
        "http://192.168.1.2",
    ] {
        let error = env(&[("ASTRO_API_TOKEN", "t"), ("ASTRO_API_URL", url)])
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("plain http"), "{url}: {error}");
    }
    for url in [
        "http://127.0.0.1:1",
        "http://127.5.5.5",
        "http://[::1]:8080",
        "http://localhost",
    ] {
        assert!(
            env(&[("ASTRO_API_TOKEN", "t"), ("ASTRO_API_URL", url)])
                .build()
                .is_ok(),
            "{url}"
        );
    }
}

#[test]
fn the_token_is_in_no_debug_output_or_error() {
    let secret = "sekrit-token-value-123";
    let builder = env(&[
        ("ASTRO_API_TOKEN", secret),
        ("ASTRO_API_URL", "http://localhost:1"),
    ]);
    assert!(!format!("{builder:?}").contains(secret));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains(secret));
    assert!(!format!("{:?}", client.platform()).contains(secret));
    assert!(!format!("{:?}", client.iam()).contains(secret));
    let bad = ClientBuilder::new()
        .token(format!("{secret} x"))
        .build()
        .unwrap_err();
    assert!(!format!("{bad} {bad:?}").contains(secret));
}

#[test]
fn default_org_requires_an_organization() {
    let client = env(&[("ASTRO_API_TOKEN", "t")]).build().unwrap();
    let error = client.default_org().unwrap_err();
    assert!(error.to_string().contains("ASTRO_ORGANIZATION_ID"));
    assert_eq!(client.org("o1").id(), "o1");
}

/// A JWT whose payload is `payload`, in unpadded base64url (the header and signature are never
/// read by the client).
fn jwt(payload: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let encode = |bytes: &[u8]| {
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    };
    format!("eyJhbGciOiJSUzI1NiJ9.{}.c2ln", encode(payload.as_bytes()))
}

/// A token of organization `clorg-claim` that expires in 2100.
fn org_token() -> String {
    jwt(r#"{"exp":4102444800,"permissions":["workspaceId:ws-1","organizationId:clorg-claim"]}"#)
}

#[test]
fn the_organization_comes_from_the_token_only_when_no_setting_names_one() {
    let token = org_token();
    let client = env(&[("ASTRO_API_TOKEN", &token)]).build().unwrap();
    assert_eq!(client.organization_id(), Some("clorg-claim"));
    let client = env(&[
        ("ASTRO_API_TOKEN", &token),
        ("ASTRO_ORGANIZATION_ID", "env-org"),
    ])
    .build()
    .unwrap();
    assert_eq!(client.organization_id(), Some("env-org"));
    let client = env(&[
        ("ASTRO_API_TOKEN", &token),
        ("ASTRO_ORGANIZATION_ID", "env-org"),
    ])
    .organization_id("code-org")
    .build()
    .unwrap();
    assert_eq!(client.organization_id(), Some("code-org"));
    let client = ClientBuilder::new().token(&token).build().unwrap();
    assert_eq!(client.organization_id(), Some("clorg-claim"));
}

#[test]
fn tokens_without_a_usable_organization_claim_leave_it_unset() {
    for token in [
        "abc.def.ghi".to_string(),
        jwt(r#"{"exp":4102444800}"#),
        jwt(r#"{"permissions":["organizationId:bad id!"]}"#),
        jwt(r#"{"org_id":"auth-service-id"}"#),
    ] {
        let client = env(&[("ASTRO_API_TOKEN", &token)]).build().unwrap();
        assert_eq!(client.organization_id(), None, "{token}");
    }
}

#[test]
fn an_expired_token_is_refused_with_when_and_where_it_came_from() {
    let expired = jwt(r#"{"exp":1700000000,"permissions":["organizationId:o"]}"#);
    let from_env = env(&[("ASTRO_API_TOKEN", &expired)]).build().unwrap_err();
    let from_code = ClientBuilder::new().token(&expired).build().unwrap_err();
    let from_config = astro_api::Config::new(&expired).unwrap_err();
    for (error, setting) in [
        (from_env, "ASTRO_API_TOKEN"),
        (from_code, "ClientBuilder::token"),
        (from_config, "Config::new"),
    ] {
        let shown = format!("{error} {error:?}");
        assert_eq!(
            error.to_string(),
            format!(
                "{setting} has expired: the token's `exp` claim is Tue, 14 Nov 2023 22:13:20 GMT"
            )
        );
        assert!(matches!(error, ConfigError::TokenExpired { .. }));
        assert!(!shown.contains(&expired), "{shown}");
    }
}
