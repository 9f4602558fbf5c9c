//! The argument keywords of the attributes, one constant each, and the keys each attribute
//! accepts.

use std::fmt::{self, Display};

use syn::Ident;

/// An argument keyword: the `name` of `name = "..."`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol(&'static str);

pub(crate) const NAME: Symbol = Symbol("name");
pub(crate) const SLUG: Symbol = Symbol("slug");
pub(crate) const UUID: Symbol = Symbol("uuid");
pub(crate) const CATEGORIES: Symbol = Symbol("categories");
pub(crate) const DESCRIPTION: Symbol = Symbol("description");
pub(crate) const DOCKER_PARAMETERS: Symbol = Symbol("docker_parameters");
pub(crate) const DIALECT: Symbol = Symbol("dialect");
pub(crate) const FILE: Symbol = Symbol("file");
pub(crate) const OUTPUTS: Symbol = Symbol("outputs");
pub(crate) const CONFIGURATION_PART: Symbol = Symbol("configuration_part");
pub(crate) const REQUIRED: Symbol = Symbol("required");
pub(crate) const WEBHOOK: Symbol = Symbol("webhook");
pub(crate) const RESULTS: Symbol = Symbol("results");
pub(crate) const TWIN: Symbol = Symbol("twin");
pub(crate) const ARGUMENTS: Symbol = Symbol("arguments");
pub(crate) const ARGUMENTS_TITLE: Symbol = Symbol("arguments_title");

// the settings of `dialect(...)`
pub(crate) const TITLES: Symbol = Symbol("titles");
pub(crate) const ROOT_TITLE: Symbol = Symbol("root_title");
pub(crate) const SCHEMA: Symbol = Symbol("schema");
pub(crate) const OPTIONAL: Symbol = Symbol("optional");
pub(crate) const NULLABLE: Symbol = Symbol("nullable");
pub(crate) const KEEP_FORMATS: Symbol = Symbol("keep_formats");

/// The keys of `#[module(...)]`, in the order the "expected one of" hint lists them.
pub(crate) const MODULE_KEYS: &[Symbol] = &[NAME, SLUG, UUID, CATEGORIES, DESCRIPTION, DIALECT];

/// The keys of `dialect(...)`.
pub(crate) const DIALECT_KEYS: &[Symbol] =
    &[TITLES, ROOT_TITLE, SCHEMA, OPTIONAL, NULLABLE, KEEP_FORMATS];

/// The keys of `#[action(...)]`, in the order the "expected one of" hint lists them (those
/// every component takes first).
pub(crate) const ACTION_KEYS: &[Symbol] = &[
    NAME,
    DESCRIPTION,
    UUID,
    DOCKER_PARAMETERS,
    SLUG,
    FILE,
    OUTPUTS,
    CONFIGURATION_PART,
    REQUIRED,
];

/// The keys of `#[trigger(...)]`.
pub(crate) const TRIGGER_KEYS: &[Symbol] = &[
    NAME,
    DESCRIPTION,
    UUID,
    DOCKER_PARAMETERS,
    SLUG,
    FILE,
    WEBHOOK,
];

/// The keys of `#[connector(...)]`.
pub(crate) const CONNECTOR_KEYS: &[Symbol] = &[
    NAME,
    DESCRIPTION,
    UUID,
    DOCKER_PARAMETERS,
    SLUG,
    FILE,
    RESULTS,
    TWIN,
];

/// The keys of `twin(...)` in `#[connector(...)]`.
pub(crate) const TWIN_KEYS: &[Symbol] = &[
    FILE,
    NAME,
    DESCRIPTION,
    SLUG,
    ARGUMENTS,
    ARGUMENTS_TITLE,
    RESULTS,
];

impl Symbol {
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The key of `keys` that `ident` spells, if any.
    pub fn lookup(ident: &Ident, keys: &[Symbol]) -> Option<Symbol> {
        keys.iter().copied().find(|key| ident == key)
    }
}

impl PartialEq<Symbol> for Ident {
    fn eq(&self, symbol: &Symbol) -> bool {
        self == symbol.0
    }
}

impl PartialEq<Symbol> for &Ident {
    fn eq(&self, symbol: &Symbol) -> bool {
        *self == symbol.0
    }
}

impl Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
