//! A local, in-memory, stateful server of the whole Astro API (Platform and IAM), for examples,
//! integration tests, and your own tests.
//!
//! Every operation of the pinned OpenAPI documents is served, derived at start-up from the
//! documents themselves: a regenerated document that adds an operation is served without new
//! code. The Platform API is mounted at `/platform/v1beta1` and the IAM API at `/iam/v1beta1` on
//! one port.
//!
//! - **Stateful**: collections (`…/workspaces`) and items (`…/workspaces/{workspaceId}`) are
//!   recognised from path shapes. Creates add an object (the request's fields over a sample of
//!   the response schema, a fresh id, `createdAt`/`updatedAt`), reads and updates see it,
//!   deletes remove it (then `404`). Lists page with `offset`, `limit` (default 20) and
//!   `totalCount`, honour `sorts`, and apply the filters described below.
//!   Actions on an item that answer with the item (rotate, finalize, rollback) update and return
//!   the stored item. Other operations (options, role updates, team members, hibernation
//!   overrides…) answer a sample of their success schema carrying the request's matching fields.
//!   Parent objects are not checked: listing under an unknown organization gives an empty page.
//! - **Strict**: requests are checked against the document (required fields and parameters,
//!   types, enums, bounds) and refused with `400` and a JSON `Error` naming the problem; a
//!   missing or non-bearer `Authorization` gives `401` (any token is accepted unless
//!   [`SandboxBuilder::token`] names one); unknown paths `404`; wrong methods
//!   `405` with `Allow`. Every response is valid against the document and carries an
//!   `x-request-id` header (errors also carry it as `requestId`).
//! - **Observable and breakable**: [`Sandbox::requests`] returns what clients sent, and
//!   [`Sandbox::inject`] plays [`Fault`]s (error statuses, plain-text errors, `429` with
//!   `Retry-After`, delays) on the next calls of an operation.
//!
//! A default organization, workspace and user are seeded from the documents' samples (see
//! [`Sandbox::organization_id`]).
//!
//! List filters are derived from the documents by rule, not listed by hand:
//! - an array parameter named like the plural of an item field filters on that field
//!   (`names` → `name`, `workspaceIds` → `workspaceId`, `scopeTypes` → `scopeType`);
//! - `<noun>Ids` of the listed collection itself filters on the id (`deploymentIds` on
//!   deployments, `workspaceIds` on workspaces);
//! - a scalar parameter named like an item field filters on equality (`product` and
//!   `supportPlan` on organizations).
//!
//! Other list parameters (such as `provider`, `includeOnlyOrganizationTokens`,
//! `includeDefaultRoles`, or `workspaceId` on items that have no such field) are checked but do
//! not filter; unknown query parameters are ignored.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = astro_sandbox::Sandbox::start().await?;
//! let workspaces = format!("/platform/v1beta1/organizations/{}/workspaces", sandbox.organization_id());
//! sandbox.seed(&workspaces, serde_json::json!({"name": "Data team"})).expect("seeded");
//! // point a client at sandbox.url() with any bearer token...
//! assert!(sandbox.requests().is_empty());
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod catalog;
mod crud;
mod handler;
mod ids;
mod inject;
mod journal;
mod listing;
mod records;
mod request;
mod resources;
mod schema;
mod server;
mod store;
mod synth;
mod template;

mod sandbox;

pub use inject::Fault;
pub use journal::RecordedRequest;
pub use sandbox::{Sandbox, SandboxBuilder, SeedError};
