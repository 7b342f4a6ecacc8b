//! `astro-sandbox`: runs the sandbox server of the Astro API until interrupted.

use clap::Parser;

/// A local, in-memory, stateful server of the Astro Platform and IAM APIs.
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
    if !args.empty {
        eprintln!(
            "astro-sandbox: organization {} with workspace {}; Astro API v1 at {}",
            sandbox.organization_id(),
            sandbox.workspace_id(),
            sandbox.api_url("astro").unwrap_or_default(),
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
