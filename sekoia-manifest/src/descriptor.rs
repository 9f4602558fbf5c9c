//! What `#[module]`, `#[action]`, `#[trigger]` and `#[connector]` register through `inventory`.
//!
//! A descriptor is a `'static` value built at compile time: the identity written in the
//! attribute, where it was written (for error messages), and functions that produce the schemas.
//! The build script reads them to write the manifests; the module binary reads the same ones to
//! start a component, through [`Start`], which this crate carries without knowing what it is.

use std::any::Any;
use std::fmt;

use crate::dialect::Dialect;
use crate::names::Kind;
use crate::schema::SchemaError;

/// Produces a schema in the module's dialect.
pub type SchemaFn = fn(&Dialect) -> Result<serde_json::Value, SchemaError>;

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
    /// `categories = [...]`; `None` when the attribute has none (the manifest then has no
    /// `categories`, which Sekoia's checker refuses: the build warns).
    pub categories: Option<&'static [&'static str]>,
    /// `description = "..."`, else the doc comment, else the name.
    pub description: &'static str,
    /// `dialect(...)`: how the module's schemas are written.
    pub dialect: Dialect,
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
    /// `file = "..."`: the manifest's file name, when it is not the one derived from the name.
    pub file: Option<&'static str>,
    /// Where the struct is.
    pub origin: Origin,
}

/// What a component's manifest holds besides its identity and schemas, as some of Sekoia's
/// catalogue does.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extra {
    /// `outputs = [("branch", "description"), ...]`: the named branches an action can take.
    pub outputs: &'static [(&'static str, &'static str)],
    /// `configuration_part = "..."`: a note on the module configuration the action needs.
    pub configuration_part: Option<&'static str>,
    /// `required = [...]`: a top-level `required` list.
    pub required: Option<&'static [&'static str]>,
    /// `webhook`: a trigger started by a webhook (`"webhook": true`).
    pub webhook: bool,
    /// `results = Type` on a connector: its `results` schema.
    pub results: Option<SchemaFn>,
    /// `twin(...)` on a connector: the legacy trigger manifest it also writes.
    pub twin: Option<Twin>,
}

/// The legacy trigger manifest of a connector: the same uuid and docker_parameters (the
/// platform starts the connector either way), its own file.
#[derive(Debug, Clone, Copy)]
pub struct Twin {
    /// `file = "..."`, else `trigger_` and the connector's file name without `connector_`.
    pub file: Option<&'static str>,
    /// `name = "..."`, else the connector's.
    pub name: Option<&'static str>,
    /// `description = "..."`, else the connector's.
    pub description: Option<&'static str>,
    /// `slug = "..."`: its own slug, if any.
    pub slug: Option<&'static str>,
    /// `arguments = Type`, else the connector's configuration.
    pub arguments: Option<SchemaFn>,
    /// `arguments_title = "..."`: the title of its arguments, when only that differs.
    pub arguments_title: Option<&'static str>,
    /// `results = Type`: its `results` schema (`()` for `{}`).
    pub results: SchemaFn,
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
    /// The `results` schema (none for connectors, unless `results = Type`).
    pub results: Option<SchemaFn>,
    /// The other fields of its manifest.
    pub extra: Extra,
    /// How the runtime starts it.
    pub start: Start,
}

impl ComponentDescriptor {
    /// The name of its manifest file: `file = "..."`, else `<kind>_<name>.json`.
    pub fn file_name(&self) -> String {
        match self.identity.file {
            Some(file) => file.to_owned(),
            None => crate::names::component_file_name(self.kind, self.identity.name),
        }
    }

    /// The name of the file of its legacy trigger twin, if it has one.
    pub fn twin_file_name(&self) -> Option<String> {
        let twin = self.extra.twin.as_ref()?;
        Some(match twin.file {
            Some(file) => file.to_owned(),
            None => {
                let own = self.file_name();
                let rest = own.strip_prefix("connector_").unwrap_or(&own);
                format!("trigger_{rest}")
            }
        })
    }
}

inventory::collect!(ModuleDescriptor);
inventory::collect!(ComponentDescriptor);
