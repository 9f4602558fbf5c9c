//! Parses `#[kind(key = value, ...)]` into key/value pairs, refusing other shapes.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Meta, Token};

use crate::ctxt::Ctxt;

/// The arguments of the attribute.
pub struct Args {
    pub args: Vec<Arg>,
    /// False when the arguments could not be parsed at all: what is missing is then unknown.
    pub readable: bool,
}

/// One `key = value` of the attribute; `value` is `None` when it was written in another shape
/// (`key`, `key(...)`), already reported.
pub struct Arg {
    pub key: Ident,
    pub value: Option<Expr>,
}

/// Reads the attribute's arguments; shapes other than `key = value` are reported in `cx`.
pub fn parse_args(attribute: &str, tokens: TokenStream, cx: &mut Ctxt) -> Args {
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(metas) => metas,
        Err(e) => {
            cx.syn_error(syn::Error::new(
                e.span(),
                format!(
                    "cannot read the #[{attribute}] arguments: {e}; write them as `key = \"value\"` pairs separated by commas"
                ),
            ));
            return Args {
                args: Vec::new(),
                readable: false,
            };
        }
    };
    let mut args = Vec::new();
    for meta in metas {
        match meta {
            Meta::NameValue(nv) => match nv.path.get_ident() {
                Some(key) => args.push(Arg {
                    key: key.clone(),
                    value: Some(nv.value),
                }),
                None => cx.error_spanned_by(
                    &nv.path,
                    format!("expected a single word before `=` in #[{attribute}]"),
                ),
            },
            Meta::Path(path) => {
                cx.error_spanned_by(
                    &path,
                    format!(
                        "#[{attribute}] argument `{}` needs a value: `{} = \"...\"`",
                        path_text(&path),
                        path_text(&path)
                    ),
                );
                if let Some(key) = path.get_ident() {
                    args.push(Arg {
                        key: key.clone(),
                        value: None,
                    });
                }
            }
            Meta::List(list) => {
                cx.error_spanned_by(
                    &list,
                    format!(
                        "#[{attribute}] argument `{}` is written `{} = ...`, not `{}(...)`",
                        path_text(&list.path),
                        path_text(&list.path),
                        path_text(&list.path)
                    ),
                );
                if let Some(key) = list.path.get_ident() {
                    args.push(Arg {
                        key: key.clone(),
                        value: None,
                    });
                }
            }
        }
    }
    Args {
        args,
        readable: true,
    }
}

fn path_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}
