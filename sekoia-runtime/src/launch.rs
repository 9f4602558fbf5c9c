//! What the entry point hands to a component runner.

use crate::config::Config;
use crate::descriptor::{ComponentDescriptor, ModuleDescriptor};

/// One start of the binary: its configuration sources and the registrations it runs.
pub struct Launch {
    /// Where configuration values come from.
    pub config: Config,
    /// The module.
    pub module: &'static ModuleDescriptor,
    /// The component started (`None` for the account validator).
    pub component: Option<&'static ComponentDescriptor>,
    /// The module package version.
    pub version: &'static str,
}
