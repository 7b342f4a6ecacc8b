//! Derives the facade's per-operation glue from the pinned specs, so nothing is listed by hand:
//! - one `Paginated` impl per offset/limit list operation (how to ask for a page, and where the
//!   items and `totalCount` are in the answer);
//! - one method of `Org` per operation that takes an `organizationId` path parameter, returning
//!   the generated builder with that parameter filled in.
//!
//! Only the APIs whose feature is enabled are read. The output goes to `$OUT_DIR/paginated.rs`
//! (included by `src/pagination.rs`) and `$OUT_DIR/org_methods.rs` (included by `src/client.rs`).

use std::fmt::Write as _;
use std::path::PathBuf;

use astro_spec::{ApiPin, Document, Operation, ParameterLocation, Pins, naming};
use serde_json::Value;

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    println!("cargo::rerun-if-changed=openapi/pins.toml");
    let pins = Pins::load(&root).map_err(|e| e.to_string())?;
    let mut apis = Vec::new();
    for pin in pins.api {
        let feature = format!(
            "CARGO_FEATURE_{}",
            pin.name.to_uppercase().replace('-', "_")
        );
        if std::env::var_os(feature).is_none() {
            continue;
        }
        let path = pin.openapi_path(&root);
        println!("cargo::rerun-if-changed={}", path.display());
        let document = Document::read_pinned(&path)?;
        apis.push((pin, document));
    }
    let (paginated, org_methods) = render(&apis)?;
    std::fs::write(out.join("paginated.rs"), paginated).map_err(|e| e.to_string())?;
    std::fs::write(out.join("org_methods.rs"), org_methods).map_err(|e| e.to_string())
}

/// The `Paginated` impls and the `Org` methods of the enabled APIs.
fn render(apis: &[(ApiPin, Document)]) -> Result<(String, String), String> {
    let mut paginated = String::new();
    let mut code = String::new();
    let mut org_methods: Vec<(String, &ApiPin, Operation)> = Vec::new();
    for (pin, document) in apis {
        let krate = pin.crate_dir.replace('-', "_");
        for operation in document.operations() {
            if let Some(pagination) = &operation.pagination {
                paginated_impl(&mut paginated, &krate, &operation, pagination)?;
            }
            let scoped = operation
                .parameters
                .iter()
                .any(|p| p.name == "organizationId" && p.location == ParameterLocation::Path);
            if scoped {
                org_methods.push((naming::snake(&operation.id), pin, operation));
            }
        }
    }
    let mut names = std::collections::BTreeMap::new();
    for (method, _, _) in &org_methods {
        *names.entry(method.clone()).or_insert(0) += 1;
    }
    writeln!(code, "impl<'a> crate::Org<'a> {{").unwrap();
    for (method, pin, operation) in &org_methods {
        let krate = pin.crate_dir.replace('-', "_");
        let accessor = &pin.name;
        let builder = naming::pascal(&operation.id);
        let name = if names[method] > 1 {
            format!("{}_{method}", pin.name)
        } else {
            method.clone()
        };
        let summary = operation.summary.clone().unwrap_or_default();
        writeln!(
            code,
            "    #[doc = {doc:?}]\n    pub fn {name}(&self) -> ::{krate}::builder::{builder}<'a> {{\n        self.client.{accessor}().{method}().organization_id(self.id.clone())\n    }}",
            doc = format!(
                "{} `{}` of the {}: {summary}. The organization id is filled in.",
                operation.method, operation.path, pin.title
            ),
        )
        .unwrap();
    }
    writeln!(code, "}}").unwrap();
    Ok((paginated, code))
}

fn paginated_impl(
    code: &mut String,
    krate: &str,
    operation: &Operation,
    pagination: &astro_spec::Pagination,
) -> Result<(), String> {
    let item = pagination
        .item_schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .ok_or_else(|| {
            format!(
                "{}: the items of a paginated list must be a named schema",
                operation.id
            )
        })?;
    let builder = naming::pascal(&operation.id);
    let item = naming::pascal(item);
    let items = naming::snake(&pagination.items_property);
    let max = pagination.max_limit.unwrap_or(1000);
    writeln!(
        code,
        "impl<'a> crate::pagination::Paginated for ::{krate}::builder::{builder}<'a> {{
    type Item = ::{krate}::types::{item};
    const MAX_PAGE_SIZE: u32 = {max};
    fn with_page(self, offset: i64, limit: i64) -> Self {{
        self.offset(offset).limit(limit)
    }}
    fn into_page(page: Self::Output) -> crate::pagination::Page<Self::Item> {{
        crate::pagination::Page {{
            items: page.{items},
            offset: page.offset,
            limit: page.limit,
            total_count: page.total_count,
        }}
    }}
}}"
    )
    .unwrap();
    Ok(())
}
