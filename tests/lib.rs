//! Shared helpers of the integration tests: where the repository, the conformance data and the
//! example binaries are.

pub mod docker_build;
pub mod dockerfile;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
        .to_owned()
}

/// A file of the conformance data recorded from the Python SDK (`tests/data/golden/`, whose
/// README says where each file comes from).
pub fn golden(relative: &str) -> PathBuf {
    let path = repo_root().join("tests/data/golden").join(relative);
    assert!(
        path.exists(),
        "conformance data {} is missing from the repository",
        path.display()
    );
    path
}

/// A module root under `examples/`.
pub fn example(name: &str) -> PathBuf {
    repo_root().join("examples").join(name)
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Equal as parsed JSON: numbers by value (`30` and `30.0`, as Python compares them), booleans
/// never equal to numbers, key order ignored. How a manifest written by sekoia-rs is compared
/// with a hand-written one of Sekoia's catalogue.
pub fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// The example module binaries, built once per test process (`cargo build` of the example
/// packages; a no-op when they are current).
pub fn example_binary(package: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let mut build = std::process::Command::new(env!("CARGO"));
        build
            .args([
                "build",
                "--quiet",
                "-p",
                "testhttp",
                "-p",
                "sample",
                "-p",
                "conformance",
            ])
            .current_dir(repo_root());
        without_package_env(&mut build);
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "building the example modules failed");
    });
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let binary = target.join("debug").join(package);
    assert!(binary.exists(), "{} was not built", binary.display());
    binary
}

/// Removes the variables cargo sets for the package being tested from a nested cargo command:
/// build scripts that watch them (ring's) would otherwise rebuild everything between runs.
pub fn without_package_env(command: &mut std::process::Command) {
    const PREFIXES: [&str; 8] = [
        "CARGO_PKG_",
        "CARGO_MANIFEST_",
        "CARGO_CRATE_",
        "CARGO_BIN_",
        "CARGO_CFG_",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "CARGO_RUSTC_CURRENT_DIR",
    ];
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if PREFIXES.iter().any(|prefix| name.starts_with(prefix)) {
            command.env_remove(&name);
        }
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
pub fn wait_until(timeout: std::time::Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A run of the conformance module's `command`, with fast retries and a 30 s limit.
pub fn conformance(command: &str) -> sekoia_emulator::ModuleRun {
    sekoia_emulator::ModuleRun::new(example_binary("conformance"), command)
        .env(sekoia_manifest::environment::RETRY_UNIT_VAR, "1")
        .timeout(std::time::Duration::from_secs(30))
}

/// An emulator holding the conformance module's secret and requiring the default token.
pub fn with_secrets() -> sekoia_emulator::Emulator {
    sekoia_emulator::Emulator::builder()
        .secrets(serde_json::json!({"api_key": "s3cr3t-k3y"}))
        .require_token("tok")
        .start()
}
