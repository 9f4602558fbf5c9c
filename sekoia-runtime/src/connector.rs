//! The connector lifecycle: a trigger whose events go to an intake.
//!
//! The configuration comes from `connector_configuration` (else `trigger_configuration`); its
//! `intake_key` and `intake_server` (else the platform's `intake_url`) select the intake.

use std::process::ExitCode;

use crate::__private::Construct;
use crate::component::Connector;
use crate::component::Input;
use crate::config::ConfigError;
use crate::context::{ConnectorContext, DefaultConnectorConfiguration};
use crate::descriptor::RunFuture;
use crate::intake::Intake;
use crate::launch::Launch;
use crate::long_running::{Core, Thresholds, decode};

pub(crate) fn runner<C: Connector + Construct>(launch: Launch) -> RunFuture {
    Box::pin(run::<C>(launch))
}

fn configuration(launch: &Launch) -> Result<serde_json::Value, ConfigError> {
    for name in ["connector_configuration", "trigger_configuration"] {
        if let Some((value, _)) = launch.config.json(name)? {
            return Ok(value);
        }
    }
    Err(launch.config.missing("connector_configuration"))
}

async fn run<C: Connector + Construct>(launch: Launch) -> ExitCode {
    let raw = configuration(&launch);
    let intake_part = raw.as_ref().ok().and_then(|v| {
        decode::<DefaultConnectorConfiguration>("connector_configuration", v.clone()).ok()
    });
    let thresholds = Thresholds {
        seconds_without_events: C::SECONDS_WITHOUT_EVENTS,
        heartbeat: C::LAST_HEARTBEAT_THRESHOLD,
    };
    let core = match Core::start(
        &launch,
        thresholds,
        intake_part.as_ref().map(|c| c.intake_key.as_str()),
    )
    .await
    {
        Ok(core) => core,
        Err(code) => return code,
    };
    let module = match core.module_configuration(&launch).await.and_then(|m| {
        C::Module::__decode("module_configuration", "the platform", m).map_err(|e| e.to_string())
    }) {
        Ok(module) => module,
        Err(e) => return core.configuration_error(&e).await,
    };
    let raw = match raw {
        Ok(raw) => raw,
        Err(e) => return core.configuration_error(&e.to_string()).await,
    };
    let intake_part =
        match decode::<DefaultConnectorConfiguration>("connector_configuration", raw.clone()) {
            Ok(part) => part,
            Err(e) => return core.configuration_error(&e.to_string()).await,
        };
    let configuration =
        match C::Configuration::__decode("connector_configuration", "the platform", raw) {
            Ok(configuration) => configuration,
            Err(e) => return core.configuration_error(&e.to_string()).await,
        };
    let base = match intake_part.intake_server.clone().filter(|s| !s.is_empty()) {
        Some(server) => server,
        None => match launch.config.text("intake_url") {
            Ok(Some(url)) => url,
            Ok(None) => {
                return core
                    .configuration_error("the connector configuration has no `intake_server` and the platform gave no `intake_url`")
                    .await;
            }
            Err(e) => return core.configuration_error(&e.to_string()).await,
        },
    };
    let ctx = ConnectorContext::<C> {
        module,
        configuration,
        intake: Intake::new(&base, &intake_part.intake_key, core.platform.retry_unit),
        intake_key: intake_part.intake_key,
        core: core.clone(),
    };
    let connector = C::construct();
    core.run_loop(|| async { connector.run(&ctx).await.map_err(|e| e.to_string()) })
        .await
}
