//! Part 5: what building costs on this machine: a clean build of the workspace, a no-op
//! rebuild (which must not rerun code generation), a rebuild after touching one facade file,
//! and clean builds of the facade with one API and with both. Runs cargo in a throwaway target
//! directory, deleted afterwards.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::cargo_build::{Build, GENERATING, cargo_build, wipe};
use crate::report::Section;

/// The facade file touched for the incremental rebuild.
const TOUCHED: &str = "src/client.rs";

/// The modification times of the generated sources in `target`, to show they were not rewritten.
fn generated_mtimes(target: &Path) -> Vec<(PathBuf, SystemTime)> {
    let build = target.join("debug").join("build");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&build).into_iter().flatten().flatten() {
        let out = entry.path().join("out");
        for file in ["client.rs", "v1beta1.rs"] {
            let path = out.join(file);
            if let Ok(modified) = std::fs::metadata(&path).and_then(|m| m.modified()) {
                found.push((path, modified));
            }
        }
    }
    found.sort();
    found
}

/// Sets the touched file's modification time to now, without changing its content.
fn touch(path: &Path) -> Result<(), String> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

/// Runs part 5 for the workspace at `root`, building in `target` (deleted before and after).
pub fn run(root: &Path, target: &Path) -> Result<Section, String> {
    wipe(target)?;
    let result = measure(root, target);
    let cleanup = wipe(target);
    let section = result?;
    cleanup?;
    Ok(section)
}

fn measure(root: &Path, target: &Path) -> Result<Section, String> {
    eprintln!("  clean build of the workspace");
    let clean = cargo_build(root, target, &["--workspace"])?;
    let generated = generated_mtimes(target);
    eprintln!("  no-op rebuild");
    let noop = cargo_build(root, target, &["--workspace"])?;
    let after_noop = generated_mtimes(target);
    eprintln!("  rebuild after touching {TOUCHED}");
    touch(&root.join(TOUCHED))?;
    let touched = cargo_build(root, target, &["--workspace"])?;
    let after_touch = generated_mtimes(target);
    wipe(target)?;
    eprintln!("  clean build of the facade with the IAM API only");
    let iam_only = cargo_build(
        root,
        target,
        &[
            "-p",
            "astro-api",
            "--no-default-features",
            "--features",
            "iam",
        ],
    )?;
    eprintln!("  adding the Platform API to the facade");
    let platform = cargo_build(root, target, &["-p", "astro-api"])?;

    let mut section = Section::new("5. Build cost");
    section.paragraph(format!(
        "`cargo build -v` (dev profile) in a throwaway target directory, on the machine above \
         while it ran other work. The no-op and touch rebuilds follow the clean workspace build; \
         the facade's build with the IAM API only starts from an empty target directory, and \
         the build of the facade with both APIs follows it in the same directory (what enabling \
         the `platform` feature adds: a clean build of both is about the sum of the two). \"Code generation \
         reran\" lists the build scripts of {} that cargo ran, read from the `-v` log; the \
         clean build shows {} of them running, so the check sees them when they run. The \
         generated files' modification times ({} files) are compared as well. The workspace \
         builds generate the clients (its test crates enable the client crates' `codegen` \
         feature); the facade-only builds are users' builds, whose build scripts install the \
         code pregenerated into the packages.",
        GENERATING.join(", "),
        clean.generators_run.len(),
        generated.len()
    ));
    let list = |names: &[String]| {
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    };
    let ratio = |b: &Build, of: &Build| format!("{:.3}×", b.seconds / of.seconds);
    let row = |label: &str, build: &Build, relative: String| {
        vec![
            label.to_string(),
            format!("{:.1}", build.seconds),
            format!("{:.1}", build.cpu_seconds),
            relative,
            build.compiled.len().to_string(),
            list(&build.generators_run),
        ]
    };
    section.table(
        &[
            "Build",
            "Seconds",
            "CPU seconds",
            "Ratio (wall)",
            "Crates compiled",
            "Code generation reran",
        ],
        &[
            row("clean, whole workspace", &clean, "1 (reference)".into()),
            row(
                "no-op rebuild",
                &noop,
                format!("{} of clean", ratio(&noop, &clean)),
            ),
            row(
                &format!("rebuild after touching `{TOUCHED}`"),
                &touched,
                format!("{} of clean", ratio(&touched, &clean)),
            ),
            row(
                "clean, facade with IAM only (`-p astro-api --no-default-features --features iam`)",
                &iam_only,
                format!("{} of clean workspace", ratio(&iam_only, &clean)),
            ),
            row(
                "then adding the Platform API (`-p astro-api`)",
                &platform,
                format!(
                    "IAM only is {:.3}× of both APIs (sum)",
                    iam_only.seconds / (iam_only.seconds + platform.seconds)
                ),
            ),
        ],
    );
    section.paragraph(format!(
        "Recompiled after touching `{TOUCHED}`: {}.",
        list(&touched.compiled)
    ));
    let noop_clean = noop.generators_run.is_empty() && after_noop == generated;
    section.goal(
        "Build: no-op rebuild reruns no code generation",
        "0 build scripts, generated files untouched",
        format!(
            "{} build scripts; generated files {}",
            noop.generators_run.len(),
            if after_noop == generated {
                "untouched"
            } else {
                "rewritten"
            }
        ),
        noop_clean && !clean.generators_run.is_empty(),
    );
    let touch_clean = touched.generators_run.is_empty() && after_touch == generated;
    section.goal(
        format!("Build: touching `{TOUCHED}` reruns no code generation"),
        "0 build scripts, generated files untouched",
        format!(
            "{} build scripts; generated files {}",
            touched.generators_run.len(),
            if after_touch == generated {
                "untouched"
            } else {
                "rewritten"
            }
        ),
        touch_clean,
    );
    Ok(section)
}
