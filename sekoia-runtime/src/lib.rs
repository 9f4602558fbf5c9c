//! # sekoia-runtime
//!
//! Write [Sekoia.io](https://www.sekoia.io) automation modules in Rust: **actions** (a playbook
//! step), **triggers** (start playbook runs with events) and **connectors** (push events to an
//! intake).
//!
//! A module is plain Rust: structs marked with [`module`], [`action`], [`trigger`] or
//! [`connector`], and trait impls ([`Action`], [`Trigger`], [`Connector`], [`AccountValidator`])
//! that hold the behaviour. `cargo build` writes the manifests Sekoia imports (through
//! `sekoia-build` in the module's `build.rs`), and the module binary, whose `main.rs` is only
//! [`run!`]`()`, speaks the platform protocol.
//!
//! ```
//! use sekoia_runtime::prelude::*;
//!
//! /// TestHTTP: my test HTTP module
//! #[module(name = "TestHTTP", slug = "testhttp", uuid = "2b5ee7e5-d0c1-4bd6-b5d8-5e1a2f4b9a10", categories = ["Network"])]
//! #[derive(Deserialize, JsonSchema)]
//! pub struct TesthttpModule {
//!     /// API Key
//!     pub api_key: Secret<String>,
//! }
//!
//! #[derive(Deserialize, JsonSchema)]
//! pub struct PingArguments {
//!     pub host: String,
//! }
//!
//! #[derive(Serialize, JsonSchema)]
//! pub struct Pong {
//!     pub reachable: bool,
//! }
//!
//! /// Checks that a host answers
//! #[action(name = "Ping")]
//! pub struct Ping;
//!
//! impl Action for Ping {
//!     type Module = TesthttpModule;
//!     type Arguments = PingArguments;
//!     type Results = Pong;
//!
//!     async fn run(&self, _ctx: &ActionContext<Self>, args: PingArguments) -> Result<Pong, ActionError> {
//!         Ok(Pong { reachable: !args.host.is_empty() })
//!     }
//! }
//! ```

pub mod component;
pub mod config;
pub mod context;
pub mod descriptor;
pub mod error;
pub mod manifest;
pub mod pyjson;
pub mod registry;
pub mod schema;
pub mod secret;

pub mod intake;
pub mod logs;
pub mod platform;
pub mod tracing_bridge;

mod action;
mod connector;
mod entrypoint;
mod health;
mod launch;
mod log_shipper;
mod long_running;
mod metrics;
mod monitoring;
mod trigger;

pub use component::{AccountValidator, Action, Connector, Input, Module, Output, Trigger};
/// The intake part of a connector configuration, as the Python SDK's
/// `DefaultConnectorConfiguration`: `intake_server` (the intake's base URL; the platform's
/// `intake_url` when absent) and `intake_key`. Flatten it into your configuration
/// (`#[serde(flatten)] pub intake: DefaultConnectorConfiguration`) or use it as is.
pub use context::DefaultConnectorConfiguration;
pub use context::{ActionContext, ConnectorContext, TriggerContext, ValidatorContext};
pub use descriptor::Kind;
pub use error::{ActionError, ConnectorError, TriggerError, ValidationError};
pub use intake::{EventId, EventIds, PushError};
pub use logs::Level;
pub use registry::Registry;
pub use secret::Secret;

/// The HTTP client crate the contexts hand out (`ctx.http()`), re-exported so a module uses
/// the same version.
pub use reqwest;

#[doc = include_str!("docs/module.md")]
pub use sekoia_macros::module;

#[doc = include_str!("docs/action.md")]
pub use sekoia_macros::action;

#[doc = include_str!("docs/trigger.md")]
pub use sekoia_macros::trigger;

#[doc = include_str!("docs/connector.md")]
pub use sekoia_macros::connector;

/// What a module's components crate needs: `use sekoia_runtime::prelude::*;`.
pub mod prelude {
    pub use crate::{
        AccountValidator, Action, ActionContext, ActionError, Connector, ConnectorContext,
        ConnectorError, DefaultConnectorConfiguration, Level, Secret, Trigger, TriggerContext,
        TriggerError, ValidationError, ValidatorContext, action, connector, module, trigger,
    };
    pub use schemars::JsonSchema;
    pub use serde::{Deserialize, Serialize};
}

/// The whole `main.rs` of a module: `sekoia_runtime::run!();`.
///
/// It includes the file that `sekoia-build` writes in `OUT_DIR` (which names the components crate
/// so that its registrations are linked in) and defines `main`, which dispatches `argv[1]`.
#[macro_export]
macro_rules! run {
    () => {
        include!(concat!(env!("OUT_DIR"), "/sekoia_components.rs"));

        fn main() -> ::std::process::ExitCode {
            $crate::__private::main(env!("CARGO_PKG_VERSION"))
        }
    };
}

/// Used by the code the macros generate; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::descriptor::{ComponentDescriptor, Identity, ModuleDescriptor, Origin, Runner};
    pub use crate::entrypoint::main;
    pub use inventory;

    use crate::component::AccountValidator;

    /// How `#[action]`, `#[trigger]` and `#[connector]` get an instance of the struct.
    pub trait Construct {
        fn construct() -> Self;
    }

    /// Finds out whether a `#[module]` struct implements `AccountValidator` (autoref probe).
    pub struct ValidatorProbe<T>(core::marker::PhantomData<T>);

    impl<T> ValidatorProbe<T> {
        pub const fn new() -> Self {
            ValidatorProbe(core::marker::PhantomData)
        }
    }

    impl<T> Default for ValidatorProbe<T> {
        fn default() -> Self {
            Self::new()
        }
    }

    pub trait HasValidator {
        fn validator(&self) -> Option<Runner>;
    }

    impl<T: AccountValidator> HasValidator for ValidatorProbe<T> {
        fn validator(&self) -> Option<Runner> {
            Some(crate::action::validator_runner::<T>)
        }
    }

    pub trait NoValidator {
        fn validator(&self) -> Option<Runner> {
            None
        }
    }

    impl<T> NoValidator for &ValidatorProbe<T> {}

    /// Compile-time checks with messages that point at the user's type.
    pub const fn assert_module<M: crate::Module>() {}
}
