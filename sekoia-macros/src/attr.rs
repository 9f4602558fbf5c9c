//! Reads `#[kind(key = value, ...)]` into typed arguments: [`ModuleArgs`] for `#[module]`,
//! [`ComponentArgs`] for `#[action]`, `#[trigger]` and `#[connector]`.
//!
//! This reading checks what each argument looks like: a known key, written once, its value in
//! the right form (a string literal, a list of them). Every mistake goes into the [`Ctxt`] and
//! the reading goes on, so that an author sees them all at once. What the values say (a valid
//! UUID, a slug, a known category, a required key) is checked afterwards by `valid`.
//!
//! # Adding an argument
//!
//! 1. In `symbol.rs`, a constant for its keyword, added to the key list of each attribute that
//!    takes it (`MODULE_KEYS`, `COMPONENT_KEYS`): that list is what the "expected one of" hint
//!    and the "did you mean" suggestions offer.
//! 2. A field in [`ModuleArgs`] or [`ComponentArgs`], initialised with `Attr::none(KEY)`:
//!    `Attr<LitStr>` for `key = "..."`, `Attr<Vec<LitStr>>` for `key = ["...", ...]`.
//! 3. An arm in that struct's `parse`, reading the value and setting the field:
//!    `Some(KEY) => args.key.set(&arg, arg.string(cx), cx),`. [`Attr::set`] reports a second
//!    `key = ...` as a duplicate.
//!
//! Then check the value in `valid.rs`. A value of another form (a flag written `key` alone, a
//! nested `key(...)`, a number) is one more reader on [`Arg`], next to [`Arg::string`] and
//! [`Arg::strings`]: it takes the forms it accepts from `arg.meta` and reports the others.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitStr, Meta, Token};

use crate::ctxt::Ctxt;
use crate::suggest::unknown_argument;
use crate::symbol::{
    ASSET_CONNECTOR_KEYS, CAPABILITY, CATEGORIES, COMPONENT_KEYS, DESCRIPTION, DOCKER_PARAMETERS,
    MODULE_KEYS, NAME, SLUG, Symbol, UUID,
};
use crate::valid::Kind;

/// The arguments of `#[module(...)]`.
pub(crate) struct ModuleArgs {
    pub name: Attr<LitStr>,
    pub slug: Attr<LitStr>,
    pub uuid: Attr<LitStr>,
    pub categories: Attr<Vec<LitStr>>,
    pub description: Attr<LitStr>,
    pub seen: Seen,
}

impl ModuleArgs {
    /// Reads the arguments, reporting in `cx` every one that is not of its form.
    pub(crate) fn parse(tokens: TokenStream, cx: &mut Ctxt) -> Self {
        let (seen, list) = read("module", None, MODULE_KEYS, tokens, cx);
        let mut args = ModuleArgs {
            name: Attr::none(NAME),
            slug: Attr::none(SLUG),
            uuid: Attr::none(UUID),
            categories: Attr::none(CATEGORIES),
            description: Attr::none(DESCRIPTION),
            seen,
        };
        for arg in list {
            match arg.key {
                Some(NAME) => args.name.set(&arg, arg.string(cx), cx),
                Some(SLUG) => args.slug.set(&arg, arg.string(cx), cx),
                Some(UUID) => args.uuid.set(&arg, arg.string(cx), cx),
                Some(CATEGORIES) => {
                    args.categories
                        .set(&arg, arg.strings("[\"Network\"]", cx), cx);
                }
                Some(DESCRIPTION) => args.description.set(&arg, arg.string(cx), cx),
                _ => args.seen.unknown(&arg, cx),
            }
        }
        args
    }
}

/// The arguments of `#[action(...)]`, `#[trigger(...)]` or `#[connector(...)]`.
pub(crate) struct ComponentArgs {
    pub name: Attr<LitStr>,
    pub description: Attr<LitStr>,
    pub uuid: Attr<LitStr>,
    pub docker_parameters: Attr<LitStr>,
    pub slug: Attr<LitStr>,
    /// `#[asset_connector]` only.
    pub capability: Attr<LitStr>,
    pub seen: Seen,
}

impl ComponentArgs {
    /// Reads the arguments, reporting in `cx` every one that is not of its form.
    pub(crate) fn parse(kind: Kind, tokens: TokenStream, cx: &mut Ctxt) -> Self {
        Self::parse_as(kind.as_str(), kind, COMPONENT_KEYS, tokens, cx)
    }

