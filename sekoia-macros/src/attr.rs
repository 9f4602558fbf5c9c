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
//!    takes it (`MODULE_KEYS`, `ACTION_KEYS`...): that list is what the "expected one of" hint
//!    and the "did you mean" suggestions offer.
//! 2. A field in [`ModuleArgs`] or [`ComponentArgs`], initialised with `Attr::none(KEY)`:
//!    `Attr<LitStr>` for `key = "..."`, `Attr<Vec<LitStr>>` for `key = ["...", ...]`.
//! 3. An arm in that struct's `parse`, reading the value and setting the field:
//!    `Some(KEY) => args.key.set(&arg, arg.string(cx), cx),`. [`Attr::set`] reports a second
//!    `key = ...` as a duplicate.
//!
//! Then check the value in `valid.rs`. The readers of each form of value are on [`Arg`]
//! (`arg.rs`): [`Arg::string`], [`Arg::strings`], [`Arg::flag`] (`key` alone), [`Arg::ty`]
//! (`key = Type`), [`Arg::pairs`] and [`Arg::nested`] (`key(...)`); a new form is one more
//! reader there, taking the forms it accepts from `arg.meta` and reporting the others.

use proc_macro2::TokenStream;
use syn::{LitStr, Type};

use crate::arg::read;
pub(crate) use crate::arg::{Arg, Attr, Seen};
use crate::ctxt::Ctxt;
use crate::symbol::{
    ACTION_KEYS, ARGUMENTS, ARGUMENTS_TITLE, ASSET_CONNECTOR_KEYS, CAPABILITY, CATEGORIES,
    CONFIGURATION_PART, CONNECTOR_KEYS, DESCRIPTION, DIALECT, DIALECT_KEYS, DOCKER_PARAMETERS,
    FILE, KEEP_FORMATS, MODULE_KEYS, NAME, NULLABLE, OPTIONAL, OUTPUTS, REQUIRED, RESULTS,
    ROOT_TITLE, SCHEMA, SLUG, Symbol, TITLES, TRIGGER_KEYS, TWIN, TWIN_KEYS, UUID, WEBHOOK,
};
use crate::valid::Kind;

/// The arguments of `#[module(...)]`.
pub(crate) struct ModuleArgs {
    pub name: Attr<LitStr>,
    pub slug: Attr<LitStr>,
    pub uuid: Attr<LitStr>,
    pub categories: Attr<Vec<LitStr>>,
    pub description: Attr<LitStr>,
    pub dialect: Attr<DialectArgs>,
    pub seen: Seen,
}

/// The arguments of `dialect(...)` in `#[module(...)]`.
#[derive(Default)]
pub(crate) struct DialectArgs {
    pub titles: Option<LitStr>,
    pub root_title: Option<LitStr>,
    pub schema: Option<LitStr>,
    pub optional: Option<LitStr>,
    pub nullable: Option<LitStr>,
    pub keep_formats: Option<bool>,
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
            dialect: Attr::none(DIALECT),
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
                Some(DIALECT) => {
                    let dialect = DialectArgs::parse(&arg, cx);
                    args.dialect.set(&arg, dialect, cx);
                }
                _ => args.seen.unknown(&arg, cx),
            }
        }
        args
    }
}

impl DialectArgs {
    fn parse(arg: &Arg, cx: &mut Ctxt) -> Option<DialectArgs> {
        let (mut seen, list) = arg.nested(DIALECT_KEYS, "titles = \"none\", ...", cx)?;
        let mut titles = Attr::none(TITLES);
        let mut root_title = Attr::none(ROOT_TITLE);
        let mut schema = Attr::none(SCHEMA);
        let mut optional = Attr::none(OPTIONAL);
        let mut nullable = Attr::none(NULLABLE);
        let mut keep_formats = Attr::none(KEEP_FORMATS);
        for arg in list {
            match arg.key {
                Some(TITLES) => titles.set(&arg, arg.string(cx), cx),
                Some(ROOT_TITLE) => root_title.set(&arg, arg.string(cx), cx),
                Some(SCHEMA) => schema.set(&arg, arg.string(cx), cx),
                Some(OPTIONAL) => optional.set(&arg, arg.string(cx), cx),
                Some(NULLABLE) => nullable.set(&arg, arg.string(cx), cx),
                Some(KEEP_FORMATS) => keep_formats.set(&arg, arg.flag(cx), cx),
                _ => seen.unknown(&arg, cx),
            }
        }
        Some(DialectArgs {
            titles: titles.get().cloned(),
            root_title: root_title.get().cloned(),
            schema: schema.get().cloned(),
            optional: optional.get().cloned(),
            nullable: nullable.get().cloned(),
            keep_formats: keep_formats.get().copied(),
        })
    }
}

