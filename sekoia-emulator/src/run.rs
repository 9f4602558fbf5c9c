//! Running a module binary as the platform would: its command as `argv[1]`, its configuration
//! in files or environment variables, and the emulator's URLs as the platform's.

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::net::TcpListener;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::configuration::{CONFIG_ROOT_ENV, ConfigValue, Configuration, DATA_ROOT_ENV, Delivery};
use crate::emulator::Emulator;
use crate::error::RunError;
use crate::output::{Capture, Echo};
use crate::running::{Launched, ModulePorts, RunOutcome, RunningModule, Watch};
use crate::signal;

/// How long a run may last by default before the module is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a module may take to exit after `SIGTERM` by default before it is killed.
pub const DEFAULT_STOP_GRACE: Duration = Duration::from_secs(10);
/// The token a run gets unless [`ModuleRun::token`] says otherwise.
pub const DEFAULT_TOKEN: &str = "tok";

/// Attempts to start a binary that another thread of the test process still holds open for
/// writing (`ETXTBSY`, a race of freshly written scripts and binaries).
const SPAWN_ATTEMPTS: u32 = 10;
const SPAWN_RETRY_PAUSE: Duration = Duration::from_millis(20);

/// A module run to prepare: binary, command, configuration, environment, and when to stop.
///
/// Each run gets two fresh temporary directories: the configuration root (env
/// `SEKOIA_CONFIG_ROOT`, instead of `/symphony`) and the data directory (env
/// `SEKOIA_DATA_ROOT`, instead of `/symphony_data`). Unless set or [`unset`](Self::unset),
/// the run provides `token` (`"tok"`), `url_callback` (the emulator's `/callback`),
/// `intake_url` (the emulator's URL), and `liveness_port` and `metrics_port` (free loopback
/// ports, picked by binding port 0 and releasing it).
///
/// ```no_run
/// use std::time::Duration;
/// use sekoia_emulator::{Emulator, ModuleRun};
/// use serde_json::json;
///
/// let emulator = Emulator::start();
/// let outcome = ModuleRun::new("target/debug/testhttp", "TesthttpConnector")
///     .module_configuration(json!({"api_key": "k"}))
///     .connector_configuration(json!({"intake_key": "ik"}))
///     .stop_when(|emulator| emulator.intake_event_count() >= 3)
///     .timeout(Duration::from_secs(30))
///     .run(&emulator)
///     .expect("the module runs");
/// assert!(outcome.status.success(), "{outcome}");
/// ```
#[must_use = "a module run does nothing until `run` or `spawn`"]
pub struct ModuleRun {
    binary: PathBuf,
    command: String,
    config: Configuration,
    delivery: Delivery,
    env: Vec<(OsString, OsString)>,
    env_clear: bool,
    current_dir: Option<PathBuf>,
    data_files: Vec<(PathBuf, Vec<u8>)>,
    echo_output: bool,
    watch: Watch,
}

impl fmt::Debug for ModuleRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModuleRun")
            .field("binary", &self.binary)
            .field("command", &self.command)
            .field("config", &self.config)
            .field("delivery", &self.delivery)
            .field("env", &self.env)
            .field("timeout", &self.watch.timeout)
            .field("stop_after", &self.watch.stop_after)
            .field("stop_when", &self.watch.stop_when.is_some())
            .finish_non_exhaustive()
    }
}

impl ModuleRun {
    /// Runs `binary` with `command` (the component's `docker_parameters`, or
    /// `validate_module_configuration`) as its first argument.
    pub fn new(binary: impl Into<PathBuf>, command: impl Into<String>) -> Self {
        Self {
            binary: binary.into(),
            command: command.into(),
            config: Configuration::default(),
            delivery: Delivery::Files,
            env: Vec::new(),
            env_clear: false,
            current_dir: None,
            data_files: Vec::new(),
            echo_output: false,
            watch: Watch {
                timeout: DEFAULT_TIMEOUT,
                stop_after: None,
                stop_grace: DEFAULT_STOP_GRACE,
                stop_when: None,
            },
        }
    }

    /// The `module_configuration` value (JSON).
    pub fn module_configuration(self, value: Value) -> Self {
        self.config_json("module_configuration", value)
    }

    /// The `arguments` value of an action (JSON).
    pub fn arguments(self, value: Value) -> Self {
        self.config_json("arguments", value)
    }

