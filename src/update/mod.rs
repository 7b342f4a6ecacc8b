//! Safe read-modify-write updates.
//!
//! Astro's update operations replace the whole object: `UpdateDeployment` takes the complete
//! configuration, and the role updates take the complete set of roles. Editing one thing means
//! reading the object, turning it into a request without losing anything, changing one field
//! and writing it all back. These helpers do that:
//! - [`update_request`] turns a `Deployment` into the `UpdateDeploymentRequest` that keeps it
//!   as it is (secret environment variables are sent without a value, which keeps the stored
//!   one);
//! - [`Org::update_deployment_with`](crate::Org::update_deployment_with) reads, converts,
//!   lets a closure edit and writes;
//! - [`EnvironmentVariables`] edits a request's variables (`set`, `set_secret`, `remove`),
//!   and `Org::set_env_var` and friends do a whole update for one variable;
//! - the role grants of [`crate::roles`] do the same for one role of a user, team or token.
//!
//! **Concurrent changes.** The Astro API has no conditional update (no ETag, no version to
//! send back), so the last write wins: a change someone else makes between this read and
//! this write is overwritten with the values read. The window is one GET and one POST long,
//! as the edit is a synchronous closure; keep one writer per deployment to avoid it.

#[cfg(feature = "platform")]
mod deployment;
#[cfg(feature = "platform")]
mod env_vars;
#[cfg(any(feature = "platform", feature = "iam"))]
mod project;

#[cfg(feature = "platform")]
pub use deployment::update_request;
#[cfg(feature = "platform")]
pub use env_vars::EnvironmentVariables;
#[cfg(any(feature = "platform", feature = "iam"))]
pub(crate) use project::project;
