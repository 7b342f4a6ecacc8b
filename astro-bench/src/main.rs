//! `astro-bench all | quick`: runs the benchmarks and writes the report.

use std::path::PathBuf;
use std::process::ExitCode;

use astro_bench::report::{self, Machine, Section};
use astro_bench::{
    build_cost, decode, downstream, growth, instructions, pagination, per_call, rate_limit, upload,
};
use clap::{Parser, ValueEnum};

/// Measures what the astro-api client costs next to the alternatives, and writes the report.
#[derive(Parser)]
struct Args {
    /// `all` (every part, build cost included: several minutes) or `quick` (fewer rounds, no
    /// build cost).
    #[arg(value_enum, default_value_t = Mode::Quick)]
    mode: Mode,
    /// Where to write the report (default: `BENCHMARKS.md` at the workspace root for `all`;
    /// `quick` prints it on stdout only unless given).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Runs only the parts whose name contains this text (such as `per-call`), for profiling.
    #[arg(long)]
    only: Option<String>,
    /// The throwaway target directory of the build-cost part (deleted before and after).
    #[arg(long)]
    build_target_dir: Option<PathBuf>,
    /// The earlier commit the default build is compared with (part 7).
    #[arg(long, default_value = growth::BEFORE_V1)]
    build_base: String,
    /// Internal: run as the child of part 1b, `VARIANT:CALLS`, under callgrind.
    #[arg(long, hide = true)]
    instructions_child: Option<String>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Mode {
    All,
    Quick,
}

/// One part of the benchmark: its name, and what runs it.
type Part<'a> = (
    &'static str,
    Box<dyn FnOnce() -> Result<Section, String> + 'a>,
);

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(child) = &args.instructions_child {
        let result = child
            .split_once(':')
            .and_then(|(variant, calls)| Some((variant, calls.parse().ok()?)))
            .ok_or_else(|| format!("--instructions-child takes VARIANT:CALLS, not {child}"))
            .and_then(|(variant, calls)| instructions::child(variant, calls));
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(reason) => {
                eprintln!("error: {reason}");
                ExitCode::FAILURE
            }
        };
    }
    let full = args.mode == Mode::All;
    let machine = Machine::describe();
    let root = workspace_root();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the client runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let per_call = per_call::Settings {
        rounds: if full { 21 } else { 5 },
        rust_calls: if full { 1000 } else { 300 },
        python_calls: if full { 300 } else { 100 },
        curl_calls: if full { 30 } else { 10 },
    };
    let decoding = decode::Settings {
        rounds: if full { 21 } else { 5 },
        decodes: if full { 10 } else { 4 },
    };
    let paging = pagination::Settings {
        rounds: if full { 9 } else { 3 },
    };
    let counted = instructions::Settings {
        short: if full { 100 } else { 50 },
        long: if full { 600 } else { 250 },
    };
    let mut parts: Vec<Part<'_>> = vec![
        (
            "1. per-call cost",
            Box::new(|| per_call::run(&rt, per_call)),
        ),
        (
            "1b. per-call instructions",
            Box::new(move || instructions::run(counted)),
        ),
        ("2. decoding", Box::new(|| decode::run(decoding))),
        ("3. pagination", Box::new(|| pagination::run(&rt, paging))),
        (
            "4. rate limiting",
            Box::new(|| rate_limit::run(&rt, if full { 3 } else { 1 })),
        ),
        ("8. upload", Box::new(|| upload::run(&rt))),
    ];
    if full {
        let target = args
            .build_target_dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("astro-bench-build-target"));
        let scratch = target.with_extension("programs");
        let (workspace, programs) = (root.clone(), root.clone());
        let (growth_root, base) = (root.clone(), args.build_base.clone());
        parts.push((
            "5. build cost",
            Box::new(move || build_cost::run(&workspace, &target)),
        ));
        let downstream_dir = scratch.clone();
        parts.push((
            "6. downstream build",
            Box::new(move || downstream::run(&programs, &downstream_dir, 2)),
        ));
        parts.push((
            "7. build growth",
            Box::new(move || growth::run(&growth_root, &scratch, &base, 2)),
        ));
    }
    if let Some(only) = &args.only {
        parts.retain(|(name, _)| name.contains(only.as_str()));
    }
    let mut sections = Vec::new();
    let mut failed = false;
    for (name, part) in parts {
        eprintln!("running {name}");
        match part() {
            Ok(section) => sections.push(section),
            Err(reason) => {
                eprintln!("error in {name}: {reason}");
                failed = true;
                let mut section = Section::new(format!("{name} (failed)"));
                section.paragraph(format!("This part failed: {reason}"));
                section.goal(format!("{name} ran"), "ran", "failed".into(), false);
                sections.push(section);
            }
        }
    }
    if !full && args.only.is_none() {
        let mut section = Section::new("5–7. Build cost");
        section.paragraph("Not measured: `quick` skips them (run `all`).");
        sections.push(section);
    }
    let command = format!(
        "cargo run --release -p astro-bench -- {}",
        if full { "all" } else { "quick" }
    );
    let text = report::render(&machine, &command, &sections);
    let out = args
        .out
        .or_else(|| full.then(|| root.join("BENCHMARKS.md")));
    match out {
        Some(path) => match std::fs::write(&path, &text) {
            Ok(()) => eprintln!("wrote {}", path.display()),
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        },
        None => print!("{text}"),
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
