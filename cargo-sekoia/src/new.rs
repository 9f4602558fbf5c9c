//! `cargo sekoia new`: creates a module workspace.

use std::process::ExitCode;

/// Arguments of `cargo sekoia new`.
#[derive(clap::Args)]
pub struct NewArgs {}

/// Runs `cargo sekoia new`.
pub fn run(_args: NewArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`cargo sekoia new` is being written")
}
