//! The asset connector lifecycle (SDK 1.19+, 1.27's additions included): the configuration
//! (`connector_configuration`, else `trigger_configuration`, node secrets overlaid), then
//! cycles until stopped. Each cycle checks the field mapping (a change resets the checkpoint),
//! collects the assets, pushes them in batches; a cycle that found nothing waits `frequency`.
//! A 429 of the platform ends the cycle and waits its `Retry-After`.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sekoia_manifest::Kind;
use sekoia_manifest::descriptor::{ComponentDescriptor, Extra, Identity, Start};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::time::Instant;

use crate::component::{AssetConnector, Construct, Input};
use crate::configuration::{ConfigError, Sources, decode};
use crate::context::{
    AssetBatches, AssetConnectorContext, AssetSettings, DefaultAssetConnectorConfiguration,
    RateLimited,
};
use crate::error::Error;
use crate::log_entry::Level;
use crate::platform::assets::{AssetApi, MAX_RATE_LIMIT_WAIT};
use crate::session::{RunFuture, Runner, Session};
use crate::state::State;
use crate::supervisor::{
    configuration_error, module_configuration, overlay_node_secrets, supervise,
};

mod fingerprint;

/// The platform's API when `sekoia_base_url` is empty.
const PRODUCTION_BASE_URL: &str = "https://api.sekoia.io";
/// The file of the field mapping's fingerprint, in the data directory.
const SCHEMA_FILE: &str = "asset_schema_fields.json";

/// The descriptor `#[asset_connector]` registers.
pub const fn descriptor<A: AssetConnector + Construct>(
    identity: Identity,
    extra: Extra,
    capability: &'static str,
) -> ComponentDescriptor {
    ComponentDescriptor {
        kind: Kind::Connector,
        identity,
        module_type_name: std::any::type_name::<A::Module>,
        arguments: <A::Configuration as Input>::__schema,
        results: None,
        capability: Some(capability),
        extra,
        start: Start::new(runner::<A>),
    }
}

fn runner<A: AssetConnector + Construct>() -> Box<dyn Any> {
    Box::new(run::<A> as Runner)
}

fn configuration(sources: &Sources) -> Result<Value, ConfigError> {
    for name in ["connector_configuration", "trigger_configuration"] {
        if let Some((value, _)) = sources.json(name)? {
            return Ok(value);
        }
    }
    Err(sources.missing("connector_configuration"))
}

/// The settings: the configuration, overridden by `ASSET_CONNECTOR_*` (files or variables of
/// the platform, as every configuration value).
pub(crate) fn settings(
    sources: Option<&Sources>,
    part: &DefaultAssetConnectorConfiguration,
) -> Result<AssetSettings, ConfigError> {
    let number = |name: &str| -> Result<Option<f64>, ConfigError> {
        let Some(sources) = sources else {
            return Ok(None);
        };
        match sources.text(name)? {
            None => Ok(None),
            Some(text) => text
                .parse::<f64>()
                .map(Some)
                .map_err(|_| ConfigError::NotA {
                    name: name.to_owned(),
                    origin: "the platform".to_owned(),
                    expected: "a number",
                    found: text,
                }),
        }
    };
    let seconds =
        |value: f64| Duration::try_from_secs_f64(value.max(0.0)).unwrap_or(MAX_RATE_LIMIT_WAIT);
    Ok(AssetSettings {
        batch_size: number("asset_connector_batch_size")?.map_or(part.batch_size, |n| n as usize),
        frequency: Duration::from_secs(
            number("asset_connector_frequency")?.map_or(part.frequency, |n| n as u64),
        ),
        rate_limit_wait: number("asset_connector_rate_limit_wait")?
            .map_or(MAX_RATE_LIMIT_WAIT, seconds),
        task_poll_interval: number("asset_connector_task_poll_interval")?
            .map_or(Duration::from_secs(5), seconds),
        task_poll_timeout: number("asset_connector_task_poll_timeout")?
            .map_or(Duration::from_secs(300), seconds),
    })
}

/// An asset connector's context.
pub(crate) fn context<A: AssetConnector>(
    session: &Arc<Session>,
    module: A::Module,
    configuration: A::Configuration,
    part: &DefaultAssetConnectorConfiguration,
    settings: AssetSettings,
    production_base_url: Option<String>,
) -> AssetConnectorContext<A> {
    let base = part
        .sekoia_base_url
        .clone()
        .filter(|url| !url.is_empty())
        .or(production_base_url)
        .unwrap_or_else(|| PRODUCTION_BASE_URL.to_owned());
    let api = AssetApi::new(
        &base,
        part.sekoia_api_key.expose(),
        session.identifiers.connector_configuration_uuid.as_deref(),
    );
    session
        .logs
        .scrubber
        .add([part.sekoia_api_key.expose().clone()]);
    AssetConnectorContext {
        module,
        configuration,
        settings,
        api: Arc::new(api),
        session: Arc::clone(session),
    }
}

