//! The copies themselves: `cargo package` in the checkout, each `.crate` unpacked into
//! `vendor/<crate>`.

use std::collections::BTreeSet;
use std::path::{Component, Path};
use std::process::Stdio;

use anyhow::{Context as _, bail};

use super::{Checkout, LIBRARY_CRATES};
use crate::cargo::cargo;

/// Files of a `.crate` that are not part of the crate's sources: where it was packaged from,
/// the manifest before cargo normalized it, and a lock file a dependency never uses.
const NOT_COPIED: [&str; 3] = [".cargo_vcs_info.json", "Cargo.toml.orig", "Cargo.lock"];

/// `cargo package` of `crates` in the checkout, into `target/package/` of `target`. Crates of
/// one workspace are packaged together, so that one may need another that is not published.
pub fn package(checkout: &Path, crates: &BTreeSet<String>, target: &Path) -> anyhow::Result<()> {
    let mut command = cargo("package");
    command
        .args(["--no-verify", "--allow-dirty", "--quiet", "--target-dir"])
        .arg(target);
    for name in crates {
        command.args(["--package", name]);
    }
    let out = command
        .current_dir(checkout)
        .stdin(Stdio::null())
        .output()
        .context("cannot run `cargo package` in the sekoia-rs checkout")?;
    if !out.status.success() {
        bail!(
            "`cargo package` failed in the sekoia-rs checkout {}:\n{}",
            checkout.display(),
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    Ok(())
}

/// Unpacks a `.crate` (a gzipped tar of `<name>-<version>/...`) into `destination`, replacing
/// what was there.
pub fn unpack(archive: &Path, destination: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::open(archive)
        .with_context(|| format!("cannot open {}", archive.display()))?;
    if destination.exists() {
        std::fs::remove_dir_all(destination)
            .with_context(|| format!("cannot remove {}", destination.display()))?;
    }
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in tar
        .entries()
        .with_context(|| format!("cannot read {}", archive.display()))?
    {
        let mut entry = entry.with_context(|| format!("cannot read {}", archive.display()))?;
        let path = entry.path()?.into_owned();
        // `<name>-<version>/src/lib.rs` -> `src/lib.rs`; nothing may climb out
        let inner: std::path::PathBuf = path.components().skip(1).collect();
        if inner.as_os_str().is_empty()
            || inner
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            continue;
        }
        if NOT_COPIED.iter().any(|skip| inner == Path::new(skip)) {
            continue;
        }
        let target = destination.join(&inner);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        entry
            .unpack(&target)
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    Ok(())
}

/// Removes the copies of sekoia-rs crates the module no longer uses (other folders of
/// `vendor/` are left alone).
pub fn remove_stale(vendor: &Path, kept: &BTreeSet<String>) -> anyhow::Result<()> {
    for name in LIBRARY_CRATES {
        let dir = vendor.join(name);
        if !kept.contains(name) && dir.is_dir() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot remove {}", dir.display()))?;
        }
    }
    Ok(())
}

/// `vendor/README.md`: what the folder is, where the copies come from, how to refresh them.
pub fn write_readme(
    vendor: &Path,
    checkout: &Checkout,
    crates: &BTreeSet<String>,
) -> anyhow::Result<()> {
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(&checkout.root)
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned());
    let list: String = crates
        .iter()
        .map(|name| format!("| `{name}` | {} |\n", checkout.version(name).unwrap_or("?")))
        .collect();
    let source = match commit {
        Some(commit) => format!("sekoia-rs at commit `{commit}`"),
        None => "a sekoia-rs checkout".to_owned(),
    };
    let text = format!(
        "# vendor/\n\n\
         The sekoia-rs crates this module uses, as `cargo package` makes them (what crates.io will\n\
         hold), copied from {source}. The module depends on them by version; the\n\
         `[patch.crates-io]` table of `Cargo.toml` points those versions here, so the repository\n\
         builds alone: a fresh clone, or a Docker build from the module directory.\n\n\
         | crate | version |\n|---|---|\n{list}\n\
         Do not edit these files. Refresh them with `cargo sekoia vendor`; once the crates are\n\
         published, `cargo sekoia vendor --published` deletes the table and this folder.\n"
    );
    std::fs::create_dir_all(vendor)?;
    let path = vendor.join("README.md");
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}
