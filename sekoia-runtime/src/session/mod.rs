//! A session: everything a running component talks to, injected rather than read from the
//! process. The platform (HTTP, or an in-memory recorder), where log entries go, the secrets to
//! scrub, the stop signal, the clock, the health and metrics state, the data directory and the
//! third-party HTTP client.
//!
//! The module binary builds one from its environment ([`crate::entrypoint`]); an author's test
//! builds one in-process ([`crate::testing`]). Two sessions never share anything.

use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::{Map, Value};
use tracing::Dispatch;
use tracing::instrument::WithSubscriber;

use crate::configuration::Sources;
use crate::health::Liveness;
use crate::identifiers::Identifiers;
use crate::log_entry::Level;
use crate::metrics::Metrics;
use crate::platform::PlatformApi;
use crate::platform::s3::S3Data;
use crate::platform::sentry_reports::SentryReports;
use sekoia_manifest::Kind;

pub(crate) mod log_book;
pub(crate) mod log_dedup;
pub(crate) mod log_shipper;
pub(crate) mod stop;
pub(crate) mod tracing_layer;

use crate::clock::Clock;
use log_book::{LogBook, Sink};
use log_shipper::LogShipper;
use stop::Stop;

/// What a session is made of.
pub(crate) struct Parts {
    /// The platform it reports to.
    pub(crate) platform: Arc<dyn PlatformApi>,
    /// The kind of component it runs: an action collects its logs, the others ship them.
    pub(crate) kind: Kind,
    /// Its clock.
    pub(crate) clock: Clock,
    /// The directory of files exchanged with playbooks.
    pub(crate) data_dir: PathBuf,
    /// `User-Agent` of the third-party client: `sekoiaio-connector/<slug>-<version>`.
    pub(crate) user_agent: String,
    /// The `tracing` filter (`SEKOIA_LOG`), else the default one.
    pub(crate) log_filter: Option<String>,
    /// Whether log entries are also written to standard error.
    pub(crate) echo_logs: bool,
    /// Its stop signal.
    pub(crate) stop: Stop,
    /// The platform's UUIDs of this run.
    pub(crate) identifiers: Identifiers,
    /// Where errors are reported besides the platform (Sentry), if anywhere.
    pub(crate) reports: Option<Arc<SentryReports>>,
    /// The S3 bucket the data directory is kept in step with (`file_backend=S3`), if any.
    pub(crate) s3: Option<Arc<S3Data>>,
}

/// How a component of some kind is started once its session exists: the value the runtime
/// keeps in a descriptor's [`Start`](sekoia_manifest::descriptor::Start).
pub(crate) type Runner = fn(Arc<Session>, Sources) -> RunFuture;
/// What a [`Runner`] returns.
pub(crate) type RunFuture = Pin<Box<dyn Future<Output = ExitCode> + Send>>;

/// The state of one running component.
pub(crate) struct Session {
    pub(crate) platform: Arc<dyn PlatformApi>,
    pub(crate) logs: Arc<LogBook>,
    pub(crate) dispatch: Dispatch,
    pub(crate) stop: Stop,
    pub(crate) clock: Clock,
    pub(crate) liveness: Liveness,
    pub(crate) metrics: Metrics,
    pub(crate) data_dir: PathBuf,
    /// The client of `ctx.http()`, made on first use (a component that never calls a third-party
    /// API does not pay for its TLS roots at start-up).
    http: OnceLock<reqwest::Client>,
    /// `User-Agent` of the third-party clients.
    pub(crate) user_agent: String,
    /// The platform's UUIDs of this run.
    pub(crate) identifiers: Identifiers,
    /// Events handed to a push and not delivered yet (said when the process exits at once).
    pub(crate) unsent: Arc<AtomicU64>,
    /// The S3 bucket of the data directory's files, if any.
    pub(crate) s3: Option<Arc<S3Data>>,
}

