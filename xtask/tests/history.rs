//! The change report and `cargo xtask regen` on the real earlier documents of the mirror
//! (`history/`), against the documents the pins name. Skipped, with a note, when
//! `ASTRO_SPEC_MIRROR` is not a directory.

use std::path::{Path, PathBuf};

use astro_spec::pins::sha256_hex;
use astro_spec::{Document, Pins};
use xtask::changes::{ApiReport, Impact, Kind, Report, compare_documents};
use xtask::crate_version::{crate_pins, metadata, package_name_and_version, with_metadata};

fn mirror() -> Option<PathBuf> {
    let mirror = PathBuf::from(std::env::var_os("ASTRO_SPEC_MIRROR")?);
    mirror.join("history").is_dir().then_some(mirror)
}

/// The report from the mirror's earlier document of `api` to the pinned one.
fn report(mirror: &Path, api: &str, earlier: &str) -> ApiReport {
    let pins = Pins::load(&xtask::workspace::root()).unwrap();
    let pin = pins.get(api).unwrap();
    let old = std::fs::read(mirror.join("history").join(api).join(earlier)).unwrap();
    let new = std::fs::read(mirror.join(pin.mirror_path())).unwrap();
    assert_eq!(
        sha256_hex(&new),
        pin.sha256,
        "the mirror's {api} is not the pinned document"
    );
    let old_doc = Document::parse(&old).unwrap();
    let new_doc = Document::parse(&new).unwrap();
    let secrets = &pin.secret_fields;
    compare_documents(api, (&old_doc, &old, secrets), (&new_doc, &new, secrets))
}

