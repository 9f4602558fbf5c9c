//! `cargo sekoia check`: the rules of Sekoia's module checker (`_utils/compliance` of the
//! automation-library) and of its JSON linter, enforced natively with the same messages and
//! lines, plus the Rust counterparts of its Python-specific rules. See `docs/check.md`.
//!
//! The rules run in the order of the Python checker, each module on its own first (CHANGELOG,
//! manifest, logo, then for a module with code: tests, lock file, Dockerfile, component JSON
//! files), then across files and modules (uuids, slugs, docker_parameters), and last the
//! registrations of each Rust module's binary, since building may take a while.

mod build;
mod changelog;
mod component;
pub mod discover;
mod format;
mod logo;
mod manifest;
mod module;
mod project;
mod python;
mod registrations;
mod report;
mod schema;
mod uniqueness;
mod version;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use self::module::{Language, Module};

/// Arguments of `cargo sekoia check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// Module directories, or directories holding modules (like the automation-library root)
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Read the registrations from this module binary, already built, instead of building each
    /// Rust module with `cargo build` (meant for checking one module)
    #[arg(long, value_name = "FILE")]
    pub binary: Option<PathBuf>,
    /// Check only what Sekoia's own checker checks (the automation-library's CI), with its
    /// outcome and its lines: for a Rust module, the CHANGELOG, the manifest, the logo and the
    /// uniqueness of slugs and uuids
    #[arg(long, conflicts_with = "binary")]
    pub as_sekoia: bool,
}

/// Runs `cargo sekoia check`: prints the report and exits with 1 when there are errors.
pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let binary = match &args.binary {
        Some(binary) => Some(
            binary
                .canonicalize()
                .with_context(|| format!("--binary {}", binary.display()))?,
        ),
        None => None,
    };
    let selection = discover::select(&args.paths)?;
    for dir in &selection.modules {
        inside_a_module(dir)?;
    }
    println!("{}", report::found(selection.modules.len()));
    let mut modules: Vec<Module> = selection.modules.into_iter().map(Module::new).collect();
    // Sekoia's checker reads the files as committed; it builds nothing
    if binary.is_none() && !args.as_sekoia {
        for module in modules.iter_mut().filter(|m| m.language == Language::Rust) {
            registrations::build_first(module);
        }
    }
    for module in &mut modules {
        if args.as_sekoia {
            check_as_sekoia(module);
        } else {
            check_files(module);
        }
    }
    uniqueness::check_uuids_and_slugs(&mut modules);
    uniqueness::check_docker_parameters(&mut modules);
    if !args.as_sekoia {
        for module in modules.iter_mut().filter(|m| m.language == Language::Rust) {
            registrations::check(module, binary.as_deref());
        }
    }
    let failed = report::print(&modules, &selection.ignored, args.as_sekoia)
        .context("cannot write the report")?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// A directory without manifest.json inside a module (its components crate, its `src/`): the
/// module is the directory above, say so rather than report its files as missing.
fn inside_a_module(dir: &std::path::Path) -> anyhow::Result<()> {
    if dir.join("manifest.json").is_file() {
        return Ok(());
    }
    if let Some(module) = dir
        .ancestors()
        .skip(1)
        .find(|a| a.join("manifest.json").is_file() && a.join("Cargo.toml").is_file())
    {
        let relative = pathdiff(module, dir);
        anyhow::bail!(
            "{} is inside the module {}, which is what Sekoia checks: run `cargo sekoia check {relative}` (or `cargo sekoia check` in {})",
            dir.display(),
            module.display(),
            module.display()
        );
    }
    Ok(())
}

/// `..` as many times as `dir` is below `module`.
fn pathdiff(module: &std::path::Path, dir: &std::path::Path) -> String {
    let depth = dir
        .strip_prefix(module)
        .map(|rest| rest.components().count())
        .unwrap_or(1);
    vec![".."; depth.max(1)].join("/")
}

/// The rules Sekoia's checker applies to one module: the CHANGELOG, the manifest and the logo of
/// every module; the tests, lock file, Dockerfile, component JSON files and `main.py` of a module
/// with a `pyproject.toml` only (a Rust module has none).
fn check_as_sekoia(module: &mut Module) {
    changelog::check(module);
    manifest::check(module, true);
    logo::check(module);
    if module.path("pyproject.toml").exists() {
        python::tests_and_lock(module);
        project::dockerfile(module);
        component::check(module);
        python::main_py(module);
    }
}

/// The rules of one module that read its files.
fn check_files(module: &mut Module) {
    changelog::check(module);
    manifest::check(module, false);
    version::check(module);
    logo::check(module);
    project::check(module);
    if module.has_code() {
        component::check(module);
    }
    format::check(module);
}
