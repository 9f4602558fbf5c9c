//! Checks the values of the attribute arguments, and the item, producing what `expand` needs.

use proc_macro2::Span;
use syn::{Expr, ExprLit, Fields, Item, ItemStruct, Lit, LitStr};

use crate::attr::{ComponentArgs, DialectArgs, ModuleArgs, TwinArgs};
use crate::ctxt::Ctxt;
use crate::symbol::{NAME, Symbol};

use sekoia_manifest::dialect::{MetaSchema, Nullable, Optional, RootTitle, Titles};
pub(crate) use sekoia_manifest::{CATEGORIES, Kind, VALIDATE_COMMAND, is_slug};

/// A checked `#[module(...)]`.
pub(crate) struct ModuleSpec {
    pub name: String,
    pub slug: String,
    pub uuid: String,
    pub categories: Option<Vec<String>>,
    pub description: String,
    pub dialect: DialectSpec,
}

/// A checked `dialect(...)`: each setting as the word of its value.
#[derive(Default)]
pub(crate) struct DialectSpec {
    pub titles: Option<Titles>,
    pub root_title: Option<RootTitle>,
    pub schema: Option<MetaSchema>,
    pub optional: Option<Optional>,
    pub nullable: Option<Nullable>,
    pub keep_formats: Option<bool>,
}

/// A checked `#[action(...)]`, `#[trigger(...)]` or `#[connector(...)]`.
pub(crate) struct ComponentSpec {
    pub name: String,
    pub description: String,
    pub uuid: Option<String>,
    pub docker_parameters: String,
    pub slug: Option<String>,
    pub file: Option<String>,
    pub outputs: Vec<(String, String)>,
    pub configuration_part: Option<String>,
    pub required: Option<Vec<String>>,
    pub webhook: bool,
    pub results: Option<syn::Type>,
    pub twin: Option<TwinSpec>,
    pub unit: bool,
}

/// A checked `twin(...)`.
pub(crate) struct TwinSpec {
    pub file: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub slug: Option<String>,
    pub arguments: Option<syn::Type>,
    pub arguments_title: Option<String>,
    pub results: syn::Type,
}

/// The struct the attribute is on, or `None` (with an error) for anything else.
pub(crate) fn the_struct<'a>(
    attribute: &str,
    item: &'a Item,
    cx: &mut Ctxt,
) -> Option<&'a ItemStruct> {
    let found = match item {
        Item::Struct(s) => {
            if !s.generics.params.is_empty() || s.generics.where_clause.is_some() {
                cx.error_spanned_by(
                    &s.generics,
                    format!(
                        "#[{attribute}] does not support generic parameters: the platform starts one concrete type; \
                         remove the generics from `{}` or wrap a concrete instance in a new struct",
                        s.ident
                    ),
                );
            }
            return Some(s);
        }
        Item::Enum(e) => ("an enum", Some(e.enum_token.span)),
        Item::Fn(f) => ("a function", Some(f.sig.fn_token.span)),
        Item::Union(u) => ("a union", Some(u.union_token.span)),
        Item::Impl(i) => ("an impl block", Some(i.impl_token.span)),
        Item::Trait(t) => ("a trait", Some(t.trait_token.span)),
        Item::Type(t) => ("a type alias", Some(t.type_token.span)),
        _ => ("this item", None),
    };
    let (what, span) = found;
    cx.error_at(
        span.unwrap_or_else(Span::call_site),
        format!("#[{attribute}] goes on a struct, not on {what}"),
    );
    None
}

