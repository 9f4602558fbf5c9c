//! The life of a trigger or connector once started: its module configuration (secrets fetched
//! from the platform), then the user's `run` again and again while the component runs, with the
//! error policy, then the graceful stop.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::time::Duration;

use futures_util::FutureExt;
use serde_json::{Map, Value};

use crate::component::{Input, secret_names};
use crate::configuration::Sources;
use crate::error::{Error, panic_message};
use crate::log_entry::Level;
use crate::session::Session;

/// Successive errors before the error policy considers a critical.
const CRITICAL_ERROR_COUNT: u32 = 5;
/// No critical during the first half hour.
const CRITICAL_GRACE: Duration = Duration::from_secs(30 * 60);
/// The uptime taken into account is capped at five days.
const MAX_UPTIME: Duration = Duration::from_secs(5 * 24 * 3600);

/// PLATFORM.md's rule: 5 successive errors, past the grace period, and no event for
/// min(uptime, 5 days) / 5.
pub(crate) fn is_error_critical(count: u32, uptime: Duration, since_last_event: Duration) -> bool {
    count >= CRITICAL_ERROR_COUNT
        && uptime >= CRITICAL_GRACE
        && since_last_event >= uptime.min(MAX_UPTIME) / 5
}

/// Reads the module configuration, fetching its secrets when the manifest lists some.
pub(crate) async fn module_configuration<M: Input>(
    session: &Session,
    sources: &Sources,
) -> Result<M, String> {
    let mut value = match sources.json("module_configuration") {
        Ok(Some((value, _))) => value,
        Ok(None) => Value::Object(Map::new()),
        Err(e) => return Err(e.to_string()),
    };
    let names = secret_names::<M>();
    let secrets = if names.is_empty() {
        None
    } else {
        Some(
            session
                .platform
                .secrets()
                .await
                .map_err(|e| format!("cannot fetch the module secrets: {e}"))?,
        )
    };
    session.take_secrets(&mut value, &names, secrets.as_ref())?;
    M::__decode("module_configuration", "the platform", value).map_err(|e| e.to_string())
}

/// Runs `iteration` while the component runs, applying the error policy, then stops cleanly.
pub(crate) async fn supervise<F, Fut>(session: &Session, mut iteration: F) -> ExitCode
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    while !session.stop.is_stopped() {
        let outcome = session
            .scope(AssertUnwindSafe(iteration()).catch_unwind())
            .await;
        let error = match outcome {
            Ok(Ok(())) => continue,
            Ok(Err(error)) => error.to_string(),
            Err(panic) => format!("panicked: {}", panic_message(&*panic)),
        };
        session.log(
            Level::Error,
            &format!("An unexpected error occurred: {error}"),
        );
        let count = session.liveness.error();
        let liveness = &session.liveness;
        if is_error_critical(count, liveness.uptime(), liveness.since_last_event()) {
            session.log(
                Level::Critical,
                &format!("{count} successive uncatched errors"),
            );
        }
        let critical = session
            .logs
            .shipper()
            .is_some_and(|shipper| shipper.critical_sent());
        if critical {
            idle_until_stopped(session).await;
        } else {
            // do not spin on a failing iteration: one retry unit (a second) between errors
            session.sleep(session.platform.retry_unit()).await;
        }
    }
    shutdown(session).await
}

/// A configuration error: critical at once, then wait to be stopped.
pub(crate) async fn configuration_error(session: &Session, message: &str) -> ExitCode {
    session.log(Level::Critical, &format!("Configuration error: {message}"));
    idle_until_stopped(session).await;
    shutdown(session).await
}

async fn idle_until_stopped(session: &Session) {
    session.flush().await;
    session.stop.stopped().await;
}

/// Stops the session and flushes its logs.
pub(crate) async fn shutdown(session: &Session) -> ExitCode {
    session.stop.stop();
    session.final_flush().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn the_error_policy_waits_for_five_errors_the_grace_and_a_quiet_fifth() {
        // not before five successive errors
        assert!(!is_error_critical(4, 60 * MINUTE, 60 * MINUTE));
        // not during the first half hour
        assert!(!is_error_critical(5, 29 * MINUTE, 29 * MINUTE));
        assert!(is_error_critical(5, 30 * MINUTE, 30 * MINUTE));
        // an event in the last fifth of the uptime keeps it quiet
        assert!(!is_error_critical(9, 100 * MINUTE, 19 * MINUTE));
        assert!(is_error_critical(9, 100 * MINUTE, 20 * MINUTE));
        // the uptime counts for five days at most: a day without events is enough after that
        let day = 24 * 60 * MINUTE;
        assert!(is_error_critical(5, 30 * day, day));
        assert!(!is_error_critical(5, 30 * day, day - MINUTE));
    }
}