    /// The `trigger_configuration` value (JSON).
    pub fn trigger_configuration(self, value: Value) -> Self {
        self.config_json("trigger_configuration", value)
    }

    /// The `connector_configuration` value (JSON), with `intake_key` and optionally
    /// `intake_server`.
    pub fn connector_configuration(self, value: Value) -> Self {
        self.config_json("connector_configuration", value)
    }

    /// Any other value, as text (`url_logs`, `playbook_run_uuid`, `liveness_port`...).
    pub fn config_value(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.config
            .set(name.into(), ConfigValue::Text(value.into()));
        self
    }

    /// Any other value, as JSON.
    pub fn config_json(mut self, name: impl Into<String>, value: Value) -> Self {
        self.config.set(name.into(), ConfigValue::Json(value));
        self
    }

    /// The token (default `"tok"`).
    pub fn token(self, token: impl Into<String>) -> Self {
        self.config_value("token", token)
    }

    /// Provides no value `name`, not even the default one (to test a missing `url_callback`).
    pub fn unset(mut self, name: impl Into<String>) -> Self {
        self.config.unset(name.into());
        self
    }

    /// Passes the values as upper-cased environment variables (`MODULE_CONFIGURATION`...), JSON
    /// as plain text, instead of files. The configuration root is still set, and empty.
    pub fn via_env(mut self) -> Self {
        self.delivery = Delivery::Env;
        self
    }

    /// Like [`via_env`](Self::via_env), with JSON values base64-encoded.
    pub fn via_env_base64(mut self) -> Self {
        self.delivery = Delivery::EnvBase64;
        self
    }

    /// Passes the values as files `<config root>/<name>` (the default).
    pub fn via_files(mut self) -> Self {
        self.delivery = Delivery::Files;
        self
    }

    /// Sets an environment variable of the module; it wins over the runner's own.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Starts the module with an empty environment, plus the runner's and
    /// [`env`](Self::env)'s variables (by default it inherits the test's environment).
    pub fn env_clear(mut self) -> Self {
        self.env_clear = true;
        self
    }

