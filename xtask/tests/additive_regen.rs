//! A regen to a document that only adds (an optional request field, response fields, an enum
//! value, an operation) is additive: the change report finds nothing breaking, and one
//! user-style program compiles against the code generated from both documents.
//!
//! The newer document is derived from the pinned v1 document at test time, restricted to one
//! tag (Workspace) to keep the two builds small. Skipped, with a note, when the pinned document
//! is not fetched.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use astro_codegen::target::Target;
use astro_spec::{Area, Document, Pins, SecretFields};
use serde_json::{Value, json};
use xtask::changes::{Impact, compare_documents};

/// The Workspace operations of the pinned v1 document, or `None` when it is not fetched.
fn workspace_part() -> Option<Document> {
    let root = xtask::workspace::root();
    let pins = Pins::load(&root).unwrap();
    let pin = pins.get("astro").unwrap();
    let Ok(bytes) = std::fs::read(pin.openapi_path(&root)) else {
        eprintln!("note: the astro document is not fetched; run `cargo xtask fetch`");
        return None;
    };
    let area = Area {
        crate_dir: "astro-platform".to_string(),
        tags: vec!["Workspace".to_string()],
    };
    Some(Document::parse(&bytes).unwrap().select_area(&area))
}

/// The same document with only additions.
fn with_additions(document: &Document) -> Document {
    let mut value = document.value().clone();
    let schemas = &mut value["components"]["schemas"];
    schemas["CreateWorkspaceRequest"]["properties"]["zzLabel"] = json!({"type": "string"});
    schemas["Workspace"]["properties"]["zzScore"] = json!({"type": "integer"});
    schemas["Workspace"]["required"]
        .as_array_mut()
        .unwrap()
        .push(json!("zzScore"));
    schemas["Workspace"]["properties"]["zzFlag"] = json!({"type": "boolean"});
    schemas["BasicSubjectProfile"]["properties"]["subjectType"]["enum"]
        .as_array_mut()
        .unwrap()
        .push(json!("ROBOT"));
    let paths = value["paths"].as_object_mut().unwrap();
    let mut copy: Value =
        paths["/organizations/{organizationId}/workspaces/{workspaceId}"]["get"].clone();
    copy["operationId"] = json!("GetWorkspaceCopy");
    paths.insert(
        "/organizations/{organizationId}/workspaces/{workspaceId}/copy".to_string(),
        json!({ "get": copy }),
    );
    Document::from_value(value).unwrap()
}

/// A program written against the older code: builds a request with its builder, reads response
/// fields, destructures with `..`, matches an enum with a wildcard, and calls operations.
const USER_PROGRAM: &str = r#"
use client::enums::BasicSubjectProfileSubjectType;
use client::types::{CreateWorkspaceRequest, Workspace};

pub async fn user(client: &client::Client) -> Result<String, Box<dyn std::error::Error>> {
    let created = client
        .create_workspace()
        .organization_id("org")
        .body(CreateWorkspaceRequest::builder().name("w").cicd_enforced_default(true))
        .call()
        .await?;
    let read = client
        .get_workspace()
        .organization_id("org")
        .workspace_id(&created.id)
        .call()
        .await?;
    let Workspace { id, name, .. } = &read;
    let kind = match read.created_by.as_ref().and_then(|by| by.subject_type.as_ref()) {
        Some(BasicSubjectProfileSubjectType::User) => "user",
        Some(_) => "other",
        None => "unknown",
    };
    Ok(format!("{id} {name} {kind} {:?}", read.created_at))
}
"#;

/// `cargo check` of a client crate holding `code` and a user crate holding [`USER_PROGRAM`].
fn check_user_program(dir: &Path, code: &str) -> Result<(), String> {
    let root = xtask::workspace::root();
    let deps = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let workspace_dep = |name: &str| {
        deps.lines()
            .find(|line| line.starts_with(&format!("{name} = ")))
            .unwrap_or_else(|| panic!("{name} in [workspace.dependencies]"))
            .replace("path = \"", &format!("path = \"{}/", root.display()))
    };
    let client_deps: Vec<String> = [
        "astro-api-core",
        "progenitor-client",
        "reqwest",
        "serde",
        "serde_json",
        "schemars",
        "chrono",
        "regress",
        "futures",
    ]
    .iter()
    .map(|name| workspace_dep(name))
    .collect();
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"client\", \"user\"]\nresolver = \"3\"\n",
    );
    write(
        "client/Cargo.toml",
        &format!(
            "[package]\nname = \"client\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n{}\n",
            client_deps.join("\n")
        ),
    );
    write("client/src/lib.rs", code);
    write(
        "user/Cargo.toml",
        "[package]\nname = \"user\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\nclient = { path = \"../client\" }\n",
    );
    write("user/src/lib.rs", USER_PROGRAM);
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    // One build directory for both versions and every run, so the dependencies build once.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("additive-regen");
    let output = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "-p", "user"])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn an_additive_regen_reports_nothing_breaking_and_user_code_still_compiles() {
    let Some(old) = workspace_part() else { return };
    let new = with_additions(&old);
    let bytes = |d: &Document| serde_json::to_vec(d.value()).unwrap();
    let none = SecretFields::default();
    let report = compare_documents(
        "astro",
        (&old, &bytes(&old), &none),
        (&new, &bytes(&new), &none),
    );
    let breaking: Vec<_> = report
        .changes
        .iter()
        .filter(|c| matches!(c.impact, Impact::Compile | Impact::Runtime))
        .collect();
    assert!(breaking.is_empty(), "{breaking:#?}");
    let additive = report
        .changes
        .iter()
        .filter(|c| c.impact == Impact::Additive)
        .count();
    assert!(additive >= 5, "{:#?}", report.changes);

    let started = Instant::now();
    for (label, document) in [("old", &old), ("new", &new)] {
        let code = astro_codegen::generate::generate(document, &Target::root(document)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        if let Err(errors) = check_user_program(dir.path(), &code) {
            panic!("the user program does not compile against the {label} code:\n{errors}");
        }
    }
    eprintln!(
        "generated and checked both versions in {:.1}s",
        started.elapsed().as_secs_f64()
    );
}
