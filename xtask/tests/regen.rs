//! `cargo xtask regen` against a temporary workspace, through the built binary: every failure
//! exits non-zero with a one-line reason and leaves every file byte-for-byte as it was; a good
//! document moves the pins, the crate versions and `openapi/CHANGES.md` together. The `demo` API
//! is split by tags into two crates, like the v1 document: `astro-demo` takes `Things`,
//! `astro-demo-lists` takes `Lists`; its secret field is `Thing.id`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use astro_spec::pins::sha256_hex;

/// The crates the `demo` API is generated into.
const CRATES: [&str; 2] = ["astro-demo", "astro-demo-lists"];

/// A small document of the `demo` API, with `extra` spliced into the `Thing` schema's
/// properties. Its components come last, so cutting it short leaves references dangling.
fn spec(extra: &str) -> String {
    format!(
        "openapi: 3.0.3
info:
  title: Demo API
  version: v1
  description: ZEBRA-INFO-TEXT
paths:
  /things:
    get:
      operationId: ListThings
      tags: [Lists]
      parameters:
        - name: limit
          in: query
          schema:
            type: integer
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ThingsPage'
  /things/{{thingId}}:
    get:
      operationId: GetThing
      tags: [Things]
      parameters:
        - name: thingId
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Thing'
components:
  schemas:
    ThingsPage:
      type: object
      required: [things]
      properties:
        things:
          type: array
          items:
            $ref: '#/components/schemas/Thing'
    Thing:
      type: object
      description: ZEBRA-SCHEMA-TEXT
      required: [id]
      properties:
        id:
          type: string
        size:
          $ref: '#/components/schemas/Size'{extra}
    Size:
      type: string
      enum: [SMALL, LARGE]
"
    )
}

/// A temporary workspace pinned to `spec("")`.
struct Workspace {
    dir: tempfile::TempDir,
    pinned: String,
}

impl Workspace {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let pinned = spec("");
        let sha = sha256_hex(pinned.as_bytes());
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "openapi/pins.toml",
            &format!(
                "[[api]]\nname = \"demo\"\ntitle = \"Demo API\"\nversion = \"v1\"\n\
                 url = \"http://127.0.0.1:1/spec/demo/v1\"\nsha256 = \"{sha}\"\n\
                 taken = \"2026-01-01\"\n\n\
                 [api.secret_fields]\nThing = [\"id\"]\n\n\
                 [[api.area]]\ncrate = \"astro-demo\"\ntags = [\"Things\"]\n\n\
                 [[api.area]]\ncrate = \"astro-demo-lists\"\ntags = [\"Lists\"]\n"
            ),
        );
        write("openapi/demo/v1.yaml", &pinned);
        let version = format!("0.1.0+spec.v1.{}", &sha[..8]);
        let mut lock = "version = 4\n".to_string();
        for krate in CRATES {
            write(&format!("{krate}/openapi/demo.yaml"), &pinned);
            write(
                &format!("{krate}/Cargo.toml"),
                &format!(
                    "[package]\nname = \"{krate}\"\nversion = \"{version}\"\nedition = \"2024\"\n"
                ),
            );
            lock.push_str(&format!(
                "\n[[package]]\nname = \"{krate}\"\nversion = \"{version}\"\n"
            ));
        }
        write("Cargo.lock", &lock);
        Workspace { dir, pinned }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a candidate document outside the workspace's tracked files.
    fn candidate(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.root().join("candidates").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Every file below the root except the candidates, with its bytes.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut stack = vec![self.root().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let relative = path.strip_prefix(self.root()).unwrap().to_path_buf();
                if relative.starts_with("candidates") {
                    continue;
                }
                if path.is_dir() {
                    files.insert(relative, b"(directory)".to_vec());
                    stack.push(path);
                } else {
                    files.insert(relative, std::fs::read(&path).unwrap());
                }
            }
        }
        files
    }

    /// Runs the xtask binary on this workspace with the mirror variable unset.
    fn xtask(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(self.root())
            .args(args)
            .env_remove("ASTRO_SPEC_MIRROR")
            .output()
            .unwrap()
    }

    fn regen_from(&self, path: &Path) -> Output {
        self.xtask(&["regen", "--from", path.to_str().unwrap()])
    }
}

