//! The environment variables and default places shared by the module runtime, the platform
//! emulator and the tools: one definition each.

/// The directory of configuration files the platform mounts.
pub const DEFAULT_CONFIG_ROOT: &str = "/symphony";
/// The directory of files exchanged with playbooks.
pub const DEFAULT_DATA_ROOT: &str = "/symphony_data";
/// Moves the configuration root (tests and local runs).
pub const CONFIG_ROOT_VAR: &str = "SEKOIA_CONFIG_ROOT";
/// Moves the data root (tests and local runs).
pub const DATA_ROOT_VAR: &str = "SEKOIA_DATA_ROOT";
/// Scales every retry wait of the runtime, in milliseconds (default one second); tests set it
/// to a few milliseconds.
pub const RETRY_UNIT_VAR: &str = "SEKOIA_RETRY_UNIT_MS";
/// The log filter of a module binary, in `tracing_subscriber`'s targets syntax (`debug`,
/// `info,my_module=debug`).
pub const LOG_FILTER_VAR: &str = "SEKOIA_LOG";
