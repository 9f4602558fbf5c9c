//! `cargo sekoia vendor`: the module's own copy of the sekoia-rs crates it uses, so that its
//! repository builds alone (a fresh clone, a Docker build from its directory) while the crates
//! are not on crates.io.
//!
//! The module depends on the crates by version, as it will once they are published; its
//! `[patch.crates-io]` table points those versions at `vendor/<crate>`. Each copy is what `cargo
//! package` makes of the crate in a sekoia-rs checkout, that is what crates.io will hold. Once
//! the crates are published, deleting the table (and `vendor/`) is the whole switch:
//! `cargo sekoia vendor --published` does it.

mod copy;
mod patch;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};

use anyhow::{Context as _, bail};
use serde::Deserialize;

use crate::cargo::cargo;
use crate::output;

/// The folder of the copies, relative to the module root.
pub const VENDOR_DIR: &str = "vendor";

/// Arguments of `cargo sekoia vendor`.
#[derive(clap::Args)]
pub struct VendorArgs {
    /// The module's directory (its root Cargo.toml)
    #[arg(default_value = ".")]
    pub module: PathBuf,
    /// The sekoia-rs checkout to copy the crates from (default: the one this cargo-sekoia was
    /// built from)
    #[arg(long, value_name = "DIR")]
    pub sekoia_path: Option<PathBuf>,
    /// Switch to the crates published on crates.io: remove the patch table and vendor/
    #[arg(long, conflicts_with = "sekoia_path")]
    pub published: bool,
}

/// Runs `cargo sekoia vendor`.
pub fn run(args: VendorArgs) -> anyhow::Result<ExitCode> {
    let module = module_root(&args.module)?;
    if args.published {
        let removed = patch::remove(&module.join("Cargo.toml"))?;
        let vendor = module.join(VENDOR_DIR);
        if vendor.is_dir() {
            std::fs::remove_dir_all(&vendor)
                .with_context(|| format!("cannot remove {}", vendor.display()))?;
        }
        relock(&module)?;
        output::status(
            "Switched",
            &format!(
                "to the published crates ({})",
                if removed.is_empty() {
                    "there was no patch".to_owned()
                } else {
                    removed.join(", ")
                }
            ),
        );
        return Ok(ExitCode::SUCCESS);
    }
    let checkout = Checkout::locate(args.sekoia_path.as_deref())?.with_context(|| {
        "no sekoia-rs checkout to copy the crates from: pass --sekoia-path <DIR> \
         (or --published once the crates are on crates.io)"
    })?;
    let vendored = vendor(&module, &checkout)?;
    relock(&module)?;
    output::status(
        "Vendored",
        &format!(
            "{} from {} into {}",
            vendored.join(", "),
            checkout.root.display(),
            module.join(VENDOR_DIR).display()
        ),
    );
    Ok(ExitCode::SUCCESS)
}

/// The module root: a directory with a Cargo.toml.
fn module_root(dir: &Path) -> anyhow::Result<PathBuf> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        bail!(
            "{} has no Cargo.toml: give the module's directory (the one with build.rs)",
            dir.display()
        );
    }
    dir.canonicalize()
        .with_context(|| format!("cannot resolve {}", dir.display()))
}

/// A sekoia-rs checkout: the workspace the crates are packaged from.
pub struct Checkout {
    /// Its root directory.
    pub root: PathBuf,
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
}

#[derive(Deserialize, Clone)]
struct Package {
    name: String,
    version: String,
    dependencies: Vec<Dependency>,
}

#[derive(Deserialize, Clone)]
struct Dependency {
    name: String,
    kind: Option<String>,
}

impl Checkout {
    /// `explicit` (`--sekoia-path`), else the checkout this cargo-sekoia was built from when it
    /// is still there; `None` when there is none.
    pub fn locate(explicit: Option<&Path>) -> anyhow::Result<Option<Checkout>> {
        let root = match explicit {
            Some(path) => {
                let path = path
                    .canonicalize()
                    .with_context(|| format!("--sekoia-path {}", path.display()))?;
                if !is_checkout(&path) {
                    bail!(
                        "--sekoia-path {}: not a sekoia-rs checkout (no sekoia-runtime/Cargo.toml there)",
                        path.display()
                    );
                }
                path
            }
            None => match built_from() {
                Some(root) => root,
                None => return Ok(None),
            },
        };
        let out = cargo("metadata")
            .args(["--format-version", "1", "--no-deps"])
            .current_dir(&root)
            .stdin(Stdio::null())
            .output()
            .context("cannot run `cargo metadata` in the sekoia-rs checkout")?;
        if !out.status.success() {
            bail!(
                "`cargo metadata` failed in the sekoia-rs checkout {}:\n{}",
                root.display(),
                String::from_utf8_lossy(&out.stderr).trim_end()
            );
        }
        let metadata: Metadata = serde_json::from_slice(&out.stdout)
            .context("cannot read the output of `cargo metadata`")?;
        Ok(Some(Checkout {
            root,
            packages: metadata.packages,
        }))
    }