/// Checks `#[module(...)]` on `item`.
pub(crate) fn module(args: &ModuleArgs, item: &ItemStruct, cx: &mut Ctxt) -> ModuleSpec {
    if !matches!(item.fields, Fields::Named(_)) {
        cx.error_spanned_by(
            &item.ident,
            format!(
                "#[module] needs a struct with named fields, deserialized from the module configuration object; \
                 write `pub struct {} {{}}` for a module without configuration",
                item.ident
            ),
        );
    }
    let name = args
        .name
        .get()
        .and_then(|n| non_empty("module", NAME, n, cx));
    let slug = args.slug.get().and_then(|s| checked_slug("module", s, cx));
    let uuid = args.uuid.get().and_then(|u| checked_uuid("module", u, cx));
    // no categories is allowed, as a few of Sekoia's catalogue entries: the build warns
    let categories = args.categories.get().and_then(|c| categories(c, cx));
    let description = match args.description.get() {
        Some(d) => Some(d.value()),
        None => doc_comment(&item.attrs),
    };
    let dialect = args
        .dialect
        .get()
        .map(|d| dialect(d, cx))
        .unwrap_or_default();
    // one error for everything missing; nothing when the arguments were unreadable, or for a key
    // already reported (misspelt, or without a value)
    let missing: Vec<&str> = [
        (args.seen.lacks(&args.name), "`name = \"...\"`"),
        (args.seen.lacks(&args.slug), "`slug = \"...\"`"),
        (args.seen.lacks(&args.uuid), "`uuid = \"...\"`"),
    ]
    .into_iter()
    .filter_map(|(lacks, example)| lacks.then_some(example))
    .collect();
    if !missing.is_empty() {
        cx.error_at(
            Span::call_site(),
            format!("#[module] needs {}", and_list(&missing)),
        );
    }
    let name = name.unwrap_or_default();
    ModuleSpec {
        description: description.unwrap_or_else(|| name.clone()),
        name,
        slug: slug.unwrap_or_default(),
        uuid: uuid.unwrap_or_default(),
        categories,
        dialect,
    }
}

