//! One argument of an attribute as written (`key = value`, `key` or `key(...)`) and the
//! readers of its value, each taking the forms it accepts and reporting the others; what the
//! value says is checked afterwards by `valid`.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitBool, LitStr, Meta, Token};

use crate::ctxt::Ctxt;
use crate::suggest::unknown_argument;
use crate::symbol::Symbol;
use crate::valid::Kind;

/// One argument of the attribute: its value, if it was written in the right form, and where.
pub(crate) struct Attr<T> {
    name: Symbol,
    /// Whether the key was written, even with a value refused.
    written: bool,
    value: Option<T>,
}

impl<T> Attr<T> {
    /// An argument not written (yet).
    pub(crate) fn none(name: Symbol) -> Self {
        Attr {
            name,
            written: false,
            value: None,
        }
    }

    /// Records `arg`, read as `value` (`None` when its value was refused, already reported).
    /// A second `arg` for the same key is reported at its key, and the first value kept.
    pub(crate) fn set(&mut self, arg: &Arg, value: Option<T>, cx: &mut Ctxt) {
        if self.written {
            cx.error_spanned_by(
                &arg.ident,
                format!("duplicate #[{}] argument `{}`", arg.attribute, self.name),
            );
            return;
        }
        self.written = true;
        self.value = value;
    }

    /// The value, when the argument was written in the right form.
    pub(crate) fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }

    pub(crate) fn name(&self) -> Symbol {
        self.name
    }

    /// Whether the key was written, even with a value refused.
    pub(crate) fn is_written(&self) -> bool {
        self.written
    }
}

/// What is known of the arguments as a whole.
pub(crate) struct Seen {
    /// False when the arguments could not be read at all: what is missing is then unknown.
    readable: bool,
    /// The keys that unknown arguments were taken for (`name` for `nam`).
    misspelt: Vec<Symbol>,
}

impl Seen {
    /// Whether `attr` is absent and its absence not yet explained: the arguments were read, and
    /// it was not written, even misspelt.
    pub(crate) fn lacks<T>(&self, attr: &Attr<T>) -> bool {
        self.readable && !attr.is_written() && !self.misspelt.contains(&attr.name())
    }

    /// Reports `arg`, whose key the attribute does not take, with the key it was probably meant
    /// to be.
    pub(crate) fn unknown(&mut self, arg: &Arg, cx: &mut Ctxt) {
        let key = arg.ident.to_string();
        let (message, meant) = unknown_argument(arg.attribute, arg.kind, &key, arg.keys);
        self.misspelt.extend(meant);
        cx.error_spanned_by(&arg.ident, message);
    }
}

/// One argument as written: `key = value`, `key` or `key(...)`, its key a single word.
pub(crate) struct Arg {
    /// The key among the attribute's keys; `None` for a key it does not take.
    pub key: Option<Symbol>,
    pub ident: Ident,
    pub meta: Meta,
    attribute: &'static str,
    kind: Option<Kind>,
    keys: &'static [Symbol],
}