    /// The module's working directory (default: the caller's).
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.current_dir = Some(dir.into());
        self
    }

    /// A file to put in the data directory before the start, at `path` relative to it
    /// (e.g. the JSON file behind an `<argument>_path` argument).
    pub fn data_file(mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> Self {
        self.data_files.push((path.into(), contents.into()));
        self
    }

    /// Copies the module's output to the runner's stdout and stderr as it comes, besides
    /// capturing it (for a live view).
    pub fn echo_output(mut self, echo: bool) -> Self {
        self.echo_output = echo;
        self
    }

    /// Kills the module (`SIGKILL`) if it still runs after `timeout` (default 60 s); the
    /// outcome then says `timed_out`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.watch.timeout = timeout;
        self
    }

    /// Sends `SIGTERM` once `predicate` holds for the emulator, then waits for the exit. The
    /// predicate is checked after each request the emulator receives, and every 10 ms; it may
    /// call any method of the emulator.
    pub fn stop_when(mut self, predicate: impl FnMut(&Emulator) -> bool + Send + 'static) -> Self {
        self.watch.stop_when = Some(Box::new(predicate));
        self
    }

    /// Sends `SIGTERM` `delay` after the start, then waits for the exit.
    pub fn stop_after(mut self, delay: Duration) -> Self {
        self.watch.stop_after = Some(delay);
        self
    }

    /// How long the module may take to exit after `SIGTERM` (default 10 s) before it is killed.
    pub fn stop_grace(mut self, grace: Duration) -> Self {
        self.watch.stop_grace = grace;
        self
    }

    /// Runs the module to its end (exit, stop or timeout) and reports what happened.
    pub fn run(self, emulator: &Emulator) -> Result<RunOutcome, RunError> {
        self.spawn(emulator)?.wait()
    }

    /// Starts the module and returns at once, to talk to it while it runs (its health port,
    /// a stop at a chosen time). [`RunningModule::wait`] then applies the stop rules and the
    /// timeout of this run.
    pub fn spawn(self, emulator: &Emulator) -> Result<RunningModule<'_>, RunError> {
        let config_dir = temp_dir("sekoia-config-", "configuration")?;
        let data_dir = temp_dir("sekoia-data-", "data")?;
        for (path, contents) in &self.data_files {
            write_data_file(data_dir.path(), path, contents)?;
        }

        let mut config = self.config;
        config.set_default("token", || ConfigValue::Text(DEFAULT_TOKEN.into()));
        config.set_default("url_callback", || {
            ConfigValue::Text(emulator.callback_url())
        });
        config.set_default("intake_url", || {
            ConfigValue::Text(emulator.intake_url().into())
        });
        // Both listeners are held until both ports are known, so the two ports differ.
        let mut held = Vec::new();
        for name in ["liveness_port", "metrics_port"] {
            if !config.is_decided(name) {
                let listener = free_port().map_err(|source| RunError::Port { name, source })?;
                let port = listener
                    .local_addr()
                    .map_err(|source| RunError::Port { name, source })?
                    .port();
                held.push(listener);
                config.set_default(name, || ConfigValue::Text(port.to_string()));
            }
        }
        drop(held);
        let ports = ModulePorts {
            liveness: config.text("liveness_port").and_then(|p| p.parse().ok()),
            metrics: config.text("metrics_port").and_then(|p| p.parse().ok()),
        };

        let mut command = Command::new(&self.binary);
        command.arg(&self.command);
        if self.env_clear {
            command.env_clear();
        }
        command
            .env(CONFIG_ROOT_ENV, config_dir.path())
            .env(DATA_ROOT_ENV, data_dir.path());
        match self.delivery {
            Delivery::Files => config.write_files(config_dir.path())?,
            Delivery::Env => {
                command.envs(config.env_vars(false)?);
            }
            Delivery::EnvBase64 => {
                command.envs(config.env_vars(true)?);
            }
        }
        command.envs(self.env.iter().map(|(key, value)| (key, value)));
        if let Some(dir) = &self.current_dir {
            command.current_dir(dir);
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        signal::own_process_group(&mut command);

        let start_seq = emulator.next_seq();
        let started = Instant::now();
        let mut child = spawn_retrying(&mut command).map_err(|source| RunError::Spawn {
            binary: self.binary.clone(),
            command: self.command.clone(),
            source,
        })?;
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        let mut running = RunningModule::new(
            emulator,
            Launched {
                child,
                ports,
                config_dir,
                data_dir,
                start_seq,
                started,
            },
            self.watch,
        );
        let (out_echo, err_echo) = match self.echo_output {
            true => (Echo::Stdout, Echo::Stderr),
            false => (Echo::Off, Echo::Off),
        };
        // On error `running` is dropped, which kills the module.
        if let Some(pipe) = stdout {
            let capture =
                Capture::start(pipe, out_echo, "stdout").map_err(|source| RunError::Output {
                    pipe: "stdout",
                    source,
                })?;
            running.set_stdout(capture);
        }
        if let Some(pipe) = stderr {
            let capture =
                Capture::start(pipe, err_echo, "stderr").map_err(|source| RunError::Output {
                    pipe: "stderr",
                    source,
                })?;
            running.set_stderr(capture);
        }
        Ok(running)
    }
}

fn temp_dir(prefix: &str, root: &'static str) -> Result<tempfile::TempDir, RunError> {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .map_err(|source| RunError::TempDir { root, source })
}

fn write_data_file(root: &Path, relative: &Path, contents: &[u8]) -> Result<(), RunError> {
    let inside = relative.components().next().is_some()
        && relative
            .components()
            .all(|component| matches!(component, Component::Normal(_)));
    if !inside {
        return Err(RunError::DataPath {
            path: relative.to_owned(),
        });
    }
    let path = root.join(relative);
    let write = |path: &Path| -> io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, contents)
    };
    write(&path).map_err(|source| RunError::WriteData { path, source })
}

/// A listener on a free loopback port; the port is free again once it is dropped.
fn free_port() -> io::Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", 0))
}

fn spawn_retrying(command: &mut Command) -> io::Result<std::process::Child> {
    let mut attempt = 1;
    loop {
        match command.spawn() {
            Err(error)
                if error.kind() == io::ErrorKind::ExecutableFileBusy
                    && attempt < SPAWN_ATTEMPTS =>
            {
                attempt += 1;
                std::thread::sleep(SPAWN_RETRY_PAUSE);
            }
            result => return result,
        }
    }
}
