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
pub(crate) const CAPABILITY: Symbol = Symbol("capability");

/// The keys of `#[module(...)]`, in the order the "expected one of" hint lists them.
pub(crate) const MODULE_KEYS: &[Symbol] = &[NAME, SLUG, UUID, CATEGORIES, DESCRIPTION];

/// The keys of `#[action(...)]`, `#[trigger(...)]` and `#[connector(...)]`, in the order the
/// "expected one of" hint lists them.
pub(crate) const COMPONENT_KEYS: &[Symbol] = &[NAME, DESCRIPTION, UUID, DOCKER_PARAMETERS, SLUG];

/// The keys of `#[asset_connector(...)]`: a component's, and its `capability`.
pub(crate) const ASSET_CONNECTOR_KEYS: &[Symbol] =
    &[NAME, DESCRIPTION, UUID, DOCKER_PARAMETERS, SLUG, CAPABILITY];

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
