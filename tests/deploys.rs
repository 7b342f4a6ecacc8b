//! Deploys end to end against the sandbox and a real blob server: one Azurite per test binary,
//! behind a `BlobProxy` per test (it adds the version ids Azurite does not give, records every
//! request, and injects faults). Azurite must be installed (`npm ci --prefix tools/azurite`);
//! without it these tests fail saying so.

mod support;

#[allow(dead_code)]
#[path = "../examples/deploy_dags.rs"]
mod deploy_dags;

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use astro_api::Org;
use astro_api::deploy::{
    ArchiveError, BlobError, DeployError, DeployFailure, DeployProgress, DeployStep, UploadOptions,
    pack,
};
use astro_api::wait::WaitOptions;
use astro_sandbox::blob::sas::DEV_ACCOUNT;
use astro_sandbox::blob::{Azurite, BlobFault, BlobOperation, BlobProxy, BlobRequest};
use astro_sandbox::{Fault, Sandbox};
use clap::Parser;
use serde_json::json;
use support::{TOKEN, sandbox_client};
use tokio::sync::OnceCell;

/// The container the sandbox's upload URLs point into.
const CONTAINER: &str = "deploys";

static AZURITE: OnceCell<Azurite> = OnceCell::const_new();

/// The binary's Azurite, started on first use with its container.
async fn azurite() -> &'static Azurite {
    AZURITE
        .get_or_init(|| async {
            let azurite = Azurite::start()
                .await
                .unwrap_or_else(|error| panic!("cannot start Azurite: {error}"));
            azurite
                .create_container(CONTAINER)
                .await
                .expect("container");
            azurite
        })
        .await
}

/// A sandbox whose upload URLs point at a fresh proxy in front of Azurite, a client, and a
/// deployment.
struct World {
    sandbox: std::sync::Arc<Sandbox>,
    proxy: BlobProxy,
    org: Org,
    deployment_id: String,
}

async fn world() -> World {
    let azurite = azurite().await;
    let proxy = BlobProxy::start(azurite.origin()).await.unwrap();
    let endpoint = format!("{}/{DEV_ACCOUNT}/{CONTAINER}", proxy.url());
    world_at(proxy, &endpoint).await
}

async fn world_at(proxy: BlobProxy, endpoint: &str) -> World {
    let sandbox = Sandbox::builder()
        .blob_endpoint(endpoint)
        .start()
        .await
        .unwrap();
    let org = sandbox_client(&sandbox).default_org().unwrap();
    let deployments = format!(
        "/v1/organizations/{}/deployments",
        sandbox.organization_id()
    );
    let deployment = sandbox.seed(&deployments, json!({"name": "etl"})).unwrap();
    let deployment_id = deployment["id"].as_str().unwrap().to_string();
    World {
        sandbox: std::sync::Arc::new(sandbox),
        proxy,
        org,
        deployment_id,
    }
}

/// Fast waits and retries.
fn fast_wait() -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(10),
        initial_interval: Duration::from_millis(5),
        max_interval: Duration::from_millis(20),
    }
}

fn fast_upload() -> UploadOptions {
    UploadOptions {
        retry_delay: Duration::from_millis(10),
        ..UploadOptions::default()
    }
}

/// Upload options that put anything over 64 KiB in 64 KiB blocks.
fn in_blocks() -> UploadOptions {
    UploadOptions {
        single_put_limit: 64 << 10,
        block_size: 64 << 10,
        ..fast_upload()
    }
}

/// A DAGs folder with a few files in two levels.
fn dags_folder() -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    write(folder.path(), "etl.py", b"from airflow import DAG\n");
    write(folder.path(), "sub/report.py", b"# report\n");
    write(folder.path(), "include/data.csv", b"a,b\n1,2\n");
    folder
}

/// A folder holding `bytes` of incompressible data, so that its archive is about as large.
fn big_folder(bytes: usize) -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let data: Vec<u8> = (0..bytes)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    write(folder.path(), "big.bin", &data);
    write(folder.path(), "dag.py", b"# dag\n");
    folder
}

fn write(root: &Path, relative: &str, bytes: &[u8]) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// The bytes `pack` makes of a folder.
fn archive_bytes(folder: &Path) -> Vec<u8> {
    let mut packed = pack(folder, &[]).unwrap();
    let mut bytes = Vec::new();
    packed.file.read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes.len() as u64, packed.len);
    bytes
}

