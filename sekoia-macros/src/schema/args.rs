//! Reads `#[sekoia(...)]` on a type and on its fields: `key`, `key = "..."`, `key = [...]`, or
//! `key = <JSON>` for the values written into the schema (`default = 60`, `example = {"a": 1}`).

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

use sekoia_manifest::dialect::{MetaSchema, Nullable, Optional, Titles};

use crate::ctxt::Ctxt;
use crate::suggest::closest_word;

/// One `key`, `key = value` or `key(...)`.
pub(crate) struct SekoiaArg {
    pub key: Ident,
    /// The tokens after `=`, up to the next comma; `None` for a flag or a list.
    pub value: Option<TokenStream>,
    /// The tokens inside `key(...)`.
    pub list: Option<TokenStream>,
}

/// Splits `key = value, flag, ...`.
pub(crate) fn split(tokens: TokenStream, cx: &mut Ctxt) -> Vec<SekoiaArg> {
    let parser = |input: ParseStream| {
        let mut args = Vec::new();
        while !input.is_empty() {
            let key: Ident = input.call(syn::ext::IdentExt::parse_any)?;
            if input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in input);
                let list: TokenStream = content.parse()?;
                args.push(SekoiaArg {
                    key,
                    value: None,
                    list: Some(list),
                });
                if !input.is_empty() {
                    input.parse::<Token![,]>()?;
                }
                continue;
            }
            let value = if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                let mut value = TokenStream::new();
                while !input.is_empty() && !input.peek(Token![,]) {
                    value.extend([input.parse::<TokenTree>()?]);
                }
                if value.is_empty() {
                    return Err(input.error(format!("`{key} =` needs a value")));
                }
                Some(value)
            } else {
                None
            };
            args.push(SekoiaArg {
                key,
                value,
                list: None,
            });
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    };
    match parser.parse2(tokens) {
        Ok(args) => args,
        Err(e) => {
            cx.syn_error(syn::Error::new(
                e.span(),
                format!(
                    "cannot read the #[sekoia] arguments: {e}; write them as `key = value` or `key`, separated by commas"
                ),
            ));
            Vec::new()
        }
    }
}

impl SekoiaArg {
    fn describe(&self) -> String {
        format!("#[sekoia] `{}`", self.key)
    }

    /// `key` alone.
    pub(crate) fn flag(&self, cx: &mut Ctxt) -> bool {
        if let Some(value) = self.value.as_ref().or(self.list.as_ref()) {
            cx.error_spanned_by(
                value,
                format!("{} is a flag: write `{}` alone", self.describe(), self.key),
            );
            return false;
        }
        true
    }

    /// `key(...)`: the arguments inside.
    pub(crate) fn nested(&self, example: &str, cx: &mut Ctxt) -> Option<Vec<SekoiaArg>> {
        match &self.list {
            Some(list) => Some(split(list.clone(), cx)),
            None => {
                cx.error_spanned_by(
                    &self.key,
                    format!("{} is written `{}({example})`", self.describe(), self.key),
                );
                None
            }
        }
    }

    /// The value, required.
    pub(crate) fn value(&self, example: &str, cx: &mut Ctxt) -> Option<&TokenStream> {
        if self.value.is_none() {
            cx.error_spanned_by(
                &self.key,
                format!(
                    "{} needs a value: `{} = {example}`",
                    self.describe(),
                    self.key
                ),
            );
        }
        self.value.as_ref()
    }

    /// `key = "..."`.
    pub(crate) fn string(&self, cx: &mut Ctxt) -> Option<LitStr> {
        let value = self.value("\"...\"", cx)?;
        match syn::parse2::<LitStr>(value.clone()) {
            Ok(lit) => Some(lit),
            Err(_) => {
                cx.error_spanned_by(
                    value,
                    format!(
                        "{} must be a string literal: `{} = \"...\"`",
                        self.describe(),
                        self.key
                    ),
                );
                None
            }
        }
    }

    /// `key = "<word>"`, a word of a dialect setting.
    pub(crate) fn word<T>(
        &self,
        from_word: fn(&str) -> Option<T>,
        expected: fn() -> String,
        cx: &mut Ctxt,
    ) -> Option<(T, LitStr)> {
        let lit = self.string(cx)?;
        match from_word(&lit.value()) {
            Some(value) => Some((value, lit)),
            None => {
                cx.error_spanned_by(
                    &lit,
                    format!(
                        "unknown {} \"{}\"; expected one of {}",
                        self.describe(),
                        lit.value(),
                        expected()
                    ),
                );
                None
            }
        }
    }

