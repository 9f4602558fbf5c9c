//! The module binary's `main`: the process wiring, and nothing else.
//!
//! It reads the registry and dispatches `argv[1]`; reads the environment once (configuration
//! roots, the retry unit, the log filter); builds the session against the platform over HTTP;
//! makes the session's `tracing` dispatch the global default; and, for a trigger or connector,
//! listens for SIGTERM/SIGINT and serves the health and metrics ports. Then it hands the session
//! to the component's runner, the same code an in-process test runs.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use sekoia_manifest::environment::{LOG_FILTER_VAR, RETRY_UNIT_VAR};
use sekoia_manifest::{Kind, REGISTRATIONS_COMMAND, Registry, VALIDATE_COMMAND};

use crate::clock::Clock;
use crate::configuration::{ConfigError, Sources};
use crate::data_path::contained;
use crate::identifiers::Identifiers;
use crate::log_entry::Level;
use crate::platform::http::{Endpoints, HttpPlatform};
use crate::platform::s3::{S3Data, S3Settings};
use crate::platform::sentry_reports::SentryReports;
use crate::session::stop::Stop;
use crate::session::{Parts, Runner, Session};
use probe_server::{Probe, serve};

mod panic_hook;
mod probe_server;

/// Exit status of a command the binary does not know, or of an inconsistent registry.
const USAGE_ERROR: u8 = 2;