/// The blob an upload URL names, read back from Azurite.
async fn blob_at(upload_url: &str) -> Vec<u8> {
    let path = upload_url.split('?').next().unwrap();
    let blob = path
        .split_once(&format!("/{DEV_ACCOUNT}/{CONTAINER}/"))
        .map(|(_, blob)| blob)
        .expect("the URL points into the container");
    let bytes = azurite().await.read_blob(CONTAINER, blob).await.unwrap();
    bytes.expect("the blob exists").to_vec()
}

/// Two byte strings are equal (reported by length and first difference, not printed whole).
fn assert_same(blob: &[u8], archive: &[u8]) {
    let first_difference = blob.iter().zip(archive).position(|(a, b)| a != b);
    assert!(
        blob == archive,
        "the blob ({} bytes) differs from the archive ({} bytes), first at {first_difference:?}",
        blob.len(),
        archive.len()
    );
}

/// No request to the blob host carried an `Authorization` header or the API token anywhere.
fn assert_token_never_sent(requests: &[BlobRequest]) {
    assert!(!requests.is_empty());
    for request in requests {
        assert_eq!(request.header("authorization"), None, "{request:?}");
        let everywhere = format!("{} {} {:?}", request.path, request.query, request.headers);
        assert!(!everywhere.contains(TOKEN), "{request:?}");
    }
}

fn of(requests: &[BlobRequest], operation: BlobOperation) -> Vec<BlobRequest> {
    requests
        .iter()
        .filter(|request| request.operation == operation)
        .cloned()
        .collect()
}