/// The arguments of `#[action(...)]`, `#[trigger(...)]` or `#[connector(...)]`.
pub(crate) struct ComponentArgs {
    pub name: Attr<LitStr>,
    pub description: Attr<LitStr>,
    pub uuid: Attr<LitStr>,
    pub docker_parameters: Attr<LitStr>,
    pub slug: Attr<LitStr>,
    pub file: Attr<LitStr>,
    pub outputs: Attr<Vec<(LitStr, LitStr)>>,
    pub configuration_part: Attr<LitStr>,
    pub required: Attr<Vec<LitStr>>,
    pub webhook: Attr<bool>,
    pub results: Attr<Type>,
    pub twin: Attr<TwinArgs>,
    /// `#[asset_connector]` only.
    pub capability: Attr<LitStr>,
    pub seen: Seen,
}

/// The arguments of `twin(...)` in `#[connector(...)]`.
pub(crate) struct TwinArgs {
    pub file: Attr<LitStr>,
    pub name: Attr<LitStr>,
    pub description: Attr<LitStr>,
    pub slug: Attr<LitStr>,
    pub arguments: Attr<Type>,
    pub arguments_title: Attr<LitStr>,
    pub results: Attr<Type>,
    pub seen: Seen,
}

/// The keys a component attribute takes.
pub(crate) fn component_keys(kind: Kind) -> &'static [Symbol] {
    match kind {
        Kind::Action => ACTION_KEYS,
        Kind::Trigger => TRIGGER_KEYS,
        Kind::Connector => CONNECTOR_KEYS,
    }
}

impl ComponentArgs {
    /// Reads the arguments, reporting in `cx` every one that is not of its form.
    pub(crate) fn parse(kind: Kind, tokens: TokenStream, cx: &mut Ctxt) -> Self {
        Self::parse_as(kind.as_str(), kind, component_keys(kind), tokens, cx)
    }

    /// Reads the arguments of `#[asset_connector(...)]`: a connector's identity, its file name
    /// and its `capability`.
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
            file: Attr::none(FILE),
            outputs: Attr::none(OUTPUTS),
            configuration_part: Attr::none(CONFIGURATION_PART),
            required: Attr::none(REQUIRED),
            webhook: Attr::none(WEBHOOK),
            results: Attr::none(RESULTS),
            twin: Attr::none(TWIN),
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
                Some(FILE) => args.file.set(&arg, arg.string(cx), cx),
                Some(OUTPUTS) => {
                    let pairs = arg.pairs("[(\"branch\", \"description\")]", cx);
                    args.outputs.set(&arg, pairs, cx);
                }
                Some(CONFIGURATION_PART) => {
                    args.configuration_part.set(&arg, arg.string(cx), cx);
                }
                Some(REQUIRED) => {
                    let names = arg.strings("[\"field\"]", cx);
                    args.required.set(&arg, names, cx);
                }
                Some(WEBHOOK) => args.webhook.set(&arg, arg.flag(cx), cx),
                Some(RESULTS) => args.results.set(&arg, arg.ty(cx), cx),
                Some(TWIN) => {
                    let twin = TwinArgs::parse(&arg, cx);
                    args.twin.set(&arg, twin, cx);
                }
                _ => args.seen.unknown(&arg, cx),
            }
        }
        args
    }
}

