//! What a running component gets from the runtime: its configuration, logs, the data directory,
//! an HTTP client, and the platform operations of its kind (results, events, intake pushes).

use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::component::{Action, Connector, Trigger};
use crate::error::{ActionError, TriggerError};
use crate::intake::{EventIds, Intake, PushError};
use crate::logs::{self, Level};
use crate::long_running::Core;

// Documented where `lib.rs` re-exports it: a doc comment here would become a `description` in
// the manifests, which the Python SDK's schema does not have.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub struct DefaultConnectorConfiguration {
    // the intake's base URL; the platform's `intake_url` when absent
    #[serde(default)]
    pub intake_server: Option<String>,
    // the intake key the events are pushed with
    pub intake_key: String,
}

/// Logs a message to the platform (and to standard error).
fn log(level: Level, message: &str) {
    eprintln!("{level}: {}", logs::scrub(message));
    logs::record(level, message, Map::new());
}

/// Given to [`Action::run`].
///
/// In a unit test, build one with [`ActionContext::new`] and call your `run` directly.
pub struct ActionContext<A: Action> {
    module: A::Module,
    arguments: Value,
    data_dir: PathBuf,
    http: reqwest::Client,
    state: Mutex<ActionState>,
    _action: PhantomData<fn() -> A>,
}

#[derive(Default)]
pub(crate) struct ActionState {
    pub(crate) outputs: Map<String, Value>,
    pub(crate) secrets: Option<Map<String, Value>>,
    result_as_file: Option<bool>,
}

impl<A: Action> ActionContext<A> {
    /// A context with this module configuration, no raw arguments and the current directory as
    /// data directory: what a unit test needs.
    pub fn new(module: A::Module) -> Self {
        ActionContext {
            module,
            arguments: Value::Object(Map::new()),
            data_dir: PathBuf::from("."),
            http: reqwest::Client::new(),
            state: Mutex::new(ActionState::default()),
            _action: PhantomData,
        }
    }

    /// Sets the raw arguments [`json_argument`](Self::json_argument) reads.
    pub fn with_raw_arguments(mut self, arguments: Value) -> Self {
        self.arguments = arguments;
        self
    }

    /// Sets the data directory.
    pub fn with_data_dir(mut self, data_dir: impl Into<PathBuf>) -> Self {
        self.data_dir = data_dir.into();
        self
    }

