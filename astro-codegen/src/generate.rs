//! Running progenitor on a prepared document, plus what this project adds to every generated
//! module: the open enums, the operation table, the builders' `call()`/`pager()`, the runtime
//! hook and the facade's method macros.

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;

use crate::enums::{self, OpenEnum};
use crate::target::Target;
use crate::{
    builders, facade_methods, non_exhaustive, operation_table, path_checks, prepass, secrets,
};
use astro_spec::document::Document;

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The prepared document is not one openapiv3 can read.
    #[error("the document does not fit the OpenAPI 3.0 model: {0}")]
    Model(String),
    /// progenitor refused the document (or panicked on it).
    #[error("progenitor cannot generate a client from the document: {0}")]
    Progenitor(String),
    /// An operation's success response has no name this project can refer to.
    #[error(
        "operation {0}: the success response must be empty, a `$ref` to a named schema, or an array of those"
    )]
    InlineResponse(String),
    /// The generated tokens are not valid Rust.
    #[error("the generated code does not parse: {0}")]
    Syntax(String),
}

/// The progenitor settings used for every Astro client module; open enums are replaced by the
/// module's own `enums` (at `module_path`, such as `crate` or `crate::v1beta1`), and secret
/// fields name `astro_api_core::SecretString`.
pub fn settings(open_enums: &[OpenEnum], module_path: &str) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("schemars::JsonSchema")
        .with_inner_type(quote!(::astro_api_core::Runtime))
        .with_hooks(HooksMode::Expected);
    secrets::allow_secret_type(&mut settings);
    for open_enum in open_enums {
        settings.with_replacement(
            &open_enum.name,
            format!("{module_path}::enums::{}", open_enum.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    settings
}

/// Generates the whole source of one generated module from a document.
pub fn generate(document: &Document, target: &Target) -> Result<String, GenerateError> {
    let prepared = prepass::prepare(document, &target.secret_fields);
    let spec: openapiv3::OpenAPI = serde_json::from_value(prepared.document.clone())
        .map_err(|e| GenerateError::Model(e.to_string()))?;
    let settings = settings(&prepared.enums, &target.module_path());
    let client = std::panic::catch_unwind(move || {
        let mut generator = Generator::new(&settings);
        generator.generate_tokens(&spec).map_err(|e| e.to_string())
    })
    .map_err(|panic| GenerateError::Progenitor(panic_message(panic)))?
    .map_err(GenerateError::Progenitor)?;
    let operations = document.operations();
    let mut file: syn::File =
        syn::parse2(client).map_err(|e| GenerateError::Syntax(e.to_string()))?;
    path_checks::apply(&mut file, &operations);
    non_exhaustive::apply(&mut file);
    let enums = enums::render(&prepared.enums);
    let table = operation_table::render(target, &operations);
    let builders = builders::render(&operations)?;
    let macros = facade_methods::render(target, &operations);
    let glue: syn::File = syn::parse2(quote! { #enums #table #builders #macros })
        .map_err(|e| GenerateError::Syntax(e.to_string()))?;
    file.items.extend(glue.items);
    Ok(prettyplease::unparse(&file))
}

fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panicked".to_string())
}
