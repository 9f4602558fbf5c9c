//! Test components in-process, as the platform would run them, without a process or a server.
//!
//! A [`TestPlatform`] is a platform in memory: it answers the callback, logs, secrets and
//! intake requests as Sekoia does and keeps everything it received. Build a component's context
//! from it, call your `run` directly or let the runtime's own loop run it
//! ([`TestPlatform::run_trigger`], [`TestPlatform::run_connector`],
//! [`TestPlatform::run_action`]), then assert on what the platform received:
//! [`events`](TestPlatform::events), [`logs`](TestPlatform::logs),
//! [`intake_events`](TestPlatform::intake_events),
//! [`status_updates`](TestPlatform::status_updates), [`health`](TestPlatform::health),
//! [`metrics`](TestPlatform::metrics). [`TestPlatform::emulator`] talks to a running
//! `sekoia-emulator` over HTTP instead (read what it received from the emulator).
//!
//! Time follows tokio's clock: under `#[tokio::test(start_paused = true)]` (tokio's
//! `test-util` feature) sleeps, the log batching, the health thresholds and the error policy run
//! in virtual time, so a test covers an hour of a trigger's life in milliseconds.
//!
//! Each `TestPlatform` is one platform for one run: its sessions share a stop signal
//! ([`TestPlatform::stop`], [`TestPlatform::stop_when`]) and nothing else with any other. Two of
//! them in one test process never see each other's events, logs or secrets.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value};

use crate::action::{Finished, execute};
use crate::component::{Action, Connector, Input, Trigger};
use crate::context::{
    ActionContext, ConnectorContext, DefaultConnectorConfiguration, TriggerContext,
};
use crate::platform::PlatformApi;
use crate::platform::http::{Endpoints, HttpPlatform};
use crate::platform::memory::{MemoryPlatform, Received};
use crate::session::stop::Stop;
use crate::session::{Parts, Session};
use crate::supervisor::supervise;
use sekoia_manifest::Kind;

pub use crate::clock::Clock;
pub use recorded::{ActionReport, RecordedEvent, RecordedLog, Seen};

mod recorded;

/// A platform for in-process tests; see the [module documentation](self).
pub struct TestPlatform {
    backend: Backend,
    clock: Clock,
    data_dir: PathBuf,
    log_filter: Option<String>,
    intake_key: String,
    stop: Stop,
    sessions: Mutex<Vec<Arc<Session>>>,
    secrets: Map<String, Value>,
    listener: Option<Arc<StopCondition>>,
}

