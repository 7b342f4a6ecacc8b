//! One clean or incremental `cargo build`, timed: wall time, the CPU time of everything cargo
//! ran, and what its verbose log shows it compiled and which code-generating build scripts ran.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::cpu;

/// The crates whose build scripts generate (or install pregenerated) code.
pub const GENERATING: [&str; 2] = ["astro-platform", "astro-iam"];

/// The crates that make up the generator; a user's build should compile none of them.
pub const GENERATOR: [&str; 5] = [
    "astro-spec",
    "progenitor-impl",
    "typify-impl",
    "openapiv3",
    "prettyplease",
];

/// One cargo invocation's outcome.
pub struct Build {
    /// Wall time.
    pub seconds: f64,
    /// CPU time (user and system) of cargo and every process it ran.
    pub cpu_seconds: f64,
    /// Build scripts of [`GENERATING`] crates that ran.
    pub generators_run: Vec<String>,
    /// Crates compiled (from `Compiling <name>` lines), a crate compiled for both the host and
    /// the target counted twice.
    pub compiled: Vec<String>,
}

impl Build {
    /// The crates of [`GENERATOR`] this build compiled.
    pub fn generator_crates(&self) -> Vec<&str> {
        let mut found: Vec<&str> = GENERATOR
            .iter()
            .copied()
            .filter(|name| self.compiled.iter().any(|c| c == name))
            .collect();
        found.dedup();
        found
    }
}

/// Runs `cargo build -v <args>` in `dir` with `target` as the target directory.
pub fn cargo_build(dir: &Path, target: &Path, args: &[&str]) -> Result<Build, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let cpu_before = cpu::children();
    let start = Instant::now();
    let out = Command::new(cargo)
        .arg("build")
        .arg("-v")
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let seconds = start.elapsed().as_secs_f64();
    let cpu_seconds = (cpu::children() - cpu_before).as_secs_f64();
    let log = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let tail: Vec<&str> = log.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "`cargo build {}` in {} failed:\n{}",
            args.join(" "),
            dir.display(),
            tail.join("\n")
        ));
    }
    Ok(Build {
        seconds,
        cpu_seconds,
        generators_run: generators_run(&log),
        compiled: compiled(&log),
    })
}

/// The generating crates whose build script a `cargo build -v` log shows running.
fn generators_run(log: &str) -> Vec<String> {
    let mut run: Vec<String> = log
        .lines()
        .filter(|line| {
            line.trim_start().starts_with("Running")
                && line.trim_end().ends_with("build-script-build`")
        })
        .filter_map(|line| {
            GENERATING
                .iter()
                .find(|name| line.contains(&format!("/build/{name}-")))
                .map(|name| name.to_string())
        })
        .collect();
    run.sort();
    run.dedup();
    run
}

/// The crates a `cargo build` log shows compiling.
fn compiled(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|line| line.trim_start().strip_prefix("Compiling "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Deletes a directory tree, if it exists.
pub fn wipe(target: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(target) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot delete {}: {e}", target.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_build_scripts_and_compiled_crates_from_a_verbose_log() {
        let log = "   Compiling astro-platform v0.1.0 (/w/astro-platform)\n     \
                   Running `/t/debug/build/astro-platform-0a1b/build-script-build`\n     \
                   Running `/t/debug/build/serde-99/build-script-build`\n     \
                   Running `rustc --crate-name build_script_build --out-dir /t/debug/build/astro-iam-1`\n     \
                   Running `rustc --crate-name astro_api`\n       \
                   Fresh astro-iam v0.1.0\n   \
                   Compiling typify-impl v0.4.0\n";
        assert_eq!(generators_run(log), ["astro-platform"]);
        assert_eq!(compiled(log), ["astro-platform", "typify-impl"]);
        assert!(generators_run("       Fresh astro-platform v0.1.0\n").is_empty());
        let build = Build {
            seconds: 1.0,
            cpu_seconds: 1.0,
            generators_run: Vec::new(),
            compiled: compiled(log),
        };
        assert_eq!(build.generator_crates(), ["typify-impl"]);
    }
}
