//! What `#[module]`, `#[action]`, `#[trigger]` and `#[connector]` register through `inventory`.
//!
//! A descriptor is a `'static` value built at compile time: the identity written in the
//! attribute, where it was written (for error messages), and functions that produce the schemas.
//! The build script reads them to write the manifests; the module binary reads the same ones to
//! start a component, through [`Start`], which this crate carries without knowing what it is.

use std::any::Any;
use std::fmt;

use crate::names::Kind;
use crate::schema::SchemaError;

/// Produces a schema in the Sekoia dialect.
pub type SchemaFn = fn() -> Result<serde_json::Value, SchemaError>;

/// How the module runtime starts a component: a value of the runtime's own type, opaque here
/// (the runtime builds it with [`Start::new`] and reads it back with [`Start::get`]).
#[derive(Clone, Copy)]
pub struct Start(fn() -> Box<dyn Any>);

impl Start {
    /// Wraps the function that gives the runtime's start value.
    pub const fn new(start: fn() -> Box<dyn Any>) -> Start {
        Start(start)
    }

    /// The runtime's start value, when it is a `T`.
    pub fn get<T: Any>(&self) -> Option<T> {
        (self.0)().downcast::<T>().ok().map(|start| *start)
    }
}

impl fmt::Debug for Start {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Start")
    }
}

/// Where an item was declared: printed when two registrations clash.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    /// `crate::path::Type`
    pub rust_path: &'static str,
    /// `src/lib.rs:12`
    pub location: &'static str,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` ({})", self.rust_path, self.location)
    }
}

/// The identity of a module, from `#[module(...)]`.
pub struct ModuleDescriptor {
    /// `name = "..."`
    pub name: &'static str,
    /// `slug = "..."`
    pub slug: &'static str,
    /// `uuid = "..."`, canonical lower-case form.
    pub uuid: &'static str,
    /// `categories = [...]`
    pub categories: &'static [&'static str],
    /// `description = "..."`, else the doc comment, else the name.
    pub description: &'static str,
    /// Where the struct is.
    pub origin: Origin,
    /// `std::any::type_name` of the configuration struct.
    pub type_name: fn() -> &'static str,
    /// The `configuration` schema.
    pub configuration: SchemaFn,
    /// How the runtime starts the account validator, when the struct implements one.
    pub validator: fn() -> Option<Start>,
}

/// The identity of a component, from `#[action(...)]`, `#[trigger(...)]` or `#[connector(...)]`.
#[derive(Debug, Clone, Copy)]
pub struct Identity {
    /// `name = "..."`, else the struct name.
    pub name: &'static str,
    /// `description = "..."`, else the doc comment, else the name.
    pub description: &'static str,
    /// `uuid = "..."` when pinned; else uuid5(module uuid, name).
    pub uuid: Option<&'static str>,
    /// `docker_parameters = "..."`, else the struct name: the command that starts it.
    pub docker_parameters: &'static str,
    /// `slug = "..."`, optional.
    pub slug: Option<&'static str>,
    /// Where the struct is.
    pub origin: Origin,
}

/// A registered component.
pub struct ComponentDescriptor {
    /// Action, trigger or connector.
    pub kind: Kind,
    /// What the attribute says.
    pub identity: Identity,
    /// `std::any::type_name` of the component's `type Module`.
    pub module_type_name: fn() -> &'static str,
    /// The `arguments` schema (action arguments, trigger or connector configuration).
    pub arguments: SchemaFn,
    /// The `results` schema (none for connectors).
    pub results: Option<SchemaFn>,
    /// An asset connector's `capability` (`host_detection`...): its manifest is a connector's
    /// with `"type": "asset"`, and needs no `intake_key`.
    pub capability: Option<&'static str>,
    /// How the runtime starts it.
    pub start: Start,
}

inventory::collect!(ModuleDescriptor);
inventory::collect!(ComponentDescriptor);
