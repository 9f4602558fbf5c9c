//! `#[sekoia(...)]` on a field: its settings become `#[schemars(...)]` attributes (and a serde
//! default for `default = ...`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
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
    "items",
    "raw",
];

/// The keys of `items(...)`, and the JSON Schema keyword each writes.
const ITEM_KEYS: &[(&str, &str)] = &[
    ("title", "title"),
    ("description", "description"),
    ("format", "format"),
    ("minimum", "minimum"),
    ("maximum", "maximum"),
    ("min_length", "minLength"),
    ("max_length", "maxLength"),
    ("pattern", "pattern"),
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
    // `r#type` is `type` to serde, and cannot be part of a function's name
    let name = field
        .ident
        .as_ref()
        .map_or_else(|| index.to_string(), |i| i.unraw().to_string());
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
            // schemars writes no empty title or description: those are written as they are
            "title" | "description" => match arg.string(cx) {
                Some(text) if text.value().is_empty() => keywords.push(quote!(#lit = "")),
                Some(text) if key == "title" => {
                    field
                        .attrs
                        .push(syn::parse_quote!(#[schemars(title = #text)]));
                }
                Some(text) => {
                    field
                        .attrs
                        .push(syn::parse_quote!(#[schemars(description = #text)]));
                }
                None => {}
            },
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
            "items" => {
                if let Some(entries) = items(&arg, cx) {
                    marks.push(quote!(#lit: { #(#entries),* }));
                }
            }
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

/// `items(format = "uuid", minimum = 1, ...)`: keywords of the schema of a list's items.
fn items(arg: &SekoiaArg, cx: &mut Ctxt) -> Option<Vec<TokenStream>> {
    let nested = arg.nested("format = \"uuid\"", cx)?;
    let mut entries = Vec::new();
    for item in nested {
        let key = item.key.to_string();
        let Some((_, keyword)) = ITEM_KEYS.iter().find(|(k, _)| *k == key) else {
            let expected = ITEM_KEYS
                .iter()
                .map(|(k, _)| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            cx.error_spanned_by(
                &item.key,
                format!("unknown #[sekoia] `items({key} = ...)`; expected one of {expected}"),
            );
            continue;
        };
        let keyword = LitStr::new(keyword, item.key.span());
        let value = match key.as_str() {
            "minimum" | "maximum" | "min_length" | "max_length" => item.json(cx),
            _ => item.string(cx).map(|lit| quote!(#lit)),
        };
        if let Some(value) = value {
            entries.push(quote!(#keyword: #value));
        }
    }
    Some(entries)
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
