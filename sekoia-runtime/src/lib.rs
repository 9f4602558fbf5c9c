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
//! [`run!`]`()`, speaks the platform protocol. [`testing`] runs any component in-process
//! against an in-memory platform.
//!
//! ```
//! use std::time::Duration;
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
//!
//! /// Says hello every minute
//! #[trigger(name = "Hello")]
//! pub struct Hello;
//!
//! #[derive(Serialize, JsonSchema)]
//! pub struct Greeting {
//!     pub text: String,
//! }
//!
//! impl Trigger for Hello {
//!     type Module = TesthttpModule;
//!     type Configuration = PingArguments;
//!     type Results = Greeting;
//!
//!     async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
//!         while ctx.running() {
//!             let text = format!("hello {}", ctx.configuration().host);
//!             ctx.send_event("hello", &Greeting { text }).await?;
//!             ctx.sleep(Duration::from_secs(60)).await;
//!         }
//!         Ok(())
//!     }
//! }
//!
//! /// Pushes what it hears
//! #[connector]
//! pub struct Listener;
//!
//! impl Connector for Listener {
//!     type Module = TesthttpModule;
//!     type Configuration = DefaultConnectorConfiguration;
//!
//!     async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
//!         while ctx.running() {
//!             ctx.push_events(["a raw log line"]).await?;
//!             ctx.sleep(Duration::from_secs(60)).await;
//!         }
//!         Ok(())
//!     }
//! }
//!
//! // and a test, in-process:
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! use sekoia_runtime::testing::TestPlatform;
//!
//! let module = || TesthttpModule { api_key: Secret::new("k3y".into()) };
//! let platform = TestPlatform::new();
//! let report = platform.run_action(&Ping, module(), serde_json::json!({"host": "a"})).await;
//! assert_eq!(report.results, Some(serde_json::json!({"reachable": true})));
//!
//! let platform = TestPlatform::new().stop_when(|seen| seen.event_count() == 2);
//! let ctx = platform.trigger::<Hello>(module(), PingArguments { host: "b".into() });
//! platform.run_trigger(&Hello, &ctx).await;
//! assert_eq!(platform.events()[1].event["text"], "hello b");
//! # }
//! ```
//!
//! The crate's layers, each importing only from the ones above it: the leaves (errors,
//! [`Secret`], configuration decoding, log entries, the secret scrubber; the identity and the
//! manifests come from `sekoia-manifest`); the platform I/O (callback, logs and secrets APIs,
//! intake, health, metrics); the session; the author's API (traits and contexts); the loop of
//! each kind; the entry point of the binary.
#![warn(missing_docs, unreachable_pub)]

mod clock;
mod component;
mod configuration;
mod context;
mod data_path;
mod error;
mod free_form;
mod identifiers;
mod intake;
mod log_entry;
#[cfg(test)]
mod properties;
mod scrubber;
mod secret;

mod health;
pub mod metrics;
mod platform;

mod session;

pub mod state;

pub mod ocsf;

pub mod client;

pub mod api;
mod module_metrics;

mod action;
mod asset_connector;
mod connector;
mod supervisor;
mod trigger;

mod entrypoint;

pub mod testing;

pub use component::{
    AccountValidator, Action, AssetConnector, Connector, Input, Module, Output, Trigger,
};
pub use configuration::ConfigError;
/// The configuration of an asset connector, as SDK 1.27's `DefaultAssetConnectorConfiguration`:
/// `sekoia_base_url` (the platform's API; `https://api.sekoia.io`, or
/// `ASSET_CONNECTOR_PRODUCTION_BASE_URL`, when empty), `sekoia_api_key` (a secret), `frequency`
/// (seconds between two cycles that found nothing, 10800 by default) and `batch_size` (assets a
/// push, 100). Flatten it into yours (`#[serde(flatten)]`) or use it as is.
pub use context::DefaultAssetConnectorConfiguration;
/// The intake part of a connector configuration, as the Python SDK's
/// `DefaultConnectorConfiguration`: `intake_server` (the intake's base URL; the platform's
/// `intake_url` when absent) and `intake_key`. Flatten it into your configuration
/// (`#[serde(flatten)] pub intake: DefaultConnectorConfiguration`) or use it as is.
pub use context::DefaultConnectorConfiguration;
pub use context::{
    ActionContext, ConnectorContext, DeliveryError, TriggerContext, ValidatorContext,
};
pub use context::{AssetBatches, AssetConnectorContext};
pub use error::{ActionError, ConnectorError, Error, TriggerError, ValidationError};
pub use free_form::{AnyArray, AnyObject, AnyValue};
pub use identifiers::Identifiers;
pub use intake::{EventId, EventIds, EventIdsIter, PushError};
pub use log_entry::Level;
pub use platform::PlatformError;
pub use secret::Secret;

/// The HTTP client crate the contexts hand out (`ctx.http()`), re-exported so a module uses
/// the same version.
pub use reqwest;

/// The date crate of the checkpoints ([`state::TimeCheckpoint`]), re-exported so a module uses
/// the same version.
pub use chrono;

#[doc = include_str!("docs/module.md")]
pub use sekoia_macros::module;

#[doc = include_str!("docs/action.md")]
pub use sekoia_macros::action;