impl TwinArgs {
    fn parse(arg: &Arg, cx: &mut Ctxt) -> Option<TwinArgs> {
        let (seen, list) = arg.nested(TWIN_KEYS, "file = \"...\", results = MyType", cx)?;
        let mut twin = TwinArgs {
            file: Attr::none(FILE),
            name: Attr::none(NAME),
            description: Attr::none(DESCRIPTION),
            slug: Attr::none(SLUG),
            arguments: Attr::none(ARGUMENTS),
            arguments_title: Attr::none(ARGUMENTS_TITLE),
            results: Attr::none(RESULTS),
            seen,
        };
        for arg in list {
            match arg.key {
                Some(FILE) => twin.file.set(&arg, arg.string(cx), cx),
                Some(NAME) => twin.name.set(&arg, arg.string(cx), cx),
                Some(DESCRIPTION) => twin.description.set(&arg, arg.string(cx), cx),
                Some(SLUG) => twin.slug.set(&arg, arg.string(cx), cx),
                Some(ARGUMENTS) => twin.arguments.set(&arg, arg.ty(cx), cx),
                Some(ARGUMENTS_TITLE) => twin.arguments_title.set(&arg, arg.string(cx), cx),
                Some(RESULTS) => twin.results.set(&arg, arg.ty(cx), cx),
                _ => twin.seen.unknown(&arg, cx),
            }
        }
        Some(twin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::Ident;

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

    /// Each listed key has its arm: written without a value, it is known, and its value missing
    /// (a flag needs none).
    #[test]
    fn every_listed_key_is_taken() {
        let taken = |key: Symbol, errors: Vec<String>| match key {
            WEBHOOK => assert!(errors.is_empty(), "{key}: {errors:?}"),
            DIALECT | TWIN => {
                assert_eq!(errors.len(), 1, "{key}: {errors:?}");
                assert!(errors[0].contains("is written"), "{key}: {errors:?}");
            }
            _ => {
                assert_eq!(errors.len(), 1, "{key}: {errors:?}");
                assert!(errors[0].contains("needs a value"), "{key}: {errors:?}");
            }
        };
        for key in MODULE_KEYS {
            let ident = Ident::new(key.as_str(), proc_macro2::Span::call_site());
            let (_, errors) = module(quote!(#ident));
            taken(*key, errors);
        }
        for kind in [Kind::Action, Kind::Trigger, Kind::Connector] {
            for key in component_keys(kind) {
                let ident = Ident::new(key.as_str(), proc_macro2::Span::call_site());
                let (_, errors) = component(kind, quote!(#ident));
                taken(*key, errors);
            }
        }
    }

    #[test]
    fn the_manifest_fields_and_the_twin_are_read() {
        let (args, errors) = component(
            Kind::Action,
            quote! {
                file = "action_pdns-hex.json", outputs = [("known", "it is known"), ("not known", "no")],
                configuration_part = "a note", required = ["items"]
            },
        );
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(value(&args.file).as_deref(), Some("action_pdns-hex.json"));
        assert_eq!(args.outputs.get().map(Vec::len), Some(2));
        assert_eq!(args.required.get().map(Vec::len), Some(1));
        let (args, errors) = component(
            Kind::Connector,
            quote! {
                results = (), twin(file = "trigger_x.json", name = "X", results = TheEvents, arguments = Other)
            },
        );
        assert_eq!(errors, Vec::<String>::new());
        let twin = args.twin.get().unwrap();
        assert_eq!(value(&twin.file).as_deref(), Some("trigger_x.json"));
        assert!(twin.results.get().is_some() && twin.arguments.get().is_some());
        assert!(args.results.get().is_some());
        let (_, errors) = component(Kind::Connector, quote!(twin(colour = "red")));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("unknown #[connector] argument `colour`"),
            "{errors:?}"
        );
        let (args, errors) = component(Kind::Trigger, quote!(webhook = false));
        assert!(errors.is_empty());
        assert_eq!(args.webhook.get(), Some(&false));
    }

    #[test]
    fn the_dialect_is_read() {
        let (args, errors) = module(quote!(dialect(titles = "none", keep_formats)));
        assert_eq!(errors, Vec::<String>::new());
        let dialect = args.dialect.get().unwrap();
        assert_eq!(
            dialect.titles.as_ref().map(LitStr::value).as_deref(),
            Some("none")
        );
        assert_eq!(dialect.keep_formats, Some(true));
        let (_, errors) = module(quote!(dialect = "none"));
        assert_eq!(
            errors,
            ["#[module] argument `dialect` is written `dialect(titles = \"none\", ...)`"]
        );
    }

    #[test]
    fn no_arguments_lack_the_required_ones() {
        let (args, errors) = module(TokenStream::new());
        assert!(errors.is_empty());
        assert!(args.seen.lacks(&args.name));
        assert!(
            args.seen.lacks(&args.categories),
            "left out, it is only warned about"
        );
        assert!(args.name.get().is_none());
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
                "unknown #[module] argument `nam`; did you mean `name`? expected one of `name`, `slug`, `uuid`, `categories`, `description`, `dialect`"
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
                    "unknown #[action] argument `timeout`; expected one of `name`, `description`, `uuid`, `docker_parameters`, `slug`, `file`, `outputs`, `configuration_part`, `required`"
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
