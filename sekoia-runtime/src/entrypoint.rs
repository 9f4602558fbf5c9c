//! The module binary's `main`: reads the registry and dispatches `argv[1]`.

use std::process::ExitCode;

use crate::config::Config;
use crate::descriptor::Kind;
use crate::launch::Launch;
use crate::registry::{Registry, VALIDATE_COMMAND};

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
    let command = std::env::args().nth(1);
    let Some(command) = command.filter(|c| !matches!(c.as_str(), "-h" | "--help" | "help")) else {
        print!("{}", usage(&registry, version));
        return ExitCode::SUCCESS;
    };
    let config = Config::from_env();
    let (component, runner, kind) = if command == VALIDATE_COMMAND {
        match (registry.module.validator)() {
            Some(runner) => (None, runner, Kind::Action),
            None => return unknown(&registry, &command),
        }
    } else {
        match registry.component(&command) {
            Some(component) => (Some(component), component.run, component.kind),
            None => return unknown(&registry, &command),
        }
    };
    let launch = Launch {
        config,
        module: registry.module,
        component,
        version,
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
    match runtime {
        Ok(runtime) => runtime.block_on(runner(launch)),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(registry: &Registry, version: &str) -> String {
    let module = registry.module;
    format!(
        "{} {} ({}): a Sekoia.io module\n\nusage: <binary> <command>, the command being the docker_parameters of a component:\n\n{}",
        module.name,
        version,
        module.slug,
        registry.listing()
    )
}

fn unknown(registry: &Registry, command: &str) -> ExitCode {
    eprintln!(
        "error: unknown command `{command}`; this module answers: {}",
        registry
            .commands()
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    ExitCode::from(USAGE_ERROR)
}