#[test]
fn platform_2024_07_10_to_the_pin_adds_one_response_field() {
    let Some(mirror) = mirror() else {
        eprintln!(
            "note: ASTRO_SPEC_MIRROR is not set to the spec mirror; skipping the history report"
        );
        return;
    };
    let api = report(&mirror, "platform", "2024-07-10.yaml");
    let changes: Vec<_> = api
        .changes
        .iter()
        .map(|c| {
            (
                c.impact,
                c.kind,
                c.owner.as_str(),
                c.member.as_deref(),
                c.detail.as_str(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [(
            Impact::Additive,
            Kind::PropertyAdded,
            "ClusterMetadata",
            Some("kubeDnsIp"),
            "Option<String>, optional"
        )]
    );
    let report = Report { apis: vec![api] };
    assert_eq!(
        report.verdict(),
        "verdict: compatible (additive): 0 break compilation, 0 break at run time, 1 additive, 0 docs-only"
    );
}

#[test]
fn iam_2024_06_12_to_the_pin_adds_the_allowed_ip_address_ranges() {
    let Some(mirror) = mirror() else {
        eprintln!(
            "note: ASTRO_SPEC_MIRROR is not set to the spec mirror; skipping the history report"
        );
        return;
    };
    let api = report(&mirror, "iam", "2024-06-12.yaml");
    let names = |kind: Kind| -> Vec<&str> {
        api.changes
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.owner.as_str())
            .collect()
    };
    assert_eq!(
        names(Kind::OperationAdded),
        [
            "CreateAllowedIpAddressRange",
            "DeleteAllowedIpAddressRange",
            "ListAllowedIpAddressRanges"
        ]
    );
    // Three schemas of the document, plus the enum the pre-pass lifts from the new list
    // operation's `sorts` parameter.
    assert_eq!(
        names(Kind::SchemaAdded),
        [
            "AllowedIpAddressRange",
            "AllowedIpAddressRangesPaginated",
            "CreateAllowedIpAddressRangeRequest",
            "ListAllowedIpAddressRangesSortsItem"
        ]
    );
    assert_eq!(api.changes.len(), 7);
    assert!(api.changes.iter().all(|c| c.impact == Impact::Additive));
}

#[test]
fn going_back_to_the_earlier_platform_document_breaks_compilation() {
    let Some(mirror) = mirror() else {
        eprintln!(
            "note: ASTRO_SPEC_MIRROR is not set to the spec mirror; skipping the history report"
        );
        return;
    };
    let pins = Pins::load(&xtask::workspace::root()).unwrap();
    let pinned = std::fs::read(mirror.join(pins.get("platform").unwrap().mirror_path())).unwrap();
    let earlier = std::fs::read(mirror.join("history/platform/2024-07-10.yaml")).unwrap();
    let secrets = &pins.get("platform").unwrap().secret_fields;
    let api = compare_documents(
        "platform",
        (&Document::parse(&pinned).unwrap(), &pinned, secrets),
        (&Document::parse(&earlier).unwrap(), &earlier, secrets),
    );
    let report = Report { apis: vec![api] };
    assert!(
        report
            .text()
            .contains("breaks compilation  property removed")
    );
    assert!(
        report
            .verdict()
            .starts_with("verdict: BREAKING (compilation): 1 break compilation")
    );
}

#[test]
fn astro_2026_05_26_to_the_pin_adds_the_bulk_ip_range_operations() {
    let Some(mirror) = mirror() else {
        eprintln!(
            "note: ASTRO_SPEC_MIRROR is not set to the spec mirror; skipping the history report"
        );
        return;
    };
    let api = report(&mirror, "astro", "2026-05-26.yaml");
    let names = |kind: Kind| -> Vec<&str> {
        api.changes
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.owner.as_str())
            .collect()
    };
    assert_eq!(
        names(Kind::OperationAdded),
        [
            "BulkCreateAllowedIpAddressRanges",
            "BulkDeleteAllowedIpAddressRanges"
        ]
    );
    assert!(names(Kind::OperationRemoved).is_empty());
    assert!(names(Kind::FacadeRenamed).is_empty());
    // `Error` gained `fieldErrors` between the two.
    assert!(api.changes.iter().any(|c| c.kind == Kind::PropertyAdded
        && c.owner == "Error"
        && c.member.as_deref() == Some("fieldErrors")
        && c.impact == Impact::Additive));
    // Added request fields are new builder setters, and a required response field added
    // upstream is an `Option`: nothing breaks.
    assert!(api.changes.iter().any(|c| c.kind == Kind::PropertyAdded
        && c.owner == "Organization"
        && c.member.as_deref() == Some("isBlockedEnableAiFeatures")
        && c.impact == Impact::Additive));
    let report = Report { apis: vec![api] };
    assert_eq!(
        report.verdict(),
        "verdict: compatible (additive): 0 break compilation, 0 break at run time, 22 additive, 1 docs-only"
    );
}

/// A temporary workspace with this workspace's pins and the generated crates' manifests (their
/// versions naming the pinned documents), and every pinned document fetched from the mirror.
fn workspace_from_mirror(mirror: &Path) -> tempfile::TempDir {
    let root = xtask::workspace::root();
    let dir = tempfile::tempdir().unwrap();
    let pins = Pins::load(&root).unwrap();
    std::fs::create_dir_all(dir.path().join("openapi")).unwrap();
    std::fs::write(Pins::path(dir.path()), pins.to_toml()).unwrap();
    let mut lock = "version = 4\n".to_string();
    for (krate, pin) in crate_pins(&pins) {
        let manifest = std::fs::read_to_string(root.join(krate).join("Cargo.toml")).unwrap();
        let manifest = with_metadata(&manifest, &metadata(pin), Path::new(krate)).unwrap();
        let (name, version) = package_name_and_version(&manifest).unwrap();
        lock.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\n"
        ));
        std::fs::create_dir_all(dir.path().join(krate)).unwrap();
        std::fs::write(dir.path().join(krate).join("Cargo.toml"), manifest).unwrap();
    }
    std::fs::write(dir.path().join("Cargo.lock"), lock).unwrap();
    let output = xtask(dir.path(), &["fetch", "--from", mirror.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir
}

fn xtask(root: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("ASTRO_SPEC_MIRROR")
        .output()
        .unwrap()
}

#[test]
fn regen_takes_the_earlier_v1_document_and_then_the_pinned_one_again() {
    let Some(mirror) = mirror() else {
        eprintln!("note: ASTRO_SPEC_MIRROR is not set to the spec mirror; skipping the regen");
        return;
    };
    let workspace = workspace_from_mirror(&mirror);
    let root = workspace.path();
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
    let start: Vec<String> = [
        "astro-platform/Cargo.toml",
        "astro-iam/Cargo.toml",
        "Cargo.lock",
        "astro-platform/openapi/astro.yaml",
        "astro-iam/openapi/astro.yaml",
        "astro-platform/openapi/platform.yaml",
    ]
    .iter()
    .map(|path| read(path))
    .collect();
    let pinned = Pins::load(root).unwrap();
    let earlier = mirror.join("history/astro/2026-05-26.yaml");
    let earlier_sha = sha256_hex(&std::fs::read(&earlier).unwrap());

    let check = xtask(
        root,
        &[
            "regen",
            "--check",
            "--api",
            "astro",
            "--from",
            earlier.to_str().unwrap(),
        ],
    );
    assert!(!check.status.success());
    assert!(String::from_utf8_lossy(&check.stderr).contains("differs from the pins for: astro"));

    let back = xtask(
        root,
        &[
            "regen",
            "--api",
            "astro",
            "--from",
            earlier.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&back.stdout);
    assert!(
        back.status.success(),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    // Going back removes what the pinned document added.
    assert!(
        stdout.contains("operations: 0 added, 2 removed"),
        "{stdout}"
    );
    let pins = Pins::load(root).unwrap();
    assert_eq!(pins.get("astro").unwrap().sha256, earlier_sha);
    assert_eq!(pins.get("platform"), pinned.get("platform"));
    assert_eq!(pins.get("iam"), pinned.get("iam"));
    let version = format!("+spec.1.0.{}\"", &earlier_sha[..8]);
    for krate in ["astro-platform", "astro-iam"] {
        assert!(read(&format!("{krate}/Cargo.toml")).contains(&version));
        assert_eq!(
            sha256_hex(read(&format!("{krate}/openapi/astro.yaml")).as_bytes()),
            earlier_sha
        );
    }
    assert_eq!(read("Cargo.lock").matches(&version).count(), 2);
    // The code pregenerated for the packages follows the document.
    for krate in ["astro-platform", "astro-iam"] {
        let code = read(&format!("{krate}/generated/client.rs"));
        let key = astro_codegen::pregenerated::Key::parse(&code).unwrap();
        assert_eq!(
            (key.spec.as_str(), key.sha256.as_str()),
            ("openapi/astro.yaml", earlier_sha.as_str())
        );
    }
    assert!(!read("astro-iam/generated/client.rs").contains("BulkCreateAllowedIpAddressRanges"));

    let pinned_file = mirror.join(pinned.get("astro").unwrap().mirror_path());
    let forward = xtask(
        root,
        &[
            "regen",
            "--api",
            "astro",
            "--from",
            pinned_file.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&forward.stdout);
    assert!(
        forward.status.success(),
        "{}",
        String::from_utf8_lossy(&forward.stderr)
    );
    assert!(
        stdout.contains("operations: 2 added, 0 removed"),
        "{stdout}"
    );
    assert_eq!(
        Pins::load(root).unwrap().get("astro").unwrap().sha256,
        pinned.get("astro").unwrap().sha256
    );
    let end: Vec<String> = [
        "astro-platform/Cargo.toml",
        "astro-iam/Cargo.toml",
        "Cargo.lock",
        "astro-platform/openapi/astro.yaml",
        "astro-iam/openapi/astro.yaml",
        "astro-platform/openapi/platform.yaml",
    ]
    .iter()
    .map(|path| read(path))
    .collect();
    assert!(read("astro-iam/generated/client.rs").contains("BulkCreateAllowedIpAddressRanges"));
    assert!(
        start == end,
        "the round trip did not come back to the pinned files"
    );
    let changes = read("openapi/CHANGES.md");
    assert_eq!(changes.matches("\n## ").count(), 2, "{changes}");
    assert!(changes.contains(&format!("- new sha256: `{earlier_sha}`")));
}

#[test]
fn diff_from_both_v1beta1_documents_to_v1_is_the_migration_report() {
    let Some(mirror) = mirror() else {
        eprintln!("note: ASTRO_SPEC_MIRROR is not set to the spec mirror; skipping the migration");
        return;
    };
    let pins = Pins::load(&xtask::workspace::root()).unwrap();
    let file = |api: &str| mirror.join(pins.get(api).unwrap().mirror_path());
    let (platform, iam, astro) = (file("platform"), file("iam"), file("astro"));
    let output = xtask(
        &xtask::workspace::root(),
        &[
            "diff",
            platform.to_str().unwrap(),
            iam.to_str().unwrap(),
            astro.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("astro v1beta1 -> 1.0 (a229e387ce58+5e866c9075d5 -> 127d4af6efe8)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("operations: 16 added, 0 removed, 11 changed, 0 facade methods renamed;"),
        "{stdout}"
    );
    for line in [
        "operation added                GetSelfUser: GET Client::get_self_user",
        "operation added                ListAgentTokens: GET Org::list_agent_tokens",
        "property removed               ApiToken.type: Option<ApiTokenType>, optional",
        "property added                 ApiToken.scope: Option<ApiTokenScope>, optional",
        "property added                 ApiToken.kind: Option<ApiTokenKind>, optional",
        "property added                 Error.fieldErrors: Vec<FieldValidationError>, optional",
        "enum value added               DeploymentSchedulerSize.EXTRA_LARGE: ExtraLarge",
    ] {
        assert!(stdout.contains(line), "`{line}` not in:\n{stdout}");
    }
    assert!(!stdout.contains("operation removed"), "{stdout}");
}