#[doc = include_str!("docs/trigger.md")]
pub use sekoia_macros::trigger;

#[doc = include_str!("docs/connector.md")]
pub use sekoia_macros::connector;

#[doc = include_str!("docs/asset_connector.md")]
pub use sekoia_macros::asset_connector;
#[doc = include_str!("docs/sekoia.md")]
pub use sekoia_macros::sekoia;

/// What a module's components crate needs: `use sekoia_runtime::prelude::*;`.
pub mod prelude {
    pub use crate::{
        AccountValidator, Action, ActionContext, ActionError, AnyArray, AnyObject, AnyValue,
        AssetBatches, AssetConnector, AssetConnectorContext, Connector, ConnectorContext,
        ConnectorError, DefaultAssetConnectorConfiguration, DefaultConnectorConfiguration, Error,
        Level, Secret, Trigger, TriggerContext, TriggerError, ValidationError, ValidatorContext,
        action, asset_connector, connector, module, sekoia, trigger,
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
    pub use crate::component::Construct;
    pub use crate::entrypoint::main;
    pub use sekoia_manifest::__private::inventory;
    pub use sekoia_manifest::descriptor::{
        ComponentDescriptor, Extra, Identity, ModuleDescriptor, Origin, SchemaFn, Start, Twin,
    };
    pub use sekoia_manifest::dialect::{
        Dialect, MetaSchema, Nullable, Optional, RootTitle, Titles,
    };
    pub use serde_json;

    use crate::component::{AccountValidator, Input, Module, Output};

    /// The schema function of a type read from the platform (`twin(arguments = Type)`).
    pub const fn input_schema<T: Input>() -> SchemaFn {
        <T as Input>::__schema
    }

    /// The schema function of a type sent to the platform (`results = Type`).
    pub const fn output_schema<T: Output>() -> SchemaFn {
        <T as Output>::__schema
    }

    /// The value of `#[sekoia(default = ...)]` as the field's type; the schema pass checks it
    /// first (see [`default_error`]), so this cannot fail in a module that builds.
    pub fn default_value<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        match serde_json::from_value(value) {
            Ok(value) => value,
            Err(e) => panic!("a #[sekoia(default = ...)] is not a value of its field: {e}"),
        }
    }

    /// What schemars is told a `#[sekoia(default = ...)]` field defaults to, so that it writes no
    /// default of its own (the `default` the attribute writes is the value as written).
    pub struct NoSchemaDefault;

    /// See [`NoSchemaDefault`].
    pub fn no_schema_default() -> NoSchemaDefault {
        NoSchemaDefault
    }

    /// Why a `#[sekoia(default = ...)]` is not a value of its field, if it is not.
    pub fn default_error<T: serde::de::DeserializeOwned>(
        field: &str,
        value: serde_json::Value,
    ) -> Option<String> {
        let text = value.to_string();
        serde_json::from_value::<T>(value).err().map(|e| {
            format!(
                "`#[sekoia(default = {text})]` of field `{field}` is not a value of its type: {e}"
            )
        })
    }

    /// The descriptors the attributes register.
    pub mod descriptor {
        pub use crate::action::descriptor as action;
        pub use crate::asset_connector::descriptor as asset_connector;
        pub use crate::connector::descriptor as connector;
        pub use crate::trigger::descriptor as trigger;

        use super::{ModuleDescriptor, Origin, Start};
        use crate::component::{Input, Module};

        /// The descriptor `#[module]` registers.
        #[allow(clippy::too_many_arguments)]
        pub const fn module<M: Module>(
            name: &'static str,
            slug: &'static str,
            uuid: &'static str,
            categories: Option<&'static [&'static str]>,
            description: &'static str,
            dialect: sekoia_manifest::dialect::Dialect,
            origin: Origin,
            validator: fn() -> Option<Start>,
        ) -> ModuleDescriptor {
            ModuleDescriptor {
                name,
                slug,
                uuid,
                categories,
                description,
                dialect,
                origin,
                type_name: std::any::type_name::<M>,
                configuration: <M as Input>::__schema,
                validator,
            }
        }
    }

    /// Finds out whether a `#[module]` struct implements `AccountValidator` (autoref probe).
    pub struct ValidatorProbe<T>(core::marker::PhantomData<T>);

    impl<T> ValidatorProbe<T> {
        /// The probe of `T`.
        pub const fn new() -> Self {
            ValidatorProbe(core::marker::PhantomData)
        }
    }

    impl<T> Default for ValidatorProbe<T> {
        fn default() -> Self {
            Self::new()
        }
    }

    /// The validator of a struct that implements `AccountValidator`.
    pub trait HasValidator {
        /// Its start.
        fn validator(&self) -> Option<Start>;
    }

    impl<T: AccountValidator> HasValidator for ValidatorProbe<T> {
        fn validator(&self) -> Option<Start> {
            Some(crate::action::validator_start::<T>())
        }
    }

    /// No validator.
    pub trait NoValidator {
        /// None.
        fn validator(&self) -> Option<Start> {
            None
        }
    }

    impl<T> NoValidator for &ValidatorProbe<T> {}

    /// Compile-time checks with messages that point at the user's type.
    pub const fn assert_module<M: Module>() {}
}
