//! `#[sekoia(...)]` on a field: its settings become `#[schemars(...)]` attributes (and a serde
//! default for `default = ...`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Field, Ident, LitStr};

use crate::ctxt::Ctxt;
use crate::schema::TYPE_KEYS;
use crate::schema::args::{SekoiaArg, Words, split, unknown};

/// The keys of `#[sekoia(...)]` on a field.
pub(crate) const FIELD_KEYS: &[&str] = &[
    "title",
    "description",
    "no_title",
    "required",
    "location",
    "format",
    "optional",
    "nullable",
    "no_default",
    "example",
    "values",
    "untyped",
    "default",
    "schema_default",
    "raw",
];

/// Where a GenericAPIAction argument goes in the request, as OpenAPI's `in` says.
const LOCATIONS: &[&str] = &["path", "query", "body", "header", "formData"];

/// A field's `default = ...`: the serde default function to write.
pub(crate) struct Default {
    /// The function's name.
    pub function: String,
    /// The field's name, for the message when the value is not of its type.
    pub field: String,
    pub ty: syn::Type,
    pub value: TokenStream,
}

/// Replaces the field's `#[sekoia(...)]` attributes with what they mean.
pub(crate) fn rewrite(
    field: &mut Field,
    index: usize,
    owner: &Ident,
    cx: &mut Ctxt,
) -> Option<Default> {
    let mut args = Vec::new();
    let mut kept = Vec::with_capacity(field.attrs.len());
    for attr in std::mem::take(&mut field.attrs) {
        if attr.path().is_ident("sekoia") {
            match &attr.meta {
                syn::Meta::List(list) => args.extend(split(list.tokens.clone(), cx)),
                other => {
                    cx.error_spanned_by(
                        other,
                        "write the field's settings inside `#[sekoia(...)]`",
                    );
                }
            }
        } else {
            kept.push(attr);
        }
    }
    field.attrs = kept;
    if args.is_empty() {
        return None;
    }
    let name = field
        .ident
        .as_ref()
        .map_or_else(|| index.to_string(), ToString::to_string);
    let mut marks = Vec::new();
    let mut keywords = Vec::new();
    let mut default = None;
    let mut schema_default = None;
    let mut seen: Vec<String> = Vec::new();
    for arg in args {
        let key = arg.key.to_string();
        if seen.contains(&key) {
            cx.error_spanned_by(&arg.key, format!("duplicate #[sekoia] argument `{key}`"));
            continue;
        }
        seen.push(key.clone());
        let lit = LitStr::new(&key, arg.key.span());
        match key.as_str() {
            "title" => {
                if let Some(title) = arg.string(cx) {
                    field
                        .attrs
                        .push(syn::parse_quote!(#[schemars(title = #title)]));
                }
            }
            "description" => {
                if let Some(description) = arg.string(cx) {
                    field
                        .attrs
                        .push(syn::parse_quote!(#[schemars(description = #description)]));
                }
            }
            "no_title" | "required" | "no_default" | "untyped" => {
                if arg.flag(cx) {
                    marks.push(quote!(#lit: true));
                }
            }
            "format" => {
                if let Some(format) = arg.string(cx) {
                    marks.push(quote!(#lit: #format));
                }
            }
            "optional" => {
                if let Some(word) = Words::optional(&arg, cx) {
                    marks.push(quote!(#lit: #word));
                }
            }
            "nullable" => {
                if let Some(word) = Words::nullable(&arg, cx) {
                    marks.push(quote!(#lit: #word));
                }
            }
            "raw" => {
                if let Some(raw) = arg.string(cx) {
                    marks.push(quote!(#lit: #raw));
                }
            }
            "location" => location(&arg, &mut keywords, cx),
            "example" => {
                if let Some(json) = arg.json(cx) {
                    keywords.push(quote!("example" = #json));
                }
            }
            "values" => {
                if let Some(json) = arg.json(cx) {
                    keywords.push(quote!("enum" = #json));
                }
            }
            "default" => default = arg.json(cx),
            "schema_default" => schema_default = arg.json(cx),
            _ => unknown(&arg.key, "a field", FIELD_KEYS, TYPE_KEYS, cx),
        }
    }
    if default.is_some() && schema_default.is_some() {
        cx.error_spanned_by(
            &field.ty,
            "#[sekoia] `default` and `schema_default` cannot be written together: `default` also gives serde the value",
        );
    }
    if let Some(json) = default.as_ref().or(schema_default.as_ref()) {
        keywords.push(quote!("default" = #json));
    }
    if !marks.is_empty() {
        let marker = LitStr::new(
            sekoia_manifest::dialect::marker::FIELD,
            proc_macro2::Span::call_site(),
        );
        keywords.insert(0, quote!(#marker = { #(#marks),* }));
    }
    if !keywords.is_empty() {
        field
            .attrs
            .push(syn::parse_quote!(#[schemars(extend(#(#keywords),*))]));
    }
    let value = default?;
    let function = format!("__sekoia_default_{name}");
    let path = LitStr::new(
        &format!("{owner}::{function}"),
        proc_macro2::Span::call_site(),
    );
    field
        .attrs
        .push(syn::parse_quote!(#[serde(default = #path)]));
    // schemars would call the function to write the default: the value as written is enough
    field.attrs.push(syn::parse_quote!(
        #[schemars(default = "::sekoia_runtime::__private::no_schema_default")]
    ));
    Some(Default {
        function,
        field: name,
        ty: field.ty.clone(),
        value,
    })
}

fn location(arg: &SekoiaArg, keywords: &mut Vec<TokenStream>, cx: &mut Ctxt) {
    let Some(lit) = arg.string(cx) else {
        return;
    };
    if LOCATIONS.contains(&lit.value().as_str()) {
        keywords.push(quote!("in" = #lit));
    } else {
        let expected = LOCATIONS
            .iter()
            .map(|l| format!("\"{l}\""))
            .collect::<Vec<_>>()
            .join(", ");
        cx.error_spanned_by(
            &lit,
            format!(
                "unknown #[sekoia] `location` \"{}\"; expected one of {expected} (OpenAPI's `in`)",
                lit.value()
            ),
        );
    }
}