/// Asserts a failed run: non-zero exit, one line on stderr containing `reason`.
fn assert_fails(output: &Output, reason: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "succeeded: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "not one line: {stderr}"
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains(reason), "`{reason}` not in: {stderr}");
}

/// Runs `regen --from` on `bytes` and checks it fails with `reason`, changing nothing.
fn refused(bytes: &[u8], reason: &str) {
    let workspace = Workspace::new();
    let before = workspace.snapshot();
    let candidate = workspace.candidate("candidate.yaml", bytes);
    assert_fails(&workspace.regen_from(&candidate), reason);
    assert_eq!(workspace.snapshot(), before);
}

#[test]
fn an_unreachable_source_is_refused() {
    let workspace = Workspace::new();
    let before = workspace.snapshot();
    let missing = workspace.root().join("nowhere.yaml");
    assert_fails(&workspace.regen_from(&missing), "cannot read");
    assert_eq!(workspace.snapshot(), before);
}

#[test]
fn the_upstream_attempt_fails_fast_naming_the_mirror_variable() {
    // No --from and no mirror: the pin's URL (127.0.0.1:1, where nothing listens) is tried.
    let workspace = Workspace::new();
    let before = workspace.snapshot();
    let output = workspace.xtask(&["regen"]);
    assert_fails(&output, "ASTRO_SPEC_MIRROR");
    assert_fails(&output, "http://127.0.0.1:1/spec/demo/v1");
    assert_eq!(workspace.snapshot(), before);
}

#[test]
fn an_unreachable_mirror_url_is_refused() {
    let workspace = Workspace::new();
    let before = workspace.snapshot();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(workspace.root())
        .arg("regen")
        .env("ASTRO_SPEC_MIRROR", "http://127.0.0.1:1/mirror")
        .output()
        .unwrap();
    assert_fails(&output, "http://127.0.0.1:1/mirror/demo/v1.yaml");
    assert_eq!(workspace.snapshot(), before);
}

#[test]
fn an_html_page_is_refused() {
    refused(
        b"<!DOCTYPE html>\n<html><body>Sign in</body></html>\n",
        "HTML page",
    );
}

#[test]
fn an_invalid_document_is_refused() {
    refused(
        spec("").replace("3.0.3", "3.1.0").as_bytes(),
        "3.1.0 is not 3.0.x",
    );
    refused(
        spec("")
            .replace("operationId: GetThing", "operationId: ListThings")
            .as_bytes(),
        "ListThings",
    );
    refused(b"openapi: [3.0.3\n", "not valid YAML");
}

#[test]
fn a_truncated_document_is_refused() {
    let full = spec("");
    let cuts = [
        full.len() / 4,
        full.len() / 2,
        full.find("    Thing:").unwrap() + 10,
        full.find("    Size:").unwrap() + 2,
        // At a line break: the document is whole YAML, but its schemas are gone.
        full.find("components:").unwrap(),
    ];
    for cut in cuts {
        let workspace = Workspace::new();
        let before = workspace.snapshot();
        let candidate = workspace.candidate("cut.yaml", &full.as_bytes()[..cut]);
        let output = workspace.regen_from(&candidate);
        assert!(
            !output.status.success(),
            "a document cut at byte {cut} was taken"
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stderr)
                .trim_end()
                .lines()
                .count(),
            1
        );
        assert_eq!(workspace.snapshot(), before, "cut at {cut}");
    }
}

#[test]
fn a_document_of_another_api_is_refused() {
    refused(
        spec("")
            .replace("title: Demo API", "title: Other API")
            .as_bytes(),
        "is the document `Other API`, not `Demo API`",
    );
}

