//! `cargo sekoia run`: creates a module workspace.

use std::process::ExitCode;

/// Arguments of `cargo sekoia run`.
#[derive(clap::Args)]
pub struct RunArgs {}

/// Runs `cargo sekoia run`.
pub fn run(_args: RunArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`cargo sekoia run` is being written")
}
