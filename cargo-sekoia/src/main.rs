//! `cargo sekoia`: the sekoia-rs workflow of the Sekoia.io tutorial, in Rust.
//!
//! - `cargo sekoia new <dir>`: a complete module workspace, ready to build and test;
//! - `cargo sekoia check [PATH...]`: the rules of Sekoia's module checker, and their Rust
//!   counterparts;
//! - `cargo sekoia import <python module dir>`: a Rust module whose manifests are a Python
//!   module's, its behaviour left to port;
//! - `cargo sekoia run <module dir> <docker_parameters>`: build the module, start the platform
//!   emulator, run the component as Sekoia would and show what the platform receives.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cargo;
mod check;
mod doc;
mod import;
mod new;
mod openapi;
mod output;
mod run;
mod sync;
mod update;
mod vendor;

/// Cargo calls `cargo-sekoia sekoia <args>`; `cargo-sekoia <args>` works too.
#[derive(Parser)]
#[command(
    name = "cargo sekoia",
    bin_name = "cargo sekoia",
    version,
    about = "Create, check and run Sekoia.io modules written in Rust"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a module workspace (manifest, components crate, Dockerfile, CHANGELOG, tests)
    New(new::NewArgs),
    /// Check modules against the rules of Sekoia's module checker
    Check(check::CheckArgs),
    /// Import a Python module of Sekoia's catalogue as a Rust module workspace (its manifests
    /// kept, its behaviour to port)
    Import(import::ImportArgs),
    /// Write a module from an OpenAPI document: one declarative API action an operation
    Openapi(openapi::OpenApiArgs),
    /// Build a module and run one of its components against the platform emulator
    Run(run::RunArgs),
    /// Write the modules' pages of the Sekoia documentation (page, logo, set-up assets, menus)
    Doc(doc::DocArgs),
    /// Bump the sekoia-rs dependency and the module version, with its CHANGELOG entry
    Update(update::UpdateArgs),
    /// Publish modules and their components to the Playbook API (PLAYBOOK_API_KEY)
    Sync(sync::SyncArgs),
    /// Refresh the module's copy of the sekoia-rs crates it uses (vendor/), or switch to the
    /// published ones
    Vendor(vendor::VendorArgs),
}

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "sekoia") {
        args.remove(1);
    }
    let cli = Cli::parse_from(args);
    let outcome = match cli.command {
        Command::New(args) => new::run(args),
        Command::Check(args) => check::run(args),
        Command::Import(args) => import::run(args),
        Command::Openapi(args) => openapi::run(args),
        Command::Run(args) => run::run(args),
        Command::Vendor(args) => vendor::run(args),
        Command::Doc(args) => doc::run(args),
        Command::Sync(args) => sync::run(args),
        Command::Update(args) => update::run(args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            output::error(&format!("{error:#}"));
            ExitCode::FAILURE
        }
    }
}
