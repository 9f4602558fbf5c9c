//! Running cargo from `cargo sekoia`, for the module it works on.

use std::process::Command;

/// Prefixes of the variables cargo sets for a crate it builds or runs (`cargo run`, `cargo
/// test`, `cargo sekoia`). They describe this command, not the module: build scripts that
/// watch them (`ring` watches `CARGO_MANIFEST_DIR`, `CARGO_PKG_NAME`...) would rebuild the
/// module, and then again at the next run without them.
const CRATE_VARIABLES: [&str; 8] = [
    "CARGO_PKG_",
    "CARGO_MANIFEST_",
    "CARGO_CRATE_",
    "CARGO_BIN_",
    "CARGO_CFG_",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
];

/// `cargo <subcommand>`: `$CARGO` when cargo started us, else `cargo` from the `PATH`, without
/// the variables of [`CRATE_VARIABLES`] and `OUT_DIR`.
pub fn cargo(subcommand: &str) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.arg(subcommand);
    for (name, _) in std::env::vars_os() {
        let Some(text) = name.to_str() else { continue };
        if text == "OUT_DIR" || CRATE_VARIABLES.iter().any(|p| text.starts_with(p)) {
            command.env_remove(&name);
        }
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_cargo_runs_without_the_variables_of_this_crate() {
        // `cargo test` sets them for this test binary, as `cargo run` does for the command.
        assert!(std::env::var_os("CARGO_MANIFEST_DIR").is_some());
        let command = cargo("build");
        let removed: Vec<_> = command
            .get_envs()
            .filter(|(_, value)| value.is_none())
            .filter_map(|(name, _)| name.to_str())
            .collect();
        assert!(removed.contains(&"CARGO_MANIFEST_DIR"), "{removed:?}");
        assert!(removed.contains(&"CARGO_PKG_NAME"), "{removed:?}");
        assert!(
            !removed
                .iter()
                .any(|name| *name == "CARGO_HOME" || *name == "PATH")
        );
        assert_eq!(command.get_args().collect::<Vec<_>>(), ["build"]);
    }
}
