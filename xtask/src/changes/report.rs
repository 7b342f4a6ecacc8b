//! The change report: per API, the counts and one line per change, then a one-line verdict.
//! Rendered as terminal text and as Markdown for `openapi/CHANGES.md`. Only names, types,
//! flags and counts appear: never text from the documents.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::change::{Change, Impact, Kind};

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// The document's `info.version`.
    pub version: String,
    /// The sha256 of the document's bytes.
    pub sha256: String,
}

/// The changes of one API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiReport {
    /// The API's short name (`platform`).
    pub api: String,
    /// The document compared from.
    pub old: Side,
    /// The document compared to.
    pub new: Side,
    /// Every change, operations first.
    pub changes: Vec<Change>,
    /// Whether the old document was there to compare with (when not, `changes` is empty).
    pub compared: bool,
}

/// The changes of every compared API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// One entry per API, in pins order.
    pub apis: Vec<ApiReport>,
}

/// How many changes have each impact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Changes that break compilation.
    pub compile: usize,
    /// Changes that break at run time.
    pub runtime: usize,
    /// Additive changes.
    pub additive: usize,
    /// Documentation-only changes.
    pub docs: usize,
}

impl Counts {
    fn of<'a>(changes: impl Iterator<Item = &'a Change>) -> Self {
        let mut counts = Counts::default();
        for change in changes {
            match change.impact {
                Impact::Compile => counts.compile += 1,
                Impact::Runtime => counts.runtime += 1,
                Impact::Additive => counts.additive += 1,
                Impact::Docs => counts.docs += 1,
            }
        }
        counts
    }

    /// The verdict's headline: the worst impact present.
    pub fn headline(&self) -> &'static str {
        if self.compile > 0 {
            "BREAKING (compilation)"
        } else if self.runtime > 0 {
            "BREAKING (run time)"
        } else if self.additive > 0 {
            "compatible (additive)"
        } else if self.docs > 0 {
            "compatible (docs only)"
        } else {
            "no changes"
        }
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} break compilation, {} break at run time, {} additive, {} docs-only",
            self.compile, self.runtime, self.additive, self.docs
        )
    }
}

impl ApiReport {
    /// The counts of this API's changes.
    pub fn counts(&self) -> Counts {
        Counts::of(self.changes.iter())
    }

    /// One line of counts by subject: operations, schemas, enum values, docs.
    pub fn summary(&self) -> String {
        let owners = |test: &dyn Fn(&Change) -> bool| -> usize {
            self.changes
                .iter()
                .filter(|c| test(c))
                .map(|c| c.owner.as_str())
                .collect::<BTreeSet<_>>()
                .len()
        };
        let count = |kind: Kind| self.changes.iter().filter(|c| c.kind == kind).count();
        let operations_changed = owners(&|c| {
            c.kind.is_operation()
                && !matches!(c.kind, Kind::OperationAdded | Kind::OperationRemoved)
        });
        let schemas_changed = owners(&|c| {
            !c.kind.is_operation()
                && !matches!(
                    c.kind,
                    Kind::SchemaAdded | Kind::SchemaRemoved | Kind::DocsChanged
                )
                && c.owner != "(document)"
        });
        format!(
            "operations: {} added, {} removed, {} changed, {} facade methods renamed; \
             schemas: {} added, {} removed, {} changed; \
             enum values: {} added, {} removed; docs-only: {}",
            count(Kind::OperationAdded),
            count(Kind::OperationRemoved),
            operations_changed,
            count(Kind::FacadeRenamed),
            count(Kind::SchemaAdded),
            count(Kind::SchemaRemoved),
            schemas_changed,
            count(Kind::EnumValueAdded),
            count(Kind::EnumValueRemoved),
            count(Kind::DocsChanged),
        )
    }
}

impl Report {
    /// The counts over every API.
    pub fn counts(&self) -> Counts {
        Counts::of(self.apis.iter().flat_map(|api| api.changes.iter()))
    }

    /// Whether any API changed at all.
    pub fn is_empty(&self) -> bool {
        self.apis.iter().all(|api| api.changes.is_empty())
    }

    /// The closing line: headline and counts.
    pub fn verdict(&self) -> String {
        let counts = self.counts();
        format!("verdict: {}: {counts}", counts.headline())
    }

    /// The report for a terminal.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for api in &self.apis {
            let _ = writeln!(
                out,
                "{} {} -> {} ({} -> {})",
                api.api,
                api.old.version,
                api.new.version,
                short(&api.old.sha256),
                short(&api.new.sha256)
            );
            if !api.compared {
                let _ = writeln!(out, "  {NOT_COMPARED}");
            }
            let _ = writeln!(out, "  {}", api.summary());
            for change in &api.changes {
                let _ = writeln!(
                    out,
                    "  {:<19} {:<30} {}: {} ({})",
                    change.impact.label(),
                    change.kind.label(),
                    item(change),
                    change.detail,
                    change.why
                );
            }
        }
        let _ = writeln!(out, "{}", self.verdict());
        out
    }

    /// The report as one dated Markdown section of `openapi/CHANGES.md`.
    pub fn markdown(&self, date: &str) -> String {
        let counts = self.counts();
        let mut out = format!("## {date}: {}\n\n{counts}.\n", counts.headline());
        for api in &self.apis {
            let _ = write!(
                out,
                "\n### {}\n\n- version: {} -> {}\n- old sha256: `{}`\n- new sha256: `{}`\n- {}\n- verdict: {}: {}\n",
                api.api,
                api.old.version,
                api.new.version,
                api.old.sha256,
                api.new.sha256,
                api.summary(),
                api.counts().headline(),
                api.counts()
            );
            if !api.compared {
                let _ = writeln!(out, "- {NOT_COMPARED}");
            }
            if api.changes.is_empty() {
                continue;
            }
            out.push_str(
                "\n| impact | change | item | detail | why |\n| --- | --- | --- | --- | --- |\n",
            );
            for change in &api.changes {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    change.impact.label(),
                    change.kind.label(),
                    code(&item(change)),
                    code(&change.detail),
                    change.why
                );
            }
        }
        out
    }
}

/// Said of an API whose previous document was not in place.
const NOT_COMPARED: &str =
    "not compared: the previous document was not in place (run `cargo xtask fetch` before regen)";

/// `Owner.member`, or `Owner` alone.
fn item(change: &Change) -> String {
    match &change.member {
        Some(member) => format!("{}.{member}", change.owner),
        None => change.owner.clone(),
    }
}

/// A Markdown table cell in code style, safe for `|` and backticks.
fn code(text: &str) -> String {
    let text = text.replace('|', "\\|");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// The first 12 hex digits of a sha256 (of each, for several joined with `+`).
pub fn short(sha: &str) -> String {
    sha.split('+')
        .map(|one| &one[..12.min(one.len())])
        .collect::<Vec<_>>()
        .join("+")
}
