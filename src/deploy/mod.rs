//! Deploys end to end: [`Org::deploy_dags`] and [`Org::deploy_bundle`] pack a folder, create
//! the deploy, upload the archive to its Azure Blob Storage URL, finalize it with the blob's
//! version id, and (by default) wait until it is `DEPLOYED`; [`Org::create_image_deploy`] gives
//! the registry coordinates of an image deploy.
//!
//! ```no_run
//! # async fn run(org: astro_api::Org) -> Result<(), Box<dyn std::error::Error>> {
//! let deploy = org
//!     .deploy_dags("cldeployment1", "./dags")
//!     .description("nightly")
//!     .on_progress(|progress| println!("{progress:?}"))
//!     .await?;
//! println!("deploy {} is {:?}", deploy.id, deploy.status);
//! # Ok(()) }
//! ```
//!
//! The steps, and what fails where ([`DeployError::step`]; from the upload on, the error keeps
//! [`DeployError::deploy_id`] so the caller can retry or inspect the deploy):
//! 1. **pack** the folder into a deterministic tar.gz in a temporary file (see
//!    [`archive`](pack) for the order, metadata, links and ignore rules): a missing or empty
//!    folder fails here, before any request;
//! 2. **create** a `DAG_ONLY` (or `BUNDLE`) deploy;
//! 3. **upload** to its `dagsUploadUrl` (or `bundleUploadUrl`), a SAS URL: with a client of its
//!    own that carries no Astro token, refusing plain `http` except to loopback, in one Put Blob
//!    up to [`UploadOptions::single_put_limit`] and otherwise in blocks with ids unique to the
//!    upload and a Put Block List; each request is retried on its own on a `5xx`, `408`, `429`,
//!    a reset or a timeout, so only a failed block is sent again; memory holds one block;
//! 4. **finalize** with the blob's `x-ms-version-id` as `dagTarballVersion` (or
//!    `bundleTarballVersion`); a host that sends none fails the upload step with
//!    [`BlobError::MissingVersionId`];
//! 5. **wait** until `DEPLOYED` ([`Org::wait_for_deploy`]) unless [`DeployRequest::no_wait`].
//!
//! Progress is logged with `tracing` (target `astro_api::deploy`) and given to the optional
//! [`DeployRequest::on_progress`] callback.
//!
//! The Azure SDK's `azure_storage_blob` crate was considered for the upload and not used: it
//! brings its own HTTP pipeline and core crates for three REST calls, and the per-block retry
//! and version-id handling needed here are as short to write against the REST API (see
//! ARCHITECTURE.md).

mod archive;
mod blob;
mod error;
mod image;
mod upload;

use std::future::{Future, IntoFuture};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use astro_platform::enums::CreateDeployRequestType;
use astro_platform::types::Deploy;

pub use archive::{ALWAYS_IGNORED, ENTRY_MTIME, IGNORE_FILE, PackedArchive, pack};
pub use blob::BLOB_API_VERSION;
pub use error::{ArchiveError, BlobError, BlobOperation, DeployError, DeployFailure, DeployStep};
pub use image::{DEFAULT_REGISTRY, ImageTarget, REGISTRY_USERNAME};
pub use upload::{UploadOptions, UploadProgress};

use crate::Org;
use crate::wait::{DEPLOY_TIMEOUT, WaitOptions};

/// What a deploy does besides its folder: description, ignore patterns, upload and wait.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeployOptions {
    /// The deploy's description.
    pub description: Option<String>,
    /// Extra ignore patterns (gitignore syntax), after [`ALWAYS_IGNORED`] and [`IGNORE_FILE`].
    pub ignore: Vec<String>,
    /// How the archive is uploaded.
    pub upload: UploadOptions,
    /// How to wait for `DEPLOYED`; `None` returns the finalized deploy without waiting.
    /// Default: wait up to [`DEPLOY_TIMEOUT`].
    pub wait: Option<WaitOptions>,
}

impl Default for DeployOptions {
    fn default() -> Self {
        Self {
            description: None,
            ignore: Vec::new(),
            upload: UploadOptions::default(),
            wait: Some(WaitOptions::with_timeout(DEPLOY_TIMEOUT)),
        }
    }
}

/// A step of a deploy reached, for [`DeployRequest::on_progress`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeployProgress {
    /// The folder is packed.
    Packed {
        /// The archive's size in bytes.
        bytes: u64,
        /// How many files it holds.
        files: usize,
    },
    /// The deploy exists.
    Created {
        /// Its id.
        deploy_id: String,
    },
    /// More of the archive is stored.
    Uploaded(UploadProgress),
    /// The deploy is finalized with this blob version.
    Finalized {
        /// The version id sent.
        version: String,
    },
    /// The deploy's status, while waiting (each change).
    Status(String),
}

