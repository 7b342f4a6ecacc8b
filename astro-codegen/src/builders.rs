//! What the generator adds to progenitor's operation builders: an inherent `call()` (the one
//! verb), the `astro_api_core::Call` impl for generic code, and for every offset/limit list the
//! `astro_api_core::Paginated` impl and an inherent `pager()`. Also the `ClientHooks` impl that
//! routes every request through the runtime with its operation's table entry.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::generate::GenerateError;
use crate::operation_table;
use astro_spec::naming;
use astro_spec::operations::Operation;

/// The impls for every operation, plus the hooks impl.
pub fn render(operations: &[Operation]) -> Result<TokenStream, GenerateError> {
    let impls = operations
        .iter()
        .map(builder_impls)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quote! {
        #( #impls )*

        impl progenitor_client::ClientHooks<::astro_api_core::Runtime> for Client {
            async fn exec(
                &self,
                request: ::reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> ::reqwest::Result<::reqwest::Response> {
                use progenitor_client::ClientInfo as _;
                self.inner()
                    .execute(
                        self.client(),
                        request,
                        &operations::API,
                        operations::by_generated_id(info.operation_id),
                    )
                    .await
            }
        }
    })
}

fn builder_impls(operation: &Operation) -> Result<TokenStream, GenerateError> {
    let builder = format_ident!("{}", naming::pascal(&operation.id));
    let output = output_type(operation)?;
    let constant = operation_table::constant(operation);
    let call_doc = format!(
        "Sends `{} {}` and decodes the answer, or returns one [`astro_api_core::Error`] that \
         keeps the status, request id and body.",
        operation.method, operation.path
    );
    let pagination = match &operation.pagination {
        Some(pagination) => paginated(operation, pagination, &builder)?,
        None => quote!(),
    };
    let run = if operation.success_binary {
        quote!(run_bytes)
    } else {
        quote!(run)
    };
    Ok(quote! {
        impl<'a> builder::#builder<'a> {
            #[doc = #call_doc]
            pub fn call(self) -> impl ::std::future::Future<
                Output = ::std::result::Result<#output, ::astro_api_core::Error>,
            > + Send + 'a {
                ::astro_api_core::__private::#run(&operations::#constant, self.send())
            }
        }

        impl<'a> ::astro_api_core::Call for builder::#builder<'a> {
            type Output = #output;
            const OPERATION: &'static ::astro_api_core::Operation = &operations::#constant;
            fn call(self) -> impl ::std::future::Future<
                Output = ::std::result::Result<Self::Output, ::astro_api_core::Error>,
            > + Send {
                builder::#builder::call(self)
            }
        }

        #pagination
    })
}

/// The `Paginated` impl and the inherent `pager()` of a list operation.
fn paginated(
    operation: &Operation,
    pagination: &astro_spec::Pagination,
    builder: &proc_macro2::Ident,
) -> Result<TokenStream, GenerateError> {
    let item = schema_type(&pagination.item_schema)
        .ok_or_else(|| GenerateError::InlineResponse(operation.id.clone()))?;
    let items = format_ident!("{}", naming::snake(&pagination.items_property));
    let max = u32::try_from(pagination.max_limit.unwrap_or(1000)).unwrap_or(u32::MAX);
    Ok(quote! {
        impl<'a> ::astro_api_core::Paginated for builder::#builder<'a> {
            type Item = #item;
            const MAX_PAGE_SIZE: u32 = #max;
            fn with_page(self, offset: i64, limit: i64) -> Self {
                self.offset(offset).limit(limit)
            }
            fn into_page(page: Self::Output) -> ::astro_api_core::Page<Self::Item> {
                ::astro_api_core::Page {
                    items: page.#items,
                    offset: ::std::convert::TryFrom::try_from(page.offset).unwrap_or_default(),
                    limit: ::std::convert::TryFrom::try_from(page.limit).unwrap_or_default(),
                    total_count: ::std::convert::TryFrom::try_from(page.total_count)
                        .unwrap_or_default(),
                }
            }
        }

        impl<'a> builder::#builder<'a> {
            /// Reads the list lazily, page by page, keeping every filter set on the builder:
            /// `.pager().items()` streams items, `.pager().collect()` gathers them all.
            pub fn pager(self) -> ::astro_api_core::Pager<Self> {
                ::astro_api_core::Paginate::pager(self)
            }
        }
    })
}

/// The Rust type of an operation's success body, as a path inside the generated module.
pub fn output_type(operation: &Operation) -> Result<TokenStream, GenerateError> {
    match &operation.success_schema {
        None if operation.success_binary => Ok(quote!(::astro_api_core::Bytes)),
        None => Ok(quote!(())),
        Some(schema) => {
            schema_type(schema).ok_or_else(|| GenerateError::InlineResponse(operation.id.clone()))
        }
    }
}

/// The Rust type progenitor uses for a schema: a named schema, or an array of one.
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
