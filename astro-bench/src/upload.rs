//! Part 8: a DAG deploy of a 200 MB folder (incompressible data, so the archive is as large)
//! through the sandbox and Azurite, in blocks: peak memory against the archive's size.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use astro_api::Client;
use astro_api::deploy::UploadOptions;
use astro_api::wait::WaitOptions;
use astro_sandbox::Sandbox;
use astro_sandbox::blob::{Azurite, BlobOperation, BlobProxy};

use crate::alloc;
use crate::report::Section;

/// The folder's size in bytes.
pub const FOLDER_BYTES: usize = 200_000_000;
/// The upload's block size (the facade's default).
pub const BLOCK: usize = 8 << 20;
/// Goal: the peak of live heap bytes during the deploy at most this many blocks.
const GOAL_BLOCKS: usize = 4;

/// Writes `total` bytes of pseudo-random data in files of 10 MB, 1 MiB at a time.
fn fill(folder: &Path, total: usize) -> Result<(), String> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut chunk = vec![0u8; 1 << 20];
    let mut left = total;
    let mut index = 0;
    while left > 0 {
        let path = folder.join(format!("data/part-{index:03}.bin"));
        std::fs::create_dir_all(folder.join("data")).map_err(|e| e.to_string())?;
        let mut file = std::fs::File::create(&path).map_err(|e| e.to_string())?;
        let mut in_file = left.min(10_000_000);
        left -= in_file;
        while in_file > 0 {
            for byte in chunk.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *byte = state as u8;
            }
            let n = in_file.min(chunk.len());
            file.write_all(&chunk[..n]).map_err(|e| e.to_string())?;
            in_file -= n;
        }
        index += 1;
    }
    std::fs::write(folder.join("dag.py"), b"# a DAG\n").map_err(|e| e.to_string())
}

/// The process's peak resident set (`VmHWM`) in bytes, and a reset of it, on Linux.
fn peak_rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

/// Runs part 8 on the client runtime `rt`.
pub fn run(rt: &tokio::runtime::Runtime) -> Result<Section, String> {
    let folder = std::env::temp_dir().join(format!("astro-bench-upload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
    let result = fill(&folder, FOLDER_BYTES).and_then(|()| rt.block_on(measure(&folder)));
    let _ = std::fs::remove_dir_all(&folder);
    let measured = result?;

    let mut section = Section::new("8. Deploy upload: a 200 MB folder in blocks");
    section.paragraph(format!(
        "`org.deploy_dags(…)` of a folder of {} MB of pseudo-random data (incompressible) in 10 MB \
         files: packed into a tar.gz in a temporary file, uploaded in {} MiB blocks (the default) \
         to Azurite through the sandbox's blob proxy (which adds version ids and buffers one \
         request body while forwarding it), finalized, and waited for. Peak heap is the highest \
         count of live heap bytes above the level before the deploy, for the whole process: the \
         client, and the in-process sandbox and proxy (Azurite runs in its own process). Peak RSS \
         is the process's `VmHWM` after resetting it before the deploy.",
        FOLDER_BYTES / 1_000_000,
        BLOCK >> 20
    ));
    let rss = measured
        .peak_rss
        .map_or("not measured".to_string(), |bytes| {
            format!("{} MiB", mib(bytes))
        });
    section.table(
        &[
            "Archive",
            "Blocks",
            "Time",
            "Peak heap",
            "Peak RSS",
            "Peak heap / archive",
        ],
        &[vec![
            format!("{} MiB", mib(measured.archive_bytes)),
            measured.blocks.to_string(),
            format!("{:.1} s", measured.elapsed.as_secs_f64()),
            format!("{} MiB", mib(measured.peak_heap)),
            rss,
            format!(
                "{:.3}",
                measured.peak_heap as f64 / measured.archive_bytes as f64
            ),
        ]],
    );
    section.goal(
        "Deploy upload: peak heap for a 200 MB folder",
        &format!(
            "≤ {GOAL_BLOCKS} blocks ({} MiB)",
            (GOAL_BLOCKS * BLOCK) >> 20
        ),
        format!("{} MiB", mib(measured.peak_heap)),
        measured.peak_heap <= GOAL_BLOCKS * BLOCK,
    );
    Ok(section)
}

struct Measured {
    archive_bytes: usize,
    blocks: usize,
    elapsed: Duration,
    peak_heap: usize,
    peak_rss: Option<usize>,
}

async fn measure(folder: &Path) -> Result<Measured, String> {
    let azurite = Azurite::start().await.map_err(|e| e.to_string())?;
    azurite
        .create_container("deploys")
        .await
        .map_err(|e| e.to_string())?;
    let proxy = BlobProxy::start(azurite.origin())
        .await
        .map_err(|e| e.to_string())?;
    let container = format!("{}/{}/deploys", proxy.url(), azurite.account().name());
    let sandbox = Sandbox::builder()
        .settle_after(0)
        .blob_endpoint(container)
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let deployments = format!(
        "/v1/organizations/{}/deployments",
        sandbox.organization_id()
    );
    let deployment = sandbox
        .seed(&deployments, serde_json::json!({"name": "bench"}))
        .map_err(|e| e.to_string())?;
    let deployment_id = deployment["id"].as_str().unwrap_or_default().to_string();
    let client = Client::builder()
        .token("bench")
        .base_url(sandbox.url())
        .organization_id(sandbox.organization_id())
        .rate_limits(None)
        .build()
        .map_err(|e| e.to_string())?;
    let org = client.default_org().map_err(|e| e.to_string())?;

    let rss_reset = reset_peak_rss();
    let baseline = alloc::reset_peak();
    let start = Instant::now();
    let deploy = org
        .deploy_dags(&deployment_id, folder)
        .upload_options(UploadOptions {
            block_size: BLOCK,
            single_put_limit: BLOCK as u64,
            ..UploadOptions::default()
        })
        .wait(WaitOptions {
            timeout: Duration::from_secs(60),
            initial_interval: Duration::from_millis(10),
            max_interval: Duration::from_millis(100),
        })
        .await
        .map_err(|e| e.to_string())?;
    let elapsed = start.elapsed();
    let peak_heap = alloc::peak().saturating_sub(baseline);
    let peak_rss = if rss_reset { peak_rss() } else { None };

    let requests = proxy.requests();
    let blocks = requests
        .iter()
        .filter(|r| r.operation == BlobOperation::PutBlock && r.status == Some(201))
        .count();
    let archive_bytes: usize = requests
        .iter()
        .filter(|r| r.operation == BlobOperation::PutBlock && r.status == Some(201))
        .map(|r| r.body_len)
        .sum();
    if deploy.status.as_ref().map(|s| s.as_str()) != Some("DEPLOYED") {
        return Err(format!("the deploy ended {:?}", deploy.status));
    }
    if archive_bytes < FOLDER_BYTES {
        return Err(format!("only {archive_bytes} bytes were stored"));
    }
    Ok(Measured {
        archive_bytes,
        blocks,
        elapsed,
        peak_heap,
        peak_rss,
    })
}
