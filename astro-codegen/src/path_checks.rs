//! Edits to progenitor's output, made on its syntax tree (never by hand): every builder's
//! `send()` checks its path parameters before the URL is built, so that a value such as `..`,
//! `.` or `""` is refused with the parameter's name instead of being resolved as a path step
//! (which would send the request to another resource); and `send()` is hidden from the docs,
//! leaving `call()` as the one documented verb.

use std::collections::BTreeMap;

use quote::format_ident;
use syn::{ImplItem, Item, Pat, Stmt, Type};

use astro_spec::naming;
use astro_spec::operations::{Operation, ParameterLocation};

/// Applies the edits to the generated file.
pub fn apply(file: &mut syn::File, operations: &[Operation]) {
    let path_parameters: BTreeMap<String, Vec<String>> = operations
        .iter()
        .map(|operation| {
            let names = operation
                .parameters
                .iter()
                .filter(|p| p.location == ParameterLocation::Path)
                .map(|p| p.name.clone())
                .collect();
            (naming::pascal(&operation.id), names)
        })
        .collect();
    for item in &mut file.items {
        let Item::Mod(module) = item else { continue };
        if module.ident != "builder" {
            continue;
        }
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        for item in items {
            let Item::Impl(block) = item else { continue };
            let Some(parameters) =
                builder_name(&block.self_ty).and_then(|n| path_parameters.get(&n))
            else {
                continue;
            };
            for member in &mut block.items {
                if let ImplItem::Fn(function) = member
                    && function.sig.ident == "send"
                {
                    function.attrs.push(syn::parse_quote!(#[doc(hidden)]));
                    insert_checks(&mut function.block.stmts, parameters);
                }
            }
        }
    }
}

/// The builder's name, from `impl<'a> ListWorkspaces<'a>`.
fn builder_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Inserts one check per path parameter right before `let url = …`.
fn insert_checks(stmts: &mut Vec<Stmt>, parameters: &[String]) {
    let Some(at) = stmts.iter().position(is_url_binding) else {
        return;
    };
    let checks = parameters.iter().rev().map(|name| {
        let local = format_ident!("{}", naming::snake(name));
        let stmt: Stmt = syn::parse_quote! {
            ::astro_api_core::__private::check_path_segment(#name, &#local.to_string())
                .map_err(Error::InvalidRequest)?;
        };
        stmt
    });
    for check in checks {
        stmts.insert(at, check);
    }
}

fn is_url_binding(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Local(local) if matches!(&local.pat, Pat::Ident(p) if p.ident == "url"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_go_before_the_url_is_built() {
        let mut stmts: Vec<Stmt> = vec![
            syn::parse_quote!(let team_id = team_id.map_err(Error::InvalidRequest)?;),
            syn::parse_quote!(let url = format!("{}/teams/{}", base, team_id);),
        ];
        insert_checks(&mut stmts, &["organizationId".into(), "teamId".into()]);
        let text: Vec<String> = stmts
            .iter()
            .map(|s| quote::ToTokens::to_token_stream(s).to_string())
            .collect();
        assert!(text[1].contains("\"organizationId\"") && text[1].contains("organization_id"));
        assert!(text[2].contains("\"teamId\""));
        assert!(text[3].starts_with("let url"));
    }
}