impl Arg {
    /// `key = "..."`.
    pub(crate) fn string(&self, cx: &mut Ctxt) -> Option<LitStr> {
        let value = self.value("\"...\"", cx)?;
        match value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => Some(s.clone()),
            other => {
                let key = &self.ident;
                cx.error_spanned_by(
                    other,
                    format!(
                        "#[{}] `{key}` must be a string literal: `{key} = \"...\"`",
                        self.attribute
                    ),
                );
                None
            }
        }
    }

    /// `key = ["...", ...]`; `example` is a value to show (`["Network"]`). A value with any item
    /// that is not a string literal is refused.
    pub(crate) fn strings(&self, example: &str, cx: &mut Ctxt) -> Option<Vec<LitStr>> {
        let value = self.value(example, cx)?;
        let key = &self.ident;
        let not_a_list = format!(
            "#[{}] `{key}` must be a list of strings: `{key} = {example}`",
            self.attribute
        );
        let Expr::Array(array) = value else {
            cx.error_spanned_by(value, not_a_list);
            return None;
        };
        let mut strings = Vec::new();
        let mut ok = true;
        for elem in &array.elems {
            match elem {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => strings.push(s.clone()),
                other => {
                    cx.error_spanned_by(other, &not_a_list);
                    ok = false;
                }
            }
        }
        ok.then_some(strings)
    }

    /// `key` alone, or `key = true` / `key = false`.
    pub(crate) fn flag(&self, cx: &mut Ctxt) -> Option<bool> {
        match &self.meta {
            Meta::Path(_) => Some(true),
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Bool(LitBool { value, .. }),
                    ..
                }) => Some(*value),
                other => {
                    let key = &self.ident;
                    cx.error_spanned_by(
                        other,
                        format!(
                            "#[{}] `{key}` is a flag: write `{key}` alone (or `{key} = true`)",
                            self.attribute
                        ),
                    );
                    None
                }
            },
            Meta::List(_) => {
                let key = &self.ident;
                cx.error_spanned_by(
                    &self.meta,
                    format!(
                        "#[{}] `{key}` is a flag: write `{key}` alone, not `{key}(...)`",
                        self.attribute
                    ),
                );
                None
            }
        }
    }

    /// `key = Type` (a path, or `()`).
    pub(crate) fn ty(&self, cx: &mut Ctxt) -> Option<syn::Type> {
        let value = self.value("MyType", cx)?;
        match syn::parse2::<syn::Type>(value.to_token_stream()) {
            Ok(ty) => Some(ty),
            Err(_) => {
                let key = &self.ident;
                cx.error_spanned_by(
                    value,
                    format!(
                        "#[{}] `{key}` must be a type: `{key} = MyType`",
                        self.attribute
                    ),
                );
                None
            }
        }
    }

    /// `key = [("...", "..."), ...]`.
    pub(crate) fn pairs(&self, example: &str, cx: &mut Ctxt) -> Option<Vec<(LitStr, LitStr)>> {
        let value = self.value(example, cx)?;
        let key = &self.ident;
        let not_pairs = format!(
            "#[{}] `{key}` must be a list of pairs of strings: `{key} = {example}`",
            self.attribute
        );
        let Expr::Array(array) = value else {
            cx.error_spanned_by(value, not_pairs);
            return None;
        };
        let mut pairs = Vec::new();
        let mut ok = true;
        for elem in &array.elems {
            let pair = match elem {
                Expr::Tuple(tuple) if tuple.elems.len() == 2 => {
                    match (&tuple.elems[0], &tuple.elems[1]) {
                        (
                            Expr::Lit(ExprLit {
                                lit: Lit::Str(a), ..
                            }),
                            Expr::Lit(ExprLit {
                                lit: Lit::Str(b), ..
                            }),
                        ) => Some((a.clone(), b.clone())),
                        _ => None,
                    }
                }
                _ => None,
            };
            match pair {
                Some(pair) => pairs.push(pair),
                None => {
                    cx.error_spanned_by(elem, &not_pairs);
                    ok = false;
                }
            }
        }
        ok.then_some(pairs)
    }

    /// `key(...)`: the arguments inside, read against `keys`.
    pub(crate) fn nested(
        &self,
        keys: &'static [Symbol],
        example: &str,
        cx: &mut Ctxt,
    ) -> Option<(Seen, Vec<Arg>)> {
        let Meta::List(list) = &self.meta else {
            let key = &self.ident;
            cx.error_spanned_by(
                &self.meta,
                format!(
                    "#[{}] argument `{key}` is written `{key}({example})`",
                    self.attribute
                ),
            );
            return None;
        };
        Some(read(self.attribute, None, keys, list.tokens.clone(), cx))
    }

    /// The value of `key = value`; the other forms are reported, with `example` as the value to
    /// write.
    fn value(&self, example: &str, cx: &mut Ctxt) -> Option<&Expr> {
        if let Meta::NameValue(nv) = &self.meta {
            return Some(&nv.value);
        }
        cx.error_spanned_by(
            &self.meta,
            not_key_value(self.attribute, &self.ident.to_string(), &self.meta, example),
        );
        None
    }
}

/// Splits the arguments, reporting keys that are not single words; `None` from `keys` for the
/// others. Unreadable arguments are reported as a whole, and leave `readable` false.
pub(crate) fn read(
    attribute: &'static str,
    kind: Option<Kind>,
    keys: &'static [Symbol],
    tokens: TokenStream,
    cx: &mut Ctxt,
) -> (Seen, Vec<Arg>) {
    let mut seen = Seen {
        readable: true,
        misspelt: Vec::new(),
    };
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(metas) => metas,
        Err(e) => {
            cx.syn_error(syn::Error::new(
                e.span(),
                format!(
                    "cannot read the #[{attribute}] arguments: {e}; write them as `key = \"value\"` pairs separated by commas"
                ),
            ));
            seen.readable = false;
            return (seen, Vec::new());
        }
    };
    let mut list = Vec::new();
    for meta in metas {
        let Some(ident) = meta.path().get_ident().cloned() else {
            match &meta {
                Meta::NameValue(nv) => cx.error_spanned_by(
                    &nv.path,
                    format!("expected a single word before `=` in #[{attribute}]"),
                ),
                other => cx.error_spanned_by(
                    other,
                    not_key_value(attribute, &path_text(other.path()), other, "\"...\""),
                ),
            }
            continue;
        };
        list.push(Arg {
            key: Symbol::lookup(&ident, keys),
            ident,
            meta,
            attribute,
            kind,
            keys,
        });
    }
    (seen, list)
}

/// What to say of `key` or `key(...)` where `key = value` is expected.
fn not_key_value(attribute: &str, key: &str, meta: &Meta, example: &str) -> String {
    match meta {
        Meta::List(_) => {
            format!("#[{attribute}] argument `{key}` is written `{key} = ...`, not `{key}(...)`")
        }
        _ => format!("#[{attribute}] argument `{key}` needs a value: `{key} = {example}`"),
    }
}

fn path_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}
