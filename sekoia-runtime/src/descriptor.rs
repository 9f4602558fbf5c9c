//! What `#[module]`, `#[action]`, `#[trigger]` and `#[connector]` register through `inventory`.
//!
//! A descriptor is a `'static` value built at compile time: the identity written in the attribute,
//! where it was written (for error messages), and function pointers that produce the schemas and
//! run the component. The build script and the module binary read the same descriptors.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;

use crate::__private::Construct;
use crate::component::{Action, Connector, Module, Trigger};
use crate::launch::Launch;
use crate::schema::SchemaError;

/// A boxed future returned by a component runner.
pub type RunFuture = Pin<Box<dyn Future<Output = ExitCode> + Send>>;
/// Runs one component (or the account validator) as the platform started it.
pub type Runner = fn(Launch) -> RunFuture;
/// Produces a schema in the Sekoia dialect.
pub type SchemaFn = fn() -> Result<serde_json::Value, SchemaError>;

/// The kind of a component: decides the manifest file prefix and the runtime lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `#[action]`
    Action,
    /// `#[trigger]`
    Trigger,
    /// `#[connector]`
    Connector,
}

impl Kind {
    /// The lower-case word used in file names (`action_*.json`) and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Action => "action",
            Kind::Trigger => "trigger",
            Kind::Connector => "connector",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
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
    /// The account validator runner, when the struct implements `AccountValidator`.
    pub validator: fn() -> Option<Runner>,
}

impl ModuleDescriptor {
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn new<M: Module>(
        name: &'static str,
        slug: &'static str,
        uuid: &'static str,
        categories: &'static [&'static str],
        description: &'static str,
        origin: Origin,
        validator: fn() -> Option<Runner>,
    ) -> Self {
        ModuleDescriptor {
            name,
            slug,
            uuid,
            categories,
            description,
            origin,
            type_name: std::any::type_name::<M>,
            configuration: <M as crate::component::Input>::__schema,
            validator,
        }
    }
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
    /// Runs it.
    pub run: Runner,
}

impl ComponentDescriptor {
    #[doc(hidden)]
    pub const fn action<A: Action + Construct>(identity: Identity) -> Self {
        ComponentDescriptor {
            kind: Kind::Action,
            identity,
            module_type_name: std::any::type_name::<A::Module>,
            arguments: <A::Arguments as crate::component::Input>::__schema,
            results: Some(<A::Results as crate::component::Output>::__schema),
            run: crate::action::runner::<A>,
        }
    }

    #[doc(hidden)]
    pub const fn trigger<T: Trigger + Construct>(identity: Identity) -> Self {
        ComponentDescriptor {
            kind: Kind::Trigger,
            identity,
            module_type_name: std::any::type_name::<T::Module>,
            arguments: <T::Configuration as crate::component::Input>::__schema,
            results: Some(<T::Results as crate::component::Output>::__schema),
            run: crate::trigger::runner::<T>,
        }
    }

    #[doc(hidden)]
    pub const fn connector<C: Connector + Construct>(identity: Identity) -> Self {
        ComponentDescriptor {
            kind: Kind::Connector,
            identity,
            module_type_name: std::any::type_name::<C::Module>,
            arguments: <C::Configuration as crate::component::Input>::__schema,
            results: None,
            run: crate::connector::runner::<C>,
        }
    }
}

inventory::collect!(ModuleDescriptor);
inventory::collect!(ComponentDescriptor);
