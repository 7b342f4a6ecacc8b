//! Transport security: the token goes to the configured API host only (whatever the redirects
//! and whatever URLs a response contains), plain `http` is refused except for loopback, and
//! TLS is rustls with no OpenSSL anywhere in the dependency graph.

mod support;

use astro_api::{Client, ClientBuilder};
use serde_json::json;
use support::Mocked;
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, Request, ResponseTemplate};

/// A server standing for another host, answering anything with 200.
async fn elsewhere() -> Mocked {
    Mocked::serving(ResponseTemplate::new(200).set_body_json(support::workspace(1))).await
}

/// Whether any header of any request carries the token.
fn carries_token(requests: &[Request]) -> bool {
    requests.iter().any(|r| {
        r.headers
            .values()
            .any(|v| String::from_utf8_lossy(v.as_bytes()).contains(support::TOKEN))
    })
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Get,
    Create,
    Delete,
}

async fn call(op: Op, client: &Client) -> Result<(), astro_api::Error> {
    let org = client.org("org-1");
    match op {
        Op::Get => org.list_workspaces().call().await.map(drop),
        Op::Create => org
            .create_workspace()
            .body(astro_api::platform::types::CreateWorkspaceRequest::builder().name("n"))
            .call()
            .await
            .map(drop),
        Op::Delete => org.delete_workspace().workspace_id("w").call().await,
    }
}

#[tokio::test]
async fn no_redirect_to_another_origin_is_followed() {
    let other = elsewhere().await;
    // Same host, other port: another origin too.
    let targets = [
        format!("{}/v1/organizations/org-1/workspaces", other.uri()),
        other.uri().replace("127.0.0.1", "localhost"),
    ];
    for status in [301, 302, 303, 307, 308] {
        for op in [Op::Get, Op::Create, Op::Delete] {
            for target in &targets {
                let mocked = Mocked::serving(
                    ResponseTemplate::new(status).insert_header("location", target),
                )
                .await;
                let error = call(op, &mocked.client).await.unwrap_err();
                assert_eq!(
                    error.status().map(|s| s.as_u16()),
                    Some(status),
                    "{op:?} {status} {target}"
                );
            }
        }
    }
    assert!(other.requests().await.is_empty());
}

#[tokio::test]
async fn with_the_callers_http_client_a_cross_origin_redirect_drops_the_token() {
    let other = elsewhere().await;
    let server = Mocked::serving(ResponseTemplate::new(307).insert_header(
        "location",
        format!("{}/v1/organizations/org-1/workspaces", other.uri()),
    ))
    .await;
    // reqwest's default policy follows redirects; it strips credentials across origins.
    let client = Client::builder()
        .token(support::TOKEN)
        .base_url(server.uri())
        .rate_limits(None)
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let _ = call(Op::Get, &client).await;
    let received = other.requests().await;
    assert_eq!(
        received.len(),
        1,
        "the caller's client followed the redirect"
    );
    assert!(!carries_token(&received), "the token followed the redirect");
    let sent = server.requests().await;
    assert!(carries_token(&sent), "the API host did get the token");
}

#[tokio::test]
async fn absolute_urls_in_responses_are_never_fetched() {
    let other = elsewhere().await;
    let lure = |id: usize| {
        let mut item = support::workspace(id);
        item["next"] = json!(format!("{}/next", other.uri()));
        item["self"] = json!(format!("{}/v1/x", other.uri()));
        item
    };
    let pages = [(0, vec![lure(1), lure(2)]), (2, vec![lure(3)])].map(|(offset, items)| {
        let mut page = support::workspaces_page(items, offset, 2, 3);
        page["nextPageUrl"] = json!(format!("{}/page2", other.uri()));
        Mock::given(method("GET"))
            .and(query_param("offset", offset.to_string()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(page)
                    .insert_header("link", format!("<{}/page2>; rel=\"next\"", other.uri()))
                    .insert_header("location", other.uri()),
            )
    });
    let mocked = Mocked::mounting(pages).await;
    let all = mocked
        .org()
        .list_workspaces()
        .pager()
        .page_size(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert!(other.requests().await.is_empty());
    assert!(carries_token(&mocked.requests().await));
}

fn with_url(url: &str) -> Result<Client, astro_api::ConfigError> {
    ClientBuilder::new().token("t").base_url(url).build()
}

#[test]
fn plain_http_is_refused_for_every_host_that_is_not_loopback() {
    for url in [
        "http://localhost.evil.example",
        "http://127.0.0.1.nip.io",
        "http://0.0.0.0:8080",
        "http://[::]:8080",
        "http://[::ffff:127.0.0.1]",
        "http://169.254.169.254",
        "http://10.0.0.1",
        "HTTP://API.ASTRONOMER.IO",
        "http://api.astronomer.io:443",
        "http://localhost@evil.example",
    ] {
        let error = with_url(url)
            .err()
            .unwrap_or_else(|| panic!("{url} accepted"));
        assert!(
            error.to_string().contains("ClientBuilder::base_url"),
            "{url}: {error}"
        );
        let from_env = ClientBuilder::from_env_vars([
            ("ASTRO_API_TOKEN".to_string(), "t".to_string()),
            ("ASTRO_API_URL".to_string(), url.to_string()),
        ])
        .build();
        assert!(from_env.is_err(), "{url} accepted from ASTRO_API_URL");
    }
    for url in [
        "http://127.0.0.1:9",
        "http://127.1.2.3",
        "http://[::1]",
        "http://LOCALHOST:8080",
        "https://api.astronomer.io",
        "https://10.0.0.1",
    ] {
        assert!(with_url(url).is_ok(), "{url} refused");
    }
    // A domain always gives https.
    let client = ClientBuilder::new()
        .token("t")
        .domain("astronomer-dev.io")
        .build()
        .unwrap();
    assert!(client.base_url().starts_with("https://"));
}

#[test]
fn tls_is_rustls_and_no_openssl_is_in_the_dependency_graph() {
    let root = env!("CARGO_MANIFEST_DIR");
    let lock = std::fs::read_to_string(format!("{root}/Cargo.lock")).expect("Cargo.lock");
    let packages: Vec<&str> = lock
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .map(|rest| rest.trim_end_matches('"'))
        .collect();
    assert!(packages.contains(&"reqwest") && packages.contains(&"rustls"));
    for banned in [
        "openssl",
        "openssl-sys",
        "native-tls",
        "hyper-tls",
        "tokio-native-tls",
    ] {
        assert!(!packages.contains(&banned), "{banned} is in Cargo.lock");
    }
    // (rustls-platform-verifier's schannel and security-framework are the Windows and macOS
    // trust stores, not TLS stacks.) reqwest is taken without its default (native-tls)
    // features, with rustls.
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
    let reqwest = manifest
        .lines()
        .find(|l| l.starts_with("reqwest = "))
        .expect("the workspace's reqwest");
    assert!(
        reqwest.contains("default-features = false") && reqwest.contains("\"rustls\""),
        "{reqwest}"
    );
}
