//! # sekoia-build
//!
//! The `build.rs` of a sekoia-rs module is one line that names its components crate:
//!
//! ```ignore
//! sekoia_build::main!(testhttp_modules);
//! ```
//!
//! With that crate in `[build-dependencies]` (and in `[dependencies]`, for the binary), every
//! `cargo build` then:
//! - writes `manifest.json`, `action_*.json`, `trigger_*.json` and `connector_*.json` at the module
//!   root (the package with `build.rs`), as Python's `json.dumps(obj, indent=2)` bytes, rewriting a
//!   file only when its content changes;
//! - removes a component manifest that no registration produces any more (a renamed or deleted
//!   component) and says so in a cargo warning;
//! - fails, with every problem listed, when the registrations are inconsistent (no component,
//!   duplicate files, docker_parameters or uuids);
//! - warns of what Sekoia's checker would refuse but the build can write (no categories);
//! - writes `$OUT_DIR/sekoia_components.rs`, which `sekoia_runtime::run!()` includes so the binary
//!   links the same registrations.
//!
//! The version in `manifest.json` is the module package's Cargo version.
#![warn(missing_docs, unreachable_pub)]

mod files;

use std::path::{Path, PathBuf};

use sekoia_manifest::manifest::{self, ManifestError};
use sekoia_manifest::{Registry, RegistryError};

pub use files::Report;

/// The whole `build.rs` of a module: `sekoia_build::main!(my_components_crate);`.
///
/// Naming the crate is what makes its registrations visible: a crate that is only listed in
/// `[build-dependencies]` and never named is not linked, and its components would be missing.
#[macro_export]
macro_rules! main {
    ($components:ident) => {
        use $components as _;

        fn main() {
            $crate::build(::core::stringify!($components));
        }
    };
}

/// Why the manifests cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The registrations are inconsistent.
    #[error("{0}")]
    Registry(#[from] RegistryError),
    /// A schema or manifest cannot be produced.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Manifest(Vec<ManifestError>),
    /// A file cannot be read, written or removed.
    #[error("{action} {}: {source}", .path.display())]
    Io {
        /// `cannot write` ...
        action: &'static str,
        /// Which file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A Cargo variable is missing: not run by cargo.
    #[error("environment variable {0} is not set: sekoia_build runs from a build.rs, under cargo")]
    NotUnderCargo(&'static str),
}

/// What `main!` calls: writes the manifests of the registrations of this build script, prints the
/// cargo directives, and exits with an error listing every problem when it cannot.
pub fn build(components_crate: &str) {
    match build_from_env(components_crate) {
        Ok(report) => {
            for warning in &report.warnings {
                println!("cargo:warning={warning}");
            }
            for removed in &report.removed {
                println!(
                    "cargo:warning=removed {removed}: no registered component writes it any more (renamed or deleted component)"
                );
            }
        }
        Err(e) => {
            eprintln!("error: sekoia-build cannot write the module manifests:\n{e}");
            std::process::exit(1);
        }
    }
}

fn build_from_env(components_crate: &str) -> Result<Report, BuildError> {
    let var = |name: &'static str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .ok_or(BuildError::NotUnderCargo(name))
    };
    let module_root = var("CARGO_MANIFEST_DIR")?;
    let out_dir = var("OUT_DIR")?;
    let version = std::env::var("CARGO_PKG_VERSION")
        .map_err(|_| BuildError::NotUnderCargo("CARGO_PKG_VERSION"))?;
    let registry = Registry::from_inventory()?;
    let report = generate(&registry, &module_root, &version)?;
    files::write_if_changed(
        &out_dir.join("sekoia_components.rs"),
        &format!(
            "// written by sekoia-build: links the registrations of `{components_crate}`\nuse {components_crate} as _;\n"
        ),
    )?;
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=Cargo.toml");
    for file in report.written.iter().chain(&report.unchanged) {
        println!("cargo:rerun-if-changed={file}");
    }
    Ok(report)
}

/// Writes the manifests of `registry` into `module_root`: only files whose bytes change are
/// rewritten, and stale component manifests are removed.
pub fn generate(
    registry: &Registry,
    module_root: &Path,
    version: &str,
) -> Result<Report, BuildError> {
    let files = manifest::render(registry, version).map_err(BuildError::Manifest)?;
    let mut report = files::sync(module_root, &files)?;
    report.warnings = manifest::warnings(registry);
    Ok(report)
}
