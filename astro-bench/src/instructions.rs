//! Part 1b: the per-call cost of part 1 counted in instructions, which other work on a shared
//! machine does not move the way it moves CPU time. Each Rust variant runs in a child process
//! of this benchmark under valgrind's callgrind (`--separate-threads=yes`), once making `short`
//! calls and once `long`; the difference between the two counts of the client thread (the main
//! thread: the server has its own), divided by the difference in calls, is what one call costs,
//! without start-up, set-up and warm-up.

use std::path::Path;
use std::process::Command;

use bytes::Bytes;

use crate::per_call::{RustClients, Variant, page_body};
use crate::report::Section;
use crate::server::{Fixed, LocalServer};

/// Calls every child makes before the counted ones, to open the connection and fill caches.
const WARM_UP: usize = 20;

/// How many calls the two runs of each variant make.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Calls of the shorter run.
    pub short: usize,
    /// Calls of the longer run.
    pub long: usize,
}

/// The child's side: serves the page, makes `WARM_UP` and then `calls` calls of the variant
/// named `variant` (see `Variant::name`) on this thread, and returns.
pub fn child(variant: &str, calls: usize) -> Result<(), String> {
    let variant = Variant::RUST
        .into_iter()
        .find(|v| v.name() == variant)
        .ok_or_else(|| format!("no variant named {variant}"))?;
    let server = LocalServer::start(Fixed(Bytes::from(page_body()?)))
        .map_err(|e| format!("cannot start the local server: {e}"))?;
    let clients = RustClients::new(&server.base_url())?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the client runtime: {e}"))?;
    rt.block_on(async {
        for _ in 0..WARM_UP + calls {
            clients.call(variant).await?;
        }
        Ok(())
    })
}

/// The instructions (`Ir`) of the main thread of a child making `calls` calls of `variant`.
fn count(dir: &Path, variant: Variant, calls: usize) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let out_file = dir.join(format!("callgrind.{}.{calls}", variant.name()));
    let out = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--separate-threads=yes")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(&exe)
        .arg("--instructions-child")
        .arg(format!("{}:{calls}", variant.name()))
        .output()
        .map_err(|e| format!("cannot run valgrind: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "the {} child under callgrind failed: {}",
            variant.name(),
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .rev()
                .take(5)
                .collect::<Vec<_>>()
                .join(" / ")
        ));
    }
    let main_thread = format!("{}-01", out_file.display());
    let text = std::fs::read_to_string(&main_thread)
        .map_err(|e| format!("cannot read {main_thread}: {e}"))?;
    instructions(&text).ok_or_else(|| format!("{main_thread} has no `summary:` or `totals:` line"))
}

/// The total instruction count of a callgrind output file: the first figure of its
/// `summary:` (or, failing that, `totals:`) line.
fn instructions(text: &str) -> Option<u64> {
    let figure = |prefix: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|first| first.parse().ok())
    };
    figure("summary:").or_else(|| figure("totals:"))
}

fn valgrind_version() -> Option<String> {
    let out = Command::new("valgrind").arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Runs part 1b.
pub fn run(settings: Settings) -> Result<Section, String> {
    let mut section = Section::new("1b. Per-call cost in instructions");
    let Some(version) = valgrind_version() else {
        section.paragraph("Not measured: no `valgrind` on the PATH.");
        return Ok(section);
    };
    let dir = std::env::temp_dir().join(format!("astro-bench-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let result = measure(&dir, settings, &mut section);
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    section.paragraph(format!(
        "Each variant of part 1 (same server, page, clients and settings) runs in a child \
         process under `valgrind --tool=callgrind --separate-threads=yes` ({version}), making \
         {WARM_UP} warm-up calls and then {} or {} calls; instructions per call are the \
         difference between the two runs' counts for the client thread (the `Ir` total of its \
         `-01` file) over the {} calls between them. Instruction counts are close to \
         deterministic, so they settle what CPU time on a shared machine cannot; they weigh every \
         instruction alike, cache misses and system calls' kernel time are not in them.",
        settings.short,
        settings.long,
        settings.long - settings.short
    ));
    Ok(section)
}

fn measure(dir: &Path, settings: Settings, section: &mut Section) -> Result<(), String> {
    let calls = (settings.long - settings.short) as f64;
    let mut per_call = Vec::new();
    for variant in Variant::RUST {
        eprintln!("  callgrind: {}", variant.name());
        let short = count(dir, variant, settings.short)?;
        let long = count(dir, variant, settings.long)?;
        per_call.push((variant, long.saturating_sub(short) as f64 / calls));
    }
    let floor = per_call[0].1;
    let mut rows = Vec::new();
    for &(variant, instructions) in &per_call {
        let ratio = instructions / floor;
        rows.push(vec![
            variant.label().to_string(),
            format!("{:.0}", instructions),
            format!("{ratio:.3}×"),
        ]);
        if let Some(goal) = variant.goal() {
            section.goal(
                format!(
                    "Per call, {}: client instructions vs the floor",
                    variant.label()
                ),
                &format!("≤ {goal:.2}×"),
                format!("{ratio:.3}×"),
                ratio <= goal,
            );
        }
    }
    section.table(&["Variant", "Instructions per call", "× floor"], &rows);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_instruction_total_of_a_callgrind_file() {
        let file = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nfn=main\n1 5\n\
                    summary: 614203\ntotals: 614203\n";
        assert_eq!(instructions(file), Some(614_203));
        assert_eq!(instructions("events: Ir\ntotals: 12 0\n"), Some(12));
        assert_eq!(instructions("events: Ir\n"), None);
    }
}
