//! `cargo sekoia update` on a module made by `cargo sekoia new`: `--dry-run` shows the diff and
//! writes nothing; then the version, the lock and the CHANGELOG change together.

use std::path::Path;
use std::process::{Command, Output};

fn cargo_sekoia(args: &[&str], dir: &Path) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"));
    command
        .arg("sekoia")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null());
    sekoia_tests::without_package_env(&mut command);
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn the_version_lock_and_changelog_move_together() {
    let parent = tempfile::tempdir().unwrap();
    let created = cargo_sekoia(
        &["new", "acme", "--name", "Acme", "--description", "d"],
        parent.path(),
    );
    assert!(created.status.success(), "{}", text(&created));
    let module = parent.path().join("acme");
    let files = ["Cargo.toml", "Cargo.lock", "CHANGELOG.md"];
    let before: Vec<String> = files.iter().map(|f| read(&module.join(f))).collect();

    let dry = cargo_sekoia(&["update", "--dry-run", "--bump", "patch"], &module);
    assert!(dry.status.success(), "{}", text(&dry));
    let diff = text(&dry);
    assert!(
        diff.contains("--- a/Cargo.toml\n+++ b/Cargo.toml\n"),
        "{diff}"
    );
    assert!(
        diff.contains("-version = \"0.1.0\"\n+version = \"0.1.1\"\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+### Changed\n+\n+- Upgrade sekoia-rs to 0.1.0\n"),
        "{diff}"
    );
    assert!(diff.contains("acme: 0.1.0 -> 0.1.1"), "{diff}");
    let after_dry: Vec<String> = files.iter().map(|f| read(&module.join(f))).collect();
    assert_eq!(before, after_dry, "a dry run writes nothing");

    let updated = cargo_sekoia(&["update", "--bump", "patch"], &module);
    assert!(updated.status.success(), "{}", text(&updated));
    assert!(read(&module.join("Cargo.toml")).contains("version = \"0.1.1\""));
    assert!(
        read(&module.join("Cargo.lock")).contains("name = \"acme\"\nversion = \"0.1.1\""),
        "the lock follows"
    );
    let changelog = read(&module.join("CHANGELOG.md"));
    let released = changelog
        .find(" - 0.1.1\n\n### Changed\n\n- Upgrade sekoia-rs to 0.1.0\n")
        .unwrap();
    assert!(changelog.find("## Unreleased").unwrap() < released);
    assert!(
        released < changelog.find(" - 0.1.0\n").unwrap(),
        "{changelog}"
    );

    let wrong = cargo_sekoia(&["update", "--sekoia-version", "9.0.0"], &module);
    assert!(!wrong.status.success());
    assert!(
        text(&wrong).contains("has version 0.1.0, not 9.0.0"),
        "{}",
        text(&wrong)
    );
    assert!(
        read(&module.join("Cargo.toml")).contains("version = \"0.1.1\""),
        "nothing written"
    );
}
