//! `409 Conflict` against the sandbox: told apart by `Error::is_conflict`, retried with backoff
//! for cluster updates and deletes only when the retry policy asks for it, never for a create.

use std::time::Duration;

use astro_api::platform::types::{CreateClusterRequest, UpdateClusterRequest};
use astro_api::{Client, RetryPolicy};
use astro_sandbox::{Fault, Sandbox};

const BUSY: &str = "workflow already running";

fn client(sandbox: &Sandbox, retry_conflicts: bool) -> Client {
    Client::builder()
        .token("sandbox-token")
        .base_url(sandbox.url())
        .organization_id(sandbox.organization_id())
        .rate_limits(None)
        .retry(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(1))
                .with_conflict_retries(retry_conflicts),
        )
        .build()
        .unwrap()
}

fn create_request() -> CreateClusterRequest {
    serde_json::from_value(serde_json::json!({
        "cloudProvider": "AWS",
        "name": "busy-cluster",
        "region": "us-east-1",
        "type": "DEDICATED",
        "vpcSubnetRange": "172.20.0.0/19",
    }))
    .unwrap()
}

fn update_request() -> UpdateClusterRequest {
    serde_json::from_value(serde_json::json!({"clusterType": "HYBRID"})).unwrap()
}

/// The statuses the sandbox answered to `operation`, in order.
fn statuses(sandbox: &Sandbox, operation: &str) -> Vec<u16> {
    sandbox
        .requests_for(operation)
        .iter()
        .map(|r| r.status)
        .collect()
}

#[tokio::test]
async fn cluster_updates_and_deletes_are_retried_through_conflicts_when_asked() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = client(&sandbox, true).default_org().unwrap();
    let cluster = org
        .create_cluster()
        .body(create_request())
        .call()
        .await
        .unwrap();

    sandbox
        .inject("UpdateCluster", Fault::status(409, BUSY).times(2))
        .unwrap();
    org.update_cluster()
        .cluster_id(&cluster.id)
        .body(update_request())
        .call()
        .await
        .unwrap();
    assert_eq!(statuses(&sandbox, "UpdateCluster"), [409, 409, 200]);

    sandbox
        .inject("DeleteCluster", Fault::status(409, BUSY))
        .unwrap();
    org.delete_cluster()
        .cluster_id(&cluster.id)
        .call()
        .await
        .unwrap();
    assert_eq!(statuses(&sandbox, "DeleteCluster"), [409, 204]);
    let gone = org
        .get_cluster()
        .cluster_id(&cluster.id)
        .call()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn a_create_answered_409_is_never_sent_again() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = client(&sandbox, true).default_org().unwrap();
    sandbox
        .inject("CreateCluster", Fault::status(409, BUSY).always())
        .unwrap();
    let error = org
        .create_cluster()
        .body(create_request())
        .call()
        .await
        .unwrap_err();
    assert!(error.is_conflict(), "{error}");
    assert_eq!(error.message(), BUSY);
    assert_eq!(statuses(&sandbox, "CreateCluster"), [409]);
}

#[tokio::test]
async fn without_the_option_a_conflict_is_returned_at_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let org = client(&sandbox, false).default_org().unwrap();
    let cluster = org
        .create_cluster()
        .body(create_request())
        .call()
        .await
        .unwrap();
    sandbox
        .inject("UpdateCluster", Fault::status(409, BUSY))
        .unwrap();
    let error = org
        .update_cluster()
        .cluster_id(&cluster.id)
        .body(update_request())
        .call()
        .await
        .unwrap_err();
    assert!(error.is_conflict() && !error.is_retryable(), "{error}");
    assert_eq!(error.operation(), Some("UpdateCluster"));
    assert_eq!(statuses(&sandbox, "UpdateCluster"), [409]);
}
