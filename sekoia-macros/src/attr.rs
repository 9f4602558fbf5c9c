//! Parses `#[kind(key = value, ...)]` into key/value pairs, refusing other shapes.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Meta, Token};

use crate::ctxt::Ctxt;

/// One `key = value` of the attribute.
pub struct Arg {
    pub key: Ident,
    pub value: Expr,
}

/// Reads the attribute's arguments; shapes other than `key = value` are reported in `cx`.
pub fn parse_args(attribute: &str, tokens: TokenStream, cx: &mut Ctxt) -> Vec<Arg> {
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(metas) => metas,
        Err(e) => {
            cx.syn_error(syn::Error::new(
                e.span(),
                format!("cannot read the #[{attribute}] arguments: {e}; expected `key = \"value\"` pairs separated by commas"),
            ));
            return Vec::new();
        }
    };
    let mut args = Vec::new();
    for meta in metas {
        match meta {
            Meta::NameValue(nv) => match nv.path.get_ident() {
                Some(key) => args.push(Arg {
                    key: key.clone(),
                    value: nv.value,
                }),
                None => cx.error_spanned_by(
                    &nv.path,
                    format!("expected a single word before `=` in #[{attribute}]"),
                ),
            },
            Meta::Path(path) => cx.error_spanned_by(
                &path,
                format!(
                    "#[{attribute}] argument `{}` needs a value: `{} = \"...\"`",
                    path_text(&path),
                    path_text(&path)
                ),
            ),
            Meta::List(list) => cx.error_spanned_by(
                &list,
                format!(
                    "#[{attribute}] argument `{}` is written `{} = ...`, not `{}(...)`",
                    path_text(&list.path),
                    path_text(&list.path),
                    path_text(&list.path)
                ),
            ),
        }
    }
    args
}

fn path_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}
