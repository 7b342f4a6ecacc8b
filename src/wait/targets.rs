//! What each waiter waits for: the statuses that end a wait, and the `Org` methods.
//!
//! The rules, from Astronomer's documented statuses:
//! - **deployment ready**: `HEALTHY`; `HIBERNATING` too when the deployment is in development
//!   mode (the only deployments that hibernate). `UNHEALTHY` fails the wait, unless the wait
//!   saw the deployment `CREATING` (a deployment still coming up has never been healthy, so
//!   it may yet become so). Every other status (`CREATING`, `DEPLOYING`, `UNKNOWN`) waits.
//! - **cluster ready**: `CREATED`, or `UPGRADE_PENDING` (created and usable, with an upgrade
//!   offered). `CREATE_FAILED`, `UPDATE_FAILED`, `FAILOVER_FAILED` and `ACCESS_DENIED` fail
//!   the wait; `CREATING`, `UPDATING` and `FAILING_OVER` wait.
//! - **deploy done**: `DEPLOYED`; `FAILED` fails the wait; `INITIALIZED` waits.
//! - **gone**: the GET answers `404`.

use std::future::Future;
use std::time::Duration;

use astro_api_core::Error;

use super::poll::{ABSENT, Judgement, Target, Verdict, poll};
use super::{Seen, Wait, WaitError, WaitErrorKind, WaitOptions, observe};
use crate::Org;

/// Default timeout of [`Org::wait_for_deployment`].
pub const DEPLOYMENT_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Default timeout of [`Org::wait_for_cluster`] (creating a dedicated cluster can take an hour).
pub const CLUSTER_TIMEOUT: Duration = Duration::from_secs(2 * 60 * 60);
/// Default timeout of [`Org::wait_for_deploy`].
pub const DEPLOY_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Default timeout of the waits for deletion.
pub const GONE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The verdict on a deployment status.
pub(crate) fn deployment_verdict(
    status: &str,
    development_mode: bool,
    seen_creating: bool,
) -> Verdict {
    match status {
        "HEALTHY" => Verdict::Ready,
        "HIBERNATING" if development_mode => Verdict::Ready,
        "UNHEALTHY" if !seen_creating => Verdict::Failed,
        _ => Verdict::Pending,
    }
}

/// The verdict on a cluster status.
pub(crate) fn cluster_verdict(status: &str) -> Verdict {
    match status {
        "CREATED" | "UPGRADE_PENDING" => Verdict::Ready,
        "CREATE_FAILED" | "UPDATE_FAILED" | "FAILOVER_FAILED" | "ACCESS_DENIED" => Verdict::Failed,
        _ => Verdict::Pending,
    }
}

/// The verdict on a deploy status.
pub(crate) fn deploy_verdict(status: &str) -> Verdict {
    match status {
        "DEPLOYED" => Verdict::Ready,
        "FAILED" => Verdict::Failed,
        _ => Verdict::Pending,
    }
}

/// The name of the state of a resource that came without a status.
pub(crate) const NO_STATUS: &str = "(no status)";

/// A status's name and whether this version does not know it; a missing status is unknown.
fn state(status: Option<(&str, bool)>) -> (String, bool) {
    match status {
        Some((name, unknown)) => (name.to_string(), unknown),
        None => (NO_STATUS.to_string(), true),
    }
}

/// A judge for ready-waiters: `404` before the first sighting waits, after it fails.
fn ready_judge<T>(
    mut judge_present: impl FnMut(&T) -> (String, Verdict, bool),
) -> impl FnMut(&Seen<T>) -> Judgement {
    let mut seen_once = false;
    move |seen| match seen {
        Seen::Present(resource) => {
            seen_once = true;
            let (state, verdict, unknown) = judge_present(resource);
            Judgement {
                state,
                verdict,
                unknown,
            }
        }
        Seen::Absent => Judgement {
            state: ABSENT.to_string(),
            verdict: if seen_once {
                Verdict::Vanished
            } else {
                Verdict::Pending
            },
            unknown: false,
        },
    }
}

/// A judge for gone-waiters: `404` is the target.
fn gone_judge<T>(mut state: impl FnMut(&T) -> String) -> impl FnMut(&Seen<T>) -> Judgement {
    move |seen| match seen {
        Seen::Present(resource) => Judgement {
            state: state(resource),
            verdict: Verdict::Pending,
            unknown: false,
        },
        Seen::Absent => Judgement {
            state: ABSENT.to_string(),
            verdict: Verdict::Ready,
            unknown: false,
        },
    }
}

/// The resource of a ready observation (a ready verdict is only given to a present one).
fn present<T>(seen: Seen<T>, target: &Target<'_>) -> Result<T, WaitError> {
    match seen {
        Seen::Present(resource) => Ok(resource),
        Seen::Absent => Err(WaitError::new(
            WaitErrorKind::Vanished,
            target.resource,
            target.id,
            Some(ABSENT.to_string()),
            Duration::ZERO,
            0,
            None,
        )),
    }
}