#[test]
fn a_document_the_generator_refuses_is_refused() {
    // Two JSON success responses of different types: progenitor panics, the generator reports.
    let clash = spec("").replace(
        "                $ref: '#/components/schemas/Thing'\ncomponents:",
        "                $ref: '#/components/schemas/Thing'
        '201':
          description: created
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ThingsPage'
components:",
    );
    assert_ne!(clash, spec(""));
    refused(clash.as_bytes(), "trial generation failed");
}

#[test]
fn fetch_puts_the_pinned_document_in_every_crate_from_a_mirror() {
    let workspace = Workspace::new();
    let root = workspace.root();
    std::fs::remove_file(root.join("openapi/demo/v1.yaml")).unwrap();
    for krate in CRATES {
        std::fs::remove_file(root.join(krate).join("openapi/demo.yaml")).unwrap();
    }
    workspace.candidate("mirror/demo/v1.yaml", workspace.pinned.as_bytes());
    let mirror = root.join("candidates/mirror");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .arg("fetch")
        .env("ASTRO_SPEC_MIRROR", &mirror)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read = |path: PathBuf| std::fs::read_to_string(path).unwrap();
    assert_eq!(read(root.join("openapi/demo/v1.yaml")), workspace.pinned);
    for krate in CRATES {
        assert_eq!(
            read(root.join(krate).join("openapi/demo.yaml")),
            workspace.pinned
        );
    }
    // A mirror copy that is not the pinned document is refused, naming both hashes.
    std::fs::remove_file(root.join("astro-demo-lists/openapi/demo.yaml")).unwrap();
    let before = workspace.snapshot();
    workspace.candidate(
        "mirror/demo/v1.yaml",
        spec("\n        extra: {}").as_bytes(),
    );
    let output = workspace.xtask(&["fetch", "--locked", "--from", mirror.to_str().unwrap()]);
    assert_fails(&output, "refusing it");
    assert_eq!(workspace.snapshot(), before);
}

#[test]
fn an_operation_whose_tags_fall_in_no_area_is_refused() {
    let unknown = spec("").replace("tags: [Things]", "tags: [Gadgets]");
    assert_ne!(unknown, spec(""));
    refused(
        unknown.as_bytes(),
        "operation GetThing (tags [\"Gadgets\"]) is in no area",
    );
    let untagged = spec("").replace("      tags: [Things]\n", "");
    refused(
        untagged.as_bytes(),
        "operation GetThing (tags []) is in no area",
    );
}

#[test]
fn an_operation_whose_tags_fall_in_two_areas_is_refused() {
    let both = spec("").replace("tags: [Things]", "tags: [Things, Lists]");
    refused(
        both.as_bytes(),
        "operation GetThing (tags [\"Things\", \"Lists\"]) is in more than one area \
         (astro-demo, astro-demo-lists)",
    );
}

#[test]
fn a_document_without_a_listed_secret_field_is_refused() {
    let renamed = spec("")
        .replace("required: [id]", "required: [key]")
        .replace("        id:\n", "        key:\n");
    assert_ne!(renamed, spec(""));
    refused(
        renamed.as_bytes(),
        "secret field `Thing.id` (openapi/pins.toml): schema `Thing` has no property `id`",
    );
    let retyped = spec("").replace(
        "        id:\n          type: string",
        "        id:\n          type: integer",
    );
    assert_ne!(retyped, spec(""));
    refused(
        retyped.as_bytes(),
        "secret field `Thing.id` (openapi/pins.toml): the property is not a string",
    );
}

