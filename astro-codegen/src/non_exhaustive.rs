//! Marks every generated struct with named fields in the `types` module `#[non_exhaustive]`, so
//! that a property Astronomer adds to a schema is an additive change for users of the crate:
//! code outside the crate cannot write a struct literal or an exhaustive pattern of these types,
//! which are the two things a new field breaks. Requests are built with the generated builders
//! (`types::CreateWorkspaceRequest::builder()`, or an operation builder's `body_map`), which live
//! inside the crate and are not affected; responses are read field by field.
//!
//! Response structs are marked too, not only request ones: a schema that only responses use
//! today may be used by a request tomorrow, and the mark must not appear on a regen.

use syn::{Fields, Item};

/// Adds `#[non_exhaustive]` to every struct with named fields directly in `mod types`.
pub fn apply(file: &mut syn::File) {
    for item in &mut file.items {
        let Item::Mod(module) = item else { continue };
        if module.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        for item in items {
            if let Item::Struct(structure) = item
                && matches!(structure.fields, Fields::Named(_))
                && !structure
                    .attrs
                    .iter()
                    .any(|attr| attr.path().is_ident("non_exhaustive"))
            {
                structure.attrs.push(syn::parse_quote!(#[non_exhaustive]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(file: &syn::File) -> Vec<String> {
        let mut names = Vec::new();
        let mut visit = |items: &[Item], prefix: &str| {
            for item in items {
                if let Item::Struct(s) = item
                    && s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
                {
                    names.push(format!("{prefix}{}", s.ident));
                }
            }
        };
        visit(&file.items, "");
        for item in &file.items {
            if let Item::Mod(m) = item
                && let Some((_, items)) = &m.content
            {
                visit(items, &format!("{}::", m.ident));
                for inner in items {
                    if let Item::Mod(n) = inner
                        && let Some((_, deeper)) = &n.content
                    {
                        visit(deeper, &format!("{}::{}::", m.ident, n.ident));
                    }
                }
            }
        }
        names
    }

    #[test]
    fn marks_only_named_structs_of_types_once() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Client { inner: u8 }
            pub mod types {
                pub struct Request { pub name: String }
                #[non_exhaustive]
                pub struct Response { pub id: String }
                pub struct Name(pub String);
                pub mod builder {
                    pub struct Request { name: Result<String, String> }
                }
            }
            pub mod builder {
                pub struct CreateThing { body: u8 }
            }
        };
        apply(&mut file);
        assert_eq!(marked(&file), ["types::Request", "types::Response"]);
        apply(&mut file);
        let text = quote::quote!(#file).to_string();
        assert_eq!(text.matches("non_exhaustive").count(), 2);
    }
}
