//! `#[sekoia(...)]`: how a type's schema is written in the Sekoia dialect, on the type and on its
//! fields, above `#[derive(JsonSchema)]`.
//!
//! It rewrites the item before the derives see it: each setting becomes a
//! `#[schemars(extend(...))]` that leaves a marker object in the schema (`x-sekoia-type`,
//! `x-sekoia-field`, read and removed by `sekoia_manifest::schema`), or a keyword written as it
//! is (`in`, `example`, `enum`, `default`); `default = ...` also gives serde the same default.

mod args;
mod field;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Item, LitStr};

use crate::ctxt::Ctxt;
use args::{SekoiaArg, Words, split, unknown};
pub(crate) use field::FIELD_KEYS;

/// The keys of `#[sekoia(...)]` on a type.
pub(crate) const TYPE_KEYS: &[&str] = &[
    "title",
    "no_title",
    "schema",
    "no_type",
    "no_properties",
    "required",
    "secrets",
    "one_of_required",
    "any_of_required",
    "not_any_of_required",
    "type_array",
    "titles",
    "optional",
    "nullable",
    "definition",
    "raw",
];

/// `#[sekoia(...)]` on a struct or an enum.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let mut parsed: Item = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(e) => {
            let error = e.to_compile_error();
            return quote!(#item #error);
        }
    };
    let entries = type_entries(split(args, &mut cx), &mut cx);
    let (ident, generics, attrs, fields): (_, _, _, Vec<&mut syn::Field>) = match &mut parsed {
        Item::Struct(s) => (
            s.ident.clone(),
            s.generics.clone(),
            &mut s.attrs,
            s.fields.iter_mut().collect(),
        ),
        Item::Enum(e) => (
            e.ident.clone(),
            e.generics.clone(),
            &mut e.attrs,
            e.variants
                .iter_mut()
                .flat_map(|v| v.fields.iter_mut())
                .collect(),
        ),
        _ => {
            cx.error_at(
                proc_macro2::Span::call_site(),
                "#[sekoia] goes on a struct or an enum that derives `JsonSchema`",
            );
            let errors = cx.into_compile_errors().unwrap_or_default();
            return quote!(#item #errors);
        }
    };
    let mut defaults = Vec::new();
    for (index, field) in fields.into_iter().enumerate() {
        if let Some(default) = field::rewrite(field, index, &ident, &mut cx) {
            defaults.push(default);
        }
    }
    if !defaults.is_empty() && !generics.params.is_empty() {
        cx.error_spanned_by(
            &generics,
            "#[sekoia(default = ...)] needs a type without generic parameters",
        );
    }
    let mut entries = entries;
    if !defaults.is_empty() {
        entries.push(quote!("error": Self::__sekoia_default_error()));
    }
    if !entries.is_empty() {
        let marker = LitStr::new(
            sekoia_manifest::dialect::marker::TYPE,
            proc_macro2::Span::call_site(),
        );
        attrs.push(syn::parse_quote!(#[schemars(extend(#marker = { #(#entries),* }))]));
    }
    let default_impl = default_functions(&ident, &defaults);
    let errors = cx.into_compile_errors().unwrap_or_default();
    quote! {
        #parsed
        #default_impl
        #errors
    }
}

/// The marker entries (`"key": value`) of the type's settings.
fn type_entries(args: Vec<SekoiaArg>, cx: &mut Ctxt) -> Vec<TokenStream> {
    let mut entries = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for arg in args {
        let name = arg.key.to_string();
        if seen.contains(&name) {
            cx.error_spanned_by(&arg.key, format!("duplicate #[sekoia] argument `{name}`"));
            continue;
        }
        seen.push(name.clone());
        let key = LitStr::new(&name, arg.key.span());
        let value = match name.as_str() {
            "title" | "definition" | "raw" => arg.string(cx).map(|lit| quote!(#lit)),
            "no_title" | "no_type" | "no_properties" | "type_array" => {
                arg.flag(cx).then(|| quote!(true))
            }
            "schema" => Words::schema(&arg, cx).map(|lit| quote!(#lit)),
            "titles" => Words::titles(&arg, cx).map(|lit| quote!(#lit)),
            "optional" => Words::optional(&arg, cx).map(|lit| quote!(#lit)),
            "nullable" => Words::nullable(&arg, cx).map(|lit| quote!(#lit)),
            "required" | "secrets" => arg.strings(cx).map(|list| quote!([#(#list),*])),
            "one_of_required" | "any_of_required" | "not_any_of_required" => {
                arg.lists_of_strings(cx).map(|lists| {
                    let lists = lists.iter().map(|list| quote!([#(#list),*]));
                    quote!([#(#lists),*])
                })
            }
            _ => {
                unknown(&arg.key, "a type", TYPE_KEYS, FIELD_KEYS, cx);
                None
            }
        };
        if let Some(value) = value {
            entries.push(quote!(#key: #value));
        }
    }
    if seen.iter().any(|k| k == "title") && seen.iter().any(|k| k == "no_title") {
        cx.error_at(
            proc_macro2::Span::call_site(),
            "#[sekoia] `title` and `no_title` cannot be written together",
        );
    }
    entries
}

/// The functions `default = ...` gives serde, and the check of their values that the schema
/// runs (a value that is not of its field fails the build, naming the field).
fn default_functions(ident: &syn::Ident, defaults: &[field::Default]) -> TokenStream {
    if defaults.is_empty() {
        return TokenStream::new();
    }
    let private = quote!(::sekoia_runtime::__private);
    let functions = defaults.iter().map(|d| {
        let function = format_ident!("{}", d.function);
        let (ty, value) = (&d.ty, &d.value);
        quote! {
            #[doc(hidden)]
            fn #function() -> #ty {
                #private::default_value(#private::serde_json::json!(#value))
            }
        }
    });
    let checks = defaults.iter().map(|d| {
        let (ty, value, field) = (&d.ty, &d.value, &d.field);
        quote! {
            .or_else(|| #private::default_error::<#ty>(#field, #private::serde_json::json!(#value)))
        }
    });
    quote! {
        #[allow(clippy::all)]
        impl #ident {
            #(#functions)*

            #[doc(hidden)]
            fn __sekoia_default_error() -> ::core::option::Option<::std::string::String> {
                ::core::option::Option::None #(#checks)*
            }
        }
    }
}
