//! `cargo sekoia check`: creates a module workspace.

use std::process::ExitCode;

/// Arguments of `cargo sekoia check`.
#[derive(clap::Args)]
pub struct CheckArgs {}

/// Runs `cargo sekoia check`.
pub fn run(_args: CheckArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`cargo sekoia check` is being written")
}
