//! The project's tasks (`cargo xtask --help`), as a library so that tests can run them against
//! a temporary workspace.
#![warn(missing_docs)]

pub mod azurite;
pub mod changelog;
pub mod changes;
pub mod crate_version;
pub mod diff;
pub mod fetch;
pub mod files;
pub mod pregenerate;
pub mod regen;
pub mod source;
pub mod workspace;

use std::path::PathBuf;

/// The second half of `cargo xtask test`: the crates that have the `v1beta1` feature, tested
/// with it on (the deprecated v1beta1 clients, their facade scope, sandbox and conformance).
const V1BETA1_TESTS: [&str; 12] = [
    "test",
    "-p",
    "astro-api",
    "-p",
    "astro-sandbox",
    "-p",
    "astro-conformance",
    "-p",
    "astro-fuzz",
    "--all-targets",
    "--features",
    "astro-api/v1beta1,astro-sandbox/v1beta1,astro-conformance/v1beta1,astro-fuzz/v1beta1",
];

use clap::{Parser, Subcommand};

/// The command line.
#[derive(Parser, Debug)]
#[command(about = "Tasks of the astro-api workspace")]
pub struct Cli {
    /// The workspace to act on (default: the one this xtask belongs to).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The task.
    #[command(subcommand)]
    pub task: Task,
}

/// Where spec documents come from, shared by the tasks that read them.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct SourceArgs {
    /// A spec file (with --api) or a mirror directory laid out as `<api>/<version>.yaml`.
    /// Otherwise $ASTRO_SPEC_MIRROR (directory or base URL), then the upstream URL.
    #[arg(long, value_name = "PATH")]
    pub from: Option<PathBuf>,
    /// Only this API (a name from openapi/pins.toml).
    #[arg(long, value_name = "NAME")]
    pub api: Option<String>,
}

/// One task.
#[derive(Subcommand, Debug)]
pub enum Task {
    /// Put the pinned spec documents in place, checking their sha256 against the pins.
    Fetch {
        /// Where the documents come from.
        #[command(flatten)]
        source: SourceArgs,
        /// Fetch and check every document even when a copy is already in place.
        #[arg(long)]
        locked: bool,
    },
    /// Refresh the specs from the source, check them, report what changed for users, and
    /// update the pins, the crate versions and openapi/CHANGES.md.
    Regen {
        /// Where the documents come from.
        #[command(flatten)]
        source: SourceArgs,
        /// Change nothing; print the report and exit non-zero when the source differs from
        /// the pins.
        #[arg(long)]
        check: bool,
    },
    /// Print the change report between spec files (read-only): `diff OLD NEW`, or several older
    /// documents compared as one API, such as the migration from v1beta1 to v1:
    /// `diff platform/v1beta1.yaml iam/v1beta1.yaml astro/v1.0.yaml`.
    Diff {
        /// The older document, or several: they are merged first (their operations and schemas
        /// together; a name two of them define differently is an error).
        #[arg(required = true, num_args = 1.., value_name = "OLD")]
        old: Vec<PathBuf>,
        /// The newer document.
        #[arg(value_name = "NEW")]
        new: PathBuf,
        /// The pins file the older documents were generated with, for their secret fields
        /// (default: the current `openapi/pins.toml`). With an earlier copy of it, the report
        /// shows the fields that became secret (or stopped being) as type changes.
        #[arg(long, value_name = "FILE")]
        old_pins: Option<PathBuf>,
    },
    /// The main job: fetch the pinned specs if missing, then run the getting-started
    /// walk-through (against a local sandbox unless ASTRO_API_TOKEN is set).
    Walkthrough {
        /// Arguments passed on to the walk-through.
        #[arg(trailing_var_arg = true)]
        args: Vec<String>,
    },
    /// Fetch the pinned specs and install Azurite (`tools/azurite`) if missing, then run the
    /// whole test suite.
    Test,
}

/// Runs a parsed command line; the error is one line.
pub fn run(cli: Cli) -> Result<(), String> {
    let root = cli.root.unwrap_or_else(workspace::root);
    match cli.task {
        Task::Fetch { source, locked } => fetch::run(&root, &source, locked),
        Task::Regen { source, check } => regen::run(&root, &source, check),
        Task::Diff { old, new, old_pins } => diff::run(&root, &old, &new, old_pins.as_deref()),
        Task::Walkthrough { args } => fetch::ensure(&root).and_then(|()| {
            let mut command = vec!["run", "--quiet", "--example", "getting_started"];
            // The v1beta1 walk-through is compiled only with the feature that generates v1beta1.
            if args.iter().any(|arg| arg.contains("v1beta1")) {
                command.extend(["--features", "v1beta1,astro-sandbox/v1beta1"]);
            }
            command.push("--");
            command.extend(args.iter().map(String::as_str));
            workspace::cargo(&root, &command)
        }),
        Task::Test => fetch::ensure(&root)
            .and_then(|()| azurite::ensure(&root))
            .and_then(|()| workspace::cargo(&root, &["test", "--workspace", "--all-targets"]))
            .and_then(|()| workspace::cargo(&root, &["test", "--workspace", "--doc"]))
            .and_then(|()| workspace::cargo(&root, &V1BETA1_TESTS)),
    }
}