/// What [`TestPlatform::stop_when`] keeps.
type StopCondition = dyn Fn(&Seen<'_>) -> bool + Send + Sync;

enum Backend {
    Memory(Arc<MemoryPlatform>),
    Emulator(Arc<HttpPlatform>, String),
}

impl Default for TestPlatform {
    fn default() -> Self {
        TestPlatform::new()
    }
}

impl TestPlatform {
    /// A platform in memory, with no module secrets, the system clock and the current
    /// directory as data directory.
    pub fn new() -> TestPlatform {
        let mut platform = TestPlatform {
            backend: Backend::Memory(Arc::new(MemoryPlatform::new(Map::new(), None))),
            clock: Clock::system(),
            data_dir: PathBuf::from("."),
            log_filter: None,
            intake_key: "intake-key".to_owned(),
            stop: Stop::new(),
            sessions: Mutex::default(),
            secrets: Map::new(),
            listener: None,
        };
        platform.rebuild_memory();
        platform
    }

    /// A platform that is the `sekoia-emulator` at `url` (`Emulator::url()`): the callback,
    /// logs and secrets under it, the intake at it, with the emulator's default token `tok`.
    /// Read what it received from the emulator; this platform's own views are for the
    /// in-memory one.
    pub fn emulator(url: impl Into<String>) -> TestPlatform {
        let url = url.into().trim_end_matches('/').to_owned();
        let endpoints = Endpoints::beside_callback("tok".to_owned(), format!("{url}/callback"));
        let http = Arc::new(HttpPlatform::new(endpoints, Duration::from_millis(10)));
        TestPlatform {
            backend: Backend::Emulator(http, url),
            ..TestPlatform::new()
        }
    }

    /// The module secrets the platform hands over (`GET url_secrets`, or the reply to
    /// `need_secrets`); their values are scrubbed from logs and errors.
    pub fn with_secrets(mut self, secrets: Value) -> TestPlatform {
        self.secrets = match secrets {
            Value::Object(map) => map,
            other => panic!("TestPlatform::with_secrets takes a JSON object, not {other}"),
        };
        self.rebuild_memory();
        self
    }

    /// Stops the run once `condition` holds of what the platform received (checked after each
    /// request): `ctx.running()` turns false, sleeps wake up, the loop ends.
    pub fn stop_when(
        mut self,
        condition: impl Fn(&Seen<'_>) -> bool + Send + Sync + 'static,
    ) -> TestPlatform {
        self.listener = Some(Arc::new(condition));
        self.rebuild_memory();
        self
    }

    /// The clock of the sessions (dates of the log entries and health reports).
    pub fn with_clock(mut self, clock: Clock) -> TestPlatform {
        self.clock = clock;
        self
    }

    /// The data directory of the components.
    pub fn with_data_dir(mut self, data_dir: impl Into<PathBuf>) -> TestPlatform {
        self.data_dir = data_dir.into();
        self
    }

    /// The `tracing` filter (the module binary's `SEKOIA_LOG`); `info` by default.
    pub fn with_log_filter(mut self, filter: impl Into<String>) -> TestPlatform {
        self.log_filter = Some(filter.into());
        self
    }

    /// The intake key of the connector contexts (`intake-key` by default).
    pub fn with_intake_key(mut self, intake_key: impl Into<String>) -> TestPlatform {
        self.intake_key = intake_key.into();
        self
    }

    fn rebuild_memory(&mut self) {
        if let Backend::Memory(_) = self.backend {
            let listener = self.listener.clone().map(|condition| {
                let stop = self.stop.clone();
                Box::new(move |received: &Received| {
                    if condition(&Seen(received)) {
                        stop.stop();
                    }
                }) as Box<dyn Fn(&Received) + Send + Sync>
            });
            self.backend = Backend::Memory(Arc::new(MemoryPlatform::new(
                self.secrets.clone(),
                listener,
            )));
        }
    }

    fn session(&self, kind: Kind) -> Arc<Session> {
        let platform: Arc<dyn PlatformApi> = match &self.backend {
            Backend::Memory(memory) => Arc::new(Arc::clone(memory)),
            Backend::Emulator(http, _) => Arc::clone(http) as Arc<dyn PlatformApi>,
        };
        let session = Session::new(Parts {
            platform,
            kind,
            clock: self.clock,
            data_dir: self.data_dir.clone(),
            user_agent: format!("sekoiaio-connector/test-{}", env!("CARGO_PKG_VERSION")),
            log_filter: self.log_filter.clone(),
            echo_logs: false,
            stop: self.stop.clone(),
            reports: None,
            s3: None,
        });
        session.logs.scrubber.add(
            self.secrets
                .values()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
        );
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(Arc::clone(&session));
        session
    }

    /// The context of an action, for a direct call of its `run`.
    pub fn action<A: Action>(&self, module: A::Module) -> ActionContext<A> {
        ActionContext::in_session(
            module,
            Value::Object(Map::new()),
            self.session(Kind::Action),
        )
    }

    /// The context of a trigger (must be called inside a tokio runtime: its logs are shipped
    /// in the background, as the module binary does).
    pub fn trigger<T: Trigger>(
        &self,
        module: T::Module,
        configuration: T::Configuration,
    ) -> TriggerContext<T> {
        let session = self.session(Kind::Trigger);
        session
            .liveness
            .set_thresholds(crate::trigger::thresholds::<T>());
        TriggerContext {
            module,
            configuration,
            session,
        }
    }

    /// The context of a connector, pushing with [`with_intake_key`](Self::with_intake_key)'s
    /// key to this platform's intake (must be called inside a tokio runtime).
    pub fn connector<C: Connector>(
        &self,
        module: C::Module,
        configuration: C::Configuration,
    ) -> ConnectorContext<C> {
        let session = self.session(Kind::Connector);
        session
            .liveness
            .set_thresholds(crate::connector::thresholds::<C>());
        let intake = DefaultConnectorConfiguration {
            intake_server: None,
            intake_key: self.intake_key.clone(),
        };
        let url = match &self.backend {
            Backend::Memory(_) => "memory:",
            Backend::Emulator(_, url) => url,
        };
        crate::connector::context::<C>(&session, module, configuration, &intake, url)
            .unwrap_or_else(|e| panic!("TestPlatform::connector: {e}"))
    }

    /// Runs an action as the platform does: `running`, the arguments decoded from `arguments`
    /// (a decoding error is the action's error), `run` (a panic is its error), then the final
    /// report, which this returns.
    pub async fn run_action<A: Action>(
        &self,
        action: &A,
        module: A::Module,
        arguments: Value,
    ) -> ActionReport {
        let session = self.session(Kind::Action);
        let running = serde_json::json!({"status": "running"});
        let _ = session
            .platform
            .callback(reqwest::Method::PATCH, &running)
            .await;
        let finished = match A::Arguments::__decode("arguments", "the test", arguments.clone()) {
            Ok(decoded) => execute(&session, action, module, arguments, decoded).await,
            Err(e) => Finished::error(e.to_string()),
        };
        let _ = session
            .platform
            .callback(reqwest::Method::PATCH, &finished.body())
            .await;
        ActionReport::from(finished)
    }

    /// Runs a trigger as the module binary does (again and again while it runs, errors logged
    /// and counted, the error policy applied) until it is stopped, then flushes its logs.
    pub async fn run_trigger<T: Trigger>(&self, trigger: &T, ctx: &TriggerContext<T>) {
        supervise(&ctx.session, || trigger.run(ctx)).await;
    }

    /// Runs a connector as the module binary does, until it is stopped.
    pub async fn run_connector<C: Connector>(&self, connector: &C, ctx: &ConnectorContext<C>) {
        supervise(&ctx.session, || connector.run(ctx)).await;
    }

    /// Stops the run: `ctx.running()` turns false and sleeps wake up.
    pub fn stop(&self) {
        self.stop.stop();
    }

    /// Runs `future` with the `tracing` dispatch of the last context made: its events become
    /// log entries, as they do inside [`run_trigger`](Self::run_trigger). For a direct call of
    /// a component's `run`.
    pub async fn scope<F: Future>(&self, future: F) -> F::Output {
        match self.last_session() {
            Some(session) => session.scope(future).await,
            None => future.await,
        }
    }

    /// Sends the log entries that wait (a trigger's or connector's are batched).
    pub async fn flush_logs(&self) {
        let sessions: Vec<_> = self
            .sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        for session in sessions {
            session.flush().await;
        }
    }

    fn last_session(&self) -> Option<Arc<Session>> {
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .last()
            .cloned()
    }

    fn memory(&self) -> &MemoryPlatform {
        match &self.backend {
            Backend::Memory(memory) => memory,
            Backend::Emulator(..) => panic!(
                "this TestPlatform talks to an emulator: read what it received from the emulator"
            ),
        }
    }

    /// What `GET /health` answers for the last trigger or connector context made: its status
    /// (200 or 500) and JSON body.
    pub fn health(&self) -> (u16, Value) {
        let session = self
            .last_session()
            .expect("TestPlatform::health: no context was made");
        let health = session.liveness.health();
        (health.status, health.body)
    }

    /// The Prometheus text the metrics port serves, for the last context made.
    pub fn metrics(&self) -> String {
        self.last_session()
            .expect("TestPlatform::metrics: no context was made")
            .metrics
            .encode()
            .expect("metrics encode to a string")
    }

    /// The events sent to start playbook runs, in order.
    pub fn events(&self) -> Vec<RecordedEvent> {
        self.memory().with_received(|r| Seen(r).events())
    }

    /// The log entries the logs API received, in order, then those still waiting in a
    /// trigger's or connector's batch: what the platform has once the logs are flushed.
    pub fn logs(&self) -> Vec<RecordedLog> {
        let mut logs = self.memory().with_received(|r| Seen(r).logs());
        let sessions = self
            .sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for session in sessions.iter() {
            if let Some(shipper) = session.logs.shipper() {
                logs.extend(shipper.pending().iter().map(RecordedLog::from_body));
            }
        }
        logs
    }

    /// The events pushed to the intake, as the JSON strings sent.
    pub fn intake_events(&self) -> Vec<String> {
        self.memory().with_received(|r| Seen(r).intake_events())
    }

    /// The bodies of the status updates (`PATCH url_callback`).
    pub fn status_updates(&self) -> Vec<Value> {
        self.memory().with_received(|r| r.status_updates.clone())
    }
}
