//! The generated crates of this workspace carry their default pinned document (the pin without
//! a feature) in their version's build metadata, as `cargo xtask regen` writes it.

use astro_spec::Pins;
use xtask::crate_version::{crate_pins, metadata, package_name_and_version};

#[test]
fn every_generated_crate_version_names_its_pinned_document() {
    let root = xtask::workspace::root();
    let pins = Pins::load(&root).unwrap();
    let crates = crate_pins(&pins);
    assert!(!crates.is_empty());
    for (crate_dir, pin) in crates {
        let manifest_path = root.join(crate_dir).join("Cargo.toml");
        let manifest = std::fs::read_to_string(&manifest_path).unwrap();
        let (name, version) = package_name_and_version(&manifest).unwrap();
        assert_eq!(name, crate_dir);
        let expected = metadata(pin);
        assert_eq!(
            version.split_once('+').map(|(_, build)| build),
            Some(expected.as_str()),
            "{name} {version} does not name the pinned {} document; run `cargo xtask regen`",
            pin.name
        );
    }
}