#[test]
fn diff_with_earlier_pins_reports_a_field_that_became_secret() {
    let workspace = Workspace::new();
    let document = workspace.candidate("same.yaml", workspace.pinned.as_bytes());
    let pins = std::fs::read_to_string(workspace.root().join("openapi/pins.toml")).unwrap();
    let earlier = pins.replace("[api.secret_fields]\nThing = [\"id\"]\n", "");
    assert_ne!(earlier, pins);
    let earlier = workspace.candidate("earlier-pins.toml", earlier.as_bytes());
    let (document, earlier) = (document.to_str().unwrap(), earlier.to_str().unwrap());

    let output = workspace.xtask(&["diff", "--old-pins", earlier, document, document]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "breaks compilation  property type changed          Thing.id: String -> SecretString"
        ),
        "{stdout}"
    );
    let output = workspace.xtask(&["diff", document, document]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("verdict: no changes"), "{stdout}");
}

#[test]
fn a_write_that_fails_midway_changes_nothing() {
    // openapi/CHANGES.md is the last file written; a directory in its place fails that write
    // after the specs, the pins and the crate version were staged.
    let workspace = Workspace::new();
    std::fs::create_dir_all(workspace.root().join("openapi/CHANGES.md/blocked")).unwrap();
    let before = workspace.snapshot();
    let candidate = workspace.candidate(
        "new.yaml",
        spec("\n        extra:\n          type: boolean").as_bytes(),
    );
    assert_fails(&workspace.regen_from(&candidate), "CHANGES.md");
    assert_eq!(workspace.snapshot(), before);
}

#[test]
fn a_crate_without_a_literal_version_is_refused() {
    let workspace = Workspace::new();
    std::fs::write(
        workspace.root().join("astro-demo/Cargo.toml"),
        "[package]\nname = \"astro-demo\"\nversion.workspace = true\n",
    )
    .unwrap();
    let before = workspace.snapshot();
    let candidate = workspace.candidate(
        "new.yaml",
        spec("\n        extra:\n          type: boolean").as_bytes(),
    );
    assert_fails(&workspace.regen_from(&candidate), "no literal `version");
    assert_eq!(workspace.snapshot(), before);
}

#[test]
fn without_the_previous_document_the_changelog_says_it_was_not_compared() {
    let workspace = Workspace::new();
    std::fs::remove_file(workspace.root().join("openapi/demo/v1.yaml")).unwrap();
    for krate in CRATES {
        std::fs::remove_file(workspace.root().join(krate).join("openapi/demo.yaml")).unwrap();
    }
    let next = spec("\n        extra:\n          type: boolean");
    let candidate = workspace.candidate("next.yaml", next.as_bytes());
    let output = workspace.regen_from(&candidate);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let changes = std::fs::read_to_string(workspace.root().join("openapi/CHANGES.md")).unwrap();
    assert!(
        changes.contains("- not compared: the previous document was not in place"),
        "{changes}"
    );
    assert!(changes.contains(&format!("- new sha256: `{}`", sha256_hex(next.as_bytes()))));
    assert_eq!(
        std::fs::read_to_string(workspace.root().join("openapi/demo/v1.yaml")).unwrap(),
        next
    );
}

#[test]
fn check_reports_and_fails_when_the_source_differs() {
    let workspace = Workspace::new();
    let before = workspace.snapshot();
    let same = workspace.candidate("same.yaml", workspace.pinned.as_bytes());
    let output = workspace.xtask(&["regen", "--check", "--from", same.to_str().unwrap()]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("the source matches the pins"));

    let removed = spec("").replace("      enum: [SMALL, LARGE]", "      enum: [SMALL]");
    let changed = workspace.candidate("changed.yaml", removed.as_bytes());
    let output = workspace.xtask(&["regen", "--check", "--from", changed.to_str().unwrap()]);
    assert_fails(&output, "differs from the pins for: demo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("breaks compilation  enum value removed"),
        "{stdout}"
    );
    assert!(stdout.contains("Size.LARGE: Large"), "{stdout}");
    assert!(stdout.trim_end().ends_with("verdict: BREAKING (compilation): 1 break compilation, 0 break at run time, 0 additive, 0 docs-only"), "{stdout}");
    assert_eq!(workspace.snapshot(), before);
}

