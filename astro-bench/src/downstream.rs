//! Part 6: what a user pays to start: a clean debug build of a new binary crate that depends on
//! `astro-api` (default features) and lists workspaces, against the same program written with
//! reqwest + serde + tokio + chrono alone. Both are written to a scratch directory and built
//! with cargo offline, each in its own fresh target directory, in alternating order.

use std::path::Path;

use crate::cargo_build::{Build, cargo_build, wipe};
use crate::report::Section;
use crate::stats::{median, paired_median_ratio};

/// The goal: the astro-api program's clean build at most this multiple of the plain one's.
const GOAL: f64 = 1.3;

/// The program users write with astro-api.
const ASTRO_MAIN: &str = r#"#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = astro_api::Client::from_env()?;
    let organization = std::env::var("ASTRO_ORGANIZATION_ID")?;
    let page = client.org(organization).list_workspaces().call().await?;
    for workspace in &page.workspaces {
        println!("{} {}", workspace.id, workspace.name);
    }
    Ok(())
}
"#;

/// The same program on reqwest + serde + tokio + chrono.
const PLAIN_MAIN: &str = r#"use chrono::{DateTime, Utc};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Workspace {
    id: String,
    name: String,
    created_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct Page {
    workspaces: Vec<Workspace>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("ASTRO_API_TOKEN")?;
    let organization = std::env::var("ASTRO_ORGANIZATION_ID")?;
    let url = format!("https://api.astronomer.io/v1/organizations/{organization}/workspaces");
    let page: Page = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    for workspace in &page.workspaces {
        println!("{} {} {}", workspace.id, workspace.name, workspace.created_at);
    }
    Ok(())
}
"#;

/// The plain program's dependencies: the HTTP stack and features the facade uses.
const PLAIN_DEPENDENCIES: &str = r#"reqwest = { version = "0.13", default-features = false, features = ["rustls", "json", "query", "stream", "http2", "charset", "gzip"] }
serde = { version = "1", features = ["derive"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
chrono = { version = "0.4", default-features = false, features = ["serde", "clock", "std"] }
"#;

/// Writes one program crate to `dir`, with the workspace's lock file so both programs build
/// the dependency versions the workspace does.
fn write_program(
    root: &Path,
    dir: &Path,
    name: &str,
    dependencies: &str,
    main: &str,
) -> Result<(), String> {
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    std::fs::create_dir_all(dir.join("src"))
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
             [workspace]\n\n[dependencies]\n{dependencies}"
        ),
    )?;
    write(&dir.join("src/main.rs"), main)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(())
}

/// A clean build of the program in `dir`.
fn clean_build(dir: &Path) -> Result<Build, String> {
    let target = dir.join("target");
    wipe(&target)?;
    let build = cargo_build(dir, &target, &["--offline"]);
    wipe(&target)?;
    build
}

/// Runs part 6 in `scratch` (deleted before and after), `rounds` clean builds of each program.
pub fn run(root: &Path, scratch: &Path, rounds: usize) -> Result<Section, String> {
    wipe(scratch)?;
    let result = measure(root, scratch, rounds);
    let cleanup = wipe(scratch);
    let section = result?;
    cleanup?;
    Ok(section)
}

fn measure(root: &Path, scratch: &Path, rounds: usize) -> Result<Section, String> {
    let astro = scratch.join("with-astro-api");
    let plain = scratch.join("plain");
    let facade = format!(
        "astro-api = {{ path = \"{}\" }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
        root.display()
    );
    write_program(root, &astro, "with-astro-api", &facade, ASTRO_MAIN)?;
    write_program(root, &plain, "plain", PLAIN_DEPENDENCIES, PLAIN_MAIN)?;
    let mut astro_builds = Vec::new();
    let mut plain_builds = Vec::new();
    for round in 0..rounds {
        eprintln!("  round {}: clean builds of both programs", round + 1);
        if round % 2 == 0 {
            plain_builds.push(clean_build(&plain)?);
            astro_builds.push(clean_build(&astro)?);
        } else {
            astro_builds.push(clean_build(&astro)?);
            plain_builds.push(clean_build(&plain)?);
        }
    }
    let wall = |builds: &[Build]| builds.iter().map(|b| b.seconds).collect::<Vec<_>>();
    let cpu = |builds: &[Build]| builds.iter().map(|b| b.cpu_seconds).collect::<Vec<_>>();
    let (astro_wall, plain_wall) = (wall(&astro_builds), wall(&plain_builds));
    let (astro_cpu, plain_cpu) = (cpu(&astro_builds), cpu(&plain_builds));
    let wall_ratio = median(&astro_wall) / median(&plain_wall);
    let cpu_ratio = median(&astro_cpu) / median(&plain_cpu);
    let generator: Vec<&str> = astro_builds
        .iter()
        .flat_map(|b| b.generator_crates())
        .collect();

    let mut section = Section::new("6. A user's first build");
    section.paragraph(format!(
        "A new binary crate that depends on `astro-api` (by path to this workspace, default \
         features, as a user's crate depends on the published package) and calls \
         `client.org(id).list_workspaces().call()`, against the same program written with \
         reqwest + serde + tokio + chrono alone (reqwest with the features the facade uses, a \
         hand-written `Workspace` struct). Each is a clean `cargo build --offline` (dev \
         profile) in its own fresh target directory, with the workspace's `Cargo.lock`; {rounds} \
         round(s), the order alternating. CPU time is that of cargo and every compiler it ran \
         (`getrusage(RUSAGE_CHILDREN)`), which other work on the machine inflates less than \
         wall time. The client crates install the code pregenerated into their packages, so \
         the generator's crates ({}) should not be compiled: compiled here: {}.",
        crate::cargo_build::GENERATOR.join(", "),
        if generator.is_empty() {
            "none".to_string()
        } else {
            generator.join(", ")
        }
    ));
    let row = |label: &str, builds: &[Build]| {
        vec![
            label.to_string(),
            format!("{:.1}", median(&wall(builds))),
            format!("{:.1}", median(&cpu(builds))),
            format!(
                "{}",
                builds.iter().map(|b| b.compiled.len()).max().unwrap_or(0)
            ),
        ]
    };
    section.table(
        &[
            "Program",
            "Wall seconds (median)",
            "CPU seconds (median)",
            "Units compiled",
        ],
        &[
            row("reqwest + serde + tokio + chrono", &plain_builds),
            row("astro-api (default features)", &astro_builds),
        ],
    );
    section.paragraph(format!(
        "astro-api over plain: wall {wall_ratio:.3}× (paired {:.3}×), CPU {cpu_ratio:.3}× \
         (paired {:.3}×).",
        paired_median_ratio(&astro_wall, &plain_wall),
        paired_median_ratio(&astro_cpu, &plain_cpu),
    ));
    section.goal(
        "A user's clean debug build: astro-api program vs reqwest + serde + tokio + chrono, CPU",
        "≤ 1.3×",
        format!("{cpu_ratio:.3}× (wall {wall_ratio:.3}×)"),
        cpu_ratio <= GOAL,
    );
    section.goal(
        "A user's clean debug build compiles no generator crate",
        "none",
        if generator.is_empty() {
            "none".to_string()
        } else {
            generator.join(", ")
        },
        generator.is_empty(),
    );
    Ok(section)
}
