//! The errors of a deploy: [`DeployError`] says which step failed and keeps the deploy id;
//! its cause is an [`ArchiveError`], a [`BlobError`], an API [`Error`] or a [`WaitError`].

use std::fmt;
use std::path::PathBuf;

use crate::Error;
use crate::wait::WaitError;

/// The steps of a deploy, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeployStep {
    /// Packing the folder into a tar.gz (before any request).
    Archive,
    /// `CreateDeploy`.
    Create,
    /// Uploading the archive to the deploy's upload URL.
    Upload,
    /// `FinalizeDeploy` with the blob's version id.
    Finalize,
    /// Waiting until the deploy is `DEPLOYED`.
    Wait,
}

impl fmt::Display for DeployStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Archive => "packing the folder",
            Self::Create => "creating the deploy",
            Self::Upload => "uploading the archive",
            Self::Finalize => "finalizing the deploy",
            Self::Wait => "waiting for the deploy",
        })
    }
}

/// Why a deploy stopped: the step, the deploy id (once the deploy exists) and the cause.
#[derive(Debug)]
pub struct DeployError {
    step: DeployStep,
    deploy_id: Option<String>,
    cause: DeployFailure,
}

/// The cause of a [`DeployError`].
#[derive(Debug)]
#[non_exhaustive]
pub enum DeployFailure {
    /// The folder could not be packed.
    Archive(ArchiveError),
    /// An Astro API call failed.
    Api(Error),
    /// The upload failed.
    Blob(BlobError),
    /// The wait for `DEPLOYED` failed.
    Wait(WaitError),
    /// An image deploy came without `imageRepository` or `imageTag`.
    NoImageCoordinates,
}

impl DeployError {
    pub(crate) fn new(step: DeployStep, deploy_id: Option<&str>, cause: DeployFailure) -> Self {
        Self {
            step,
            deploy_id: deploy_id.map(str::to_string),
            cause,
        }
    }

    /// The step that failed.
    pub fn step(&self) -> DeployStep {
        self.step
    }

    /// The deploy's id, when the deploy was created before the failure: retry the upload and
    /// finalize with it, or inspect it with `get_deploy`.
    pub fn deploy_id(&self) -> Option<&str> {
        self.deploy_id.as_deref()
    }

    /// The cause.
    pub fn cause(&self) -> &DeployFailure {
        &self.cause
    }
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.deploy_id {
            Some(id) => write!(f, "deploy {id} failed {}: ", self.step)?,
            None => write!(f, "deploy failed {}: ", self.step)?,
        }
        match &self.cause {
            DeployFailure::Archive(error) => write!(f, "{error}"),
            DeployFailure::Api(error) => write!(f, "{error}"),
            DeployFailure::Blob(error) => write!(f, "{error}"),
            DeployFailure::Wait(error) => write!(f, "{error}"),
            DeployFailure::NoImageCoordinates => {
                f.write_str("the deploy has no imageRepository or no imageTag")
            }
        }
    }
}

impl std::error::Error for DeployError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.cause {
            DeployFailure::Archive(error) => Some(error),
            DeployFailure::Api(error) => Some(error),
            DeployFailure::Blob(error) => Some(error),
            DeployFailure::Wait(error) => Some(error),
            DeployFailure::NoImageCoordinates => None,
        }
    }
}

/// Why a folder could not be packed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The folder does not exist.
    #[error("{} does not exist", .0.display())]
    Missing(PathBuf),
    /// The path is not a folder.
    #[error("{} is not a folder", .0.display())]
    NotAFolder(PathBuf),
    /// Nothing is left to deploy once the ignore rules are applied.
    #[error("{} has no files to deploy (after the ignore rules)", .0.display())]
    Empty(PathBuf),
    /// A symbolic link points outside the folder (or is absolute).
    #[error("the symbolic link {} points outside the folder (to {})", .link.display(), .target.display())]
    LinkOutside {
        /// The link, relative to the folder.
        link: PathBuf,
        /// Where it points.
        target: PathBuf,
    },
    /// An ignore pattern is not valid gitignore syntax.
    #[error("ignore pattern {pattern:?} is not valid: {message}")]
    Pattern {
        /// The pattern.
        pattern: String,
        /// Why.
        message: String,
    },
    /// Reading the folder or writing the archive failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

/// The Blob service operation a [`BlobError`] happened in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlobOperation {
    /// One request with the whole archive.
    PutBlob,
    /// One block of the archive.
    PutBlock,
    /// The commit of the blocks.
    PutBlockList,
}

impl fmt::Display for BlobOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::PutBlob => "Put Blob",
            Self::PutBlock => "Put Block",
            Self::PutBlockList => "Put Block List",
        })
    }
}

/// Why an upload to Azure Blob Storage failed. No variant carries the upload URL (its SAS
/// signature is a credential).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// The deploy has no upload URL (the deployment may not have DAG deploys enabled).
    #[error("the deploy has no {0}")]
    NoUploadUrl(&'static str),
    /// The upload URL is not a URL, or not HTTP(S).
    #[error("the upload URL is not a valid http(s) URL")]
    InvalidUrl,
    /// The upload URL is plain HTTP to a host that is not loopback.
    #[error("refusing to upload over plain http to {host} (only https, or http to loopback)")]
    InsecureUrl {
        /// The host.
        host: String,
    },
    /// The blob host answered an error status.
    #[error("{operation} answered {status}{}", .code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Status {
        /// The operation.
        operation: BlobOperation,
        /// The HTTP status.
        status: u16,
        /// The `x-ms-error-code`, if any.
        code: Option<String>,
    },
    /// The request failed on the way (timeout, reset, refused connection).
    #[error("{operation} failed on the way: {source}")]
    Transport {
        /// The operation.
        operation: BlobOperation,
        /// The error (without the URL).
        #[source]
        source: reqwest::Error,
    },
    /// Attempts ran out; the last failure is the source.
    #[error("gave up after {attempts} attempts: {last}")]
    GaveUp {
        /// How many attempts were made.
        attempts: u32,
        /// The last failure.
        #[source]
        last: Box<BlobError>,
    },
    /// The blob host answered success without `x-ms-version-id`, which finalizing needs
    /// (a storage account without blob versioning, or not Azure).
    #[error("the blob host did not answer an x-ms-version-id for the upload")]
    MissingVersionId,
    /// Reading the archive failed.
    #[error("reading the archive: {0}")]
    Read(#[source] std::io::Error),
    /// The HTTP client for the blob host could not be built.
    #[error("cannot build the HTTP client for the blob host: {0}")]
    Client(#[source] reqwest::Error),
}