/// Checks each word of `dialect(...)`.
fn dialect(args: &DialectArgs, cx: &mut Ctxt) -> DialectSpec {
    fn word<T>(
        cx: &mut Ctxt,
        key: &str,
        lit: Option<&LitStr>,
        from_word: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Option<T> {
        let lit = lit?;
        let value = from_word(&lit.value());
        if value.is_none() {
            cx.error_spanned_by(
                lit,
                format!(
                    "unknown #[module] dialect `{key}` \"{}\"; expected one of {}",
                    lit.value(),
                    expected()
                ),
            );
        }
        value
    }
    DialectSpec {
        titles: word(
            cx,
            "titles",
            args.titles.as_ref(),
            Titles::from_word,
            Titles::expected,
        ),
        root_title: word(
            cx,
            "root_title",
            args.root_title.as_ref(),
            RootTitle::from_word,
            RootTitle::expected,
        ),
        schema: word(
            cx,
            "schema",
            args.schema.as_ref(),
            MetaSchema::from_word,
            MetaSchema::expected,
        ),
        optional: word(
            cx,
            "optional",
            args.optional.as_ref(),
            Optional::from_word,
            Optional::expected,
        ),
        nullable: word(
            cx,
            "nullable",
            args.nullable.as_ref(),
            Nullable::from_word,
            Nullable::expected,
        ),
        keep_formats: args.keep_formats,
    }
}

/// Checks `#[action(...)]` (or trigger, connector) on `item`.
pub(crate) fn component(
    kind: Kind,
    args: &ComponentArgs,
    item: &ItemStruct,
    cx: &mut Ctxt,
) -> ComponentSpec {
    let attribute = kind.as_str();
    let struct_name = item.ident.to_string();
    let name = match args.name.get() {
        Some(n) => non_empty(attribute, NAME, n, cx),
        None => Some(struct_name.clone()),
    };
    // an empty description is written as it is, as some of Sekoia's catalogue has
    let description = match args.description.get() {
        Some(d) => Some(d.value()),
        None => doc_comment(&item.attrs),
    };
    let uuid = args.uuid.get().and_then(|u| checked_uuid(attribute, u, cx));
    let slug = args
        .slug
        .get()
        .and_then(|s| checked_component_slug(attribute, s, cx));
    let file = args
        .file
        .get()
        .and_then(|f| checked_file(attribute, kind, f, cx));
    let twin = args.twin.get().and_then(|t| twin(t, cx));
    let docker_parameters = match args.docker_parameters.get() {
        Some(d) => checked_docker_parameters(attribute, d, cx),
        None => Some(struct_name.clone()),
    };
    let name = name.unwrap_or(struct_name.clone());
    ComponentSpec {
        description: description.unwrap_or_else(|| name.clone()),
        name,
        uuid,
        docker_parameters: docker_parameters.unwrap_or(struct_name),
        slug,
        file,
        outputs: args
            .outputs
            .get()
            .map(|pairs| pairs.iter().map(|(a, b)| (a.value(), b.value())).collect())
            .unwrap_or_default(),
        configuration_part: args.configuration_part.get().map(LitStr::value),
        required: args
            .required
            .get()
            .map(|names| names.iter().map(LitStr::value).collect()),
        webhook: args.webhook.get().copied().unwrap_or(false),
        results: args.results.get().cloned(),
        twin,
        unit: matches!(item.fields, Fields::Unit),
    }
}

fn twin(args: &TwinArgs, cx: &mut Ctxt) -> Option<TwinSpec> {
    let file = args
        .file
        .get()
        .and_then(|f| checked_file("connector", Kind::Trigger, f, cx));
    let name = match args.name.get() {
        Some(n) => non_empty("connector", NAME, n, cx),
        None => None,
    };
    if args.seen.lacks(&args.results) {
        cx.error_at(
            Span::call_site(),
            "#[connector] `twin(...)` needs `results = ...`: the legacy trigger manifest has results (`()` for `{}`)",
        );
    }
    Some(TwinSpec {
        file,
        name,
        description: args.description.get().map(LitStr::value),
        slug: args
            .slug
            .get()
            .and_then(|s| checked_component_slug("connector", s, cx)),
        arguments: args.arguments.get().cloned(),
        arguments_title: args.arguments_title.get().map(LitStr::value),
        results: args.results.get()?.clone(),
    })
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn non_empty(attribute: &str, key: Symbol, lit: &LitStr, cx: &mut Ctxt) -> Option<String> {
    let value = lit.value();
    if value.trim().is_empty() {
        cx.error_spanned_by(lit, format!("#[{attribute}] `{key}` must not be empty"));
        return None;
    }
    Some(value)
}

fn checked_uuid(attribute: &str, lit: &LitStr, cx: &mut Ctxt) -> Option<String> {
    match uuid::Uuid::parse_str(&lit.value()) {
        Ok(uuid) => Some(uuid.hyphenated().to_string()),
        Err(e) => {
            cx.error_spanned_by(
                lit,
                format!("#[{attribute}] `uuid` is not a valid UUID ({e}); expected the form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`"),
            );
            None
        }
    }
}

fn checked_slug(attribute: &str, lit: &LitStr, cx: &mut Ctxt) -> Option<String> {
    let slug = lit.value();
    if !is_slug(&slug) {
        cx.error_spanned_by(
            lit,
            format!(
                "#[{attribute}] `slug` \"{slug}\" is not a valid slug: it must match `^[a-z]([a-z_.\\-]|\\d)*$` \
                 (a lower-case letter, then lower-case letters, digits, `_`, `.` or `-`)"
            ),
        );
        return None;
    }
    Some(slug)
}

/// A component's slug: Sekoia's checker does not read it, so anything printable goes.
fn checked_component_slug(attribute: &str, lit: &LitStr, cx: &mut Ctxt) -> Option<String> {
    let slug = lit.value();
    if slug.is_empty() || slug.chars().any(char::is_control) {
        cx.error_spanned_by(
            lit,
            format!("#[{attribute}] `slug` must be a non-empty word without control characters"),
        );
        return None;
    }
    Some(slug)
}

/// `file = "<kind>_....json"`: a file name at the module root, of the component's kind.
fn checked_file(attribute: &str, kind: Kind, lit: &LitStr, cx: &mut Ctxt) -> Option<String> {
    let file = lit.value();
    let prefix = format!("{}_", kind.as_str());
    let plain = !file.contains(['/', '\\']) && !file.chars().any(char::is_control);
    if !plain
        || !file.starts_with(&prefix)
        || !file.ends_with(".json")
        || file.len() <= prefix.len() + 5
    {
        cx.error_spanned_by(
            lit,
            format!(
                "#[{attribute}] `file` \"{file}\" must be a file name of the form `{prefix}<name>.json`: Sekoia reads the kind of a component from its file name"
            ),
        );
        return None;
    }
    Some(file)
}

fn checked_docker_parameters(attribute: &str, lit: &LitStr, cx: &mut Ctxt) -> Option<String> {
    let value = lit.value();
    if value.is_empty() || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        cx.error_spanned_by(
            lit,
            format!("#[{attribute}] `docker_parameters` must be one non-empty word without spaces: it is the command that starts the component"),
        );
        return None;
    }
    if value.starts_with('-') {
        cx.error_spanned_by(
            lit,
            format!("#[{attribute}] `docker_parameters` \"{value}\" starts with `-`: the module binary would read it as an option (`--help`, `--version`)"),
        );
        return None;
    }
    if value == VALIDATE_COMMAND {
        cx.error_spanned_by(
            lit,
            format!("#[{attribute}] `docker_parameters` \"{VALIDATE_COMMAND}\" is reserved for the account validator"),
        );
        return None;
    }
    Some(value)
}

fn categories(lits: &[LitStr], cx: &mut Ctxt) -> Option<Vec<String>> {
    let mut categories = Vec::new();
    let mut ok = true;
    for lit in lits {
        let category = lit.value();
        if !CATEGORIES.contains(&category.as_str()) {
            cx.error_spanned_by(
                lit,
                format!(
                    "unknown #[module] category \"{category}\"; expected one of {}",
                    quoted_categories()
                ),
            );
            ok = false;
        } else if categories.contains(&category) {
            cx.error_spanned_by(lit, format!("duplicate #[module] category \"{category}\""));
            ok = false;
        } else {
            categories.push(category);
        }
    }
    ok.then_some(categories)
}

fn quoted_categories() -> String {
    CATEGORIES
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The doc comment: lines trimmed, paragraphs separated by a blank line; `None` when absent.
pub(crate) fn doc_comment(attrs: &[syn::Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta
            && let Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) = &nv.value
        {
            lines.extend(
                s.value()
                    .lines()
                    .map(|l| l.trim().to_owned())
                    .collect::<Vec<_>>(),
            );
        }
    }
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in lines {
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(&line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_module(args: proc_macro2::TokenStream) -> (ModuleSpec, Vec<String>) {
        let mut cx = Ctxt::default();
        let args = ModuleArgs::parse(args, &mut cx);
        let item: ItemStruct = syn::parse_quote! {
            /// A test module
            pub struct TestModule {}
        };
        let spec = module(&args, &item, &mut cx);
        (spec, cx.messages())
    }

    #[test]
    fn a_module_spec_takes_the_checked_values() {
        let (spec, errors) = check_module(quote::quote! {
            name = "Test", slug = "test", uuid = "5F2B0B2E6C6A4B439B7E0C1D2E3F4A5B",
            categories = ["Network", "Generic"]
        });
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(spec.name, "Test");
        assert_eq!(spec.uuid, "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b");
        assert_eq!(
            spec.categories.as_deref(),
            Some(&["Network".to_owned(), "Generic".to_owned()][..])
        );
        assert_eq!(spec.description, "A test module");
    }

    #[test]
    fn missing_module_arguments_leave_out_those_already_reported() {
        let (_, errors) = check_module(quote::quote!(nam = "Test", slug));
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(errors[2], "#[module] needs `uuid = \"...\"`");
    }

    #[test]
    fn values_are_checked_once_read() {
        let (_, errors) = check_module(quote::quote! {
            name = " ", slug = "Test", uuid = "1234", categories = [], description = ""
        });
        // empty categories and an empty description are taken (the build warns of the first)
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(errors[0], "#[module] `name` must not be empty");
        assert!(errors[1].starts_with("#[module] `slug` \"Test\" is not a valid slug"));
        assert!(errors[2].starts_with("#[module] `uuid` is not a valid UUID"));
    }

    #[test]
    fn component_values_default_to_the_struct() {
        let mut cx = Ctxt::default();
        let args = ComponentArgs::parse(Kind::Trigger, proc_macro2::TokenStream::new(), &mut cx);
        let item: ItemStruct = syn::parse_quote!(
            pub struct NewEntries;
        );
        let spec = component(Kind::Trigger, &args, &item, &mut cx);
        assert!(cx.messages().is_empty());
        assert_eq!(spec.name, "NewEntries");
        assert_eq!(spec.description, "NewEntries");
        assert_eq!(spec.docker_parameters, "NewEntries");
        assert!(spec.uuid.is_none() && spec.slug.is_none() && spec.unit);
    }

    #[test]
    fn missing_arguments_read_as_a_list() {
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b"]), "a and b");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }
}
