//! The trigger lifecycle: secrets, configuration, then `run` in a loop until stopped, with logs,
//! health, metrics and the error policy of [`crate::long_running`].

use std::process::ExitCode;

use crate::__private::Construct;
use crate::component::Input;
use crate::component::Trigger;
use crate::context::TriggerContext;
use crate::descriptor::RunFuture;
use crate::launch::Launch;
use crate::long_running::{Core, Thresholds};

pub(crate) fn runner<T: Trigger + Construct>(launch: Launch) -> RunFuture {
    Box::pin(run::<T>(launch))
}

async fn run<T: Trigger + Construct>(launch: Launch) -> ExitCode {
    let thresholds = Thresholds {
        seconds_without_events: T::SECONDS_WITHOUT_EVENTS,
        heartbeat: T::LAST_HEARTBEAT_THRESHOLD,
    };
    let core = match Core::start(&launch, thresholds, None).await {
        Ok(core) => core,
        Err(code) => return code,
    };
    let module = match core.module_configuration(&launch).await.and_then(|m| {
        T::Module::__decode("module_configuration", "the platform", m).map_err(|e| e.to_string())
    }) {
        Ok(module) => module,
        Err(e) => return core.configuration_error(&e).await,
    };
    let configuration = match launch.config.json("trigger_configuration") {
        Ok(Some((value, origin))) => {
            match T::Configuration::__decode("trigger_configuration", &origin, value) {
                Ok(configuration) => configuration,
                Err(e) => return core.configuration_error(&e.to_string()).await,
            }
        }
        Ok(None) => {
            return core
                .configuration_error(&launch.config.missing("trigger_configuration").to_string())
                .await;
        }
        Err(e) => return core.configuration_error(&e.to_string()).await,
    };
    let ctx = TriggerContext::<T> {
        module,
        configuration,
        core: core.clone(),
    };
    let trigger = T::construct();
    core.run_loop(|| async { trigger.run(&ctx).await.map_err(|e| e.to_string()) })
        .await
}
