//! `cargo sekoia run`: builds a module, starts the platform emulator, runs one component as the
//! platform would and shows, live, what the platform receives.
//!
//! The steps, one file each under `run/`: [`inputs`] (the JSON flags), [`build`] (cargo
//! metadata and build), [`manifests`] (which component, which secrets), [`session`] (the run
//! and its stop rules, with [`interrupt`] for Ctrl-C) and [`display`] (the live view).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use sekoia_emulator::{Emulator, ModuleRun};
use serde_json::Value;

use crate::output;

mod build;
mod display;
mod inputs;
mod interrupt;
mod manifests;
mod session;

use display::LiveView;
use inputs::{EMULATOR_PLACEHOLDER, JsonInput};
use interrupt::Interrupts;
use manifests::{Component, Kind};
use session::Limits;

/// The intake key a connector gets when `--configuration` has none.
const DEFAULT_INTAKE_KEY: &str = "emulator";

/// A bound for the runner's own kill timer: the stop rules here decide when the module ends.
const NO_TIMEOUT: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// Arguments of `cargo sekoia run`.
#[derive(clap::Args)]
#[command(after_help = "\
In the JSON values, `{emulator}` stands for the emulator's URL. The emulator serves test pages: \
{emulator}/pages/hello (text), /pages/json, /pages/entries and /pages/events (needs a bearer \
token; use base_url={emulator}/pages).