    /// Reads the arguments of `#[asset_connector(...)]`: a connector's, and `capability`.
    pub(crate) fn parse_asset_connector(tokens: TokenStream, cx: &mut Ctxt) -> Self {
        Self::parse_as(
            "asset_connector",
            Kind::Connector,
            ASSET_CONNECTOR_KEYS,
            tokens,
            cx,
        )
    }

    fn parse_as(
        attribute: &'static str,
        kind: Kind,
        keys: &'static [Symbol],
        tokens: TokenStream,
        cx: &mut Ctxt,
    ) -> Self {
        let (seen, list) = read(attribute, Some(kind), keys, tokens, cx);
        let mut args = ComponentArgs {
            name: Attr::none(NAME),
            description: Attr::none(DESCRIPTION),
            uuid: Attr::none(UUID),
            docker_parameters: Attr::none(DOCKER_PARAMETERS),
            slug: Attr::none(SLUG),
            capability: Attr::none(CAPABILITY),
            seen,
        };
        for arg in list {
            match arg.key {
                Some(NAME) => args.name.set(&arg, arg.string(cx), cx),
                Some(DESCRIPTION) => args.description.set(&arg, arg.string(cx), cx),
                Some(UUID) => args.uuid.set(&arg, arg.string(cx), cx),
                Some(DOCKER_PARAMETERS) => args.docker_parameters.set(&arg, arg.string(cx), cx),
                Some(SLUG) => args.slug.set(&arg, arg.string(cx), cx),
                Some(CAPABILITY) => args.capability.set(&arg, arg.string(cx), cx),
                _ => args.seen.unknown(&arg, cx),
            }
        }
        args
    }
}

/// One argument of the attribute: its value, if it was written in the right form, and where.
pub(crate) struct Attr<T> {
    name: Symbol,
    /// Whether the key was written, even with a value refused.
    written: bool,
    /// The value as written (the whole argument when it has no `= value`), for errors about
    /// the value as a whole.
    tokens: TokenStream,
    value: Option<T>,
}