    /// The version of one of its crates.
    pub fn version(&self, name: &str) -> Option<&str> {
        self.packages
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.version.as_str())
    }

    /// `wanted` and every crate of the checkout they need to build (normal and build
    /// dependencies; development dependencies are not built for a dependency).
    fn closure(&self, wanted: &BTreeSet<String>) -> BTreeSet<String> {
        let mut all = BTreeSet::new();
        let mut todo: Vec<String> = wanted.iter().cloned().collect();
        while let Some(name) = todo.pop() {
            let Some(package) = self.packages.iter().find(|p| p.name == name) else {
                continue;
            };
            if !all.insert(name) {
                continue;
            }
            for dependency in &package.dependencies {
                if dependency.kind.as_deref() != Some("dev")
                    && self.packages.iter().any(|p| p.name == dependency.name)
                {
                    todo.push(dependency.name.clone());
                }
            }
        }
        all
    }
}

/// The checkout cargo-sekoia was built from, if it is still there (a crates.io install has none).
pub fn built_from() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .filter(|root| is_checkout(root))
        .map(Path::to_owned)
}

fn is_checkout(root: &Path) -> bool {
    root.join("sekoia-runtime/Cargo.toml").is_file() && root.join("Cargo.toml").is_file()
}

/// The crates of the sekoia-rs workspace that can be vendored (the library crates).
pub const LIBRARY_CRATES: [&str; 5] = [
    "sekoia-manifest",
    "sekoia-macros",
    "sekoia-runtime",
    "sekoia-build",
    "sekoia-emulator",
];

/// Copies into `module/vendor/` exactly the crates of the checkout the module uses, points the
/// module's `[patch.crates-io]` at them and turns path dependencies on the checkout into
/// version ones. Returns the crates copied.
pub fn vendor(module: &Path, checkout: &Checkout) -> anyhow::Result<Vec<String>> {
    let manifests = patch::member_manifests(module)?;
    let direct = patch::used_crates(&manifests, &LIBRARY_CRATES)?;
    if direct.is_empty() {
        bail!(
            "{} does not depend on any sekoia-rs crate ({})",
            module.join("Cargo.toml").display(),
            LIBRARY_CRATES.join(", ")
        );
    }
    let crates = checkout.closure(&direct);
    let staging = tempfile::tempdir().context("cannot create a temporary directory")?;
    copy::package(&checkout.root, &crates, staging.path())?;
    let vendor = module.join(VENDOR_DIR);
    let mut copied = Vec::new();
    for name in &crates {
        let version = checkout
            .version(name)
            .with_context(|| format!("{name} is not a package of the checkout"))?;
        let archive = staging
            .path()
            .join("package")
            .join(format!("{name}-{version}.crate"));
        copy::unpack(&archive, &vendor.join(name))?;
        copied.push(name.clone());
    }
    copy::remove_stale(&vendor, &crates)?;
    copy::write_readme(&vendor, checkout, &crates)?;
    for manifest in &manifests {
        patch::depend_by_version(manifest, checkout)?;
    }
    patch::write(&module.join("Cargo.toml"), &crates)?;
    Ok(copied)
}

/// Whether the root manifest patches sekoia-rs crates from `vendor/`.
pub fn is_vendored(root: &Path) -> anyhow::Result<bool> {
    let document = patch::read(root)?;
    Ok(document
        .get("patch")
        .and_then(|p| p.get("crates-io"))
        .and_then(toml_edit::Item::as_table_like)
        .is_some_and(|table| LIBRARY_CRATES.iter().any(|name| table.contains_key(name))))
}

/// The root manifest and those of the workspace members it lists.
pub fn member_manifests(module: &Path) -> anyhow::Result<Vec<PathBuf>> {
    patch::member_manifests(module)
}

/// Brings Cargo.lock in line with the manifests, changing nothing else.
pub fn relock(module: &Path) -> anyhow::Result<()> {
    let out = cargo("update")
        .args(["--workspace", "--quiet"])
        .current_dir(module)
        .stdin(Stdio::null())
        .output()
        .context("cannot run `cargo update`")?;
    if !out.status.success() {
        bail!(
            "`cargo update --workspace` failed in {}:\n{}",
            module.display(),
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    Ok(())
}
