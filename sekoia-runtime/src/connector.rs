//! The connector lifecycle: a trigger whose events go to an intake.
//!
//! The configuration comes from `connector_configuration` (else `trigger_configuration`); its
//! `intake_key` and `intake_server` (else the platform's `intake_url`) select the intake.

use std::any::Any;
use std::sync::Arc;

use sekoia_manifest::Kind;
use sekoia_manifest::descriptor::{ComponentDescriptor, Extra, Identity, Start};
use serde_json::Value;

use crate::component::{Connector, Construct, Input};
use crate::configuration::{ConfigError, Sources, check_url, decode};
use crate::context::{ConnectorContext, DefaultConnectorConfiguration};
use crate::health::Thresholds;
use crate::intake::{Intake, PushSettings};
use crate::session::{RunFuture, Runner, Session};
use crate::supervisor::{configuration_error, module_configuration, supervise};

/// The descriptor `#[connector]` registers.
pub const fn descriptor<C: Connector + Construct>(
    identity: Identity,
    extra: Extra,
) -> ComponentDescriptor {
    ComponentDescriptor {
        kind: Kind::Connector,
        identity,
        module_type_name: std::any::type_name::<C::Module>,
        arguments: <C::Configuration as Input>::__schema,
        results: None,
        extra,
        start: Start::new(runner::<C>),
    }
}

fn runner<C: Connector + Construct>() -> Box<dyn Any> {
    Box::new(run::<C> as Runner)
}

/// The health thresholds a connector declares.
pub(crate) fn thresholds<C: Connector>() -> Thresholds {
    Thresholds {
        seconds_without_events: C::SECONDS_WITHOUT_EVENTS,
        heartbeat: C::LAST_HEARTBEAT_THRESHOLD,
    }
}

fn configuration(sources: &Sources) -> Result<Value, ConfigError> {
    for name in ["connector_configuration", "trigger_configuration"] {
        if let Some((value, _)) = sources.json(name)? {
            return Ok(value);
        }
    }
    Err(sources.missing("connector_configuration"))
}

/// A connector's context, its intake chosen from its configuration; an intake key that cannot
/// be sent is a configuration error.
pub(crate) fn context<C: Connector>(
    session: &Arc<Session>,
    module: C::Module,
    configuration: C::Configuration,
    intake: &DefaultConnectorConfiguration,
    intake_url: &str,
) -> Result<ConnectorContext<C>, String> {
    let api = session.platform.intake(intake_url, &intake.intake_key)?;
    Ok(ConnectorContext {
        module,
        configuration,
        intake: Intake::new(
            api,
            &intake.intake_key,
            PushSettings {
                retry_unit: session.platform.retry_unit(),
                stop: session.stop.receiver(),
                unsent: Arc::clone(&session.unsent),
            },
        ),
        intake_key: intake.intake_key.clone(),
        session: Arc::clone(session),
    })
}

fn run<C: Connector + Construct>(session: Arc<Session>, sources: Sources) -> RunFuture {
    Box::pin(async move {
        session.liveness.set_thresholds(thresholds::<C>());
        let module = match module_configuration::<C::Module>(&session, &sources).await {
            Ok(module) => module,
            Err(e) => return configuration_error(&session, &e).await,
        };
        let raw = match configuration(&sources) {
            Ok(raw) => raw,
            Err(e) => return configuration_error(&session, &e.to_string()).await,
        };
        let intake_part = match decode::<DefaultConnectorConfiguration>(
            "connector_configuration",
            "the platform",
            raw.clone(),
        ) {
            Ok(part) => part,
            Err(e) => return configuration_error(&session, &e.to_string()).await,
        };
        let configuration =
            match C::Configuration::__decode("connector_configuration", "the platform", raw) {
                Ok(configuration) => configuration,
                Err(e) => return configuration_error(&session, &e.to_string()).await,
            };
        let base = match intake_part.intake_server.clone().filter(|s| !s.is_empty()) {
            Some(server) => match check_url(server.trim()) {
                Ok(()) => server.trim().to_owned(),
                Err(reason) => {
                    let message = format!(
                        "configuration value `connector_configuration` at `intake_server` {reason}"
                    );
                    return configuration_error(&session, &message).await;
                }
            },
            None => match sources.url("intake_url") {
                Ok(Some(url)) => url,
                Ok(None) => {
                    return configuration_error(
                        &session,
                        "the connector configuration has no `intake_server` and the platform gave no `intake_url`",
                    )
                    .await;
                }
                Err(e) => return configuration_error(&session, &e.to_string()).await,
            },
        };
        let ctx = match context::<C>(&session, module, configuration, &intake_part, &base) {
            Ok(ctx) => ctx,
            Err(e) => return configuration_error(&session, &e).await,
        };
        let connector = C::construct();
        supervise(&session, || connector.run(&ctx)).await
    })
}
