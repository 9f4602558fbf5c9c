//! The trigger lifecycle: secrets, configuration, then `run` in a loop until stopped, with logs,
//! health, metrics and the error policy of [`crate::supervisor`].

use std::any::Any;
use std::sync::Arc;

use sekoia_manifest::Kind;
use sekoia_manifest::descriptor::{ComponentDescriptor, Extra, Identity, Start};

use crate::component::{Construct, Input, Output, Trigger};
use crate::configuration::Sources;
use crate::context::TriggerContext;
use crate::health::Thresholds;
use crate::session::{RunFuture, Runner, Session};
use crate::supervisor::{configuration_error, module_configuration, supervise};

/// The descriptor `#[trigger]` registers.
pub const fn descriptor<T: Trigger + Construct>(
    identity: Identity,
    extra: Extra,
) -> ComponentDescriptor {
    ComponentDescriptor {
        kind: Kind::Trigger,
        identity,
        module_type_name: std::any::type_name::<T::Module>,
        arguments: <T::Configuration as Input>::__schema,
        results: Some(<T::Results as Output>::__schema),
        extra,
        start: Start::new(runner::<T>),
    }
}

fn runner<T: Trigger + Construct>() -> Box<dyn Any> {
    Box::new(run::<T> as Runner)
}

/// The health thresholds a trigger declares.
pub(crate) fn thresholds<T: Trigger>() -> Thresholds {
    Thresholds {
        seconds_without_events: T::SECONDS_WITHOUT_EVENTS,
        heartbeat: T::LAST_HEARTBEAT_THRESHOLD,
    }
}

fn run<T: Trigger + Construct>(session: Arc<Session>, sources: Sources) -> RunFuture {
    Box::pin(async move {
        session.liveness.set_thresholds(thresholds::<T>());
        let module = match module_configuration::<T::Module>(&session, &sources).await {
            Ok(module) => module,
            Err(e) => return configuration_error(&session, &e).await,
        };
        let configuration = match sources.json("trigger_configuration") {
            Ok(Some((value, origin))) => {
                match T::Configuration::__decode("trigger_configuration", &origin, value) {
                    Ok(configuration) => configuration,
                    Err(e) => return configuration_error(&session, &e.to_string()).await,
                }
            }
            Ok(None) => {
                let missing = sources.missing("trigger_configuration").to_string();
                return configuration_error(&session, &missing).await;
            }
            Err(e) => return configuration_error(&session, &e.to_string()).await,
        };
        let ctx = TriggerContext::<T> {
            module,
            configuration,
            session: Arc::clone(&session),
        };
        let trigger = T::construct();
        supervise(&session, || trigger.run(&ctx)).await
    })
}
