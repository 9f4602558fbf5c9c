//! The traits a module author implements: where the behaviour of a module lives.
//!
//! `#[module]`, `#[action]`, `#[trigger]` and `#[connector]` only register a struct; what it does is
//! an ordinary trait impl whose methods a unit test can call directly.

use std::future::Future;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

use sekoia_manifest::dialect::Dialect;
use sekoia_manifest::schema::SchemaError;
use serde_json::Value;

use crate::configuration::ConfigError;
use crate::context::{
    ActionContext, AssetBatches, AssetConnectorContext, ConnectorContext, TriggerContext,
    ValidatorContext,
};
use crate::error::{ActionError, ConnectorError, Error, TriggerError, ValidationError};

/// What the platform sends to a component: action arguments, trigger and connector
/// configurations, the module configuration.
///
/// Implemented for every type that is `Deserialize` and `JsonSchema`: derive both.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from the platform",
    label = "this type must derive `Deserialize` and `JsonSchema`",
    note = "arguments and configurations are deserialized from JSON and described in the manifests: add `#[derive(Deserialize, JsonSchema)]` to `{Self}`"
)]
pub trait Input: Sized + Send + Sync + 'static {
    /// Decodes a configuration value (errors name the field path).
    #[doc(hidden)]
    fn __decode(name: &str, origin: &str, value: Value) -> Result<Self, ConfigError>;
    /// The schema in the module's dialect.
    #[doc(hidden)]
    fn __schema(dialect: &Dialect) -> Result<Value, SchemaError>;
}

// No supertraits on purpose: rustc then reports this trait's message, not serde's or schemars'.
impl<T: DeserializeOwned + JsonSchema + Send + Sync + 'static> Input for T {
    fn __decode(name: &str, origin: &str, value: Value) -> Result<Self, ConfigError> {
        crate::configuration::decode(name, origin, value)
    }

    fn __schema(dialect: &Dialect) -> Result<Value, SchemaError> {
        sekoia_manifest::schema::schema_for::<T>(dialect)
    }
}

/// What a component sends to the platform: action results and trigger events.
///
/// Implemented for every type that is `Serialize` and `JsonSchema`: derive both.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent to the platform",
    label = "this type must derive `Serialize` and `JsonSchema`",
    note = "results are serialized to JSON and described in the manifests: add `#[derive(Serialize, JsonSchema)]` to `{Self}` (a `Secret` is never serialized)"
)]
pub trait Output: Send + Sync + 'static {
    /// The JSON sent to the platform.
    #[doc(hidden)]
    fn __to_value(&self) -> Result<Value, serde_json::Error>;
    /// The schema in the module's dialect (`()` gives `{}`).
    #[doc(hidden)]
    fn __schema(dialect: &Dialect) -> Result<Value, SchemaError>;
}

// No supertraits on purpose: rustc then reports this trait's message, not serde's or schemars'.
impl<T: Serialize + JsonSchema + Send + Sync + 'static> Output for T {
    fn __to_value(&self) -> Result<Value, serde_json::Error> {
        serde_json::to_value(self)
    }

    fn __schema(dialect: &Dialect) -> Result<Value, SchemaError> {
        sekoia_manifest::schema::results::<T>(dialect)
    }
}

/// The module configuration: implemented by `#[module(...)]`, never by hand.
///
/// Its fields are the module's `configuration` in `manifest.json`; `Secret<T>` fields are listed
/// in `"secrets"`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a module configuration",
    label = "`type Module` must name the struct that carries `#[module(...)]`",
    note = "put `#[module(name = \"...\", slug = \"...\", uuid = \"...\", categories = [...])]` on the struct that holds the module configuration"
)]
pub trait Module: Input {}

