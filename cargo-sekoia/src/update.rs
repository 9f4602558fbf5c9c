//! `cargo sekoia update`: the Rust counterpart of the Python SDK's `update-sdk-version`, for
//! Rust modules: the sekoia-rs dependencies to a new version (and `vendor/` refreshed), the
//! module version bumped in `Cargo.toml` and `manifest.json`, a CHANGELOG entry, Cargo.lock
//! updated. `--dry-run` shows the changes as a diff. See `docs/update.md`.

mod changelog;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use toml_edit::{DocumentMut, Item};

use crate::check::discover;
use crate::output;
use crate::vendor::{self, Checkout, LIBRARY_CRATES};

/// Which part of the version to bump.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Bump {
    /// `1.2.3` -> `2.0.0`
    Major,
    /// `1.2.3` -> `1.3.0`
    Minor,
    /// `1.2.3` -> `1.2.4`
    Patch,
}

/// Arguments of `cargo sekoia update`.
#[derive(clap::Args)]
pub struct UpdateArgs {
    /// Module directories, or directories holding modules
    #[arg(value_name = "MODULE", default_value = ".")]
    pub modules: Vec<PathBuf>,
    /// The sekoia-rs version to depend on (default: the version of the checkout the crates are
    /// vendored from, else this cargo-sekoia's)
    #[arg(long, value_name = "VERSION")]
    pub sekoia_version: Option<semver::Version>,
    /// Which part of the module version to bump
    #[arg(long, value_enum, default_value = "minor", conflicts_with = "version")]
    pub bump: Bump,
    /// The new module version, instead of a bump
    #[arg(long, value_name = "VERSION")]
    pub version: Option<semver::Version>,
    /// The sekoia-rs checkout to refresh vendor/ from (default: the one this cargo-sekoia was
    /// built from)
    #[arg(long, value_name = "DIR")]
    pub sekoia_path: Option<PathBuf>,
    /// Show the changes as a diff, change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// A file and its new content.
struct Edit {
    path: PathBuf,
    before: String,
    after: String,
}

/// Runs `cargo sekoia update`.
pub fn run(args: UpdateArgs) -> anyhow::Result<ExitCode> {
    let selection = discover::select(&args.modules)?;
    let checkout = Checkout::locate(args.sekoia_path.as_deref())?;
    let mut updated = 0;
    for module in &selection.modules {
        if !module.join("Cargo.toml").is_file() {
            output::warning(&format!(
                "{}: not a Rust module (no Cargo.toml), left alone",
                module.display()
            ));
            continue;
        }
        update_module(module, &args, checkout.as_ref())
            .with_context(|| format!("cannot update the module in {}", module.display()))?;
        updated += 1;
    }
    if updated == 0 {
        bail!("no Rust module to update");
    }
    Ok(ExitCode::SUCCESS)
}

fn update_module(
    module: &Path,
    args: &UpdateArgs,
    checkout: Option<&Checkout>,
) -> anyhow::Result<()> {
    let root = module.join("Cargo.toml");
    let vendored = vendor::is_vendored(&root)?;
    let sekoia_version = match &args.sekoia_version {
        Some(version) => version.to_string(),
        None => checkout
            .filter(|_| vendored)
            .and_then(|c| c.version("sekoia-runtime"))
            .unwrap_or(env!("CARGO_PKG_VERSION"))
            .to_owned(),
    };
    if vendored
        && let Some(available) = checkout.and_then(|c| c.version("sekoia-runtime"))
        && available != sekoia_version
    {
        bail!(
            "the module's sekoia-rs crates come from vendor/, and the checkout they are copied from \
             has version {available}, not {sekoia_version}: pass --sekoia-path <a checkout of \
             {sekoia_version}>, or switch to the published crates first (`cargo sekoia vendor --published`)"
        );
    }
    let mut edits = Vec::new();
    // the package version
    let before = read(&root)?;
    let mut document: DocumentMut = before
        .parse()
        .with_context(|| format!("{} is not valid TOML", root.display()))?;
    let current = document
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(Item::as_str)
        .with_context(|| format!("{}: no [package] version", root.display()))?;
    let current = semver::Version::parse(current)
        .with_context(|| format!("{}: the package version {current:?}", root.display()))?;
    let next = match &args.version {
        Some(version) => version.clone(),
        None => bump(&current, args.bump),
    };
    if next <= current {
        bail!("the new version {next} is not above the current one, {current}");
    }
    document["package"]["version"] = toml_edit::value(next.to_string());
    set_sekoia_versions(&mut document, &sekoia_version);
    edits.push(Edit {
        path: root.clone(),
        before,
        after: document.to_string(),
    });
    // the members' dependencies
    for manifest in vendor::member_manifests(module)?.into_iter().skip(1) {
        let before = read(&manifest)?;
        let mut document: DocumentMut = before
            .parse()
            .with_context(|| format!("{} is not valid TOML", manifest.display()))?;
        set_sekoia_versions(&mut document, &sekoia_version);
        edits.push(Edit {
            path: manifest,
            before,
            after: document.to_string(),
        });
    }
    // manifest.json, as the next build writes it
    let manifest_json = module.join("manifest.json");
    if manifest_json.is_file() {
        let before = read(&manifest_json)?;
        let mut value: serde_json::Value = serde_json::from_str(&before)
            .with_context(|| format!("{} is not valid JSON", manifest_json.display()))?;
        value["version"] = serde_json::Value::String(next.to_string());
        edits.push(Edit {
            path: manifest_json,
            before,
            after: sekoia_manifest::pyjson::dumps(&value),
        });
    }
    // the CHANGELOG entry
    let changelog_path = module.join("CHANGELOG.md");
    let before = if changelog_path.is_file() {
        read(&changelog_path)?
    } else {
        String::new()
    };
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let after = changelog::release(
        &before,
        &next.to_string(),
        &today,
        &format!("Upgrade sekoia-rs to {sekoia_version}"),
    );
    edits.push(Edit {
        path: changelog_path,
        before,
        after,
    });

    let name = module.file_name().unwrap_or_default().to_string_lossy();
    if args.dry_run {
        for edit in edits.iter().filter(|e| e.before != e.after) {
            print_diff(module, edit);
        }
        println!(
            "{name}: {current} -> {next}, sekoia-rs {sekoia_version}{} (dry run: nothing written)",
            if vendored { ", vendor/ refreshed" } else { "" }
        );
        return Ok(());
    }
    for edit in edits.iter().filter(|e| e.before != e.after) {
        std::fs::write(&edit.path, &edit.after)
            .with_context(|| format!("cannot write {}", edit.path.display()))?;
    }
    if vendored {
        let checkout = checkout.with_context(|| {
            "the module's sekoia-rs crates are vendored, and there is no checkout to refresh them \
             from: pass --sekoia-path <DIR>"
        })?;
        vendor::vendor(module, checkout)?;
    }
    vendor::relock(module)?;
    output::status(
        "Updated",
        &format!("{name}: {current} -> {next}, sekoia-rs {sekoia_version}, CHANGELOG entry added"),
    );
    Ok(())
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn bump(version: &semver::Version, part: Bump) -> semver::Version {
    match part {
        Bump::Major => semver::Version::new(version.major + 1, 0, 0),
        Bump::Minor => semver::Version::new(version.major, version.minor + 1, 0),
        Bump::Patch => semver::Version::new(version.major, version.minor, version.patch + 1),
    }
}

/// Sets the version requirement of every sekoia-rs dependency of the document.
fn set_sekoia_versions(document: &mut DocumentMut, version: &str) {
    for kind in ["dependencies", "build-dependencies", "dev-dependencies"] {
        let Some(table) = document.get_mut(kind).and_then(Item::as_table_like_mut) else {
            continue;
        };
        for name in LIBRARY_CRATES {
            let Some(item) = table.get_mut(name) else {
                continue;
            };
            if item.is_str() {
                *item = toml_edit::value(version);
            } else if let Some(inline) = item.as_inline_table_mut() {
                if inline.contains_key("version") {
                    inline.insert("version", version.into());
                }
            } else if let Some(dependency) = item.as_table_mut()
                && dependency.contains_key("version")
            {
                dependency.insert("version", toml_edit::value(version));
            }
        }
    }
}

/// A unified diff of one edit, paths relative to the module.
fn print_diff(module: &Path, edit: &Edit) {
    let relative = edit
        .path
        .strip_prefix(module)
        .unwrap_or(&edit.path)
        .display()
        .to_string();
    let diff = similar::TextDiff::from_lines(&edit.before, &edit.after);
    print!(
        "{}",
        diff.unified_diff()
            .context_radius(2)
            .header(&format!("a/{relative}"), &format!("b/{relative}"))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_bump_as_semver_says() {
        let v = semver::Version::new(1, 120, 2);
        assert_eq!(bump(&v, Bump::Minor).to_string(), "1.121.0");
        assert_eq!(bump(&v, Bump::Patch).to_string(), "1.120.3");
        assert_eq!(bump(&v, Bump::Major).to_string(), "2.0.0");
    }

    #[test]
    fn every_kind_of_sekoia_dependency_gets_the_version() {
        let mut document: DocumentMut =
            "[dependencies]\nsekoia-runtime = \"0.1.0\"\nserde = \"1\"\n\
             [build-dependencies]\nsekoia-build = { version = \"0.1.0\", features = [] }\n\
             [dev-dependencies.sekoia-emulator]\nversion = \"0.1\"\n"
                .parse()
                .unwrap();
        set_sekoia_versions(&mut document, "0.2.0");
        assert_eq!(
            document.to_string(),
            "[dependencies]\nsekoia-runtime = \"0.2.0\"\nserde = \"1\"\n\
             [build-dependencies]\nsekoia-build = { version = \"0.2.0\", features = [] }\n\
             [dev-dependencies.sekoia-emulator]\nversion = \"0.2.0\"\n"
        );
    }
}
