//! `cargo sekoia sync` against the emulator's Playbook API: what is created, what is updated
//! (only the keys that changed), and what `--dry-run` shows without changing anything.

use std::path::Path;
use std::process::{Command, Output};

use sekoia_emulator::Emulator;
use serde_json::{Value, json};

const MODULE_UUID: &str = "5894985f-91eb-46db-9306-cc5ac6463d3d";
const REQUEST_UUID: &str = "40bcf3c0-aa8b-4111-9b4e-f3caffccb4e5";
const DOWNLOAD_UUID: &str = "09e9dc3a-aeb2-4dde-ad96-3ee543afdf51";

fn http_module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/doc/modules/HTTP");
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn sync(emulator: &Emulator, module: &Path, extra: &[&str]) -> (Output, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args(["sekoia", "sync"])
        .arg(module)
        .args(["--url", &emulator.playbook_url()])
        .args(extra)
        .env("PLAYBOOK_API_KEY", "pk-123")
        .env_remove("PLAYBOOK_URL")
        .env_remove("REGISTRY")
        .env_remove("NAMESPACE")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out, text)
}

/// The method and path of each Playbook API request, in order.
fn requests(emulator: &Emulator) -> Vec<String> {
    emulator
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[test]
fn a_module_is_created_then_only_its_changes_are_sent() {
    let emulator = Emulator::builder().playbook_api_key("pk-123").start();
    let module = http_module();
    let (out, text) = sync(&emulator, module.path(), &[]);
    assert!(out.status.success(), "{text}");
    assert_eq!(
        requests(&emulator),
        [
            format!("GET /v1/symphony/modules/{MODULE_UUID}"),
            "POST /v1/symphony/modules".into(),
            format!("GET /v1/symphony/actions/{DOWNLOAD_UUID}"),
            "POST /v1/symphony/actions".into(),
            format!("GET /v1/symphony/actions/{REQUEST_UUID}"),
            "POST /v1/symphony/actions".into(),
        ]
    );
    for request in emulator.requests() {
        assert_eq!(request.authorization(), Some("Bearer pk-123"));
        assert_eq!(request.header("accept"), Some("application/json"));
    }
    let published = emulator.playbook_object("module", MODULE_UUID).unwrap();
    assert_eq!(
        published["docker"],
        "ghcr.io/sekoia-io/automation-module-http:1.120.2"
    );
    assert!(
        published["image"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,iVBORw0KGgo"),
        "the logo as a data URI"
    );
    assert!(
        published["changelog"]
            .as_str()
            .unwrap()
            .starts_with("# Changelog")
    );
    let action = emulator.playbook_object("action", REQUEST_UUID).unwrap();
    assert_eq!(action["module_uuid"], MODULE_UUID);
    assert_eq!(action["docker"], published["docker"]);
    assert!(
        text.contains("Module HTTP (5894985f-91eb-46db-9306-cc5ac6463d3d): created"),
        "{text}"
    );
    assert!(
        text.contains("summary: 3 created, 0 updated, 0 up to date, 0 failed"),
        "{text}"
    );

    // nothing changed: reads only
    emulator.clear();
    let (out, text) = sync(&emulator, module.path(), &[]);
    assert!(out.status.success(), "{text}");
    assert!(
        requests(&emulator).iter().all(|r| r.starts_with("GET ")),
        "{text}"
    );
    assert!(
        text.contains("summary: 0 created, 0 updated, 3 up to date"),
        "{text}"
    );

    // a new version and an edited description: those keys alone are sent
    let manifest_path = module.path().join("manifest.json");
    let manifest = std::fs::read_to_string(&manifest_path).unwrap();
    std::fs::write(&manifest_path, manifest.replace("1.120.2", "1.121.0")).unwrap();
    let action_path = module.path().join("action_request.json");
    let mut request: Value =
        serde_json::from_str(&std::fs::read_to_string(&action_path).unwrap()).unwrap();
    request["description"] = json!("Requests a resource");
    std::fs::write(&action_path, request.to_string()).unwrap();
    emulator.clear();

    let (out, text) = sync(&emulator, module.path(), &["--dry-run"]);
    assert!(out.status.success(), "{text}");
    assert!(
        requests(&emulator).iter().all(|r| r.starts_with("GET ")),
        "a dry run changes nothing: {text}"
    );
    assert!(
        text.contains(
            "Module HTTP (5894985f-91eb-46db-9306-cc5ac6463d3d): would be updated (version, docker)"
        ),
        "{text}"
    );
    assert!(
        text.contains("      - version: \"1.120.2\"\n      + version: \"1.121.0\""),
        "{text}"
    );
    assert!(
        text.contains("  action Request URL: would be updated (description, docker)"),
        "{text}"
    );
    assert!(
        text.contains("summary: 0 would be created, 3 would be updated, 0 up to date, 0 failed"),
        "{text}"
    );

    emulator.clear();
    let (out, text) = sync(&emulator, module.path(), &[]);
    assert!(out.status.success(), "{text}");
    let patches: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 3, "{text}");
    assert_eq!(
        patches[0].path,
        format!("/v1/symphony/modules/{MODULE_UUID}")
    );
    assert_eq!(
        patches[0].body,
        Some(
            json!({"version": "1.121.0", "docker": "ghcr.io/sekoia-io/automation-module-http:1.121.0"})
        )
    );
    assert_eq!(
        patches[2].body,
        Some(
            json!({"description": "Requests a resource", "docker": "ghcr.io/sekoia-io/automation-module-http:1.121.0"})
        )
    );
    assert_eq!(
        emulator.playbook_object("action", REQUEST_UUID).unwrap()["description"],
        "Requests a resource"
    );
}

#[test]
fn refusals_are_reported_and_fail_the_command() {
    let emulator = Emulator::builder().playbook_api_key("another-key").start();
    let module = http_module();
    let (out, text) = sync(&emulator, module.path(), &[]);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("error: GET modules/5894985f-91eb-46db-9306-cc5ac6463d3d answered 401"),
        "{text}"
    );
    assert!(
        text.contains("its components are not published without it"),
        "{text}"
    );

    let missing = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args(["sekoia", "sync", "."])
        .env_remove("PLAYBOOK_API_KEY")
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("set PLAYBOOK_API_KEY"));
}
