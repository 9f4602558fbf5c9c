//! The files a module with code needs beside its manifests: Sekoia's `TestsValidator`,
//! `DependenciesValidator` and `DockerfileValidator`, with the Rust counterparts of the Python
//! ones (`Cargo.lock` for `poetry.lock`, Rust tests for `tests/test_*.py`).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::component;
use super::module::{Language, Module, files_under};

/// Checks the tests, the lock file and the Dockerfile, as the module's language asks.
pub fn check(module: &mut Module) {
    match module.language {
        Language::Rust => {
            tests(module);
            cargo_lock(module);
            dockerfile(module);
        }
        Language::Python => dockerfile(module),
        Language::Metadata => {
            let has_components = sekoia_manifest::Kind::ALL
                .into_iter()
                .any(|kind| !component::files(&module.dir, kind).is_empty());
            if has_components {
                module.problem("Cargo.toml", "Cargo.toml is missing");
            }
        }
    }
}

/// A `tests/` folder with Rust files in it, or a `#[test]` somewhere in the module's crates.
fn tests(module: &mut Module) {
    let tests_dir = module.path("tests");
    if !files_under(&tests_dir, ".rs").is_empty() {
        return;
    }
    let has_test = files_under(&module.dir, ".rs")
        .into_iter()
        .any(|file| std::fs::read_to_string(file).is_ok_and(|source| has_test_attribute(&source)));
    if has_test {
        return;
    }
    if tests_dir.is_dir() {
        module.problem("tests", "There are no tests in tests folder");
    } else {
        module.problem(
            "tests",
            "Tests are missing: add a tests/ folder or #[test] functions to the module",
        );
    }
}

/// Whether `source` has a test attribute: `#[test]`, or one whose path ends in `::test`
/// (`#[tokio::test]`, `#[tokio::test(flavor = "multi_thread")]`).
fn has_test_attribute(source: &str) -> bool {
    source.match_indices("#[").any(|(at, _)| {
        let rest = source[at + 2..].trim_start();
        let path_len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let (path, after) = rest.split_at(path_len);
        (path == "test" || path.ends_with("::test"))
            && matches!(after.trim_start().chars().next(), Some(']' | '('))
    })
}

/// `Cargo.lock` in the module, or in the workspace the module package belongs to (an example
/// inside a bigger workspace). Reported on `Cargo.toml`, as the Python checker reports a missing
/// `poetry.lock` on `pyproject.toml`.
fn cargo_lock(module: &mut Module) {
    if module.path("Cargo.lock").is_file() {
        return;
    }
    let in_workspace =
        workspace_root(&module.dir).is_some_and(|root| root.join("Cargo.lock").is_file());
    if !in_workspace {
        module.problem("Cargo.toml", "Cargo.lock is missing");
    }
}

/// The root of the workspace of the package in `dir`, as cargo finds it.
fn workspace_root(dir: &Path) -> Option<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "locate-project",
            "--workspace",
            "--message-format",
            "plain",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let manifest = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    manifest.parent().map(Path::to_owned)
}

/// `Dockerfile`: the image Sekoia builds.
pub fn dockerfile(module: &mut Module) {
    if !module.path("Dockerfile").is_file() {
        module.problem("Dockerfile", "Dockerfile is missing");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_attributes_are_recognised() {
        assert!(has_test_attribute("#[test]\nfn a() {}"));
        assert!(has_test_attribute("#[ test ]\nfn a() {}"));
        assert!(has_test_attribute("#[tokio::test]\nasync fn a() {}"));
        assert!(has_test_attribute(
            "#[tokio::test(flavor = \"multi_thread\")]\nasync fn a() {}"
        ));
        assert!(!has_test_attribute("#[cfg(test)]\nmod tests {}"));
        assert!(!has_test_attribute("#[test_case(1)]\nfn a() {}"));
        assert!(!has_test_attribute("#[derive(Debug)]\nstruct S;"));
    }
}