impl Session {
    /// A session; for a trigger or connector it starts shipping logs, so it must be made inside
    /// a tokio runtime.
    pub(crate) fn new(parts: Parts) -> Arc<Session> {
        let stop = parts.stop;
        let long_running = parts.kind != Kind::Action;
        let sink = if long_running {
            let shipper = LogShipper::new(Arc::clone(&parts.platform));
            shipper.spawn(stop.clone());
            Sink::Ship(shipper)
        } else {
            Sink::Collect(Mutex::default())
        };
        let logs = Arc::new(LogBook::new(
            sink,
            parts.clock,
            parts.echo_logs,
            parts.reports,
        ));
        let dispatch = tracing_layer::dispatch(Arc::clone(&logs), parts.log_filter.as_deref());
        Arc::new(Session {
            http: OnceLock::new(),
            user_agent: parts.user_agent,
            identifiers: parts.identifiers,
            liveness: Liveness::new(parts.clock),
            metrics: Metrics::new(parts.kind == Kind::Connector, parts.clock),
            platform: parts.platform,
            logs,
            dispatch,
            stop,
            clock: parts.clock,
            data_dir: parts.data_dir,
            unsent: Arc::default(),
            s3: parts.s3,
        })
    }

    /// An action's session against an in-memory platform, for [`ActionContext::new`]
    /// (crate::ActionContext::new).
    pub(crate) fn detached() -> Arc<Session> {
        let platform = crate::platform::memory::MemoryPlatform::new(Map::new(), None);
        Session::new(Parts {
            platform: Arc::new(Arc::new(platform)),
            kind: Kind::Action,
            clock: Clock::system(),
            data_dir: PathBuf::from("."),
            user_agent: format!("sekoia-rs/{}", env!("CARGO_PKG_VERSION")),
            log_filter: None,
            echo_logs: false,
            stop: Stop::new(),
            identifiers: Identifiers::default(),
            reports: None,
            s3: None,
        })
    }

    /// Records a log entry.
    pub(crate) fn log(&self, level: Level, message: &str) {
        self.logs.record(level, message, Map::new());
    }

    /// Runs `future` with this session's `tracing` dispatch: its events become log entries.
    pub(crate) async fn scope<F: Future>(&self, future: F) -> F::Output {
        future.with_subscriber(self.dispatch.clone()).await
    }

    /// Sleeps `duration`, or less when asked to stop; returns whether it slept the whole time.
    pub(crate) async fn sleep(&self, duration: Duration) -> bool {
        tokio::select! {
            _ = self.clock.sleep(duration) => true,
            _ = self.stop.stopped() => false,
        }
    }

    /// Merges the secrets the platform handed over into the module configuration and makes
    /// their values known to the scrubber. A configuration that is not an object is refused.
    pub(crate) fn take_secrets(
        &self,
        configuration: &mut Value,
        names: &[String],
        secrets: Option<&Map<String, Value>>,
    ) -> Result<(), String> {
        if let Some(secrets) = secrets {
            merge_secrets(configuration, names, secrets)?;
        }
        self.logs.scrubber.add_from(configuration, names);
        Ok(())
    }

    /// Events handed to a push and not delivered yet.
    pub(crate) fn unsent_events(&self) -> u64 {
        self.unsent.load(Ordering::Relaxed)
    }

    /// Flushes the logs a last time (a trigger or connector).
    pub(crate) async fn final_flush(&self) {
        if let Some(shipper) = self.logs.shipper() {
            shipper.final_flush().await;
        }
    }

    /// Flushes what is waiting (a trigger or connector); a failure is said on standard error.
    pub(crate) async fn flush(&self) {
        if let Some(shipper) = self.logs.shipper()
            && let Err(e) = shipper.flush().await
        {
            eprintln!("warning: cannot send logs: {e}");
        }
    }
}

/// Merges the secret keys of `secrets` into a configuration object (`null` counts as `{}`).
fn merge_secrets(
    configuration: &mut Value,
    names: &[String],
    secrets: &Map<String, Value>,
) -> Result<(), String> {
    if configuration.is_null() {
        *configuration = Value::Object(Map::new());
    }
    let Some(map) = configuration.as_object_mut() else {
        return Err(format!(
            "configuration value `module_configuration` must be a JSON object, not {}",
            json_kind(configuration)
        ));
    };
    for (key, value) in secrets {
        if names.contains(key) {
            map.insert(key.clone(), value.clone());
        }
    }
    Ok(())
}

/// What kind of JSON value this is, for messages (never the value itself).
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Session {
    /// The plain HTTP client offered to user code.
    pub(crate) fn http(&self) -> &reqwest::Client {
        self.http
            .get_or_init(|| third_party_client(&self.user_agent))
    }
}

/// The client offered to user code: 10 s to connect, 60 s for a whole request.
fn third_party_client(user_agent: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(user_agent)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("a reqwest client with a user agent builds")
}