/// The id of the deploy the sandbox created (from its journal).
fn created_deploy_id(sandbox: &Sandbox) -> String {
    let finalized = sandbox.requests_for("FinalizeDeploy");
    let created = sandbox.requests_for("CreateDeploy");
    assert_eq!(created.len(), 1);
    let path = finalized.first().map(|r| r.path.clone());
    path.map(|p| p.split('/').nth_back(1).unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_dag_deploy_round_trips_through_azurite() {
    let world = world().await;
    let folder = dags_folder();
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = events.clone();
    let deploy = world
        .org
        .deploy_dags(&world.deployment_id, folder.path())
        .description("nightly")
        .upload_options(fast_upload())
        .wait(fast_wait())
        .on_progress(move |event| sink.lock().unwrap().push(event.clone()))
        .await
        .unwrap();

    assert_eq!(deploy.status.as_ref().map(|s| s.as_str()), Some("DEPLOYED"));
    let url = deploy
        .dags_upload_url
        .as_ref()
        .expect("a DAG deploy has an upload URL")
        .expose();
    assert_same(&blob_at(url).await, &archive_bytes(folder.path()));

    let requests = world.proxy.requests();
    let puts = of(&requests, BlobOperation::PutBlob);
    assert_eq!(puts.len(), 1, "a small archive goes in one Put Blob");
    assert_eq!(puts[0].header("x-ms-blob-type"), Some("BlockBlob"));
    let version = puts[0].version_id.clone().unwrap();
    let finalize = world.sandbox.requests_for("FinalizeDeploy");
    assert_eq!(finalize.len(), 1);
    assert_eq!(
        finalize[0].json().unwrap(),
        json!({"dagTarballVersion": version})
    );
    let created = world.sandbox.requests_for("CreateDeploy");
    assert_eq!(
        created[0].json().unwrap(),
        json!({"type": "DAG_ONLY", "description": "nightly"})
    );
    assert_token_never_sent(&requests);

    let events = events.lock().unwrap();
    assert!(
        matches!(events[0], DeployProgress::Packed { files: 3, .. }),
        "{events:?}"
    );
    assert!(events.contains(&DeployProgress::Finalized { version }));
}

#[tokio::test]
async fn a_bundle_deploy_round_trips_through_azurite() {
    let world = world().await;
    let folder = dags_folder();
    let deploy = world
        .org
        .deploy_bundle(
            &world.deployment_id,
            folder.path(),
            "/usr/local/airflow/dbt",
            "dbt",
        )
        .upload_options(fast_upload())
        .wait(fast_wait())
        .await
        .unwrap();

    assert_eq!(deploy.status.as_ref().map(|s| s.as_str()), Some("DEPLOYED"));
    let url = deploy
        .bundle_upload_url
        .as_ref()
        .expect("a bundle deploy has a bundle URL")
        .expose();
    assert!(deploy.dags_upload_url.is_none());
    assert_same(&blob_at(url).await, &archive_bytes(folder.path()));
    let requests = world.proxy.requests();
    let version = of(&requests, BlobOperation::PutBlob)[0]
        .version_id
        .clone()
        .unwrap();
    let finalize = world.sandbox.requests_for("FinalizeDeploy");
    assert_eq!(
        finalize[0].json().unwrap(),
        json!({"bundleTarballVersion": version})
    );
    let created = world.sandbox.requests_for("CreateDeploy");
    assert_eq!(
        created[0].json().unwrap(),
        json!({"type": "BUNDLE", "bundleMountPath": "/usr/local/airflow/dbt", "bundleType": "dbt"})
    );
    assert_token_never_sent(&requests);
}

/// Deploys a 300 KB folder in 64 KiB blocks; returns the deploy's upload URL, the archive and
/// what the proxy saw.
async fn deploy_in_blocks(
    world: &World,
    upload: UploadOptions,
) -> (String, Vec<u8>, Vec<BlobRequest>) {
    let folder = big_folder(300_000);
    let deploy = world
        .org
        .deploy_dags(&world.deployment_id, folder.path())
        .upload_options(upload)
        .wait(fast_wait())
        .await
        .unwrap();
    let url = deploy
        .dags_upload_url
        .as_ref()
        .unwrap()
        .expose()
        .to_string();
    (url, archive_bytes(folder.path()), world.proxy.requests())
}

/// The block ids of the Put Block requests, in order.
fn block_ids(requests: &[BlobRequest]) -> Vec<String> {
    of(requests, BlobOperation::PutBlock)
        .iter()
        .map(|request| request.query_value("blockid").unwrap())
        .collect()
}

#[tokio::test]
async fn a_large_archive_goes_in_blocks_and_lands_whole() {
    let world = world().await;
    let (url, archive, requests) = deploy_in_blocks(&world, in_blocks()).await;
    assert_same(&blob_at(&url).await, &archive);
    let ids = block_ids(&requests);
    assert_eq!(ids.len(), archive.len().div_ceil(64 << 10));
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "block ids are unique");
    assert!(
        ids.iter().all(|id| id.len() == ids[0].len()),
        "and of one length"
    );
    assert_eq!(of(&requests, BlobOperation::PutBlob).len(), 0);
    let lists = of(&requests, BlobOperation::PutBlockList);
    assert_eq!(lists.len(), 1);
    let finalize = world.sandbox.requests_for("FinalizeDeploy");
    let version = lists[0].version_id.clone().unwrap();
    assert_eq!(
        finalize[0].json().unwrap(),
        json!({"dagTarballVersion": version})
    );
    assert_token_never_sent(&requests);
}

#[tokio::test]
async fn two_uploads_to_one_blob_never_share_block_ids() {
    let world = world().await;
    let (_, _, first) = deploy_in_blocks(&world, in_blocks()).await;
    world.proxy.clear_requests();
    let (_, _, second) = deploy_in_blocks(&world, in_blocks()).await;
    let first: std::collections::BTreeSet<_> = block_ids(&first).into_iter().collect();
    assert!(block_ids(&second).iter().all(|id| !first.contains(id)));
}

/// Asserts that block `faulted` was sent twice and every other block once, in order.
fn assert_only_block_resent(requests: &[BlobRequest], faulted: usize) {
    let ids = block_ids(requests);
    assert_eq!(ids[faulted], ids[faulted + 1], "{ids:?}");
    let mut once = ids.clone();
    once.remove(faulted);
    let unique: std::collections::BTreeSet<_> = once.iter().collect();
    assert_eq!(
        unique.len(),
        once.len(),
        "no other block was sent again: {ids:?}"
    );
}

#[tokio::test]
async fn a_503_on_one_block_sends_only_that_block_again() {
    let world = world().await;
    world
        .proxy
        .inject(BlobOperation::PutBlock, 1, BlobFault::Status(503));
    let (url, archive, requests) = deploy_in_blocks(&world, in_blocks()).await;
    assert_same(&blob_at(&url).await, &archive);
    assert_only_block_resent(&requests, 1);
    let blocks = of(&requests, BlobOperation::PutBlock);
    assert_eq!(blocks[1].status, Some(503));
}

#[tokio::test]
async fn a_connection_reset_mid_block_sends_only_that_block_again() {
    let world = world().await;
    world
        .proxy
        .inject(BlobOperation::PutBlock, 2, BlobFault::ResetMidBody);
    let (url, archive, requests) = deploy_in_blocks(&world, in_blocks()).await;
    assert_same(&blob_at(&url).await, &archive);
    assert_only_block_resent(&requests, 2);
    let blocks = of(&requests, BlobOperation::PutBlock);
    assert_eq!(blocks[2].status, None, "the proxy cut the connection");
}

#[tokio::test]
async fn a_block_slower_than_the_timeout_is_sent_again() {
    let world = world().await;
    world.proxy.inject(
        BlobOperation::PutBlock,
        0,
        BlobFault::Delay(Duration::from_secs(3)),
    );
    let upload = UploadOptions {
        request_timeout: Duration::from_millis(1500),
        ..in_blocks()
    };
    let (url, archive, requests) = deploy_in_blocks(&world, upload).await;
    assert_same(&blob_at(&url).await, &archive);
    let ids = block_ids(&requests);
    assert_eq!(ids.iter().filter(|id| **id == ids[0]).count(), 2, "{ids:?}");
}

#[tokio::test]
async fn faults_that_outlast_the_retries_name_the_upload_step_and_the_deploy() {
    let world = world().await;
    for _ in 0..3 {
        world
            .proxy
            .inject(BlobOperation::PutBlob, 0, BlobFault::Status(503));
    }
    let folder = dags_folder();
    let upload = UploadOptions {
        max_attempts: 3,
        ..fast_upload()
    };
    let error: DeployError = world
        .org
        .deploy_dags(&world.deployment_id, folder.path())
        .upload_options(upload)
        .await
        .unwrap_err();
    assert_eq!(error.step(), DeployStep::Upload);
    let deploy_id = error.deploy_id().expect("the deploy exists").to_string();
    let created = world.sandbox.requests_for("CreateDeploy");
    assert_eq!(created.len(), 1);
    assert!(matches!(
        error.cause(),
        DeployFailure::Blob(BlobError::GaveUp { attempts: 3, last })
            if matches!(**last, BlobError::Status { status: 503, .. })
    ));
    assert!(world.sandbox.requests_for("FinalizeDeploy").is_empty());
    let message = error.to_string();
    assert!(
        message.contains(&deploy_id) && message.contains("uploading"),
        "{message}"
    );
    assert!(!message.contains("sig="), "{message}");
    // The deploy the error names is the one the sandbox created.
    let deploys = format!(
        "/v1/organizations/{}/deployments/{}/deploys",
        world.sandbox.organization_id(),
        world.deployment_id
    );
    let stored = world.sandbox.objects(&deploys).unwrap();
    assert_eq!(stored[0]["id"], deploy_id.as_str());
}

#[tokio::test]
async fn a_host_without_version_ids_is_a_typed_error() {
    let world = world().await;
    world.proxy.add_version_ids(false);
    let folder = dags_folder();
    let error = world
        .org
        .deploy_dags(&world.deployment_id, folder.path())
        .upload_options(fast_upload())
        .await
        .unwrap_err();
    assert_eq!(error.step(), DeployStep::Upload);
    assert!(error.deploy_id().is_some());
    assert!(matches!(
        error.cause(),
        DeployFailure::Blob(BlobError::MissingVersionId)
    ));
    assert!(world.sandbox.requests_for("FinalizeDeploy").is_empty());
}

#[tokio::test]
async fn a_failed_finalize_names_its_step_and_the_deploy() {
    let world = world().await;
    world
        .sandbox
        .inject("FinalizeDeploy", Fault::status(400, "bad version"))
        .unwrap();
    let folder = dags_folder();
    let error = world
        .org
        .deploy_dags(&world.deployment_id, folder.path())
        .upload_options(fast_upload())
        .await
        .unwrap_err();
    assert_eq!(error.step(), DeployStep::Finalize);
    assert!(error.deploy_id().is_some());
    assert_eq!(
        created_deploy_id(&world.sandbox),
        error.deploy_id().unwrap()
    );
    assert!(
        matches!(error.cause(), DeployFailure::Api(api) if api.status().map(|s| s.as_u16()) == Some(400))
    );
}

#[tokio::test]
async fn missing_and_empty_folders_fail_before_any_request() {
    let world = world().await;
    let missing = world
        .org
        .deploy_dags(&world.deployment_id, "/no/such/dags/folder")
        .await
        .unwrap_err();
    assert_eq!(missing.step(), DeployStep::Archive);
    assert_eq!(missing.deploy_id(), None);
    assert!(matches!(
        missing.cause(),
        DeployFailure::Archive(ArchiveError::Missing(_))
    ));

    let empty = tempfile::tempdir().unwrap();
    write(empty.path(), "__pycache__/etl.cpython-312.pyc", b"\0");
    write(empty.path(), "notes.txt", b"not deployed");
    let error = world
        .org
        .deploy_dags(&world.deployment_id, empty.path())
        .ignore("*.txt")
        .await
        .unwrap_err();
    assert_eq!(error.step(), DeployStep::Archive);
    assert!(matches!(
        error.cause(),
        DeployFailure::Archive(ArchiveError::Empty(_))
    ));
    assert!(world.sandbox.requests().is_empty());
    assert!(world.proxy.requests().is_empty());
}

#[tokio::test]
async fn plain_http_to_a_remote_blob_host_is_refused() {
    let azurite = azurite().await;
    let proxy = BlobProxy::start(azurite.origin()).await.unwrap();
    let world = world_at(proxy, "http://blob.example.com/devstoreaccount1/deploys").await;
    let folder = dags_folder();
    let error = world
        .org
        .deploy_dags(&world.deployment_id, folder.path())
        .await
        .unwrap_err();
    assert_eq!(error.step(), DeployStep::Upload);
    assert!(error.deploy_id().is_some());
    assert!(matches!(
        error.cause(),
        DeployFailure::Blob(BlobError::InsecureUrl { host }) if host == "blob.example.com"
    ));
}

#[tokio::test]
async fn an_image_deploy_gives_registry_coordinates() {
    let world = world().await;
    let (deploy, image) = world
        .org
        .create_image_deploy(&world.deployment_id, None)
        .await
        .unwrap();
    assert_eq!(image.registry, "images.astronomer.cloud");
    assert_eq!(image.repository, deploy.image_repository);
    assert_eq!(
        image.reference(),
        format!("{}:{}", deploy.image_repository, deploy.image_tag)
    );
    assert!(deploy.dags_upload_url.is_none());
    let created = world.sandbox.requests_for("CreateDeploy");
    assert_eq!(created[0].json().unwrap(), json!({"type": "IMAGE_ONLY"}));
}

#[tokio::test]
async fn the_deploy_dags_example_deploys_in_blocks_and_prints_image_commands() {
    let world = world().await;
    let folder = big_folder(200_000);
    let path = folder.path().to_str().unwrap();
    let options =
        deploy_dags::Options::parse_from(["x", "--block-kib", "64", "--timeout", "20", path]);
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = events.clone();
    let deploy = deploy_dags::run(&world.org, &world.deployment_id, &options, move |event| {
        sink.lock().unwrap().push(event.clone())
    })
    .await
    .unwrap();
    assert_eq!(deploy.status.as_ref().map(|s| s.as_str()), Some("DEPLOYED"));
    let archive = archive_bytes(folder.path());
    assert_same(
        &blob_at(deploy.dags_upload_url.as_ref().unwrap().expose()).await,
        &archive,
    );
    let uploaded: Vec<u64> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|event| match event {
            DeployProgress::Uploaded(progress) => Some(progress.sent),
            _ => None,
        })
        .collect();
    assert_eq!(
        uploaded.len(),
        archive.len().div_ceil(64 << 10),
        "one event per block"
    );
    assert_eq!(uploaded.last().copied(), Some(archive.len() as u64));

    let commands = deploy_dags::image_commands(&world.org, &world.deployment_id)
        .await
        .unwrap();
    assert!(
        commands[0].contains("docker login images.astronomer.cloud --username cli"),
        "{commands:?}"
    );
    assert!(
        commands[2].starts_with("docker push images.astronomer.cloud/"),
        "{commands:?}"
    );
}

