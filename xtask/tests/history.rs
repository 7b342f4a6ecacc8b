//! The change report on the real earlier documents of the mirror (`history/`), against the
//! documents the pins name. Skipped, with a note, when `ASTRO_SPEC_MIRROR` is not a directory.

use std::path::{Path, PathBuf};

use astro_spec::pins::sha256_hex;
use astro_spec::{Document, Pins};
use xtask::changes::{ApiReport, Impact, Kind, Report, compare_documents};

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
    compare_documents(api, (&old_doc, &old), (&new_doc, &new))
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
    let api = compare_documents(
        "platform",
        (&Document::parse(&pinned).unwrap(), &pinned),
        (&Document::parse(&earlier).unwrap(), &earlier),
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