    /// `key = ["...", ...]`.
    pub(crate) fn strings(&self, cx: &mut Ctxt) -> Option<Vec<LitStr>> {
        let value = self.value("[\"...\"]", cx)?;
        match list_of_strings(value) {
            Some(list) => Some(list),
            None => {
                cx.error_spanned_by(
                    value,
                    format!(
                        "{} must be a list of strings: `{} = [\"a\", \"b\"]`",
                        self.describe(),
                        self.key
                    ),
                );
                None
            }
        }
    }

    /// `key = [["...", ...], ...]`.
    pub(crate) fn lists_of_strings(&self, cx: &mut Ctxt) -> Option<Vec<Vec<LitStr>>> {
        let value = self.value("[[\"a\"], [\"b\"]]", cx)?;
        let lists = bracketed(value).and_then(|inner| {
            comma_separated(inner)
                .iter()
                .map(list_of_strings)
                .collect::<Option<Vec<_>>>()
        });
        if lists.is_none() {
            cx.error_spanned_by(
                value,
                format!(
                    "{} must be a list of lists of strings: `{} = [[\"a\"], [\"b\", \"c\"]]`",
                    self.describe(),
                    self.key
                ),
            );
        }
        lists
    }

    /// `key = <JSON>`: the tokens, as `serde_json::json!` reads them.
    pub(crate) fn json(&self, cx: &mut Ctxt) -> Option<TokenStream> {
        self.value("<JSON value>", cx).cloned()
    }
}

fn bracketed(tokens: &TokenStream) -> Option<TokenStream> {
    let mut iter = tokens.clone().into_iter();
    match (iter.next(), iter.next()) {
        (Some(TokenTree::Group(group)), None) if group.delimiter() == Delimiter::Bracket => {
            Some(group.stream())
        }
        _ => None,
    }
}

fn comma_separated(tokens: TokenStream) -> Vec<TokenStream> {
    let mut items = Vec::new();
    let mut current = TokenStream::new();
    for tree in tokens {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ',' => items.push(std::mem::take(&mut current)),
            _ => current.extend([tree]),
        }
    }
    if !current.is_empty() {
        items.push(current);
    }
    items
}

fn list_of_strings(tokens: &TokenStream) -> Option<Vec<LitStr>> {
    let inner = bracketed(tokens)?;
    comma_separated(inner)
        .into_iter()
        .map(|item| syn::parse2::<LitStr>(item).ok())
        .collect()
}

/// What a `#[sekoia]` key is, to report it when it is written in the wrong place.
pub(crate) fn unknown(key: &Ident, place: &str, keys: &[&str], other_keys: &[&str], cx: &mut Ctxt) {
    let name = key.to_string();
    let expected = keys
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let message = if other_keys.contains(&name.as_str()) {
        let other = if place == "a type" {
            "a field"
        } else {
            "a type"
        };
        format!(
            "#[sekoia] `{name}` goes on {other}, not on {place}; on {place} it takes {expected}"
        )
    } else {
        match closest_word(&name, keys) {
            Some(meant) => format!(
                "unknown #[sekoia] argument `{name}` on {place}; did you mean `{meant}`? expected one of {expected}"
            ),
            None => format!(
                "unknown #[sekoia] argument `{name}` on {place}; expected one of {expected}"
            ),
        }
    };
    cx.error_spanned_by(key, message);
}

/// The words of a dialect setting, for the type and field readers.
pub(crate) struct Words;

impl Words {
    pub(crate) fn titles(arg: &SekoiaArg, cx: &mut Ctxt) -> Option<LitStr> {
        arg.word(Titles::from_word, Titles::expected, cx)
            .map(|(_, lit)| lit)
    }

    pub(crate) fn optional(arg: &SekoiaArg, cx: &mut Ctxt) -> Option<LitStr> {
        arg.word(Optional::from_word, Optional::expected, cx)
            .map(|(_, lit)| lit)
    }

    pub(crate) fn nullable(arg: &SekoiaArg, cx: &mut Ctxt) -> Option<LitStr> {
        arg.word(Nullable::from_word, Nullable::expected, cx)
            .map(|(_, lit)| lit)
    }

    pub(crate) fn schema(arg: &SekoiaArg, cx: &mut Ctxt) -> Option<LitStr> {
        arg.word(MetaSchema::from_word, MetaSchema::expected, cx)
            .map(|(_, lit)| lit)
    }
}