#[tokio::test]
async fn a_deploy_that_fails_names_the_wait_step_and_the_deploy() {
    let world = world().await;
    let sandbox = std::sync::Arc::clone(&world.sandbox);
    let deploys = format!(
        "/v1/organizations/{}/deployments/{}/deploys",
        sandbox.organization_id(),
        world.deployment_id
    );
    let created = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let seen = created.clone();
    let folder = dags_folder();
    let error = world
        .org
        .deploy_dags(&world.deployment_id, folder.path())
        .upload_options(fast_upload())
        .wait(fast_wait())
        .on_progress(move |event| match event {
            DeployProgress::Created { deploy_id } => *seen.lock().unwrap() = deploy_id.clone(),
            DeployProgress::Finalized { .. } => {
                let path = format!("{deploys}/{}", seen.lock().unwrap());
                sandbox.script_statuses(&path, &["FAILED"]).unwrap();
            }
            _ => {}
        })
        .await
        .unwrap_err();
    assert_eq!(error.step(), DeployStep::Wait);
    assert_eq!(error.deploy_id(), Some(created.lock().unwrap().as_str()));
    assert!(matches!(
        error.cause(),
        DeployFailure::Wait(wait) if wait.kind() == astro_api::wait::WaitErrorKind::Failed
    ));
}