/// A playbook step: arguments in, results out.
///
/// ```
/// use sekoia_runtime::prelude::*;
///
/// # #[module(name = "Doc", slug = "doc", uuid = "0b0f9d1c-8d8c-4a52-a0c5-1f4e3e1a3c11", categories = ["Generic"])]
/// # #[derive(Deserialize, JsonSchema)]
/// # pub struct DocModule {}
/// #[derive(Deserialize, JsonSchema)]
/// pub struct Greeting { pub name: String }
///
/// #[derive(Serialize, JsonSchema)]
/// pub struct Greeted { pub message: String }
///
/// /// Says hello
/// #[action(name = "Say Hello")]
/// pub struct SayHello;
///
/// impl Action for SayHello {
///     type Module = DocModule;
///     type Arguments = Greeting;
///     type Results = Greeted;
///
///     async fn run(&self, _ctx: &ActionContext<Self>, args: Greeting) -> Result<Greeted, ActionError> {
///         Ok(Greeted { message: format!("hello {}", args.name) })
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is marked `#[action]` but does not implement `Action`",
    label = "missing `impl Action for {Self}`",
    note = "write `impl Action for {Self} {{ type Module = ...; type Arguments = ...; type Results = ...; async fn run(...) }}`, or `impl ApiAction for {Self}` for an action that is one API request (`sekoia_runtime::api`)",
    note = "did you mean `#[trigger]` or `#[connector]`? a struct takes the attribute of the trait it implements"
)]
pub trait Action: Sized + Send + Sync + 'static {
    /// The module configuration type (the struct with `#[module]`).
    type Module: Module;
    /// The arguments: the manifest's `arguments` schema.
    type Arguments: Input;
    /// The results: the manifest's `results` schema. `()` for an action without results.
    type Results: Output;

    /// Runs the action once.
    fn run(
        &self,
        ctx: &ActionContext<Self>,
        arguments: Self::Arguments,
    ) -> impl Future<Output = Result<Self::Results, ActionError>> + Send;
}

/// A long-running component that starts playbook runs with events.
///
/// The runtime calls [`Trigger::run`] again whenever it returns while the trigger is running;
/// errors are counted and reported as PLATFORM.md describes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is marked `#[trigger]` but does not implement `Trigger`",
    label = "missing `impl Trigger for {Self}`",
    note = "write `impl Trigger for {Self} {{ type Module = ...; type Configuration = ...; type Results = ...; async fn run(...) }}`",
    note = "did you mean `#[connector]` or `#[action]`? a struct takes the attribute of the trait it implements"
)]
pub trait Trigger: Sized + Send + Sync + 'static {
    /// The module configuration type (the struct with `#[module]`).
    type Module: Module;
    /// The trigger configuration: the manifest's `arguments` schema.
    type Configuration: Input;
    /// The events it sends: the manifest's `results` schema.
    type Results: Output;

    /// `GET /health` fails when no event was sent for this many seconds (0: never).
    const SECONDS_WITHOUT_EVENTS: u64 = 0;
    /// `GET /health` fails when no heartbeat came for this many seconds (0: never).
    const LAST_HEARTBEAT_THRESHOLD: u64 = 0;

    /// Runs one iteration of the trigger (usually a loop on `ctx.running()`).
    fn run(
        &self,
        ctx: &TriggerContext<Self>,
    ) -> impl Future<Output = Result<(), TriggerError>> + Send;
}