/// A progress callback.
type ProgressFn = Arc<dyn Fn(&DeployProgress) + Send + Sync>;

/// What is deployed: DAGs or a bundle.
#[derive(Clone, Debug)]
enum Kind {
    Dags,
    Bundle {
        mount_path: String,
        bundle_type: String,
    },
}

/// A deploy of a folder, configured by its methods and run by `.await`.
#[must_use = "a deploy does nothing until it is awaited"]
pub struct DeployRequest {
    org: Org,
    deployment_id: String,
    folder: PathBuf,
    kind: Kind,
    options: DeployOptions,
    progress: Option<ProgressFn>,
}

impl std::fmt::Debug for DeployRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeployRequest")
            .field("deployment_id", &self.deployment_id)
            .field("folder", &self.folder)
            .field("kind", &self.kind)
            .field("options", &self.options)
            .field("on_progress", &self.progress.is_some())
            .finish()
    }
}

impl DeployRequest {
    /// Replaces all the options at once.
    pub fn options(mut self, options: DeployOptions) -> Self {
        self.options = options;
        self
    }

    /// The deploy's description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.options.description = Some(description.into());
        self
    }

    /// Adds an ignore pattern (gitignore syntax, relative to the folder).
    pub fn ignore(mut self, pattern: impl Into<String>) -> Self {
        self.options.ignore.push(pattern.into());
        self
    }

    /// How the archive is uploaded.
    pub fn upload_options(mut self, upload: UploadOptions) -> Self {
        self.options.upload = upload;
        self
    }

    /// Waits for `DEPLOYED` with these options (the default waits up to [`DEPLOY_TIMEOUT`]).
    pub fn wait(mut self, wait: WaitOptions) -> Self {
        self.options.wait = Some(wait);
        self
    }

    /// Returns the finalized deploy without waiting for `DEPLOYED`.
    pub fn no_wait(mut self) -> Self {
        self.options.wait = None;
        self
    }

    /// Calls `callback` at each step and after each stored block.
    pub fn on_progress(
        mut self,
        callback: impl Fn(&DeployProgress) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    async fn run(self) -> Result<Deploy, DeployError> {
        let Self {
            org,
            deployment_id,
            folder,
            kind,
            options,
            progress,
        } = self;
        let report = move |event: DeployProgress| {
            tracing::info!(target: "astro_api::deploy", ?event, "deploy progress");
            if let Some(callback) = &progress {
                callback(&event);
            }
        };

        let packed = pack_folder(folder, options.ignore.clone()).await?;
        report(DeployProgress::Packed {
            bytes: packed.len,
            files: packed.files,
        });

        let created = create(&org, &deployment_id, &kind, options.description.clone()).await?;
        let id = created.id.clone();
        report(DeployProgress::Created {
            deploy_id: id.clone(),
        });
        let failed = |step, cause| DeployError::new(step, Some(&id), cause);

        let (url, field) = match kind {
            Kind::Dags => (created.dags_upload_url.as_ref(), "dagsUploadUrl"),
            Kind::Bundle { .. } => (created.bundle_upload_url.as_ref(), "bundleUploadUrl"),
        };
        let upload_failed = |error| failed(DeployStep::Upload, DeployFailure::Blob(error));
        // The upload URLs are secrets (their SAS signature grants writes): exposed only here.
        let url = url
            .map(|url| url.expose())
            .filter(|url| !url.trim().is_empty())
            .ok_or(BlobError::NoUploadUrl(field))
            .and_then(blob::BlobUrl::parse)
            .map_err(upload_failed)?;
        let http = blob::http_client(options.upload.connect_timeout).map_err(upload_failed)?;
        let file = tokio::fs::File::from_std(packed.file);
        let on_upload = |sent: UploadProgress| report(DeployProgress::Uploaded(sent));
        let version = upload::upload(&http, &url, file, packed.len, &options.upload, &on_upload)
            .await
            .map_err(upload_failed)?;

        let finalize = org
            .finalize_deploy()
            .deployment_id(&deployment_id)
            .deploy_id(&id);
        let finalize = match kind {
            Kind::Dags => finalize.body_map(|body| body.dag_tarball_version(Some(version.clone()))),
            Kind::Bundle { .. } => {
                finalize.body_map(|body| body.bundle_tarball_version(Some(version.clone())))
            }
        };
        let finalized = finalize
            .call()
            .await
            .map_err(|error| failed(DeployStep::Finalize, DeployFailure::Api(error)))?;
        report(DeployProgress::Finalized { version });

        let Some(wait) = options.wait else {
            return Ok(finalized);
        };
        let report = Arc::new(report);
        let on_status = Arc::clone(&report);
        org.wait_for_deploy(&deployment_id, &id)
            .options(wait)
            .on_progress(move |seen| on_status(DeployProgress::Status(seen.state.clone())))
            .await
            .map_err(|error| failed(DeployStep::Wait, DeployFailure::Wait(error)))
    }
}

