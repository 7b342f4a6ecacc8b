//! `cargo xtask`: the project's tasks. See `cargo xtask --help`.

mod fetch;
mod regen;
mod source;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Tasks of the astro-api workspace")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

/// Where spec documents come from, shared by the tasks that read them.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct SourceArgs {
    /// A spec file (with --api) or a mirror directory laid out as <api>/<version>.yaml.
    /// Otherwise $ASTRO_SPEC_MIRROR (directory or base URL), then the upstream URL.
    #[arg(long, value_name = "PATH")]
    from: Option<PathBuf>,
    /// Only this API (a name from openapi/pins.toml).
    #[arg(long, value_name = "NAME")]
    api: Option<String>,
}

#[derive(Subcommand)]
enum Task {
    /// Put the pinned spec documents in place, checking their sha256 against the pins.
    Fetch {
        #[command(flatten)]
        source: SourceArgs,
        /// Fetch and check every document even when a copy is already in place.
        #[arg(long)]
        locked: bool,
    },
    /// Refresh the specs from the source, check them, and update the pins.
    Regen {
        #[command(flatten)]
        source: SourceArgs,
        /// Change nothing; exit non-zero when the source differs from the pins.
        #[arg(long)]
        check: bool,
    },
    /// The main job: fetch the pinned specs if missing, then run the getting-started
    /// walk-through (against a local sandbox unless ASTRO_API_TOKEN is set).
    Walkthrough {
        /// Arguments passed on to the walk-through.
        #[arg(trailing_var_arg = true)]
        args: Vec<String>,
    },
    /// Fetch the pinned specs if missing, then run the whole test suite.
    Test,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace::root();
    let result = match cli.task {
        Task::Fetch { source, locked } => fetch::run(&root, &source, locked),
        Task::Regen { source, check } => regen::run(&root, &source, check),
        Task::Walkthrough { args } => workspace::ensure_specs(&root).and_then(|()| {
            let mut command = vec!["run", "--quiet", "--example", "getting_started", "--"];
            command.extend(args.iter().map(String::as_str));
            workspace::cargo(&root, &command)
        }),
        Task::Test => workspace::ensure_specs(&root)
            .and_then(|()| workspace::cargo(&root, &["test", "--workspace", "--all-targets"]))
            .and_then(|()| workspace::cargo(&root, &["test", "--workspace", "--doc"])),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
