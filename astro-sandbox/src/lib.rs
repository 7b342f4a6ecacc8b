//! A local, in-memory, stateful server of the whole Astro API, for examples, integration tests,
//! and your own tests.
//!
//! Every operation of the pinned OpenAPI documents is served, derived at start-up from the
//! documents themselves: a regenerated document that adds an operation is served without new
//! code. **Astro API v1** (one document, 75 operations) is mounted at `/v1`, the path of the
//! document's first server URL. With the cargo feature `v1beta1`, the deprecated Platform and
//! IAM v1beta1 documents are served too, at `/platform/v1beta1` and `/iam/v1beta1`, on the same
//! port and over the same store: an object created through v1 is seen through v1beta1, in that
//! version's shape. [`Sandbox::url`] is the host's root; [`Sandbox::api_url`] gives each API's
//! base URL (`api_url("astro")` is `http://127.0.0.1:PORT/v1`).
//!
//! - **Stateful**: collections (`…/workspaces`) and items (`…/workspaces/{workspaceId}`) are
//!   recognised from path shapes. Creates add an object (the request's fields over a sample of
//!   the object schema, a fresh id, `createdAt`/`updatedAt`), reads and updates see it,
//!   deletes remove it (then `404`). Lists page with `offset`, `limit` (default 20) and
//!   `totalCount`, honour `sorts`, and apply the filters described below. This covers v1's
//!   environment objects and deployment agent tokens as well as workspaces, deployments,
//!   teams, tokens and the rest. Actions on an item that answer with the item or with no body
//!   (rotate, finalize, rollback, exclude-linking) update the stored item (`404` if it is
//!   missing and the operation documents `404`).
//! - **Bulk and membership operations**, by rule: `<collection>/bulk-create` creates one object
//!   per item of its body's array, all or none (`409` when an item repeats an existing
//!   object's value, such as an allowed IP range); `<collection>/bulk-delete` deletes the
//!   listed ids (unknown ones are ignored); a body-less `POST` of ids to a collection without a
//!   create (`AddTeamMembers`) adds one object per id, with the fields of the organization's
//!   user of that id; `…/users/{userId}/teams` lists the teams whose members include the user.
//! - **Long-running work**: a created deployment is `CREATING` and becomes `HEALTHY` after it
//!   has been read ([`SandboxBuilder::settle_after`] times, 2 by default; `GET` of the item,
//!   lists do not count); an update moves a `HEALTHY` one to `DEPLOYING`, which settles the
//!   same way. Clusters go `CREATING` → `CREATED` (and `UPDATING` → `CREATED` on update); a
//!   deploy stays `INITIALIZED` until its finalize, then settles to `DEPLOYED`. Seeded objects
//!   start settled. [`Sandbox::script_statuses`] makes the next reads answer chosen statuses
//!   (failures, hibernation), and [`Sandbox::remove_after_reads`] makes an object disappear
//!   after some reads, as one being deleted does.
//! - **Secrets**: a deployment's `environmentVariables` are replaced by a create's or update's
//!   list (a variable left out is removed), but a variable sent without `value` keeps the
//!   value stored for its key, secret or not (`""` empties it); `updatedAt` changes only for variables whose value or `isSecret` changed.
//!   Secret values are never answered (the `value` field is left out), only stored:
//!   [`Sandbox::object`] shows them, and [`Sandbox::update_object`] changes a stored object
//!   as someone else would.
//! - **Roles**: UpdateUserRoles, UpdateTeamRoles and UpdateApiTokenRoles replace the roles of
//!   the stored user, team or token (a role list left out becomes empty; a role the subject
//!   cannot hold is `400`), and reads answer them. A created token holds its request's
//!   `role` on its `scope`; a created team without one is `ORGANIZATION_MEMBER`; the seeded
//!   user owns the seeded organization and workspace.
//! - **API token values**: CreateApiToken and RotateApiToken answer a fresh JWT-shaped `token`
//!   (claims `sub`, `iat`, and `exp` when the request gave `tokenExpiryPeriodInDays`); reads
//!   and lists never do. With [`SandboxBuilder::token`], the issued values that are current
//!   authenticate too; a rotated, deleted or expired one (its `exp` or the stored `endAt`
//!   passed) gets `401` saying why.
//! - **The caller**: `GET /v1/users/self` answers the seeded default user.
//! - **Synthesized answers**: a deployment's logs (`GetDeploymentLogs`) answer a few entries, a
//!   second apart and ending now, from the requested `sources`; the organization's audit logs
//!   (`GetOrganizationAuditLogs`) answer `application/octet-stream` bytes that are a
//!   gzip-compressed NDJSON file of a few records (`id`, `organizationId`, `timestamp` within
//!   `startDate`..`endDate`, `action`, `actor`, `target`, `requestId`: the document does not
//!   describe the records, so these fields are the sandbox's own). Other operations (options,
//!   hibernation overrides…) answer a sample of their success schema carrying
//!   the request's matching fields. Parent objects are not checked: listing under an unknown
//!   organization gives an empty page.
//! - **Samples are synthesized from the schemas** ([`astro_spec::samples`], valid by
//!   construction: formats, enums, required fields, bounds, `oneOf` alternatives with their
//!   discriminator): the v1 document has no examples.
//! - **Strict**: requests are checked against the document (required fields and parameters,
//!   types, enums, bounds, formats; see [`astro_spec::validate`]) and refused with `400` and a
//!   JSON `Error` naming the problem; a missing or non-bearer `Authorization` gives `401` (any
//!   token is accepted unless [`SandboxBuilder::token`] names one, see above); unknown paths
//!   `404`; wrong methods `405` with `Allow`. Every response is valid against the document
//!   and carries an `x-request-id` header (errors also carry it as `requestId`).
//! - **Deploy uploads**: with [`SandboxBuilder::blob_endpoint`], a created deploy carries a
//!   signed blob SAS URL (`dagsUploadUrl` or `bundleUploadUrl`, by its type) into a container of
//!   a real blob server, and every deploy image coordinates; [`blob`] runs Azurite and a
//!   recording, fault-injecting proxy in front of it that adds the version ids Azurite lacks.
//! - **Observable and breakable**: [`Sandbox::requests`] returns what clients sent, and
//!   [`Sandbox::inject`] plays [`Fault`]s (error statuses, plain-text errors, `409`
//!   conflicts such as a busy cluster's "workflow already running", `429` with
//!   `Retry-After`, delays) on the next calls of an operation.
//!
//! Operations are named by their `operationId`. v1 and v1beta1 share 59 ids; an unqualified id
//! names the v1 operation, and `platform:ListWorkspaces` or `iam:ListUsers` the v1beta1 one
//! (`astro:ListWorkspaces` is the v1 one, explicitly). [`Sandbox::operation_ids`] lists the
//! names of every served operation.
//!
//! A default organization, workspace and user are seeded from samples of the v1 schemas (see
//! [`Sandbox::organization_id`]).
//!
//! List filters are derived from the documents by rule, not listed by hand:
//! - an array parameter named like the plural of an item field filters on that field
//!   (`names` → `name`, `workspaceIds` → `workspaceId`, `scopeTypes` → `scopeType`);
//! - `<noun>Ids` of the listed collection itself filters on the id (`deploymentIds` on
//!   deployments, `workspaceIds` on workspaces);
//! - a scalar parameter named like an item field filters on equality (`product` and
//!   `supportPlan` on organizations, `objectType` and `objectKey` on environment objects).
//!
//! Other list parameters (such as `provider`, `includeOnlyOrganizationTokens`,
//! `includeDefaultRoles`, or `workspaceId` on items that have no such field) are checked but do
//! not filter; unknown query parameters are ignored.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = astro_sandbox::Sandbox::start().await?;
//! let base = sandbox.api_url("astro").expect("v1 is served"); // http://127.0.0.1:PORT/v1
//! let workspaces = format!("/v1/organizations/{}/workspaces", sandbox.organization_id());
//! sandbox.seed(&workspaces, serde_json::json!({"name": "Data team"})).expect("seeded");
//! // point a client at `base` with any bearer token...
//! assert!(sandbox.requests().is_empty());
//! # let _ = base;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod blob;
mod catalog;
mod crud;
mod env_vars;
mod handler;
mod ids;
mod inject;
mod items;
mod journal;
mod lifecycle;
mod listing;
mod records;
mod request;
mod resources;
mod roles;
mod schema;
mod server;
mod store;
mod synth;
mod template;
mod tokens;
mod uploads;

mod sandbox;

pub use inject::Fault;
pub use journal::RecordedRequest;
pub use sandbox::{Sandbox, SandboxBuilder, SeedError};