impl IntoFuture for DeployRequest {
    type Output = Result<Deploy, DeployError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// Packs on a blocking thread.
async fn pack_folder(folder: PathBuf, ignore: Vec<String>) -> Result<PackedArchive, DeployError> {
    let packed = tokio::task::spawn_blocking(move || pack(&folder, &ignore))
        .await
        .unwrap_or_else(|joined| {
            Err(ArchiveError::Io {
                path: PathBuf::from("packing task"),
                source: std::io::Error::other(joined.to_string()),
            })
        });
    packed
        .map_err(|error| DeployError::new(DeployStep::Archive, None, DeployFailure::Archive(error)))
}

async fn create(
    org: &Org,
    deployment_id: &str,
    kind: &Kind,
    description: Option<String>,
) -> Result<Deploy, DeployError> {
    let create = org.create_deploy().deployment_id(deployment_id);
    let create = match kind {
        Kind::Dags => create.body_map(|body| {
            body.type_(CreateDeployRequestType::DagOnly)
                .description(description)
        }),
        Kind::Bundle {
            mount_path,
            bundle_type,
        } => create.body_map(|body| {
            body.type_(CreateDeployRequestType::Bundle)
                .description(description)
                .bundle_mount_path(Some(mount_path.clone()))
                .bundle_type(Some(bundle_type.clone()))
        }),
    };
    create
        .call()
        .await
        .map_err(|error| DeployError::new(DeployStep::Create, None, DeployFailure::Api(error)))
}

impl Org {
    /// A DAG-only deploy of `dags_folder` to a deployment (see the [module docs](crate::deploy)).
    /// Resolves to the deploy, `DEPLOYED` unless [`DeployRequest::no_wait`].
    pub fn deploy_dags(
        &self,
        deployment_id: impl Into<String>,
        dags_folder: impl Into<PathBuf>,
    ) -> DeployRequest {
        self.deploy_request(deployment_id.into(), dags_folder.into(), Kind::Dags)
    }

    /// A bundle deploy of `bundle_folder`, mounted at `mount_path` on the Airflow pods, of
    /// `bundle_type` (both required by the API for bundles). Same steps as
    /// [`Org::deploy_dags`], with `bundleUploadUrl` and `bundleTarballVersion`.
    pub fn deploy_bundle(
        &self,
        deployment_id: impl Into<String>,
        bundle_folder: impl Into<PathBuf>,
        mount_path: impl Into<String>,
        bundle_type: impl Into<String>,
    ) -> DeployRequest {
        let kind = Kind::Bundle {
            mount_path: mount_path.into(),
            bundle_type: bundle_type.into(),
        };
        self.deploy_request(deployment_id.into(), bundle_folder.into(), kind)
    }

    /// Creates an `IMAGE_ONLY` deploy and returns it with where to push the image. Log in to
    /// [`ImageTarget::registry`] as [`REGISTRY_USERNAME`] with the API token, push
    /// [`ImageTarget::reference`], then call `finalize_deploy` with the deploy's id.
    pub async fn create_image_deploy(
        &self,
        deployment_id: &str,
        description: Option<String>,
    ) -> Result<(Deploy, ImageTarget), DeployError> {
        let deploy = self
            .create_deploy()
            .deployment_id(deployment_id)
            .body_map(|body| {
                body.type_(CreateDeployRequestType::ImageOnly)
                    .description(description)
            })
            .call()
            .await
            .map_err(|error| {
                DeployError::new(DeployStep::Create, None, DeployFailure::Api(error))
            })?;
        match ImageTarget::of(&deploy) {
            Some(target) => Ok((deploy, target)),
            None => {
                let id = deploy.id.clone();
                Err(DeployError::new(
                    DeployStep::Create,
                    Some(&id),
                    DeployFailure::NoImageCoordinates,
                ))
            }
        }
    }

    fn deploy_request(&self, deployment_id: String, folder: PathBuf, kind: Kind) -> DeployRequest {
        DeployRequest {
            org: self.clone(),
            deployment_id,
            folder,
            kind,
            options: DeployOptions::default(),
            progress: None,
        }
    }
}
