//! What triggers and connectors share: start-up (platform, secrets, logs, health, metrics,
//! signals), the loop around the user's `run` with the error policy, and the graceful stop.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::FutureExt;
use serde_json::{Map, Value};
use tokio::sync::watch;

use crate::config::{Config, ConfigError};
use crate::health::Liveness;
use crate::launch::Launch;
use crate::log_shipper::LogShipper;
use crate::logs::{self, Level, Sink};
use crate::metrics::Metrics;
use crate::monitoring;
use crate::platform::Platform;

/// Successive errors before the error policy considers a critical.
const CRITICAL_ERROR_COUNT: u32 = 5;
/// No critical during the first half hour.
const CRITICAL_GRACE: Duration = Duration::from_secs(30 * 60);
/// The uptime taken into account is capped at five days.
const MAX_UPTIME: Duration = Duration::from_secs(5 * 24 * 3600);

/// The state of a running trigger or connector.
pub(crate) struct Core {
    pub(crate) platform: Platform,
    pub(crate) shipper: Arc<LogShipper>,
    pub(crate) liveness: Arc<Liveness>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) config: Config,
    pub(crate) data_dir: PathBuf,
    pub(crate) http: reqwest::Client,
    stop_tx: watch::Sender<bool>,
    stop_rx: watch::Receiver<bool>,
}

/// Health thresholds of a component kind.
pub(crate) struct Thresholds {
    pub(crate) seconds_without_events: u64,
    pub(crate) heartbeat: u64,
}

impl Core {
    /// Connects to the platform, installs logs, signals, health and metrics.
    pub(crate) async fn start(
        launch: &Launch,
        thresholds: Thresholds,
        intake_key: Option<&str>,
    ) -> Result<Arc<Core>, ExitCode> {
        let user_agent = format!("sekoia-rs/{}", env!("CARGO_PKG_VERSION"));
        let platform = Platform::from_config(&launch.config, &user_agent).map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        })?;
        let shipper = LogShipper::new(platform.clone());
        logs::install(Sink::Ship(Arc::clone(&shipper)));
        crate::tracing_bridge::install();
        let (stop_tx, stop_rx) = watch::channel(false);
        shipper.spawn(stop_rx.clone());
        let liveness = Arc::new(Liveness::new(
            thresholds.seconds_without_events,
            thresholds.heartbeat,
        ));
        let metrics = Arc::new(Metrics::new(intake_key));
        let core = Arc::new(Core {
            http: third_party_client(launch),
            data_dir: data_dir(&launch.config),
            config: launch.config.clone(),
            platform,
            shipper,
            liveness,
            metrics,
            stop_tx,
            stop_rx,
        });
        core.listen_for_signals();
        core.start_monitoring().await;
        Ok(core)
    }

    async fn start_monitoring(self: &Arc<Self>) {
        let ports = [("liveness_port", 8000), ("metrics_port", 8020)];
        for (index, (name, default)) in ports.into_iter().enumerate() {
            let port = match self.config.port(name, default) {
                Ok(port) => port,
                Err(e) => {
                    logs::record(Level::Error, &e.to_string(), Map::new());
                    continue;
                }
            };
            let responder: monitoring::Responder = if index == 0 {
                let liveness = Arc::clone(&self.liveness);
                Arc::new(move |method, path| liveness.respond(method, path))
            } else {
                let metrics = Arc::clone(&self.metrics);
                Arc::new(move |_, _| metrics.respond())
            };
            if let Err(e) = monitoring::serve(port, responder, self.stop_rx.clone()).await {
                logs::record(
                    Level::Error,
                    &format!("cannot listen on {name} {port}: {e}"),
                    Map::new(),
                );
            }
        }
    }

    fn listen_for_signals(self: &Arc<Self>) {
        let core = Arc::clone(self);
        tokio::spawn(async move {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut term), Ok(mut int)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            ) else {
                eprintln!("warning: cannot listen for SIGTERM/SIGINT");
                return;
            };
            tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
            eprintln!(
                "stopping: waiting for the current iteration to end (signal again to exit now)"
            );
            core.stop();
            tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
            core.shipper.final_flush().await;
            std::process::exit(0);
        });
    }

    /// Asks the component to stop.
    pub(crate) fn stop(&self) {
        let _ = self.stop_tx.send(true);
    }

    /// Whether the component should go on.
    pub(crate) fn running(&self) -> bool {
        !*self.stop_rx.borrow()
    }

    /// Sleeps `duration`, or less when asked to stop; returns whether it slept the whole time.
    pub(crate) async fn sleep(&self, duration: Duration) -> bool {
        let mut stop = self.stop_rx.clone();
        tokio::select! {
            _ = tokio::time::sleep(duration) => true,
            _ = stop.wait_for(|stopped| *stopped) => false,
        }
    }

    /// Resolves when asked to stop.
    pub(crate) async fn stopped(&self) {
        let mut stop = self.stop_rx.clone();
        let _ = stop.wait_for(|stopped| *stopped).await;
    }

    /// Reads the module configuration, fetching its secrets when the manifest lists some.
    pub(crate) async fn module_configuration(&self, launch: &Launch) -> Result<Value, String> {
        let mut value = match launch.config.json("module_configuration") {
            Ok(Some((value, _))) => value,
            Ok(None) => Value::Object(Map::new()),
            Err(e) => return Err(e.to_string()),
        };
        let secret_names = secret_names(launch);
        if !secret_names.is_empty() {
            let secrets = self
                .platform
                .secrets()
                .await
                .map_err(|e| format!("cannot fetch the module secrets: {e}"))?;
            merge_secrets(&mut value, &secret_names, secrets);
        }
        remember_secrets(&value, &secret_names);
        Ok(value)
    }

    /// Runs `iteration` while the component runs, applying the error policy, then stops cleanly.
    pub(crate) async fn run_loop<F, Fut>(&self, mut iteration: F) -> ExitCode
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<(), String>>,
    {
        while self.running() {
            let outcome = AssertUnwindSafe(iteration()).catch_unwind().await;
            let error = match outcome {
                Ok(Ok(())) => continue,
                Ok(Err(message)) => message,
                Err(panic) => format!("panicked: {}", panic_message(&*panic)),
            };
            logs::record(
                Level::Error,
                &format!("An unexpected error occurred: {error}"),
                Map::new(),
            );
            let count = self.liveness.error();
            if self.is_error_critical(count) {
                logs::record(
                    Level::Critical,
                    &format!("{count} successive uncatched errors"),
                    Map::new(),
                );
            }
            if self.shipper.critical_sent() {
                self.idle_until_stopped().await;
            } else {
                // do not spin on a failing iteration: one retry unit (a second) between errors
                self.sleep(self.platform.retry_unit).await;
            }
        }
        self.shutdown().await
    }

    /// PLATFORM.md's rule: 5 successive errors, past the grace period, and no event for
    /// min(uptime, 5 days) / 5.
    fn is_error_critical(&self, count: u32) -> bool {
        let now = SystemTime::now();
        let uptime = now
            .duration_since(self.liveness.started())
            .unwrap_or_default();
        let since_event = now
            .duration_since(self.liveness.last_event())
            .unwrap_or_default();
        count >= CRITICAL_ERROR_COUNT
            && uptime >= CRITICAL_GRACE
            && since_event >= uptime.min(MAX_UPTIME) / 5
    }

    /// A configuration error: critical at once, then wait to be stopped.
    pub(crate) async fn configuration_error(&self, message: &str) -> ExitCode {
        logs::record(
            Level::Critical,
            &format!("Configuration error: {message}"),
            Map::new(),
        );
        self.idle_until_stopped().await;
        self.shutdown().await
    }

    async fn idle_until_stopped(&self) {
        if let Err(e) = self.shipper.flush().await {
            eprintln!("warning: cannot send logs: {e}");
        }
        self.stopped().await;
    }

    /// Flushes the logs and stops the servers.
    pub(crate) async fn shutdown(&self) -> ExitCode {
        self.stop();
        self.shipper.final_flush().await;
        ExitCode::SUCCESS
    }
}