Examples, in a module directory (`.`):
  cargo sekoia run . Hello --arguments '{\"name\": \"Ada\"}'        (the action of a new module)
  cargo sekoia run . Request \\
    --arguments '{\"url\": \"{emulator}/pages/hello\", \"method\": \"get\"}' \\
    --module-configuration '{\"api_key\": \"k\", \"base_url\": \"{emulator}/pages\"}'
                                                           (the tutorial's TestHTTP action)")]
pub struct RunArgs {
    /// The module's directory: its root package, with build.rs and the manifests
    module_dir: PathBuf,

    /// The component to run: its `docker_parameters` (e.g. `Request`)
    docker_parameters: Option<String>,

    /// The action's arguments: a JSON object, or @FILE to read it from a file
    #[arg(long, value_name = "JSON|@FILE")]
    arguments: Option<String>,

    /// The module configuration (JSON object or @FILE); its secret fields are held by the
    /// emulator, as the platform does
    #[arg(long, value_name = "JSON|@FILE")]
    module_configuration: Option<String>,

    /// The trigger's or connector's configuration (JSON object or @FILE)
    #[arg(long, value_name = "JSON|@FILE")]
    configuration: Option<String>,

    /// Stop a trigger or connector once N events (trigger events or intake events) arrived
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    events: Option<u64>,

    /// Fill the emulated third-party API (`{emulator}/vendor/`) with N audit events, for a
    /// connector to collect (its token endpoint takes `client` / `secret`)
    #[arg(long, value_name = "N")]
    vendor_events: Option<usize>,

    /// Stop the module after S seconds (decimals allowed)
    #[arg(long, value_name = "S", value_parser = parse_seconds)]
    timeout: Option<Duration>,

    /// Build and run the release profile
    #[arg(long)]
    release: bool,

    /// Show the module's own stdout and stderr as it runs
    #[arg(long, short)]
    verbose: bool,

    /// Serve the emulator's web console (what the platform receives, live, in a browser); the
    /// emulator stays up after the module ends, until Ctrl-C
    #[arg(long)]
    ui: bool,
}

/// One argument only: either the module directory was forgotten (`cargo sekoia run Request`)
/// or the component.
fn missing_component(given: &std::path::Path) -> anyhow::Error {
    if !given.is_dir() {
        let name = given.display();
        return anyhow::anyhow!(
            "`{name}` is not a module directory: the module directory comes first, then the \
             component's docker_parameters: `cargo sekoia run <MODULE_DIR> {name}` (in the \
             module directory: `cargo sekoia run . {name}`)"
        );
    }
    let known = manifests::Manifests::read(given)
        .ok()
        .map(|m| format!("; its components:\n{}", m.known()))
        .unwrap_or_default();
    anyhow::anyhow!(
        "which component of {}? give its docker_parameters after the module directory{known}",
        given.display()
    )
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if seconds.is_nan() || seconds <= 0.0 {
        return Err(format!(
            "the timeout must be more than 0 seconds, got {text}"
        ));
    }
    Duration::try_from_secs_f64(seconds).map_err(|error| format!("`{text}` seconds: {error}"))
}

/// Runs `cargo sekoia run`; the exit status is the module's.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    // The flags first: a typo must not wait for a build.
    let mut arguments = JsonInput::parse_or_empty("--arguments", args.arguments.as_deref())?;
    let mut configuration =
        JsonInput::parse_or_empty("--configuration", args.configuration.as_deref())?;
    let mut module_configuration = JsonInput::parse_or_empty(
        "--module-configuration",
        args.module_configuration.as_deref(),
    )?;

    let Some(docker_parameters) = args.docker_parameters.as_deref() else {
        return Err(missing_component(&args.module_dir));
    };
    let built = build::build(&args.module_dir, args.release)?;
    let manifests = manifests::Manifests::read(&args.module_dir)?;
    let component = manifests.component(docker_parameters)?;
    warn_unused_flags(&args, component);

    let mut builder = Emulator::builder().vendor_events(args.vendor_events.unwrap_or(0));
    if args.ui {
        let title = format!(
            "{}: {} ({} \"{}\")",
            manifests.module_name, component.docker_parameters, component.kind, component.name
        );
        builder = builder.console(title);
    }
    let emulator = builder
        .try_start()
        .context("cannot start the platform emulator")?;
    let url = emulator.url().to_owned();
    output::status(
        "Emulator",
        &format!(
            "{url} (test pages under {url}/pages/: hello, json, entries, events; a third-party API under {url}/vendor/)"
        ),
    );
    if let Some(console) = emulator.console_url() {
        output::status("Console", &format!("{console} (open it in a browser)"));
    }
    for input in [
        &mut arguments,
        &mut configuration,
        &mut module_configuration,
    ] {
        input.substitute_emulator(&url);
    }
    let secrets = module_configuration.take_secrets(&manifests.secrets);
    if !secrets.is_empty() {
        let names: Vec<&str> = secrets.keys().map(String::as_str).collect();
        output::status(
            "Secrets",
            &format!(
                "{} held by the emulator, as the platform does (not in the module's configuration file)",
                names.join(", ")
            ),
        );
    }
    emulator.set_secrets(Value::Object(secrets));

    let module = ModuleRun::new(&built.binary, &component.docker_parameters)
        .module_configuration(Value::Object(module_configuration.value))
        .echo_output(args.verbose)
        .timeout(NO_TIMEOUT);
    let module = match component.kind {
        Kind::Action => module.arguments(Value::Object(arguments.value)),
        Kind::Trigger => module.trigger_configuration(Value::Object(configuration.value)),
        Kind::Connector => {
            let mut configuration = configuration.value;
            if !configuration.contains_key("intake_key") {
                configuration.insert("intake_key".into(), DEFAULT_INTAKE_KEY.into());
                output::status(
                    "Intake",
                    &format!("no intake_key in --configuration: using \"{DEFAULT_INTAKE_KEY}\""),
                );
            }
            module.connector_configuration(Value::Object(configuration))
        }
    };
    let limits = Limits {
        events: args.events.filter(|_| component.kind.is_long_running()),
        timeout: args.timeout,
    };
    output::status(
        "Running",
        &format!(
            "`{} {}` ({} \"{}\"){}",
            built.shown(),
            component.docker_parameters,
            component.kind,
            component.name,
            until(component.kind, limits)
        ),
    );

    let interrupts = Interrupts::install();
    let mut view = LiveView::new(Instant::now());
    let ended = session::run(module, &emulator, &mut view, limits, &interrupts)?;

    view.outcome();
    if component.kind == Kind::Action && view.finished().is_none() {
        output::warning("the action ended without reporting a \"finished\" status to the platform");
    }
    if !args.verbose && !ended.outcome.success() {
        view.module_output("stdout", &ended.outcome.stdout);
        view.module_output("stderr", &ended.outcome.stderr);
    }
    // An action that failed fails the command, whatever the module's exit status (the module
    // exits 0 once its error is delivered): scripts and CI see the failure.
    let failed_action = component.kind == Kind::Action && !finished_with_results(view.finished());
    let mut ending = ended.describe();
    if failed_action && ended.outcome.status.success() {
        ending.push_str("; the action did not finish with results: exit status 1");
    }
    view.summary(ended.outcome.elapsed, &ending);
    if let Some(console) = emulator.console_url() {
        keep_console(&console, &interrupts);
    }
    if failed_action && ended.outcome.status.success() {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ended.exit_code())
}

