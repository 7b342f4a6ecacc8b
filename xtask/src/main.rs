//! `cargo xtask`: the project's tasks. See `cargo xtask --help`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = xtask::Cli::parse();
    match xtask::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
