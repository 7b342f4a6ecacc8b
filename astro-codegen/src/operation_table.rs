//! The `operations` module of a generated crate: one `astro_api_core::Operation` constant per
//! operation, the `API` it belongs to, the whole table, and the lookup the runtime hook uses.
//! Every per-operation fact the runtime, the facade and the tools need is decided here, once,
//! from `astro_spec`'s operation model.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::target::Target;
use astro_spec::naming;
use astro_spec::operations::Operation;

/// The name of an operation's constant (`LIST_WORKSPACES`).
pub fn constant(operation: &Operation) -> proc_macro2::Ident {
    format_ident!("{}", naming::snake(&operation.id).to_uppercase())
}

/// The `operations` module.
pub fn render(target: &Target, operations: &[Operation]) -> TokenStream {
    let name = &target.api_name;
    let version = &target.version;
    let base_path = &target.base_path;
    let header = match &target.version_header {
        Some(header) => quote!(::std::option::Option::Some(#header)),
        None => quote!(::std::option::Option::None),
    };
    let constants = operations.iter().map(|operation| {
        let constant = constant(operation);
        let id = &operation.id;
        let method = &operation.method;
        let path = &operation.path;
        let idempotent = operation.is_idempotent();
        let org_scoped = operation.is_org_scoped();
        let pagination = match &operation.pagination {
            Some(pagination) => {
                let items = &pagination.items_property;
                let max = u32::try_from(pagination.max_limit.unwrap_or(1000)).unwrap_or(u32::MAX);
                quote!(::std::option::Option::Some(::astro_api_core::operation::Pagination {
                    items: #items,
                    max_page_size: #max,
                }))
            }
            None => quote!(::std::option::Option::None),
        };
        let doc = format!("`{method} {path}` ({id}).");
        quote! {
            #[doc = #doc]
            pub const #constant: Operation = Operation {
                id: #id,
                method: #method,
                path: #path,
                idempotent: #idempotent,
                org_scoped: #org_scoped,
                pagination: #pagination,
            };
        }
    });
    let all = operations.iter().map(constant);
    let arms = operations.iter().map(|operation| {
        let snake = naming::snake(&operation.id);
        let constant = constant(operation);
        quote!(#snake => &#constant,)
    });
    quote! {
        /// The operations of this module's API, as the runtime sees them: id, method, path,
        /// whether a retry is safe, organization scope and pagination. Generated from the
        /// pinned document.
        pub mod operations {
            use ::astro_api_core::{Api, Operation};

            /// The API document this module was generated from.
            pub const API: Api = Api {
                name: #name,
                version: #version,
                version_header: #header,
                base_path: #base_path,
            };

            #( #constants )*

            /// Every operation, in document order.
            pub const ALL: &[Operation] = &[ #( #all ),* ];

            /// An operation that is not in the table: treated as unsafe to retry.
            const UNLISTED: Operation = Operation {
                id: "unlisted",
                method: "",
                path: "",
                idempotent: false,
                org_scoped: false,
                pagination: ::std::option::Option::None,
            };

            /// The operation of progenitor's (snake case) operation id.
            pub fn by_generated_id(id: &str) -> &'static Operation {
                match id {
                    #( #arms )*
                    _ => &UNLISTED,
                }
            }
        }
    }
}