/// Keeps the emulator, and its console, up after the module ended, until the next Ctrl-C (or
/// at once when standard input is not a terminal: a script has nobody to look at the page).
fn keep_console(console: &str, interrupts: &Interrupts) {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return;
    }
    output::status("Console", &format!("still at {console}: Ctrl-C to end"));
    let seen = interrupts.count();
    while interrupts.count() == seen {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether an action's `finished` status update reports no error.
fn finished_with_results(finished: Option<&Value>) -> bool {
    finished.is_some_and(|update| update.get("error").is_none_or(Value::is_null))
}

/// ", until Ctrl-C, 3 events or 30s": when a run stops by itself.
fn until(kind: Kind, limits: Limits) -> String {
    let mut stops = Vec::new();
    if kind.is_long_running() {
        stops.push("Ctrl-C".to_owned());
    }
    if let Some(events) = limits.events {
        stops.push(format!(
            "{events} event{}",
            if events == 1 { "" } else { "s" }
        ));
    }
    if let Some(timeout) = limits.timeout {
        stops.push(format!("{}s", timeout.as_secs_f64()));
    }
    match stops.as_slice() {
        [] => String::new(),
        [only] => format!(", until {only}"),
        [init @ .., last] => format!(", until {} or {last}", init.join(", ")),
    }
}

/// Flags that do not apply to this kind of component are ignored, with a warning.
fn warn_unused_flags(args: &RunArgs, component: &Component) {
    let name = &component.docker_parameters;
    match component.kind {
        Kind::Action => {
            if args.configuration.is_some() {
                output::warning(&format!(
                    "--configuration is ignored: {name} is an action, its input is --arguments"
                ));
            }
            if args.events.is_some() {
                output::warning(&format!(
                    "--events is ignored: {name} is an action, it sends no events"
                ));
            }
        }
        kind => {
            if args.arguments.is_some() {
                output::warning(&format!(
                    "--arguments is ignored: {name} is a {kind}, its input is --configuration"
                ));
            }
        }
    }
    let placeholder_misspelt = [
        &args.arguments,
        &args.configuration,
        &args.module_configuration,
    ]
    .into_iter()
    .flatten()
    .any(|raw| raw.contains("{emulator") && !raw.contains(EMULATOR_PLACEHOLDER));
    if placeholder_misspelt {
        output::warning(&format!(
            "a value mentions `{{emulator` but not `{EMULATOR_PLACEHOLDER}`: only the exact \
             placeholder is replaced"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_positive_numbers() {
        assert_eq!(parse_seconds("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_seconds("0").unwrap_err().contains("more than 0"));
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("NaN").is_err());
        assert!(parse_seconds("soon").unwrap_err().contains("not a number"));
        assert!(parse_seconds("1e300").is_err());
    }

    #[test]
    fn the_running_line_says_when_the_run_stops() {
        let limits = Limits {
            events: Some(3),
            timeout: Some(Duration::from_secs(30)),
        };
        assert_eq!(
            until(Kind::Connector, limits),
            ", until Ctrl-C, 3 events or 30s"
        );
        assert_eq!(until(Kind::Trigger, Limits::default()), ", until Ctrl-C");
        assert_eq!(until(Kind::Action, Limits::default()), "");
    }
}
