//! `astro-sandbox`: runs the sandbox server of the Astro API until interrupted.

use clap::Parser;

/// A local, in-memory, stateful server of Astro API v1 (and v1beta1 when built with the
/// `v1beta1` feature).
///
/// Prints the root URL on the first line of standard output, then one line per API:
/// `<name> <url>` (`astro http://127.0.0.1:PORT/v1`, and `platform …/platform/v1beta1` and
/// `iam …/iam/v1beta1` with the feature).
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The port of 127.0.0.1 to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Start with no default organization or workspace.
    #[arg(long)]
    empty: bool,
    /// Accept only this bearer token (by default any token is accepted).
    #[arg(long)]
    token: Option<String>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let mut builder = astro_sandbox::Sandbox::builder().port(args.port);
    if args.empty {
        builder = builder.without_defaults();
    }
    if let Some(token) = args.token {
        builder = builder.token(token);
    }
    let sandbox = match builder.start().await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("astro-sandbox: could not start: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("{}", sandbox.url());
    for api in sandbox.api_names() {
        println!("{api} {}", sandbox.api_url(&api).unwrap_or_default());
    }
    if !args.empty {
        eprintln!(
            "astro-sandbox: organization {} with workspace {}",
            sandbox.organization_id(),
            sandbox.workspace_id(),
        );
    }
    match tokio::signal::ctrl_c().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("astro-sandbox: cannot wait for Ctrl-C: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
