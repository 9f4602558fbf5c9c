//! Building a Rust module with `cargo build`, in its directory, to get the binary whose
//! registrations are checked.
//!
//! The build script of a module writes its JSON files, so building may rewrite the files just
//! checked: a file that was out of date (a component changed and the module not rebuilt before
//! committing) is reported, since Sekoia imports the committed files.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use serde::Deserialize;

use super::module::Module;
use crate::output;

/// Why the module binary cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// cargo cannot be started.
    #[error("cannot run cargo to build the module: {0}")]
    Cargo(#[source] std::io::Error),
    /// The build failed: the first error cargo printed.
    #[error("the module cannot be built: {0}")]
    Failed(String),
    /// The package has no binary target.
    #[error(
        "`cargo build` built no binary for this package: a module package has one, src/main.rs"
    )]
    NoBinary,
    /// The package has several binary targets.
    #[error(
        "`cargo build` built several binaries for this package ({0}): pass the module's with --binary"
    )]
    SeveralBinaries(String),
}

/// What cargo says of one built unit (`--message-format=json`), the fields used here.
#[derive(Deserialize)]
struct Artifact {
    reason: String,
    #[serde(default)]
    manifest_path: Option<PathBuf>,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    executable: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Target {
    kind: Vec<String>,
}

/// Builds the module and returns its binary; cargo's progress and diagnostics go through to
/// standard error. Files that the build rewrote are reported on the module.
pub fn build(module: &mut Module) -> Result<PathBuf, BuildError> {
    output::status(
        "Building",
        &format!(
            "{} (cargo build), for the registrations of its binary",
            module.name
        ),
    );
    let before = root_json_files(&module.dir);
    let built = run_cargo_build(&module.dir);
    report_rewritten(module, &before);
    let (status, stdout, stderr) = built?;
    if !status.success() {
        let first_error = stderr
            .lines()
            .map(str::trim)
            .find(|line| line.starts_with("error"))
            .map(str::to_owned);
        return Err(BuildError::Failed(
            first_error.unwrap_or_else(|| format!("`cargo build` failed ({status})")),
        ));
    }
    let manifest = module.path("Cargo.toml");
    let mut binaries: Vec<PathBuf> = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Artifact>(line).ok())
        .filter(|artifact| artifact.reason == "compiler-artifact")
        .filter(|artifact| {
            artifact
                .target
                .as_ref()
                .is_some_and(|t| t.kind.iter().any(|k| k == "bin"))
        })
        .filter(|artifact| {
            artifact
                .manifest_path
                .as_deref()
                .is_some_and(|path| same_file(path, &manifest))
        })
        .filter_map(|artifact| artifact.executable)
        .collect();
    binaries.sort();
    binaries.dedup();
    match binaries.len() {
        0 => Err(BuildError::NoBinary),
        1 => Ok(binaries.remove(0)),
        _ => Err(BuildError::SeveralBinaries(
            binaries
                .iter()
                .filter_map(|b| b.file_name())
                .map(|n| n.to_string_lossy())
                .collect::<Vec<_>>()
                .join(", "),
        )),
    }
}

/// `cargo build --message-format=json-render-diagnostics` in `dir`: its exit status, its JSON
/// messages, and its standard error, which is also passed on as it comes.
fn run_cargo_build(dir: &Path) -> Result<(ExitStatus, String, String), BuildError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child = Command::new(cargo)
        .args(["build", "--message-format=json-render-diagnostics"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(BuildError::Cargo)?;
    let stderr = child.stderr.take().map(|pipe| {
        std::thread::spawn(move || {
            let mut kept = String::new();
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                eprintln!("{line}");
                kept.push_str(&line);
                kept.push('\n');
            }
            kept
        })
    });
    let mut stdout = String::new();
    if let Some(mut pipe) = child.stdout.take() {
        // a message that is not UTF-8 is not one of cargo's: what was read is enough
        let _ = pipe.read_to_string(&mut stdout);
    }
    let status = child.wait().map_err(BuildError::Cargo)?;
    let stderr = stderr
        .and_then(|reader| reader.join().ok())
        .unwrap_or_default();
    Ok((status, stdout, stderr))
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// The JSON files at the module root and their bytes.
fn root_json_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            )
        })
        .filter(|(name, path)| name.ends_with(".json") && path.is_file())
        .filter_map(|(name, path)| Some((name, std::fs::read(path).ok()?)))
        .collect()
}

/// Reports the files the build changed. A file it created or removed is a component added or
/// renamed since the last build, which the registration rule reports already: that the build
/// fixed it is only said on standard error.
fn report_rewritten(module: &mut Module, before: &BTreeMap<String, Vec<u8>>) {
    let after = root_json_files(&module.dir);
    for (name, bytes) in before {
        if after.get(name).is_some_and(|now| now != bytes) {
            module.problem(
                name,
                "`cargo build` rewrote this file: the checked version was out of date, commit the new one",
            );
        }
    }
    let created: Vec<&str> = after
        .keys()
        .filter(|name| !before.contains_key(*name))
        .map(String::as_str)
        .collect();
    if !created.is_empty() {
        output::warning(&format!(
            "`cargo build` wrote {} in {}: commit them and check again",
            created.join(", "),
            module.name
        ));
    }
    let removed: Vec<&str> = before
        .keys()
        .filter(|name| !after.contains_key(*name))
        .map(String::as_str)
        .collect();
    if !removed.is_empty() {
        output::warning(&format!(
            "`cargo build` removed {} from {}: no component writes them any more",
            removed.join(", "),
            module.name
        ));
    }
}
