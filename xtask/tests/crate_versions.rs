//! The generated crates of this workspace carry the pinned document in their version's build
//! metadata, as `cargo xtask regen` writes it.

use astro_spec::Pins;
use xtask::crate_version::{metadata, package_name_and_version};

#[test]
fn every_generated_crate_version_names_its_pinned_document() {
    let root = xtask::workspace::root();
    let pins = Pins::load(&root).unwrap();
    assert!(!pins.api.is_empty());
    for pin in &pins.api {
        let manifest_path = root.join(&pin.crate_dir).join("Cargo.toml");
        let manifest = std::fs::read_to_string(&manifest_path).unwrap();
        let (name, version) = package_name_and_version(&manifest).unwrap();
        assert_eq!(name, pin.crate_dir);
        let expected = metadata(pin);
        assert_eq!(
            version.split_once('+').map(|(_, build)| build),
            Some(expected.as_str()),
            "{name} {version} does not name the pinned {} document; run `cargo xtask regen`",
            pin.name
        );
    }
}
