//! Running progenitor on a prepared document, plus the glue this project adds to every
//! generated crate: the open enums and one `astro_api_core::Call` impl per operation.

use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::enums::{self, OpenEnum};
use crate::prepass;
use astro_spec::document::Document;
use astro_spec::naming;
use astro_spec::operations::Operation;

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

/// The progenitor settings used for every Astro client crate.
pub fn settings(open_enums: &[OpenEnum]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("schemars::JsonSchema")
        .with_inner_type(quote!(::astro_api_core::Runtime))
        .with_hooks(HooksMode::Expected);
    for open_enum in open_enums {
        settings.with_replacement(
            &open_enum.name,
            format!("crate::enums::{}", open_enum.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    settings
}

/// Generates the whole source of a client crate's generated module from a document.
pub fn generate(document: &Document) -> Result<String, GenerateError> {
    let prepared = prepass::prepare(document);
    let spec: openapiv3::OpenAPI = serde_json::from_value(prepared.document.clone())
        .map_err(|e| GenerateError::Model(e.to_string()))?;
    let settings = settings(&prepared.enums);
    let client = std::panic::catch_unwind(move || {
        let mut generator = Generator::new(&settings);
        generator.generate_tokens(&spec).map_err(|e| e.to_string())
    })
    .map_err(|panic| GenerateError::Progenitor(panic_message(panic)))?
    .map_err(GenerateError::Progenitor)?;
    let enums = enums::render(&prepared.enums);
    let calls = call_impls(&document.operations())?;
    let file: syn::File = syn::parse2(quote! { #client #enums #calls })
        .map_err(|e| GenerateError::Syntax(e.to_string()))?;
    Ok(prettyplease::unparse(&file))
}

fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panicked".to_string())
}

/// The Rust type of an operation's success body, as a path inside the generated crate.
pub fn output_type(operation: &Operation) -> Result<TokenStream, GenerateError> {
    match &operation.success_schema {
        None => Ok(quote!(())),
        Some(schema) => {
            schema_type(schema).ok_or_else(|| GenerateError::InlineResponse(operation.id.clone()))
        }
    }
}

/// The Rust type progenitor uses for a response schema: a named schema, or an array of one.
fn schema_type(schema: &Value) -> Option<TokenStream> {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        let ident = format_ident!("{}", naming::pascal(name));
        return Some(quote!(types::#ident));
    }
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        let item = schema_type(schema.get("items")?)?;
        return Some(quote!(::std::vec::Vec<#item>));
    }
    None
}

/// One `astro_api_core::Call` impl per operation: `builder.call().await` gives the decoded body
/// or one `astro_api_core::Error`.
fn call_impls(operations: &[Operation]) -> Result<TokenStream, GenerateError> {
    let impls = operations
        .iter()
        .map(|operation| {
            let builder = format_ident!("{}", naming::pascal(&operation.id));
            let output = output_type(operation)?;
            let id = &operation.id;
            let method = &operation.method;
            let path = &operation.path;
            Ok(quote! {
                impl<'a> ::astro_api_core::Call for builder::#builder<'a> {
                    type Output = #output;
                    const OPERATION_ID: &'static str = #id;
                    const METHOD: &'static str = #method;
                    const PATH: &'static str = #path;
                    fn call(self) -> impl ::std::future::Future<
                        Output = ::std::result::Result<Self::Output, ::astro_api_core::Error>,
                    > + Send {
                        ::astro_api_core::run(Self::OPERATION_ID, self.send())
                    }
                }
            })
        })
        .collect::<Result<Vec<_>, GenerateError>>()?;
    Ok(quote!( #( #impls )* ))
}
