//! # sekoia-manifest
//!
//! What a [Sekoia.io](https://www.sekoia.io) automation module is, as its manifests say: the
//! identity layer of [sekoia-rs](https://github.com/sekoia-rs/sekoia-rs), shared by the module
//! runtime (`sekoia-runtime`), the build script helper (`sekoia-build`), the attribute macros
//! and the command line (`cargo sekoia`).
//!
//! - [`names`](crate#names): component [`Kind`]s, the module [`CATEGORIES`], the commands a module
//!   binary answers besides its components, the slug rule, manifest file names;
//! - [`environment`]: the `SEKOIA_*` variables and default directories;
//! - with the default feature `manifests`: the descriptors `#[module]` and the component
//!   attributes register ([`descriptor`]), the [`Registry`] that checks them, the
//!   machine-readable [`Registrations`], the schema dialect ([`schema`]), the manifest
//!   documents ([`manifest`]) and Python's `json.dumps(obj, indent=2)` bytes ([`pyjson`]).
//!
//! Module authors do not use this crate directly: `sekoia-runtime` re-exports what they need.
//!
//! ```
//! use sekoia_manifest::{CATEGORIES, Kind, component_file_name};
//!
//! assert_eq!(component_file_name(Kind::Trigger, "New Entries"), "trigger_new_entries.json");
//! assert!(CATEGORIES.contains(&"Threat Intelligence"));
//! ```
#![warn(missing_docs, unreachable_pub)]

mod names;

pub mod dialect;
pub mod environment;

pub use names::{
    CATEGORIES, Kind, REGISTRATIONS_COMMAND, VALIDATE_COMMAND, component_file_name, is_slug,
};

#[cfg(feature = "manifests")]
pub mod descriptor;
#[cfg(feature = "manifests")]
pub mod manifest;
#[cfg(feature = "manifests")]
pub mod pyjson;
#[cfg(feature = "manifests")]
mod registrations;
#[cfg(feature = "manifests")]
mod registry;
#[cfg(feature = "manifests")]
pub mod schema;

#[cfg(feature = "manifests")]
pub use manifest::uuid5;
#[cfg(feature = "manifests")]
pub use registrations::{Registration, Registrations};
#[cfg(feature = "manifests")]
pub use registry::{Listing, Registry, RegistryError};

/// Used by the code the macros generate through `sekoia-runtime`; not a public API.
#[cfg(feature = "manifests")]
#[doc(hidden)]
pub mod __private {
    pub use inventory;
}