/// The data directory: the data root, plus `sub_folder` when set.
pub(crate) fn data_dir(config: &Config) -> PathBuf {
    match config.text("sub_folder") {
        Ok(Some(sub)) if !sub.is_empty() => config.data_root().join(sub),
        _ => config.data_root().to_owned(),
    }
}

/// The client offered to user code, with `User-Agent: sekoiaio-connector/<slug>-<version>`.
pub(crate) fn third_party_client(launch: &Launch) -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(format!(
            "sekoiaio-connector/{}-{}",
            launch.module.slug, launch.version
        ))
        .build()
        .expect("a reqwest client with a user agent builds")
}

/// The names the module manifest lists in `"secrets"`.
pub(crate) fn secret_names(launch: &Launch) -> Vec<String> {
    match (launch.module.configuration)() {
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

/// Merges the secret keys of `secrets` into the module configuration.
pub(crate) fn merge_secrets(
    configuration: &mut Value,
    names: &[String],
    secrets: Map<String, Value>,
) {
    if !configuration.is_object() {
        *configuration = Value::Object(Map::new());
    }
    let map = configuration.as_object_mut().expect("made an object above");
    for (key, value) in secrets {
        if names.contains(&key) {
            map.insert(key, value);
        }
    }
}

/// Makes the secret values of the configuration known to the log scrubber.
pub(crate) fn remember_secrets(configuration: &Value, names: &[String]) {
    let values = names
        .iter()
        .filter_map(|name| configuration.get(name))
        .filter_map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        });
    logs::add_secrets(values);
}

/// The message of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// Decodes a configuration value into `T` or says why not.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    name: &str,
    value: Value,
) -> Result<T, ConfigError> {
    crate::config::decode(name, "the platform", value)
}