/// A long-running component that collects events and pushes them to a Sekoia intake.
///
/// Its configuration must carry the intake fields: flatten a
/// [`DefaultConnectorConfiguration`](crate::DefaultConnectorConfiguration) into it, or use it as is.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is marked `#[connector]` but does not implement `Connector`",
    label = "missing `impl Connector for {Self}`",
    note = "write `impl Connector for {Self} {{ type Module = ...; type Configuration = ...; async fn run(...) }}`",
    note = "did you mean `#[trigger]` or `#[action]`? a struct takes the attribute of the trait it implements"
)]
pub trait Connector: Sized + Send + Sync + 'static {
    /// The module configuration type (the struct with `#[module]`).
    type Module: Module;
    /// The connector configuration: the manifest's `arguments` schema. It must include
    /// `intake_key` (and usually `intake_server`).
    type Configuration: Input;

    /// `GET /health` fails when no event was pushed for this many seconds (six hours, as the
    /// Python SDK; 0: never).
    const SECONDS_WITHOUT_EVENTS: u64 = 6 * 3600;
    /// `GET /health` fails when no heartbeat came for this many seconds (0: never).
    const LAST_HEARTBEAT_THRESHOLD: u64 = 0;

    /// Runs the connector (usually a loop on `ctx.running()`).
    fn run(
        &self,
        ctx: &ConnectorContext<Self>,
    ) -> impl Future<Output = Result<(), ConnectorError>> + Send;
}

/// A long-running component that collects assets (devices, users, vulnerabilities, software)
/// and pushes them to the platform's asset-management API, in batches (SDK 1.19+'s
/// `AssetConnector`).
///
/// Its configuration must carry the asset connector's fields: flatten a
/// [`DefaultAssetConnectorConfiguration`](crate::DefaultAssetConnectorConfiguration) into it,
/// or use it as is. Each cycle the runtime calls [`collect`](AssetConnector::collect), which
/// hands assets to [`AssetBatches::push`](crate::AssetBatches::push); every batch the platform
/// accepts is followed by [`update_checkpoint`](AssetConnector::update_checkpoint).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is marked `#[asset_connector]` but does not implement `AssetConnector`",
    label = "missing `impl AssetConnector for {Self}`",
    note = "write `impl AssetConnector for {Self} {{ type Module = ...; type Configuration = ...; async fn collect(...) }}`"
)]
pub trait AssetConnector: Sized + Send + Sync + 'static {
    /// The module configuration type (the struct with `#[module]`).
    type Module: Module;
    /// The asset connector configuration: the manifest's `arguments` schema.
    type Configuration: Input;

    /// Collects the assets of one cycle, pushing each with `assets.push(item).await?`.
    fn collect(
        &self,
        ctx: &AssetConnectorContext<Self>,
        assets: &mut AssetBatches<'_, Self>,
    ) -> impl Future<Output = Result<(), Error>> + Send;

    /// Called after each batch the platform accepted: save where the collection is.
    fn update_checkpoint(
        &self,
        ctx: &AssetConnectorContext<Self>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }

    /// Called when [`mapped_fields`](AssetConnector::mapped_fields) changed since the last
    /// cycle: forget the checkpoint, so that every asset is fetched again.
    fn reset_checkpoint(
        &self,
        ctx: &AssetConnectorContext<Self>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }

    /// The source field → OCSF field mapping the connector applies (empty: none checked).
    fn mapped_fields(&self) -> std::collections::BTreeMap<String, String> {
        std::collections::BTreeMap::new()
    }
}

/// Checks a module configuration against the third-party service (the platform's
/// `validate_module_configuration` command).
///
/// Implement it on the `#[module]` struct: the module then answers that command and its manifest
/// says `"supports_validation": true`.
pub trait AccountValidator: Module {
    /// Returns `Ok(())` when the configuration works, or the reason it does not.
    fn validate(
        &self,
        ctx: &ValidatorContext,
    ) -> impl Future<Output = Result<(), ValidationError>> + Send;
}

/// How `#[action]`, `#[trigger]` and `#[connector]` get an instance of the struct: the struct
/// itself when it is a unit struct, else its `Default`.
#[doc(hidden)]
pub trait Construct {
    /// The instance the runtime runs.
    fn construct() -> Self;
}

/// The names a configuration's manifest lists in `"secrets"` (whatever the dialect).
pub(crate) fn secret_names<M: Input>() -> Vec<String> {
    match M::__schema(&Dialect::PYDANTIC) {
        Ok(schema) => schema
            .get("secrets")
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}