/// Runs the module binary: `argv[1]` is the component's docker_parameters.
pub fn main(version: &'static str) -> ExitCode {
    let registry = match Registry::from_inventory() {
        Ok(registry) => registry,
        Err(e) => {
            eprintln!("error: this module binary cannot start:\n{e}");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    let command = match std::env::args_os().nth(1).map(OsString::into_string) {
        None => None,
        Some(Ok(command)) => Some(command),
        Some(Err(raw)) => {
            eprintln!(
                "error: the command {} is not UTF-8; this module answers: {}",
                raw.to_string_lossy(),
                commands(&registry)
            );
            return ExitCode::from(USAGE_ERROR);
        }
    };
    let command = match command.as_deref() {
        None | Some("-h" | "--help" | "help") => {
            print!("{}", usage(&registry, version));
            return ExitCode::SUCCESS;
        }
        Some("-V" | "--version") => {
            println!("{} {version}", registry.module.slug);
            return ExitCode::SUCCESS;
        }
        Some(REGISTRATIONS_COMMAND) => {
            println!("{}", registry.registrations(version).to_json());
            return ExitCode::SUCCESS;
        }
        Some(command) => command,
    };
    let (kind, start, name) = if command == VALIDATE_COMMAND {
        match (registry.module.validator)() {
            Some(start) => (Kind::Action, start, VALIDATE_COMMAND),
            None => return unknown(&registry, command),
        }
    } else {
        match registry.component(command) {
            Some(component) => (component.kind, component.start, component.identity.name),
            None => return unknown(&registry, command),
        }
    };
    let Some(runner) = start.get::<Runner>() else {
        eprintln!(
            "error: `{command}` was registered by another version of sekoia-runtime than this binary's"
        );
        return ExitCode::FAILURE;
    };
    let runtime = match kind {
        // one action per process: a single thread starts fastest
        Kind::Action => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        Kind::Trigger | Kind::Connector => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build(),
    };
    let sources = Sources::from_env();
    let reports = sentry_reports(&sources, registry.module.name, name, kind);
    let process = Process {
        sources,
        kind,
        user_agent: format!("sekoiaio-connector/{}-{version}", registry.module.slug),
        reports: reports.clone(),
    };
    let status = match runtime {
        // on a worker thread, not the main one: the component's task and the tasks of its HTTP
        // connections then wake each other with fewer thread switches (a trigger spends about
        // half the CPU an event, bench/README.md)
        Ok(runtime) => runtime.block_on(async move {
            match tokio::spawn(process.run(runner)).await {
                Ok(status) => status,
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            }
        }),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    };
    if let Some(reports) = reports {
        reports.flush(SENTRY_FLUSH_MAX);
    }
    status
}

/// The longest the process waits at exit for its Sentry reports to be sent.
const SENTRY_FLUSH_MAX: Duration = Duration::from_secs(2);

/// The Sentry client when the platform gave a `sentry_dsn` (and maybe an `environment`), with
/// the Python SDK's tags; a DSN that cannot be used is said on standard error.
fn sentry_reports(
    sources: &Sources,
    module: &str,
    component: &str,
    kind: Kind,
) -> Option<Arc<SentryReports>> {
    let dsn = match sources.text("sentry_dsn") {
        Ok(Some(dsn)) if !dsn.is_empty() => dsn,
        Ok(_) => return None,
        Err(e) => {
            eprintln!("warning: no Sentry reports: {e}");
            return None;
        }
    };
    let item_type = match kind {
        Kind::Action => "action",
        Kind::Trigger => "trigger",
        Kind::Connector => "connector",
    };
    let mut tags = vec![
        ("module", module.to_owned()),
        ("name", component.to_owned()),
        ("item_type", item_type.to_owned()),
    ];
    for (tag, value) in [
        ("community", "community_uuid"),
        ("playbook_uuid", "playbook_uuid"),
        ("playbook_run_uuid", "playbook_run_uuid"),
        ("node_run_uuid", "node_run_uuid"),
        ("trigger_configuration_uuid", "trigger_configuration_uuid"),
        (
            "connector_configuration_uuid",
            "connector_configuration_uuid",
        ),
    ] {
        if let Ok(Some(text)) = sources.text(value)
            && !text.is_empty()
        {
            tags.push((tag, text));
        }
    }
    let environment = sources.text("environment").ok().flatten();
    match SentryReports::new(&dsn, environment, &tags) {
        Ok(reports) => Some(Arc::new(reports)),
        Err(e) => {
            eprintln!("warning: no Sentry reports: {e}");
            None
        }
    }
}

/// What the process is started with.
struct Process {
    sources: Sources,
    kind: Kind,
    user_agent: String,
    reports: Option<Arc<SentryReports>>,
}

impl Process {
    async fn run(self, runner: Runner) -> ExitCode {
        let endpoints = match endpoints(&self.sources) {
            Ok(endpoints) => endpoints,
            Err(e) => {
                eprintln!("error: cannot report to the platform: {e}");
                return ExitCode::FAILURE;
            }
        };
        let log_filter = std::env::var(LOG_FILTER_VAR).ok();
        let data_dir = data_dir(&self.sources);
        let s3 = match s3_settings(&self.sources) {
            Ok(None) => Ok(None),
            Ok(Some(settings)) => S3Data::connect(settings).await.map(|s3| Some(Arc::new(s3))),
            Err(e) => Err(e),
        };
        let s3_secrets = ["aws_secret_access_key", "aws_session_token"]
            .map(|name| self.sources.text(name).ok().flatten().unwrap_or_default());
        let session = Session::new(Parts {
            platform: Arc::new(HttpPlatform::new(endpoints, retry_unit())),
            kind: self.kind,
            clock: Clock::system(),
            data_dir: data_dir
                .as_ref()
                .map_or_else(|_| self.sources.data_root().to_owned(), Clone::clone),
            user_agent: self.user_agent,
            log_filter: log_filter.clone(),
            echo_logs: true,
            stop: Stop::new(),
            identifiers: Identifiers::read(&self.sources),
            reports: self.reports,
            s3: s3.as_ref().ok().cloned().flatten(),
        });
        session.logs.scrubber.add(s3_secrets);
        if session.s3.is_some()
            && let Err(e) = std::fs::create_dir_all(&session.data_dir)
        {
            eprintln!("warning: cannot create the local data directory: {e}");
        }
        // tasks the user spawns log into the session too
        let _ = tracing::dispatcher::set_global_default(session.dispatch.clone());
        panic_hook::install(&session);
        if let Some(filter) =
            log_filter.filter(|f| f.parse::<tracing_subscriber::filter::Targets>().is_err())
        {
            eprintln!(
                "warning: {LOG_FILTER_VAR}={filter:?} is not a valid filter; using the default"
            );
        }
        if self.kind != Kind::Action {
            listen_for_signals(&session);
            serve_probes(&session, &self.sources).await;
        }
        if let Err(e) = data_dir.and(s3) {
            return refuse(&session, self.kind, &e).await;
        }
        runner(session, self.sources).await
    }
}

/// A configuration error found before the component starts: reported as the component would
/// report it (an action's finished error, a trigger's critical log).
async fn refuse(session: &Arc<Session>, kind: Kind, message: &str) -> ExitCode {
    match kind {
        Kind::Action => crate::action::refuse(session, message).await,
        Kind::Trigger | Kind::Connector => {
            crate::supervisor::configuration_error(session, message).await
        }
    }
}

/// `token`, `url_callback`, `url_logs` and `url_secrets`.
fn endpoints(sources: &Sources) -> Result<Endpoints, ConfigError> {
    let token = sources.token()?;
    let callback_url = sources
        .url("url_callback")?
        .ok_or_else(|| sources.missing("url_callback"))?;
    let mut endpoints = Endpoints::beside_callback(token, callback_url);
    if let Some(logs_url) = sources.url("url_logs")? {
        endpoints.logs_url = logs_url;
    }
    if let Some(secrets_url) = sources.url("url_secrets")? {
        endpoints.secrets_url = secrets_url;
    }
    Ok(endpoints)
}

/// The S3 backend's settings when `file_backend` is `S3` (any case, as in Python); its values
/// carry the Python SDK's names.
fn s3_settings(sources: &Sources) -> Result<Option<S3Settings>, String> {
    let backend = sources.text("file_backend").map_err(|e| e.to_string())?;
    if !backend.is_some_and(|b| b.eq_ignore_ascii_case("s3")) {
        return Ok(None);
    }
    let required = |name: &str| -> Result<String, String> {
        match sources.text(name) {
            Ok(Some(value)) if !value.is_empty() => Ok(value),
            Ok(_) => Err(format!("file_backend is S3: {}", sources.missing(name))),
            Err(e) => Err(e.to_string()),
        }
    };
    let optional = |name: &str| sources.text(name).ok().flatten().filter(|v| !v.is_empty());
    let endpoint = match sources.url("aws_s3_endpoint_url") {
        Ok(endpoint) => endpoint.filter(|e| !e.is_empty()),
        Err(e) => return Err(e.to_string()),
    };
    Ok(Some(S3Settings {
        bucket: required("aws_bucket_name")?,
        access_key_id: required("aws_access_key_id")?,
        secret_access_key: required("aws_secret_access_key")?,
        session_token: optional("aws_session_token"),
        region: optional("aws_default_region").unwrap_or_else(|| "us-east-1".into()),
        endpoint,
        prefix: optional("sub_folder").unwrap_or_default(),
    }))
}

/// The data directory: the data root, plus `sub_folder` when set (kept inside the root). With
/// the S3 backend it is the local copy of the bucket's files.
fn data_dir(sources: &Sources) -> Result<PathBuf, String> {
    match sources.text("sub_folder").map_err(|e| e.to_string())? {
        Some(sub) if !sub.is_empty() => contained(sources.data_root(), std::path::Path::new(&sub))
            .map_err(|e| format!("configuration value `sub_folder`: {e}")),
        _ => Ok(sources.data_root().to_owned()),
    }
}

/// The retry unit: `SEKOIA_RETRY_UNIT_MS` milliseconds, else one second.
fn retry_unit() -> Duration {
    std::env::var(RETRY_UNIT_VAR)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(1))
}

/// The first SIGTERM or SIGINT stops the component; a second one exits at once, after saying
/// how many pushed events were not delivered and a last flush of the logs (bounded).
fn listen_for_signals(session: &Arc<Session>) {
    let session = Arc::clone(session);
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
        eprintln!("stopping: waiting for the current iteration to end (signal again to exit now)");
        session.stop.stop();
        tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
        let unsent = session.unsent_events();
        if unsent > 0 {
            session.log(
                Level::Error,
                &format!(
                    "exiting at once: {unsent} pushed events were not delivered to the intake"
                ),
            );
        }
        session.final_flush().await;
        if let Some(reports) = &session.logs.reports {
            reports.flush(SENTRY_FLUSH_MAX);
        }
        std::process::exit(0);
    });
}

