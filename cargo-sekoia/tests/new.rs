//! `cargo sekoia new`: a fresh module builds, its tests pass, and it passes `cargo sekoia check`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cargo_sekoia(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .arg("sekoia")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// The repository's target directory: the new module reuses its build artifacts.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

fn cargo(args: &[&str], dir: &Path) -> Output {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir());
    // a nested cargo must not see this test package's variables (ring's build script watches them)
    sekoia_tests::without_package_env(&mut command);
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_fresh_module_builds_tests_and_checks() {
    let parent = tempfile::tempdir().unwrap();
    let root = repo_root();
    let created = cargo_sekoia(
        &[
            "new",
            "acme",
            "--name",
            "Acme Cloud",
            "--description",
            "Talks to Acme",
            "--sekoia-path",
            root.to_str().unwrap(),
        ],
        parent.path(),
    );
    assert!(created.status.success(), "{}", text(&created));
    let module = parent.path().join("acme");
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src/main.rs",
        "CHANGELOG.md",
        "logo.svg",
        "Dockerfile",
        ".gitignore",
        "README.md",
        "tests/module.rs",
        "acme_cloud_modules/src/lib.rs",
        ".dockerignore",
        "vendor/README.md",
        "vendor/sekoia-runtime/Cargo.toml",
        "vendor/sekoia-manifest/src/lib.rs",
    ] {
        assert!(module.join(file).exists(), "{file} is missing");
    }
    // nothing points outside the module: versions, patched in from vendor/
    for manifest in ["Cargo.toml", "acme_cloud_modules/Cargo.toml", "Cargo.lock"] {
        let text = std::fs::read_to_string(module.join(manifest)).unwrap();
        assert!(
            !text.contains(root.to_str().unwrap()),
            "{manifest} names the checkout:\n{text}"
        );
    }
    let cargo_toml = std::fs::read_to_string(module.join("Cargo.toml")).unwrap();
    assert!(
        cargo_toml.contains("sekoia-runtime = \"0.1.0\""),
        "{cargo_toml}"
    );
    assert!(
        cargo_toml.contains("[patch.crates-io]\nsekoia-build = { path = \"vendor/sekoia-build\" }"),
        "{cargo_toml}"
    );
    assert_eq!(
        std::fs::read_to_string(module.join("src/main.rs"))
            .unwrap()
            .trim(),
        "sekoia_runtime::run!();"
    );
    assert!(
        std::fs::read_to_string(module.join("CHANGELOG.md"))
            .unwrap()
            .contains("## Unreleased")
    );
    let dockerfile = std::fs::read_to_string(module.join("Dockerfile")).unwrap();
    let problems = sekoia_tests::dockerfile::problems(&dockerfile, "acme-cloud");
    assert!(problems.is_empty(), "{problems:#?}");

    let built = cargo(&["build", "--quiet"], &module);
    assert!(built.status.success(), "{}", text(&built));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(module.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["name"], "Acme Cloud");
    assert_eq!(manifest["slug"], "acme-cloud");
    assert_eq!(manifest["description"], "Talks to Acme");
    assert_eq!(manifest["version"], "0.1.0");
    assert!(module.join("action_hello.json").exists());

    let tested = cargo(&["test", "--quiet"], &module);
    assert!(tested.status.success(), "{}", text(&tested));
    let report = text(&tested);
    assert!(
        report.contains("test result: ok. 1 passed"),
        "the unit test and the emulator test ran: {report}"
    );

    let checked = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args(["sekoia", "check", module.to_str().unwrap()])
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    assert!(checked.status.success(), "{}", text(&checked));
}

#[test]
fn a_non_empty_directory_is_refused_without_force() {
    let parent = tempfile::tempdir().unwrap();
    std::fs::create_dir(parent.path().join("busy")).unwrap();
    std::fs::write(parent.path().join("busy/notes.txt"), "mine").unwrap();
    let refused = cargo_sekoia(
        &["new", "busy", "--name", "Busy", "--description", "d"],
        parent.path(),
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("is not empty") && text(&refused).contains("--force"),
        "{}",
        text(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(parent.path().join("busy/notes.txt")).unwrap(),
        "mine",
        "nothing was touched"
    );
}

#[test]
fn names_are_validated_and_required_off_a_terminal() {
    let parent = tempfile::tempdir().unwrap();
    let bad = cargo_sekoia(
        &["new", "x", "--name", "42", "--description", "d"],
        parent.path(),
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad).contains("cannot make a slug of the module name \"42\""),
        "{}",
        text(&bad)
    );
    let missing = cargo_sekoia(&["new", "y"], parent.path());
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("--name is required when standard input is not a terminal"),
        "{}",
        text(&missing)
    );
    assert!(
        !parent.path().join("x").exists() && !parent.path().join("y").exists(),
        "nothing was written"
    );
    let category = cargo_sekoia(
        &["new", "z", "--name", "Z", "--category", "Networking"],
        parent.path(),
    );
    assert!(!category.status.success());
    assert!(
        text(&category).contains("possible values"),
        "{}",
        text(&category)
    );
}
