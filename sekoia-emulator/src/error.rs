//! Errors of the emulator and of the module runner.

use std::io;
use std::path::PathBuf;

/// The emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The loopback port could not be bound (`port` 0: an ephemeral one).
    #[error("cannot listen on 127.0.0.1:{}: {source}", if *.port == 0 { "<ephemeral port>".to_owned() } else { .port.to_string() })]
    Bind {
        /// The port asked for; 0 for an ephemeral one.
        port: u16,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The emulator's own tokio runtime could not be built.
    #[error("cannot build the emulator's tokio runtime: {0}")]
    Runtime(#[source] io::Error),
    /// The background thread could not be started.
    #[error("cannot start the emulator's server thread: {0}")]
    Thread(#[source] io::Error),
}

/// A module run could not be prepared, started or watched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// A temporary directory (configuration or data root) could not be created.
    #[error("cannot create the temporary {root} directory: {source}")]
    TempDir {
        /// `"configuration"` or `"data"`.
        root: &'static str,
        /// The I/O error.
        source: io::Error,
    },
    /// A configuration file could not be written.
    #[error("cannot write the configuration file {}: {source}", path.display())]
    WriteConfig {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A configuration value name is not one plain file name.
    #[error("configuration name {name:?} must be one plain file name (no `/`, `=`, `..` or NUL)")]
    ConfigName {
        /// The name as given.
        name: String,
    },
    /// A file given with [`ModuleRun::data_file`](crate::ModuleRun::data_file) could not be
    /// written.
    #[error("cannot write the data file {}: {source}", path.display())]
    WriteData {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A data file path was absolute or went outside the data directory.
    #[error(
        "data file path {} must be relative and stay inside the data directory",
        path.display()
    )]
    DataPath {
        /// The path as given.
        path: PathBuf,
    },
    /// A free loopback port for the liveness or metrics server could not be found.
    #[error("cannot pick a free port on 127.0.0.1 for {name}: {source}")]
    Port {
        /// `liveness_port` or `metrics_port`.
        name: &'static str,
        /// The I/O error.
        source: io::Error,
    },
    /// The module binary could not be started.
    #[error(
        "cannot start the module binary {} with command {command:?}: {source}",
        binary.display()
    )]
    Spawn {
        /// The binary.
        binary: PathBuf,
        /// Its first argument (the component's docker_parameters).
        command: String,
        /// The I/O error.
        source: io::Error,
    },
    /// A thread to read the module's output could not be started.
    #[error("cannot start a thread to read the module's {pipe}: {source}")]
    Output {
        /// `stdout` or `stderr`.
        pipe: &'static str,
        /// The I/O error.
        source: io::Error,
    },
    /// A signal could not be sent to the module process.
    #[error("cannot send {signal} to the module process {pid}: {source}")]
    Signal {
        /// `SIGTERM` or `SIGKILL`.
        signal: &'static str,
        /// The process id.
        pid: u32,
        /// The OS error.
        source: io::Error,
    },
    /// Waiting for the module process failed.
    #[error("cannot wait for the module process {pid}: {source}")]
    Wait {
        /// The process id.
        pid: u32,
        /// The I/O error.
        source: io::Error,
    },
}
