//! The setters of the generated builders, read from the code the generator produces, so that
//! the emitted tests pass every value with exactly the type its setter takes.

use std::collections::BTreeMap;

use syn::{GenericParam, ImplItem, Item, PathArguments, Type, TypeParamBound, WherePredicate};

/// For each builder struct (`ListWorkspaces`), its setters (`names`) and their value types.
pub type Setters = BTreeMap<String, BTreeMap<String, Type>>;

/// Reads the setters of every builder in the top-level `builder` module of generated code.
pub fn read(code: &str) -> Result<Setters, String> {
    let file =
        syn::parse_file(code).map_err(|e| format!("the generated code does not parse: {e}"))?;
    let builder = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Mod(module) if module.ident == "builder" => module.content.as_ref(),
            _ => None,
        })
        .ok_or("the generated code has no `builder` module")?;
    let mut setters = Setters::new();
    for item in &builder.1 {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let Type::Path(self_ty) = block.self_ty.as_ref() else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last() else {
            continue;
        };
        let entry = setters.entry(name.ident.to_string()).or_default();
        for member in &block.items {
            if let ImplItem::Fn(function) = member
                && let Some(ty) = setter_type(&function.sig)
            {
                entry.insert(function.sig.ident.to_string(), ty);
            }
        }
    }
    Ok(setters)
}

/// `fn name<V>(self, value: V) where V: TryInto<T>` gives `T`.
fn setter_type(sig: &syn::Signature) -> Option<Type> {
    let [GenericParam::Type(param)] = sig.generics.params.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let clause = sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let WherePredicate::Type(bound) = predicate else {
            return None;
        };
        let Type::Path(bounded) = &bound.bounded_ty else {
            return None;
        };
        if !bounded.path.is_ident(&param.ident) {
            return None;
        }
        bound.bounds.iter().find_map(|b| {
            let TypeParamBound::Trait(t) = b else {
                return None;
            };
            let last = t.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            args.args.iter().find_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            })
        })
    })
}
