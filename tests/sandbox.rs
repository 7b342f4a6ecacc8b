//! The facade against the stateful sandbox: create, read, update, delete and list through the
//! organization handle, with faults injected by the sandbox.

use std::time::Duration;

use astro_api::platform::enums::ListWorkspacesSortsItem;
use astro_api::platform::types::{CreateWorkspaceRequest, UpdateWorkspaceRequest};
use astro_api::{Client, Paginate, RetryPolicy};
use astro_sandbox::{Fault, Sandbox};

fn client_for(sandbox: &Sandbox) -> Client {
    let organization = match sandbox.organization_id() {
        "" => "org-1",
        seeded => seeded,
    };
    Client::builder()
        .token("sandbox-token")
        .base_url(sandbox.url())
        .organization_id(organization)
        .rate_limits(None)
        .retry(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(1))
                .without_jitter(),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_workspace_lives_and_dies_through_the_facade() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox);
    let org = client.default_org().unwrap();

    let created = org
        .create_workspace()
        .body(
            CreateWorkspaceRequest::builder()
                .name("Data team")
                .description(Some("first".to_string())),
        )
        .call()
        .await
        .unwrap();
    assert_eq!(created.name, "Data team");

    let updated = org
        .update_workspace()
        .workspace_id(&created.id)
        .body(
            UpdateWorkspaceRequest::builder()
                .name("Data team")
                .description("second")
                .cicd_enforced_default(true),
        )
        .call()
        .await
        .unwrap();
    assert_eq!(updated.description.as_deref(), Some("second"));

    let read = org
        .get_workspace()
        .workspace_id(&created.id)
        .call()
        .await
        .unwrap();
    assert_eq!(read.description.as_deref(), Some("second"));
    assert_eq!(read.cicd_enforced_default, Some(true));

    org.delete_workspace()
        .workspace_id(&created.id)
        .call()
        .await
        .unwrap();
    let gone = org
        .get_workspace()
        .workspace_id(&created.id)
        .call()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    assert!(gone.request_id().is_some());
}

#[tokio::test]
async fn pagination_reads_every_seeded_workspace_with_the_filter_applied() {
    let sandbox = Sandbox::builder().without_defaults().start().await.unwrap();
    let collection = "/v1/organizations/org-1/workspaces";
    for index in 0..7 {
        sandbox
            .seed(
                collection,
                serde_json::json!({"name": format!("ws-{index}")}),
            )
            .unwrap();
    }
    let client = client_for(&sandbox);
    let names: Vec<String> = client
        .org("org-1")
        .list_workspaces()
        .pager()
        .page_size(3)
        .collect()
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert_eq!(names.len(), 7);
    assert_eq!(sandbox.requests_for("ListWorkspaces").len(), 3);

    let filtered = client
        .org("org-1")
        .list_workspaces()
        .names(vec!["ws-2".to_string(), "ws-5".to_string()])
        .collect_all()
        .await
        .unwrap();
    let mut filtered: Vec<String> = filtered.into_iter().map(|w| w.name).collect();
    filtered.sort();
    assert_eq!(filtered, ["ws-2", "ws-5"]);
}

#[tokio::test]
async fn injected_faults_are_retried_or_reported() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox);
    let org = client.default_org().unwrap();

    sandbox
        .inject("ListWorkspaces", Fault::status(503, "maintenance").times(2))
        .unwrap();
    org.list_workspaces().call().await.unwrap();
    assert_eq!(sandbox.requests_for("ListWorkspaces").len(), 3);

    sandbox
        .inject("GetWorkspace", Fault::text(403, "RBAC: access denied"))
        .unwrap();
    let error = org
        .get_workspace()
        .workspace_id(sandbox.workspace_id())
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.message(), "RBAC: access denied");

    sandbox
        .inject("CreateWorkspace", Fault::status(500, "boom"))
        .unwrap();
    let error = org
        .create_workspace()
        .body(CreateWorkspaceRequest::builder().name("once"))
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(sandbox.requests_for("CreateWorkspace").len(), 1);
}

#[tokio::test]
async fn a_request_the_spec_refuses_is_a_400_naming_the_field() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox);
    let error = client
        .default_org()
        .unwrap()
        .list_workspaces()
        .sorts(vec![
            "color:asc".parse::<ListWorkspacesSortsItem>().unwrap(),
        ])
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert!(error.message().contains("sorts"), "{error}");
}

#[tokio::test]
async fn audit_logs_come_as_a_file_and_decode_into_records() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = client_for(&sandbox).default_org().unwrap();
    let file = org.get_organization_audit_logs().call().await.unwrap();
    assert!(file.starts_with(&[0x1f, 0x8b]), "the sandbox sends gzip");
    let records = astro_api::audit_logs::records(&file).unwrap();
    assert!(!records.is_empty());
    assert!(records.iter().all(|record| !record.is_empty()));
}