/// A wait for a resource to reach a ready state: `read` is its GET, `judge` names the state of
/// what it read, says what it means, and whether the state is unknown to this version.
fn ready_wait<T, F, Fut, J>(
    resource: &'static str,
    id: String,
    timeout: Duration,
    mut read: F,
    judge: J,
) -> Wait<T>
where
    T: Send + 'static,
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
    J: FnMut(&T) -> (String, Verdict, bool) + Send + 'static,
{
    Wait::new(
        WaitOptions::with_timeout(timeout),
        move |options, progress| {
            Box::pin(async move {
                let target = Target { resource, id: &id };
                let judge = ready_judge(judge);
                let seen = poll(
                    target,
                    &options,
                    progress.as_ref(),
                    || observe(read()),
                    judge,
                )
                .await?;
                present(seen, &Target { resource, id: &id })
            })
        },
    )
}

/// A wait for a resource to be gone: `read` is its GET, polled until it answers `404`;
/// `state` names the state of what it read meanwhile.
fn gone_wait<T, F, Fut>(
    resource: &'static str,
    id: String,
    mut read: F,
    state: fn(&T) -> String,
) -> Wait<()>
where
    T: Send + 'static,
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
{
    Wait::new(
        WaitOptions::with_timeout(GONE_TIMEOUT),
        move |options, progress| {
            Box::pin(async move {
                let target = Target { resource, id: &id };
                let judge = gone_judge(state);
                poll(
                    target,
                    &options,
                    progress.as_ref(),
                    || observe(read()),
                    judge,
                )
                .await?;
                Ok(())
            })
        },
    )
}

/// The state of an open-enum status field (`Option<E>`): its name and whether it is unknown.
macro_rules! status_of {
    ($status:expr) => {
        state($status.as_ref().map(|s| (s.as_str(), s.is_unknown())))
    };
}

#[cfg(feature = "platform")]
mod platform {
    use astro_platform::types::{Cluster, Deploy, Deployment};

    use super::*;

    impl Org {
        /// Waits until a deployment is ready: `HEALTHY`, or `HIBERNATING` when it is in
        /// development mode. Fails on `UNHEALTHY` unless the wait saw it `CREATING` (see the
        /// [module docs](crate::wait)). Default timeout [`DEPLOYMENT_TIMEOUT`] (30 min).
        pub fn wait_for_deployment(&self, deployment_id: impl Into<String>) -> Wait<Deployment> {
            let (org, id) = (self.clone(), deployment_id.into());
            let read = read_deployment(org, id.clone());
            let mut seen_creating = false;
            ready_wait(
                "deployment",
                id,
                DEPLOYMENT_TIMEOUT,
                read,
                move |deployment| {
                    let (status, unknown) = status_of!(deployment.status);
                    seen_creating |= status == "CREATING";
                    let development = deployment.is_development_mode == Some(true);
                    let verdict = deployment_verdict(&status, development, seen_creating);
                    (status, verdict, unknown)
                },
            )
        }

        /// Waits until a cluster is ready: `CREATED` or `UPGRADE_PENDING`. Fails on
        /// `CREATE_FAILED`, `UPDATE_FAILED`, `FAILOVER_FAILED` and `ACCESS_DENIED`. Default
        /// timeout [`CLUSTER_TIMEOUT`] (2 h).
        pub fn wait_for_cluster(&self, cluster_id: impl Into<String>) -> Wait<Cluster> {
            let (org, id) = (self.clone(), cluster_id.into());
            let read = read_cluster(org, id.clone());
            ready_wait("cluster", id, CLUSTER_TIMEOUT, read, |cluster: &Cluster| {
                let (status, unknown) = status_of!(cluster.status);
                let verdict = cluster_verdict(&status);
                (status, verdict, unknown)
            })
        }

        /// Waits until a deploy is `DEPLOYED`; fails when it is `FAILED`. Default timeout
        /// [`DEPLOY_TIMEOUT`] (30 min).
        pub fn wait_for_deploy(
            &self,
            deployment_id: impl Into<String>,
            deploy_id: impl Into<String>,
        ) -> Wait<Deploy> {
            let (org, deployment, id) = (self.clone(), deployment_id.into(), deploy_id.into());
            let deploy = id.clone();
            let read = move || {
                let (org, deployment, deploy) = (org.clone(), deployment.clone(), deploy.clone());
                async move {
                    let request = org.get_deploy().deployment_id(&deployment);
                    request.deploy_id(&deploy).call().await
                }
            };
            ready_wait("deploy", id, DEPLOY_TIMEOUT, read, |deploy: &Deploy| {
                let (status, unknown) = status_of!(deploy.status);
                let verdict = deploy_verdict(&status);
                (status, verdict, unknown)
            })
        }

