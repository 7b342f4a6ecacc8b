//! Two exported macros per generated module, for the `astro-api` facade to expand inside its
//! own types: one method per organization-scoped operation (on `Org`, with the organization id
//! filled in) and one per other operation (on `Client`). A method is named after its
//! `operationId` alone, so a name never depends on what another crate contains.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::target::Target;
use astro_spec::naming;
use astro_spec::operations::Operation;

/// The `__<prefix>org_methods!` and `__<prefix>client_methods!` macros. Each takes the name of
/// the method that gives the generated `Client` (`platform`, `iam`); the org macro also calls
/// `self.id()` for the organization id.
pub fn render(target: &Target, operations: &[Operation]) -> TokenStream {
    let module = match &target.module {
        Some(module) => {
            let module = format_ident!("{module}");
            quote!($crate::#module)
        }
        None => quote!($crate),
    };
    let prefix = target.macro_prefix();
    let org_macro = format_ident!("__{prefix}org_methods");
    let client_macro = format_ident!("__{prefix}client_methods");
    let (scoped, unscoped): (Vec<&Operation>, Vec<&Operation>) =
        operations.iter().partition(|op| op.is_org_scoped());
    let org_methods = scoped.iter().map(|operation| {
        let (name, builder, doc) = names(operation);
        quote! {
            #[doc = #doc]
            #[doc = ""]
            #[doc = "The organization id is filled in."]
            pub fn #name(&self) -> #module::builder::#builder<'_> {
                self.$client().#name().organization_id(self.id())
            }
        }
    });
    let client_methods = unscoped.iter().map(|operation| {
        let (name, builder, doc) = names(operation);
        quote! {
            #[doc = #doc]
            pub fn #name(&self) -> #module::builder::#builder<'_> {
                self.$client().#name()
            }
        }
    });
    quote! {
        /// Expands to the `Org` methods of this module's operations (for the `astro-api`
        /// facade).
        #[doc(hidden)]
        #[macro_export]
        macro_rules! #org_macro {
            ($client:ident) => { #( #org_methods )* };
        }

        /// Expands to the `Client` methods of this module's operations that belong to no
        /// organization (for the `astro-api` facade).
        #[doc(hidden)]
        #[macro_export]
        macro_rules! #client_macro {
            ($client:ident) => { #( #client_methods )* };
        }
    }
}

fn names(operation: &Operation) -> (proc_macro2::Ident, proc_macro2::Ident, String) {
    let name = format_ident!("{}", naming::snake(&operation.id));
    let builder = format_ident!("{}", naming::pascal(&operation.id));
    let summary = operation
        .summary
        .as_deref()
        .map(|s| format!(": {}", s.trim_end_matches('.')))
        .unwrap_or_default();
    let doc = format!(
        "`{} {}` ({}){summary}.",
        operation.method, operation.path, operation.id
    );
    (name, builder, doc)
}