impl<T> Attr<T> {
    /// An argument not written (yet).
    pub(crate) fn none(name: Symbol) -> Self {
        Attr {
            name,
            written: false,
            tokens: TokenStream::new(),
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
        self.tokens = match &arg.meta {
            Meta::NameValue(nv) => nv.value.to_token_stream(),
            other => other.to_token_stream(),
        };
        self.value = value;
    }

    /// The value, when the argument was written in the right form.
    pub(crate) fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// The value as written; empty when the argument was not written.
    pub(crate) fn tokens(&self) -> &TokenStream {
        &self.tokens
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
    fn unknown(&mut self, arg: &Arg, cx: &mut Ctxt) {
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
fn read(
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

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn module(tokens: TokenStream) -> (ModuleArgs, Vec<String>) {
        let mut cx = Ctxt::default();
        let args = ModuleArgs::parse(tokens, &mut cx);
        (args, cx.messages())
    }

    fn component(kind: Kind, tokens: TokenStream) -> (ComponentArgs, Vec<String>) {
        let mut cx = Ctxt::default();
        let args = ComponentArgs::parse(kind, tokens, &mut cx);
        (args, cx.messages())
    }

    fn value(attr: &Attr<LitStr>) -> Option<String> {
        attr.get().map(LitStr::value)
    }

    #[test]
    fn every_module_argument_is_read() {
        let (args, errors) = module(quote! {
            name = "Test", slug = "test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b",
            categories = ["Generic", "Network"], description = "A test module",
        });
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(value(&args.name).as_deref(), Some("Test"));
        assert_eq!(value(&args.slug).as_deref(), Some("test"));
        assert_eq!(
            value(&args.uuid).as_deref(),
            Some("5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b")
        );
        let categories: Vec<String> = args
            .categories
            .get()
            .unwrap()
            .iter()
            .map(LitStr::value)
            .collect();
        assert_eq!(categories, ["Generic", "Network"]);
        assert_eq!(value(&args.description).as_deref(), Some("A test module"));
        assert_eq!(
            args.categories.tokens().to_string(),
            quote!(["Generic", "Network"]).to_string()
        );
        assert!(!args.seen.lacks(&args.name));
    }

    #[test]
    fn every_component_argument_is_read() {
        for kind in [Kind::Action, Kind::Trigger, Kind::Connector] {
            let (args, errors) = component(
                kind,
                quote! {
                    name = "Ping", description = "Pings a host",
                    uuid = "429e8715-fdde-4064-b8e8-96e408917d2f", docker_parameters = "ping",
                    slug = "ping"
                },
            );
            assert_eq!(errors, Vec::<String>::new());
            assert_eq!(value(&args.name).as_deref(), Some("Ping"));
            assert_eq!(value(&args.description).as_deref(), Some("Pings a host"));
            assert_eq!(
                value(&args.uuid).as_deref(),
                Some("429e8715-fdde-4064-b8e8-96e408917d2f")
            );
            assert_eq!(value(&args.docker_parameters).as_deref(), Some("ping"));
            assert_eq!(value(&args.slug).as_deref(), Some("ping"));
        }
    }

    /// Each listed key has its arm: written without a value, it is known, and its value missing.
    #[test]
    fn every_listed_key_is_taken() {
        for key in MODULE_KEYS {
            let ident = Ident::new(key.as_str(), proc_macro2::Span::call_site());
            let (_, errors) = module(quote!(#ident));
            assert_eq!(errors.len(), 1, "{key}: {errors:?}");
            assert!(errors[0].contains("needs a value"), "{key}: {errors:?}");
        }
        for kind in [Kind::Action, Kind::Trigger, Kind::Connector] {
            for key in COMPONENT_KEYS {
                let ident = Ident::new(key.as_str(), proc_macro2::Span::call_site());
                let (_, errors) = component(kind, quote!(#ident));
                assert_eq!(errors.len(), 1, "{key}: {errors:?}");
                assert!(errors[0].contains("needs a value"), "{key}: {errors:?}");
            }
        }
    }

    #[test]
    fn no_arguments_lack_the_required_ones() {
        let (args, errors) = module(TokenStream::new());
        assert!(errors.is_empty());
        assert!(args.seen.lacks(&args.name));
        assert!(args.seen.lacks(&args.categories));
        assert!(args.name.get().is_none());
        assert!(args.name.tokens().is_empty());
    }

    #[test]
    fn a_duplicate_is_reported_and_the_first_value_kept() {
        let (args, errors) = module(quote!(name = "First", slug = "test", name = "Second"));
        assert_eq!(errors, ["duplicate #[module] argument `name`"]);
        assert_eq!(value(&args.name).as_deref(), Some("First"));

        let (args, errors) = component(
            Kind::Action,
            quote!(uuid = "429e8715-fdde-4064-b8e8-96e408917d2f", uuid = "1234"),
        );
        assert_eq!(errors, ["duplicate #[action] argument `uuid`"]);
        assert_eq!(
            value(&args.uuid).as_deref(),
            Some("429e8715-fdde-4064-b8e8-96e408917d2f")
        );
    }

    #[test]
    fn a_duplicate_counts_a_refused_first_value() {
        let (args, errors) = component(Kind::Trigger, quote!(name, name = "Second"));
        assert_eq!(
            errors,
            [
                "#[trigger] argument `name` needs a value: `name = \"...\"`",
                "duplicate #[trigger] argument `name`",
            ]
        );
        assert!(args.name.is_written());
        assert!(args.name.get().is_none());
    }

    #[test]
    fn an_unknown_key_is_reported_with_the_key_meant() {
        let (args, errors) = module(quote!(nam = "Test", slug = "test"));
        assert_eq!(
            errors,
            [
                "unknown #[module] argument `nam`; did you mean `name`? expected one of `name`, `slug`, `uuid`, `categories`, `description`"
            ]
        );
        // the misspelt key is not reported missing as well
        assert!(!args.seen.lacks(&args.name));
        assert!(!args.seen.lacks(&args.slug));
        assert!(args.seen.lacks(&args.uuid));
    }

    #[test]
    fn an_unknown_key_is_reported_once_whatever_its_form() {
        for tokens in [quote!(timeout), quote!(timeout = 30), quote!(timeout(30))] {
            let (_, errors) = component(Kind::Action, tokens);
            assert_eq!(
                errors,
                [
                    "unknown #[action] argument `timeout`; expected one of `name`, `description`, `uuid`, `docker_parameters`, `slug`"
                ]
            );
        }
    }

    #[test]
    fn a_trait_item_written_as_an_argument_is_pointed_to_the_impl() {
        let (_, errors) = component(Kind::Action, quote!(results = Pong));
        assert_eq!(
            errors,
            [
                "unknown #[action] argument `results`; it is not an argument but part of the trait impl: write `type Results = ...;` in `impl Action for ...`"
            ]
        );
        let (_, errors) = component(Kind::Connector, quote!(seconds_without_events = 60));
        assert_eq!(
            errors,
            [
                "unknown #[connector] argument `seconds_without_events`; it is not an argument but part of the trait impl: write `const SECONDS_WITHOUT_EVENTS: u64 = ...;` in `impl Connector for ...`"
            ]
        );
        let (_, errors) = module(quote!(version = "1.0"));
        assert_eq!(
            errors,
            [
                "unknown #[module] argument `version`; the module version is the `version` of the module's Cargo.toml"
            ]
        );
    }

    #[test]
    fn a_value_that_is_not_a_string_literal_is_refused() {
        let (args, errors) = module(quote!(name = Test, uuid = 42));
        assert_eq!(
            errors,
            [
                "#[module] `name` must be a string literal: `name = \"...\"`",
                "#[module] `uuid` must be a string literal: `uuid = \"...\"`",
            ]
        );
        assert!(args.name.is_written() && args.name.get().is_none());
        assert!(!args.seen.lacks(&args.uuid));
    }

    #[test]
    fn a_key_without_a_value_is_refused() {
        let (args, errors) = component(Kind::Connector, quote!(name, slug = "events"));
        assert_eq!(
            errors,
            ["#[connector] argument `name` needs a value: `name = \"...\"`"]
        );
        assert!(args.name.get().is_none());
        assert_eq!(value(&args.slug).as_deref(), Some("events"));

        let (_, errors) = module(quote!(categories));
        assert_eq!(
            errors,
            ["#[module] argument `categories` needs a value: `categories = [\"Network\"]`"]
        );
    }

    #[test]
    fn a_key_with_parentheses_is_refused() {
        let (args, errors) = component(Kind::Action, quote!(name("Ping")));
        assert_eq!(
            errors,
            ["#[action] argument `name` is written `name = ...`, not `name(...)`"]
        );
        assert!(args.name.is_written() && args.name.get().is_none());
    }

    #[test]
    fn categories_are_a_list_of_string_literals() {
        let (args, errors) = module(quote!(categories = "Network"));
        assert_eq!(
            errors,
            ["#[module] `categories` must be a list of strings: `categories = [\"Network\"]`"]
        );
        assert!(args.categories.get().is_none());

        let (args, errors) = module(quote!(categories = ["Network", Generic, 3]));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors
                .iter()
                .all(|e| e.contains("must be a list of strings"))
        );
        assert!(args.categories.get().is_none());

        // an empty list is read: whether it may be empty is for `valid`
        let (args, errors) = module(quote!(categories = []));
        assert!(errors.is_empty());
        assert_eq!(args.categories.get().map(Vec::len), Some(0));
        assert_eq!(args.categories.tokens().to_string(), quote!([]).to_string());
    }

    #[test]
    fn a_key_of_several_words_is_refused() {
        let (_, errors) = module(quote!(sekoia::name = "Test"));
        assert_eq!(errors, ["expected a single word before `=` in #[module]"]);
        let (_, errors) = component(Kind::Action, quote!(sekoia::name));
        assert_eq!(
            errors,
            ["#[action] argument `sekoia::name` needs a value: `sekoia::name = \"...\"`"]
        );
    }

    #[test]
    fn unreadable_arguments_are_one_error_and_nothing_missing() {
        let (args, errors) = module(quote!(name = "Test" slug = "test"));
        assert_eq!(
            errors,
            [
                "cannot read the #[module] arguments: expected `,`; write them as `key = \"value\"` pairs separated by commas"
            ]
        );
        assert!(!args.seen.lacks(&args.name));
        assert!(!args.seen.lacks(&args.uuid));
        assert!(args.name.get().is_none());
    }

    #[test]
    fn every_mistake_is_reported_in_one_pass() {
        let (args, errors) = module(quote! {
            name = "Test", nam = "Again", slug, uuid = 42, categories = "Generic",
            description("A module"), name = "Again"
        });
        assert_eq!(errors.len(), 6, "{errors:?}");
        assert_eq!(value(&args.name).as_deref(), Some("Test"));
    }
}
