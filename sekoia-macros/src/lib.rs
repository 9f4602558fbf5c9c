//! The attribute macros of `sekoia-runtime`: `#[module]`, `#[action]`, `#[trigger]`,
//! `#[connector]`, and `#[sekoia]` for the schemas of types. Use them through `sekoia_runtime`
//! (its prelude re-exports them); this crate is an implementation detail.
//!
//! Each component macro reads its arguments into typed structs (`attr`, `arg`, keywords in
//! `symbol`), checks their values and the item (`valid`), collecting every error (`ctxt`), and
//! writes the registration (`expand`); `schema` rewrites a type for its schema. On error the user's item is still emitted unchanged, with all the
//! errors, so the rest of the crate keeps type-checking.
#![warn(missing_docs, unreachable_pub)]

use proc_macro::TokenStream;

mod arg;
mod attr;
mod ctxt;
mod expand;
mod schema;
mod suggest;
mod symbol;
mod valid;

/// See `sekoia_runtime::sekoia`.
#[proc_macro_attribute]
pub fn sekoia(args: TokenStream, item: TokenStream) -> TokenStream {
    schema::expand(args.into(), item.into()).into()
}

/// See `sekoia_runtime::module`.
#[proc_macro_attribute]
pub fn module(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::module(args.into(), item.into()).into()
}

/// See `sekoia_runtime::action`.
#[proc_macro_attribute]
pub fn action(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::component(valid::Kind::Action, args.into(), item.into()).into()
}

/// See `sekoia_runtime::trigger`.
#[proc_macro_attribute]
pub fn trigger(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::component(valid::Kind::Trigger, args.into(), item.into()).into()
}

/// See `sekoia_runtime::connector`.
#[proc_macro_attribute]
pub fn connector(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::component(valid::Kind::Connector, args.into(), item.into()).into()
}