        /// Waits until a deployment is gone (its GET answers `404`), as after
        /// `delete_deployment`. Default timeout [`GONE_TIMEOUT`] (30 min).
        pub fn wait_for_deployment_gone(&self, deployment_id: impl Into<String>) -> Wait<()> {
            let (org, id) = (self.clone(), deployment_id.into());
            let read = read_deployment(org, id.clone());
            gone_wait("deployment", id, read, |d: &Deployment| {
                status_of!(d.status).0
            })
        }

        /// Waits until a cluster is gone (its GET answers `404`), as after `delete_cluster`.
        /// Default timeout [`GONE_TIMEOUT`] (30 min).
        pub fn wait_for_cluster_gone(&self, cluster_id: impl Into<String>) -> Wait<()> {
            let (org, id) = (self.clone(), cluster_id.into());
            let read = read_cluster(org, id.clone());
            gone_wait("cluster", id, read, |c: &Cluster| status_of!(c.status).0)
        }
    }

    /// A deployment's GET, as a reader a wait can call again and again.
    fn read_deployment(
        org: Org,
        id: String,
    ) -> impl FnMut() -> BoxRead<Deployment> + Send + 'static {
        move || {
            let (org, id) = (org.clone(), id.clone());
            Box::pin(async move { org.get_deployment().deployment_id(&id).call().await })
        }
    }

    /// A cluster's GET, as a reader a wait can call again and again.
    fn read_cluster(org: Org, id: String) -> impl FnMut() -> BoxRead<Cluster> + Send + 'static {
        move || {
            let (org, id) = (org.clone(), id.clone());
            Box::pin(async move { org.get_cluster().cluster_id(&id).call().await })
        }
    }

    /// The future of one read.
    type BoxRead<T> = std::pin::Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;
}

/// Waits until any resource is gone: `read` is its GET (any operation builder's `call()`),
/// polled until it answers `404`. Default timeout [`GONE_TIMEOUT`] (30 min).
///
/// ```no_run
/// # async fn run(org: astro_api::Org) -> Result<(), Box<dyn std::error::Error>> {
/// org.delete_workspace().workspace_id("clworkspace1").call().await?;
/// let reader = org.clone();
/// astro_api::wait::until_gone("workspace", "clworkspace1", move || {
///     let org = reader.clone();
///     async move { org.get_workspace().workspace_id("clworkspace1").call().await }
/// })
/// .await?;
/// # Ok(()) }
/// ```
pub fn until_gone<T, F, Fut>(resource: &'static str, id: impl Into<String>, read: F) -> Wait<()>
where
    T: Send + 'static,
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
{
    gone_wait(resource, id.into(), read, |_: &T| "present".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_statuses() {
        assert_eq!(deployment_verdict("HEALTHY", false, false), Verdict::Ready);
        assert_eq!(
            deployment_verdict("HIBERNATING", true, false),
            Verdict::Ready
        );
        assert_eq!(
            deployment_verdict("HIBERNATING", false, false),
            Verdict::Pending
        );
        assert_eq!(
            deployment_verdict("UNHEALTHY", false, false),
            Verdict::Failed
        );
        assert_eq!(
            deployment_verdict("UNHEALTHY", false, true),
            Verdict::Pending
        );
        for pending in ["CREATING", "DEPLOYING", "UNKNOWN", "SOMETHING_NEW"] {
            assert_eq!(deployment_verdict(pending, false, false), Verdict::Pending);
        }
    }

    #[test]
    fn cluster_and_deploy_statuses() {
        for ready in ["CREATED", "UPGRADE_PENDING"] {
            assert_eq!(cluster_verdict(ready), Verdict::Ready);
        }
        for failed in [
            "CREATE_FAILED",
            "UPDATE_FAILED",
            "FAILOVER_FAILED",
            "ACCESS_DENIED",
        ] {
            assert_eq!(cluster_verdict(failed), Verdict::Failed);
        }
        for pending in ["CREATING", "UPDATING", "FAILING_OVER", "NEW_STATE"] {
            assert_eq!(cluster_verdict(pending), Verdict::Pending);
        }
        assert_eq!(deploy_verdict("DEPLOYED"), Verdict::Ready);
        assert_eq!(deploy_verdict("FAILED"), Verdict::Failed);
        assert_eq!(deploy_verdict("INITIALIZED"), Verdict::Pending);
    }

    #[test]
    fn a_404_waits_before_the_first_sighting_and_fails_after() {
        let mut judge = ready_judge(|_: &u8| ("X".to_string(), Verdict::Pending, false));
        assert_eq!(judge(&Seen::Absent).verdict, Verdict::Pending);
        assert_eq!(judge(&Seen::Present(1)).verdict, Verdict::Pending);
        assert_eq!(judge(&Seen::Absent).verdict, Verdict::Vanished);
    }
}