#[test]
fn a_good_document_moves_pins_specs_version_and_changelog_together() {
    let workspace = Workspace::new();
    let root = workspace.root();
    let first =
        spec("\n        extra:\n          type: boolean\n          description: ZEBRA-NEW-TEXT");
    let candidate = workspace.candidate("first.yaml", first.as_bytes());
    let output = workspace.regen_from(&candidate);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("additive            property added                 Thing.extra"),
        "{stdout}"
    );

    let sha = sha256_hex(first.as_bytes());
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
    assert_eq!(read("openapi/demo/v1.yaml"), first);
    let pins = read("openapi/pins.toml");
    assert!(pins.contains(&format!("sha256 = \"{sha}\"")), "{pins}");
    assert!(pins.contains("tags = [\"Lists\"]"), "{pins}");
    assert!(
        pins.contains("[api.secret_fields]\nThing = [\"id\"]\n"),
        "regen keeps the secret fields: {pins}"
    );
    let version = format!("version = \"0.1.0+spec.v1.{}\"", &sha[..8]);
    for krate in CRATES {
        assert_eq!(read(&format!("{krate}/openapi/demo.yaml")), first);
        assert!(read(&format!("{krate}/Cargo.toml")).contains(&version));
    }
    assert_eq!(read("Cargo.lock").matches(&version).count(), 2);
    let changes = read("openapi/CHANGES.md");
    assert!(changes.contains(&format!(
        "- old sha256: `{}`",
        sha256_hex(workspace.pinned.as_bytes())
    )));
    assert!(changes.contains(&format!("- new sha256: `{sha}`")));
    assert!(
        changes
            .contains("| additive | property added | `Thing.extra` | `Option<bool>, optional` |"),
        "{changes}"
    );
    assert!(
        !changes.contains("ZEBRA"),
        "document text in CHANGES.md: {changes}"
    );

    let second = first.replace(
        "      enum: [SMALL, LARGE]",
        "      enum: [SMALL, LARGE, HUGE]",
    );
    let candidate = workspace.candidate("second.yaml", second.as_bytes());
    assert!(workspace.regen_from(&candidate).status.success());
    let changes = read("openapi/CHANGES.md");
    let newest = changes.find("`Size.HUGE`").unwrap();
    let older = changes.find("`Thing.extra`").unwrap();
    assert!(newest < older, "newest entry first: {changes}");
    assert_eq!(
        changes
            .lines()
            .filter(|line| line.starts_with("## "))
            .count(),
        2
    );

    // Regenerating from the same document again changes nothing at all.
    let before = workspace.snapshot();
    let output = workspace.regen_from(&candidate);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("nothing changed"));
    assert_eq!(workspace.snapshot(), before);
}

#[test]
fn diff_prints_the_report_of_any_two_files_and_writes_nothing() {
    let workspace = Workspace::new();
    let old = workspace.candidate("old.yaml", workspace.pinned.as_bytes());
    let new = workspace.candidate(
        "new.yaml",
        spec("")
            .replace(
                "      enum: [SMALL, LARGE]",
                "      enum: [SMALL, LARGE, HUGE]",
            )
            .as_bytes(),
    );
    let before = workspace.snapshot();
    let output = workspace.xtask(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("demo v1 -> v1"), "{stdout}");
    assert!(
        stdout.contains("additive            enum value added               Size.HUGE: Huge"),
        "{stdout}"
    );
    assert!(stdout.ends_with("verdict: compatible (additive): 0 break compilation, 0 break at run time, 1 additive, 0 docs-only\n"), "{stdout}");
    assert_eq!(workspace.snapshot(), before);
    let missing = workspace.root().join("missing.yaml");
    assert_fails(
        &workspace.xtask(&["diff", old.to_str().unwrap(), missing.to_str().unwrap()]),
        "cannot read",
    );
}
