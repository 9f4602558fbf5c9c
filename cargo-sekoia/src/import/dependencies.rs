//! How an imported module depends on sekoia-rs: as `cargo sekoia new` makes it (by version, the
//! crates copied into its `vendor/`, so its repository builds alone), or, with
//! `--path-dependencies`, by path on the checkout (modules built beside it, as a whole catalogue
//! is when it is measured: one build of the sekoia-rs crates serves them all).

use std::path::Path;

use crate::vendor::Checkout;

/// The values of the module's sekoia-rs dependencies in its Cargo.toml files.
pub(crate) struct Dependencies {
    /// `sekoia-runtime = <this>`.
    pub(crate) runtime: String,
    /// `sekoia-build = <this>`.
    pub(crate) build: String,
}

impl Dependencies {
    /// By path on `checkout` when `by_path`, else by version (the checkout's, or this
    /// cargo-sekoia's without one).
    pub(crate) fn of(checkout: Option<&Checkout>, by_path: bool) -> Dependencies {
        match checkout {
            Some(checkout) if by_path => {
                let path = |dir: &str| path_value(&checkout.root.join(dir));
                Dependencies {
                    runtime: path("sekoia-runtime"),
                    build: path("build-support"),
                }
            }
            _ => {
                let version = checkout
                    .and_then(|c| c.version("sekoia-runtime"))
                    .unwrap_or(env!("CARGO_PKG_VERSION"));
                Dependencies {
                    runtime: format!("\"{version}\""),
                    build: format!("\"{version}\""),
                }
            }
        }
    }
}

fn path_value(path: &Path) -> String {
    format!("{{ path = {:?} }}", path.display().to_string())
}