    pub(crate) fn with_http(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// The module configuration, secrets included.
    pub fn module(&self) -> &A::Module {
        &self.module
    }

    /// Adds a line to the action's logs (the platform shows them with the run).
    /// `tracing` events do the same.
    pub fn log(&self, level: Level, message: impl AsRef<str>) {
        log(level, message.as_ref());
    }

    /// Activates (or not) an output branch of the action.
    pub fn set_output(&self, name: impl Into<String>, active: bool) {
        self.state()
            .outputs
            .insert(name.into(), Value::Bool(active));
    }

    /// Asks the platform to store new values of module secrets (a refreshed token, say): sent
    /// with the results.
    pub fn update_secrets(&self, secrets: Map<String, Value>) {
        self.state()
            .secrets
            .get_or_insert_with(Map::new)
            .extend(secrets);
    }

    /// The directory of files exchanged with playbooks.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// An HTTP client for third-party APIs.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// A JSON argument that may come inline (`arguments[name]`) or as a file of the data
    /// directory (`arguments["<name>_path"]`), as the Python SDK's `json_argument`.
    pub fn json_argument<T: DeserializeOwned>(&self, name: &str) -> Result<T, ActionError> {
        let inline = self.arguments.get(name).filter(|v| !v.is_null());
        let (value, from_file) = match inline {
            Some(value) => (value.clone(), false),
            None => {
                let path_key = format!("{name}_path");
                let Some(file) = self.arguments.get(&path_key).and_then(Value::as_str) else {
                    return Err(ActionError::new(format!(
                        "missing argument `{name}` (nor `{path_key}`)"
                    )));
                };
                let path = self.data_dir.join(file);
                let bytes = std::fs::read(&path).map_err(|e| {
                    ActionError::new(format!(
                        "argument `{path_key}`: cannot read {}: {e}",
                        path.display()
                    ))
                })?;
                let value = serde_json::from_slice(&bytes).map_err(|e| {
                    ActionError::new(format!(
                        "argument `{path_key}`: {} is not JSON: {e}",
                        path.display()
                    ))
                })?;
                (value, true)
            }
        };
        self.state().result_as_file = Some(from_file);
        crate::config::decode(name, "the arguments", value)
            .map_err(|e| ActionError::new(e.to_string()))
    }

    /// A JSON result answered in the form the last [`json_argument`](Self::json_argument) came
    /// in: `{"<name>_path": "<name>-<uuid>.json"}` (a file in the data directory) when it came
    /// from a file (or when there was none), else `{name: value}`.
    pub fn json_result<T: Serialize>(
        &self,
        name: &str,
        value: &T,
    ) -> Result<Map<String, Value>, ActionError> {
        let as_file = self.state().result_as_file.unwrap_or(true);
        let mut result = Map::new();
        if as_file {
            let file_name = format!("{name}-{}.json", uuid::Uuid::new_v4());
            let path = self.data_dir.join(&file_name);
            let file = std::fs::File::create(&path)
                .map_err(|e| ActionError::new(format!("cannot create {}: {e}", path.display())))?;
            serde_json::to_writer(std::io::BufWriter::new(file), value)
                .map_err(|e| ActionError::new(format!("cannot write {}: {e}", path.display())))?;
            result.insert(format!("{name}_path"), Value::String(file_name));
        } else {
            let value = serde_json::to_value(value)
                .map_err(|e| ActionError::new(format!("result `{name}` is not JSON: {e}")))?;
            result.insert(name.to_owned(), value);
        }
        Ok(result)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ActionState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn take_state(&self) -> ActionState {
        std::mem::take(&mut *self.state())
    }
}

/// What triggers and connectors share.
macro_rules! long_running_helpers {
    () => {
        /// Whether the component should go on: false once the platform asked it to stop.
        pub fn running(&self) -> bool {
            self.core.running()
        }

        /// Sleeps, waking early when the platform asks the component to stop; returns whether
        /// it slept the whole `duration`.
        pub async fn sleep(&self, duration: Duration) -> bool {
            self.core.sleep(duration).await
        }

        /// Stops the component: `running()` turns false, sleeps wake up, and once `run` returns
        /// the logs are flushed and the process exits successfully.
        pub fn stop(&self) {
            self.core.stop();
        }

        /// Resolves when the platform asks the component to stop (for `tokio::select!`).
        pub async fn stopped(&self) {
            self.core.stopped().await
        }

        /// Says the component is alive during long work (see `last_heartbeat_threshold`).
        pub fn heartbeat(&self) {
            self.core.liveness.heartbeat();
        }

        /// Sends a log entry to the platform's logs API. `tracing` events do the same.
        pub fn log(&self, level: Level, message: impl AsRef<str>) {
            log(level, message.as_ref());
        }

        /// An HTTP client for third-party APIs, with
        /// `User-Agent: sekoiaio-connector/<module slug>-<version>`.
        pub fn http(&self) -> &reqwest::Client {
            &self.core.http
        }

        /// The directory of files exchanged with playbooks.
        pub fn data_dir(&self) -> &Path {
            &self.core.data_dir
        }
    };
}

/// Given to [`Trigger::run`].
pub struct TriggerContext<T: Trigger> {
    pub(crate) module: T::Module,
    pub(crate) configuration: T::Configuration,
    pub(crate) core: Arc<Core>,
}

impl<T: Trigger> TriggerContext<T> {
    /// The module configuration, secrets included.
    pub fn module(&self) -> &T::Module {
        &self.module
    }

    /// The trigger configuration.
    pub fn configuration(&self) -> &T::Configuration {
        &self.configuration
    }

    long_running_helpers!();

    /// Starts a playbook run with an event.
    pub async fn send_event(&self, name: &str, event: &T::Results) -> Result<(), TriggerError> {
        self.send(name, event, None, false).await
    }

    /// Starts a playbook run with an event and a directory of files (under the data directory)
    /// the playbook can read; `remove_directory` deletes it once sent.
    pub async fn send_event_with_directory(
        &self,
        name: &str,
        event: &T::Results,
        directory: impl AsRef<Path>,
        remove_directory: bool,
    ) -> Result<(), TriggerError> {
        self.send(name, event, Some(directory.as_ref()), remove_directory)
            .await
    }

    async fn send(
        &self,
        name: &str,
        event: &T::Results,
        directory: Option<&Path>,
        remove: bool,
    ) -> Result<(), TriggerError> {
        let event = crate::component::Output::__to_value(event)
            .map_err(|e| TriggerError::new(format!("event `{name}` is not JSON: {e}")))?;
        let mut body =
            json!({"name": name, "event": event, "request_id": uuid::Uuid::new_v4().to_string()});
        let mut absolute = None;
        if let Some(directory) = directory {
            let data_dir = &self.core.data_dir;
            let full = if directory.is_absolute() {
                directory.to_owned()
            } else {
                data_dir.join(directory)
            };
            let relative = full.strip_prefix(data_dir).map(Path::to_owned);
            match relative {
                Ok(relative) if full.is_dir() => {
                    body["directory"] = Value::String(relative.to_string_lossy().into_owned());
                    absolute = Some(full);
                }
                _ => {
                    return Err(TriggerError::new(format!(
                        "event `{name}`: directory {} does not exist under the data directory {}",
                        full.display(),
                        data_dir.display()
                    )));
                }
            }
        }
        self.core.liveness.event_sent();
        self.core
            .platform
            .callback(reqwest::Method::POST, &body)
            .await?;
        if let (Some(full), true) = (absolute, remove) {
            std::fs::remove_dir_all(&full)
                .map_err(|e| TriggerError::new(format!("cannot remove {}: {e}", full.display())))?;
        }
        Ok(())
    }
}

/// Given to [`Connector::run`].
pub struct ConnectorContext<C: Connector> {
    pub(crate) module: C::Module,
    pub(crate) configuration: C::Configuration,
    pub(crate) intake: Intake,
    pub(crate) intake_key: String,
    pub(crate) core: Arc<Core>,
}

impl<C: Connector> ConnectorContext<C> {
    /// The module configuration, secrets included.
    pub fn module(&self) -> &C::Module {
        &self.module
    }

    /// The connector configuration.
    pub fn configuration(&self) -> &C::Configuration {
        &self.configuration
    }

    /// The intake key events are pushed with.
    pub fn intake_key(&self) -> &str {
        &self.intake_key
    }

    long_running_helpers!();

    /// Pushes events to the intake and returns their ids, in input order.
    ///
    /// A string is sent as it is (a raw log line); anything else as its JSON. Events over
    /// 250,000 bytes are discarded, counted and logged. When an intake request still fails after
    /// its retries (up to an hour), the error carries the events that were not delivered.
    pub async fn push_events<I, E>(&self, events: I) -> Result<EventIds, PushError>
    where
        I: IntoIterator<Item = E>,
        E: Serialize,
    {
        let started = Instant::now();
        self.core.liveness.event_sent();
        let outcome = self.intake.push(events).await;
        let metrics = &self.core.metrics;
        metrics
            .forward_events_duration
            .observe(started.elapsed().as_secs_f64());
        match outcome {
            Ok(pushed) => {
                metrics.forwarded_events.inc_by(pushed.ids.len() as u64);
                if pushed.discarded > 0 {
                    metrics.discarded_events.inc_by(pushed.discarded);
                    log(
                        Level::Warning,
                        &format!(
                            "{} too long events were discarded (length > 250kb)",
                            pushed.discarded
                        ),
                    );
                }
                Ok(pushed.ids)
            }
            Err(e) => {
                metrics
                    .forwarded_events
                    .inc_by(e.delivered_ids.len() as u64);
                log(
                    Level::Error,
                    &format!(
                        "Failed to forward {} events: {}",
                        e.undelivered.len(),
                        e.reason
                    ),
                );
                Err(e)
            }
        }
    }

    /// Records how late the collected events are (the `events_lags` metric), in seconds.
    pub fn set_events_lag(&self, lag: Duration) {
        self.core.metrics.events_lags.set(lag.as_secs_f64());
    }
}

/// Given to [`AccountValidator::validate`](crate::AccountValidator::validate).
pub struct ValidatorContext {
    pub(crate) http: reqwest::Client,
}

impl ValidatorContext {
    /// An HTTP client for the third-party API being checked.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Logs a message (standard error).
    pub fn log(&self, level: Level, message: impl AsRef<str>) {
        log(level, message.as_ref());
    }
}