fn run<A: AssetConnector + Construct>(session: Arc<Session>, sources: Sources) -> RunFuture {
    Box::pin(async move {
        let (module, node_secrets) =
            match module_configuration::<A::Module>(&session, &sources).await {
                Ok(module) => module,
                Err(e) => return configuration_error(&session, &e).await,
            };
        let mut raw = match configuration(&sources) {
            Ok(raw) => raw,
            Err(e) => return configuration_error(&session, &e.to_string()).await,
        };
        // asset connectors are triggers in SDK 1.27: their node secrets are overlaid
        overlay_node_secrets(&session, &mut raw, &node_secrets);
        let part = match decode::<DefaultAssetConnectorConfiguration>(
            "connector_configuration",
            "the platform",
            raw.clone(),
        ) {
            Ok(part) => part,
            Err(e) => return configuration_error(&session, &e.to_string()).await,
        };
        let configuration =
            match A::Configuration::__decode("connector_configuration", "the platform", raw) {
                Ok(configuration) => configuration,
                Err(e) => return configuration_error(&session, &e.to_string()).await,
            };
        let settings = match settings(Some(&sources), &part) {
            Ok(settings) => settings,
            Err(e) => return configuration_error(&session, &e.to_string()).await,
        };
        let production = sources
            .text("asset_connector_production_base_url")
            .ok()
            .flatten();
        let ctx = context::<A>(&session, module, configuration, &part, settings, production);
        let connector = A::construct();
        supervise(&session, || cycle(&connector, &ctx)).await
    })
}

/// The stored fingerprint of the field mapping.
#[derive(Default, Serialize, Deserialize)]
struct SchemaFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fingerprint: Option<String>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
}

/// One fetch cycle of an asset connector (the runtime's loop calls it again while it runs).
pub(crate) async fn cycle<A: AssetConnector>(
    connector: &A,
    ctx: &AssetConnectorContext<A>,
) -> Result<(), Error> {
    let started = Instant::now();
    let name = std::any::type_name::<A>()
        .rsplit("::")
        .next()
        .unwrap_or_default();
    ctx.log(
        Level::Info,
        format!("Starting a new asset fetch cycle for connector {name}"),
    );
    check_mapping(connector, ctx).await?;
    let mut batches = AssetBatches::new(ctx, connector);
    let collected = match connector.collect(ctx, &mut batches).await {
        Ok(()) => batches.flush().await,
        Err(e) => Err(e),
    };
    if let Err(error) = collected {
        if let Some(limited) = error.downcast_ref::<RateLimited>() {
            let wait = limited.wait;
            ctx.log(
                Level::Warning,
                format!(
                    "Rate limit hit, pausing connector for {} seconds",
                    wait.as_secs_f64()
                ),
            );
            ctx.sleep(wait).await;
            return Ok(());
        }
        return Err(error.context(format!("Error while running asset connector {name}")));
    }
    if batches.pushed() == 0
        && let Some(rest) = ctx.settings.frequency.checked_sub(started.elapsed())
        && !rest.is_zero()
    {
        ctx.log(
            Level::Info,
            format!("Next run in the future. Waiting {} seconds", rest.as_secs()),
        );
        ctx.sleep(rest).await;
    }
    Ok(())
}

/// SDK 1.27's reset on a mapping change: the fingerprint of `mapped_fields` is kept in
/// `asset_schema_fields.json`; a different one resets the checkpoint (the first one does not).
async fn check_mapping<A: AssetConnector>(
    connector: &A,
    ctx: &AssetConnectorContext<A>,
) -> Result<(), Error> {
    let fields = connector.mapped_fields();
    if fields.is_empty() {
        return Ok(());
    }
    let current = fingerprint::fingerprint(&fields);
    let mut stored = ctx.state_file::<SchemaFields>(SCHEMA_FILE)?;
    if stored.fingerprint.as_deref() == Some(current.as_str()) {
        return Ok(());
    }
    if stored.fingerprint.is_some() {
        let diff = mapping_diff(&stored.fields, &fields);
        ctx.log(
            Level::Info,
            format!("Field mapping change detected — {diff}. Resetting checkpoint to re-fetch all assets."),
        );
        connector.reset_checkpoint(ctx).await?;
    }
    save(&mut stored, current, fields).await
}

async fn save(
    stored: &mut State<SchemaFields>,
    fingerprint: String,
    fields: BTreeMap<String, String>,
) -> Result<(), Error> {
    stored
        .update(|s| {
            s.fingerprint = Some(fingerprint);
            s.fields = fields;
        })
        .await?;
    Ok(())
}

/// `{"added": {...}, "removed": {...}, "changed": {k: {"from", "to"}}}`.
fn mapping_diff(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Value {
    let mut added = Map::new();
    let mut removed = Map::new();
    let mut changed = Map::new();
    for (key, value) in new {
        match old.get(key) {
            None => {
                added.insert(key.clone(), value.clone().into());
            }
            Some(before) if before != value => {
                changed.insert(
                    key.clone(),
                    serde_json::json!({"from": before, "to": value}),
                );
            }
            Some(_) => {}
        }
    }
    for (key, value) in old {
        if !new.contains_key(key) {
            removed.insert(key.clone(), value.clone().into());
        }
    }
    serde_json::json!({"added": added, "removed": removed, "changed": changed})
}
