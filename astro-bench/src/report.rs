//! The report: what was measured, on which machine, and whether each goal was met, as Markdown.

use std::fmt::Write as _;
use std::process::Command;

/// A goal and how the run did against it.
pub struct Goal {
    /// What is compared, such as `facade / floor time per call`.
    pub name: String,
    /// The target, such as `≤ 1.05×`.
    pub target: String,
    /// The measured figure, formatted.
    pub measured: String,
    /// Whether the figure meets the target.
    pub met: bool,
}

/// The results of one part of the benchmark.
pub struct Section {
    /// The heading.
    pub title: String,
    /// Markdown paragraphs and tables, in order.
    pub body: String,
    /// The goals this part checks.
    pub goals: Vec<Goal>,
}

impl Section {
    /// An empty section titled `title`.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            body: String::new(),
            goals: Vec::new(),
        }
    }

    /// Appends a paragraph.
    pub fn paragraph(&mut self, text: impl AsRef<str>) {
        let _ = writeln!(self.body, "{}\n", text.as_ref());
    }

    /// Appends a table with a header row.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        let _ = writeln!(self.body, "| {} |", header.join(" | "));
        let _ = writeln!(
            self.body,
            "|{}",
            header.iter().map(|_| "---|").collect::<String>()
        );
        for row in rows {
            let _ = writeln!(self.body, "| {} |", row.join(" | "));
        }
        self.body.push('\n');
    }

    /// Records a goal.
    pub fn goal(&mut self, name: impl Into<String>, target: &str, measured: String, met: bool) {
        self.goals.push(Goal {
            name: name.into(),
            target: target.to_string(),
            measured,
            met,
        });
    }
}

/// The machine and moment of the run.
pub struct Machine {
    /// CPUs available to the process.
    pub cpus: usize,
    /// The CPU model from `/proc/cpuinfo`.
    pub model: String,
    /// Total memory from `/proc/meminfo`.
    pub memory: String,
    /// `/proc/loadavg` when the run started (other work on the machine adds noise).
    pub load: String,
    /// UTC date and time of the run.
    pub date: String,
    /// `rustc --version`.
    pub rustc: String,
    /// The commit measured.
    pub commit: String,
}

impl Machine {
    /// Reads the machine's description.
    pub fn describe() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let model = cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("model name")?.split_once(':'))
            .map(|(_, model)| model.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map(|kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0))
            .unwrap_or_else(|| "unknown".into());
        let load = std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "unknown".into());
        Self {
            cpus: std::thread::available_parallelism().map_or(0, |n| n.get()),
            model,
            memory,
            load,
            date: command_output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
            rustc: command_output("rustc", &["--version"]),
            commit: commit(),
        }
    }
}

/// The commit checked out, noting uncommitted changes to tracked files.
fn commit() -> String {
    let head = command_output("git", &["rev-parse", "--short", "HEAD"]);
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .is_ok_and(|out| !out.stdout.is_empty());
    if dirty {
        format!("{head} (with uncommitted changes in the working tree)")
    } else {
        head
    }
}

/// The first line a command prints, or `unknown`.
fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| {
            String::from_utf8(out.stdout)
                .ok()?
                .lines()
                .next()
                .map(str::to_string)
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The whole report.
pub fn render(machine: &Machine, command: &str, sections: &[Section]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Written by `{command}` (crate `astro-bench`); do not edit by hand. Every figure is a \
         ratio or a rate measured in the same run, variants interleaved in rounds: the machines \
         are shared and noisy, so compare figures within this file, not across runs.\n"
    );
    let _ = writeln!(
        out,
        "- Machine: {} × {} CPUs, {} memory",
        machine.model, machine.cpus, machine.memory
    );
    let _ = writeln!(out, "- Load average when the run started: {}", machine.load);
    let _ = writeln!(out, "- Date: {}", machine.date);
    let _ = writeln!(out, "- Compiler: {}", machine.rustc);
    let _ = writeln!(out, "- Commit: {}\n", machine.commit);
    let _ = writeln!(out, "## Goals\n");
    let _ = writeln!(
        out,
        "| Goal | Target | Measured | Result |\n|---|---|---|---|"
    );
    for section in sections {
        for goal in &section.goals {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                goal.name,
                goal.target,
                goal.measured,
                if goal.met { "met" } else { "**missed**" }
            );
        }
    }
    out.push('\n');
    for section in sections {
        let _ = writeln!(out, "## {}\n", section.title);
        out.push_str(&section.body);
    }
    out
}
