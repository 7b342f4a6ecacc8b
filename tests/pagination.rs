//! Lazy pagination: request counts, laziness, stop conditions and filters.

mod support;

use astro_api::Paginate;
use futures::StreamExt;
use support::Mocked;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

const LIST_PATH: &str = "/v1/organizations/org-1/workspaces";

/// Serves `total` workspaces honouring `offset` and `limit`.
struct Honest {
    total: usize,
}

impl Respond for Honest {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let offset = query("offset").unwrap_or(0);
        let limit = query("limit").unwrap_or(20);
        let items = (offset..(offset + limit).min(self.total))
            .map(support::workspace)
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(support::workspaces_page(items, offset, limit, self.total))
    }
}

#[tokio::test]
async fn seven_items_in_pages_of_three_take_three_requests_and_none_before_polling() {
    let mocked = Mocked::mounting([Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(Honest { total: 7 })])
    .await;
    let org = mocked.org();
    let stream = org.list_workspaces().pager().page_size(3).items();
    tokio::task::yield_now().await;
    assert!(mocked.requests().await.is_empty());
    let items: Vec<_> = stream.collect().await;
    let ids: Vec<String> = items.into_iter().map(|w| w.unwrap().id).collect();
    assert_eq!(ids, (0..7).map(|i| format!("ws-{i}")).collect::<Vec<_>>());
    let requests = mocked.requests().await;
    let offsets: Vec<String> = requests
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "offset")
                .unwrap()
                .1
                .into_owned()
        })
        .collect();
    assert_eq!(offsets, ["0", "3", "6"]);
}

#[tokio::test]
async fn a_server_that_ignores_offset_does_not_loop() {
    let first_page: Vec<_> = (0..3).map(support::workspace).collect();
    let mocked = Mocked::mounting([Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(support::workspaces_page(first_page, 0, 3, 10)),
        )])
    .await;
    let all = mocked
        .org()
        .list_workspaces()
        .pager()
        .page_size(3)
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(mocked.requests().await.len(), 2);
}

#[tokio::test]
async fn filters_and_sorts_carry_through_every_page() {
    let mocked = Mocked::mounting([Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("names", "team-a"))
        .and(query_param("sorts", "name:asc"))
        .respond_with(Honest { total: 5 })])
    .await;
    let all = mocked
        .org()
        .list_workspaces()
        .names(vec!["team-a".to_string()])
        .sorts(vec!["name:asc".into()])
        .pager()
        .page_size(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(mocked.requests().await.len(), 3);
}

#[tokio::test]
async fn an_empty_page_ends_the_stream_and_errors_surface() {
    let mocked = Mocked::mounting([Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(support::workspaces_page(vec![], 0, 100, 50)),
        )])
    .await;
    assert!(
        mocked
            .org()
            .list_workspaces()
            .collect_all()
            .await
            .unwrap()
            .is_empty()
    );

    let failing =
        Mocked::serving(ResponseTemplate::new(403).set_body_string("RBAC: access denied")).await;
    let error = failing
        .org()
        .list_workspaces()
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
}

#[tokio::test]
async fn page_size_is_clamped_to_the_operations_maximum() {
    let mocked = Mocked::mounting([Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("limit", "1000"))
        .respond_with(Honest { total: 2 })])
    .await;
    let all = mocked
        .org()
        .list_workspaces()
        .pager()
        .page_size(5000)
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
}
