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
use crate::log_entry::Level;
use crate::platform::http::{Endpoints, HttpPlatform};
use crate::session::stop::Stop;
use crate::session::{Parts, Runner, Session};
use probe_server::{Probe, serve};

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
    let (kind, start) = if command == VALIDATE_COMMAND {
        match (registry.module.validator)() {
            Some(start) => (Kind::Action, start),
            None => return unknown(&registry, command),
        }
    } else {
        match registry.component(command) {
            Some(component) => (component.kind, component.start),
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
    let process = Process {
        sources: Sources::from_env(),
        kind,
        user_agent: format!("sekoiaio-connector/{}-{version}", registry.module.slug),
    };
    match runtime {
        Ok(runtime) => runtime.block_on(process.run(runner)),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What the process is started with.
struct Process {
    sources: Sources,
    kind: Kind,
    user_agent: String,
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
        let session = Session::new(Parts {
            platform: Arc::new(HttpPlatform::new(endpoints, retry_unit())),
            kind: self.kind,
            clock: Clock::system(),
            data_dir: data_dir(&self.sources),
            user_agent: self.user_agent,
            log_filter: log_filter.clone(),
            echo_logs: true,
            stop: Stop::new(),
        });
        // tasks the user spawns log into the session too
        let _ = tracing::dispatcher::set_global_default(session.dispatch.clone());
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
        runner(session, self.sources).await
    }
}

/// `token`, `url_callback`, `url_logs` and `url_secrets`.
fn endpoints(sources: &Sources) -> Result<Endpoints, ConfigError> {
    let token = sources.require_text("token")?;
    let callback_url = sources.require_text("url_callback")?;
    let mut endpoints = Endpoints::beside_callback(token, callback_url);
    if let Some(logs_url) = sources.text("url_logs")? {
        endpoints.logs_url = logs_url;
    }
    if let Some(secrets_url) = sources.text("url_secrets")? {
        endpoints.secrets_url = secrets_url;
    }
    Ok(endpoints)
}

/// The data directory: the data root, plus `sub_folder` when set.
fn data_dir(sources: &Sources) -> PathBuf {
    match sources.text("sub_folder") {
        Ok(Some(sub)) if !sub.is_empty() => sources.data_root().join(sub),
        _ => sources.data_root().to_owned(),
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

/// The first SIGTERM or SIGINT stops the component; a second one exits at once, after a last
/// flush of the logs.
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
        session.final_flush().await;
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