/// Health on `liveness_port` (8000), metrics on `metrics_port` (8020); a port that cannot be
/// used is logged, and the component runs on.
async fn serve_probes(session: &Arc<Session>, sources: &Sources) {
    let probes = [
        ("liveness_port", 8000, Probe::Health),
        ("metrics_port", 8020, Probe::Metrics),
    ];
    for (name, default, probe) in probes {
        let port = match sources.port(name, default) {
            Ok(port) => port,
            Err(e) => {
                session.log(Level::Error, &e.to_string());
                continue;
            }
        };
        if let Err(e) = serve(port, probe, Arc::clone(session)).await {
            session.log(
                Level::Error,
                &format!("cannot listen on {name} {port}: {e}"),
            );
        }
    }
}

fn usage(registry: &Registry, version: &str) -> String {
    use sekoia_manifest::environment::{
        CONFIG_ROOT_VAR, DATA_ROOT_VAR, DEFAULT_CONFIG_ROOT, DEFAULT_DATA_ROOT, LOG_FILTER_VAR,
    };
    let module = registry.module;
    format!(
        "{} {} ({}): a Sekoia.io module\n\nusage: <binary> <command>, the command being the docker_parameters of a component:\n\n{}\n\
         \nConfiguration: each value <name> is read from the file {DEFAULT_CONFIG_ROOT}/<name> \
         ({CONFIG_ROOT_VAR} moves the folder), else from the environment variable <NAME> (JSON, \
         or base64-encoded JSON):\n\
         \x20 module_configuration       the module configuration (its secrets come from the platform)\n\
         \x20 arguments                  an action's arguments\n\
         \x20 trigger_configuration      a trigger's (or connector's) configuration\n\
         \x20 connector_configuration    a connector's configuration\n\
         \x20 token, url_callback        how to reach the platform (url_logs, url_secrets default to siblings)\n\
         \x20 intake_url                 the intake, when the connector configuration has no intake_server\n\
         Files exchanged with playbooks: {DEFAULT_DATA_ROOT} ({DATA_ROOT_VAR}). Logs: {LOG_FILTER_VAR} (default info).\n\
         To run a component on this machine, against the platform emulator: `cargo sekoia run <module dir> <command>`.\n\
         -V, --version prints the module version.\n",
        module.name,
        version,
        module.slug,
        registry.listing().to_string().trim_end()
    )
}

fn commands(registry: &Registry) -> String {
    registry
        .commands()
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown(registry: &Registry, command: &str) -> ExitCode {
    eprintln!(
        "error: unknown command `{command}`; this module answers: {}",
        commands(registry)
    );
    ExitCode::from(USAGE_ERROR)
}
