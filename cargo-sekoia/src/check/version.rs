//! The manifest version is the newest version of the CHANGELOG: Sekoia's tutorial asks to bump
//! both together, and the platform rebuilds and restarts a module only when its version changes.
//! Sekoia's checker does not enforce it.

use super::module::{Language, Module, Release};

/// Compares the `version` of manifest.json with the newest released version of CHANGELOG.md.
/// A CHANGELOG with no release yet (only `## Unreleased`) is accepted for a catalogue entry with
/// no code, as Sekoia's own are; a module with code has released its version.
pub fn check(module: &mut Module) {
    let (Some(manifest), Some(release)) =
        (module.version.clone(), module.changelog_release.clone())
    else {
        return;
    };
    let hint = if module.language == Language::Rust {
        "the manifest version is the package version of Cargo.toml"
    } else {
        "bump both together"
    };
    let message = match release {
        Release::Version(newest) if newest != manifest => {
            let hint = match (
                semver::Version::parse(&manifest),
                semver::Version::parse(&newest),
            ) {
                // a Rust module's version was bumped in Cargo.toml: the entry is what is missing
                (Ok(ours), Ok(theirs)) if module.language == Language::Rust && ours > theirs => {
                    format!(
                        "add `## {} - {manifest}` under `## Unreleased` in CHANGELOG.md, with what changed (`cargo sekoia update` bumps both)",
                        chrono::Utc::now().format("%Y-%m-%d")
                    )
                }
                (Ok(ours), Ok(theirs)) if module.language == Language::Rust && ours < theirs => {
                    format!(
                        "set `version = \"{newest}\"` in Cargo.toml (the manifest version is the package version)"
                    )
                }
                _ => hint.to_owned(),
            };
            format!(
                "`version` '{manifest}' is not the newest version of CHANGELOG.md, '{newest}': {hint}"
            )
        }
        Release::Unreleased if module.has_code() => {
            format!(
                "`version` '{manifest}' has no entry in CHANGELOG.md: add `## YYYY-MM-DD - {manifest}` under `## Unreleased`"
            )
        }
        _ => return,
    };
    module.problem("manifest.json", message);
}
