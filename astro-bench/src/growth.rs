//! Part 7: how the default clean build of the facade grew since an earlier commit (by default
//! the last one that spoke v1beta1 only), next to how many operations that build generates.
//! The earlier commit is checked out with `git worktree` into a scratch directory and its
//! documents fetched with its own `cargo xtask fetch` (from `ASTRO_SPEC_MIRROR` when set); then
//! `cargo build -p astro-api` runs clean there and here, alternating, each in a fresh target
//! directory. Here it is built twice: as users build it (code pregenerated into the packages)
//! and as this workspace builds it (`codegen`: the generator compiled and run), the latter
//! being what the earlier commit always did.

use std::path::Path;
use std::process::Command;

use astro_spec::Document;

use crate::cargo_build::{Build, cargo_build, wipe};
use crate::report::Section;
use crate::stats::median;

/// The last commit whose default build generated v1beta1 only (before the move to v1).
pub const BEFORE_V1: &str = "c9e3cd1";

/// The facade build with the generator, as the workspace builds it.
const WITH_GENERATOR: [&str; 4] = [
    "-p",
    "astro-api",
    "--features",
    "astro-platform/codegen,astro-iam/codegen",
];

/// The operations a default build generates: those of every pinned document without a
/// `feature` in `openapi/pins.toml` under `root`, read from `openapi/<name>/v<version>.yaml`.
pub fn default_operations(root: &Path) -> Result<usize, String> {
    let path = root.join("openapi/pins.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let pins: toml::Table =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let apis = pins
        .get("api")
        .and_then(|api| api.as_array())
        .ok_or_else(|| format!("{} has no [[api]]", path.display()))?;
    let mut operations = 0;
    for api in apis {
        if api.get("feature").is_some() {
            continue;
        }
        let field = |name: &str| {
            api.get(name)
                .and_then(|value| value.as_str())
                .ok_or_else(|| format!("{}: an [[api]] has no `{name}`", path.display()))
        };
        let version = field("version")?;
        let version = if version.starts_with('v') {
            version.to_string()
        } else {
            format!("v{version}")
        };
        let document = root
            .join("openapi")
            .join(field("name")?)
            .join(format!("{version}.yaml"));
        let bytes = std::fs::read(&document)
            .map_err(|e| format!("cannot read {}: {e}", document.display()))?;
        operations += Document::parse(&bytes)
            .map_err(|e| format!("{}: {e}", document.display()))?
            .operations()
            .len();
    }
    Ok(operations)
}

fn git(dir: &Path, args: &[&str]) -> Result<(), String> {
    let program = "git";
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Runs part 7 against `commit`, in `scratch` (deleted before and after), `rounds` clean
/// builds of each variant.
pub fn run(root: &Path, scratch: &Path, commit: &str, rounds: usize) -> Result<Section, String> {
    wipe(scratch)?;
    let earlier = scratch.join("earlier");
    let result = git(
        root,
        &[
            "worktree",
            "add",
            "--detach",
            &earlier.to_string_lossy(),
            commit,
        ],
    )
    .and_then(|()| measure(root, scratch, &earlier, commit, rounds));
    let removed = git(
        root,
        &["worktree", "remove", "--force", &earlier.to_string_lossy()],
    );
    let cleanup = wipe(scratch);
    let section = result?;
    removed?;
    cleanup?;
    Ok(section)
}

fn measure(
    root: &Path,
    scratch: &Path,
    earlier: &Path,
    commit: &str,
    rounds: usize,
) -> Result<Section, String> {
    eprintln!("  fetching the documents of {commit}");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let fetched = Command::new(&cargo)
        .args(["xtask", "fetch"])
        .current_dir(earlier)
        .env("CARGO_TARGET_DIR", scratch.join("earlier-xtask"))
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !fetched.status.success() {
        return Err(format!(
            "`cargo xtask fetch` at {commit} failed: {}",
            String::from_utf8_lossy(&fetched.stderr).trim()
        ));
    }
    let before_ops = default_operations(earlier)?;
    let now_ops = default_operations(root)?;
    let target = scratch.join("target");
    let clean = |dir: &Path, args: &[&str]| -> Result<Build, String> {
        wipe(&target)?;
        let build = cargo_build(dir, &target, args);
        wipe(&target)?;
        build
    };
    let mut before = Vec::new();
    let mut users = Vec::new();
    let mut workspace = Vec::new();
    for round in 0..rounds {
        eprintln!(
            "  round {}: clean builds of the facade, then and now",
            round + 1
        );
        let mut steps: Vec<u8> = vec![0, 1, 2];
        steps.rotate_left(round % 3);
        for step in steps {
            match step {
                0 => before.push(clean(earlier, &["--offline", "-p", "astro-api"])?),
                1 => users.push(clean(root, &["--offline", "-p", "astro-api"])?),
                _ => workspace.push(clean(root, &WITH_GENERATOR)?),
            }
        }
    }
    let wall = |builds: &[Build]| median(&builds.iter().map(|b| b.seconds).collect::<Vec<_>>());
    let cpu = |builds: &[Build]| median(&builds.iter().map(|b| b.cpu_seconds).collect::<Vec<_>>());
    let share = now_ops as f64 / before_ops as f64;
    let mut section = Section::new(format!("7. Default build growth since {commit}"));
    section.paragraph(format!(
        "A clean `cargo build -p astro-api` (default features, dev profile) at {commit}, which \
         generated the v1beta1 documents ({before_ops} operations), and at this commit, which \
         generates Astro API v1 ({now_ops} operations: {share:.3}× as many). This commit is \
         built as users build it (the client crates install their pregenerated code) and as \
         this workspace builds it (`--features astro-platform/codegen,astro-iam/codegen`: the \
         generator compiled and run in the build scripts, as {commit} always did). Each build \
         starts from an empty target directory; {rounds} round(s), the order rotating; medians. \
         CPU time is that of cargo and everything it ran."
    ));
    let row = |label: String, builds: &[Build]| {
        vec![
            label,
            format!("{:.1}", wall(builds)),
            format!("{:.1}", cpu(builds)),
            format!("{:.3}×", cpu(builds) / cpu(&before)),
        ]
    };
    section.table(
        &["Build", "Wall seconds", "CPU seconds", "CPU vs then"],
        &[
            row(
                format!("{commit}, v1beta1 ({before_ops} operations)"),
                &before,
            ),
            row(
                format!("now, as users build it ({now_ops} operations)"),
                &users,
            ),
            row(
                format!("now, with the generator ({now_ops} operations)"),
                &workspace,
            ),
        ],
    );
    let growth = cpu(&workspace) / cpu(&before);
    section.goal(
        format!("Default clean build, generator included, grew no more than the operations ({before_ops} → {now_ops})"),
        &format!("≤ {share:.3}×"),
        format!("{growth:.3}× CPU ({:.3}× wall)", wall(&workspace) / wall(&before)),
        growth <= share,
    );
    let user_growth = cpu(&users) / cpu(&before);
    section.goal(
        "Default clean build as users build it grew no more than the operations",
        &format!("≤ {share:.3}×"),
        format!(
            "{user_growth:.3}× CPU ({:.3}× wall)",
            wall(&users) / wall(&before)
        ),
        user_growth <= share,
    );
    Ok(section)
}
