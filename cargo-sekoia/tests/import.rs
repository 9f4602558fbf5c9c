//! `cargo sekoia import` on ten real modules of Sekoia's catalogue (`tests/fixtures/import/`,
//! whose README says where they come from): each is imported, built (its build script writes
//! the manifests), and every manifest it writes is equal, as parsed JSON, to the module's own,
//! asset connectors included.

use std::path::{Path, PathBuf};
use std::process::Command;

use sekoia_tests::same_json as same;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

/// Where the imported modules build: beside this test's own build, sharing sekoia-rs's
/// artifacts.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

fn json_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Imports and builds `module`; returns the files it did not write.
fn import_and_compare(module: &str, work: &Path) -> Vec<String> {
    import_and_build(module, work, "check")
}

/// Imports `module` and runs `cargo <command>` on it (`check` writes the manifests, `build`
/// the binary too); returns the files it did not write.
fn import_and_build(module: &str, work: &Path, command: &str) -> Vec<String> {
    let source = fixtures().join(module);
    let out = work.join(module);
    let import = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args(["sekoia", "import"])
        .arg(&source)
        .arg("--out")
        .arg(&out)
        .arg("--no-lock")
        // the modules are checked side by side, sharing one build of the sekoia-rs crates
        .arg("--path-dependencies")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&import.stdout);
    assert!(
        import.status.success(),
        "{module}: {}",
        String::from_utf8_lossy(&import.stderr)
    );
    let declarative = String::from_utf8_lossy(&import.stderr).contains("declarative API actions");
    assert!(
        stdout.starts_with("Not ported yet") || (declarative && stdout.is_empty()),
        "{module}: the bodies to port are listed:\n{stdout}"
    );
    let build = Command::new(env!("CARGO"))
        .args([command, "--offline", "--quiet"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", target_dir().join("imported-modules"))
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{module} does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let mut missing = Vec::new();
    for file in json_files(&source) {
        let ours = out.join(&file);
        if !ours.exists() {
            missing.push(file);
            continue;
        }
        let (original, written) = (read(&source.join(&file)), read(&ours));
        assert!(
            same(&original, &written),
            "{module}/{file} differs:\noriginal {original}\nwritten  {written}"
        );
    }
    // the CHANGELOG and version are carried over
    assert_eq!(
        std::fs::read_to_string(out.join("CHANGELOG.md")).unwrap(),
        std::fs::read_to_string(source.join("CHANGELOG.md")).unwrap()
    );
    let manifest = read(&source.join("manifest.json"));
    let cargo_toml = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        cargo_toml.contains(&format!(
            "version = \"{}\"",
            manifest["version"].as_str().unwrap()
        )),
        "{cargo_toml}"
    );
    missing
}

#[test]
fn real_modules_import_with_their_manifests() {
    let work = tempfile::tempdir().unwrap();
    let mut missing = Vec::new();
    for module in [
        "HTTP",
        "RSS",
        "1Password",
        "Okta",
        "RiskIQ",
        "PandaSecurity",
        "Proofpoint",
        "Glimps",
        "MicrosoftEntraID",
        "AWS",
    ] {
        for file in import_and_compare(module, work.path()) {
            missing.push(format!("{module}/{file}"));
        }
    }
    // every file is written, the asset connectors' included
    assert_eq!(missing, Vec::<String>::new());
}

#[test]
fn the_rust_is_what_a_person_would_write() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("http");
    let status = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args(["sekoia", "import"])
        .arg(fixtures().join("HTTP"))
        .arg("--out")
        .arg(&out)
        .arg("--no-lock")
        .output()
        .unwrap();
    assert!(status.status.success());
    let listed = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(
        listed.contains(
            "http_modules/src/request_url.rs: not ported yet: action_request.json:request"
        ),
        "{listed}"
    );
    let request = std::fs::read_to_string(out.join("http_modules/src/request_url.rs")).unwrap();
    for expected in [
        // the identity, pinned as the manifest has it
        "/// Requests a resource at a specified URL and returns the response as Raw or JSON\n#[action(",
        "name = \"Request URL\"",
        "uuid = \"40bcf3c0-aa8b-4111-9b4e-f3caffccb4e5\"",
        "docker_parameters = \"request\"",
        "slug = \"request_url\"",
        "file = \"action_request.json\"",
        "pub struct RequestURL;",
        // typed arguments: docs, an enum with a default, secrets, free-form values
        "    /// Type of authorization, if applicable\n    #[sekoia(default = \"None\")]\n    pub auth_type: AuthType,",
        "    /// Token for Bearer authentication\n    pub auth_token: Option<Secret<String>>,",
        "    pub headers: Option<AnyObject>,",
        "#[derive(Deserialize, JsonSchema)]\n#[serde(untagged)]\npub enum Params {\n    Object(AnyObject),\n    Text(String),\n}",
        "not ported yet: action_request.json:request",
    ] {
        assert!(
            request.contains(expected),
            "missing:\n{expected}\nin:\n{request}"
        );
    }
    let lib = std::fs::read_to_string(out.join("http_modules/src/lib.rs")).unwrap();
    assert!(
        lib.contains("dialect(titles = \"none\", schema = \"draft-07\", optional = \"plain\")"),
        "{lib}"
    );
    assert!(
        !request.contains("raw ="),
        "no escape hatch in HTTP:\n{request}"
    );
    // as `cargo sekoia new` makes it: a repository that builds alone
    let cargo_toml = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        cargo_toml.contains("[patch.crates-io]")
            && cargo_toml.contains("sekoia-runtime = { path = \"vendor/sekoia-runtime\" }"),
        "{cargo_toml}"
    );
    let components = std::fs::read_to_string(out.join("http_modules/Cargo.toml")).unwrap();
    assert!(!components.contains("path = \"/"), "{components}");
    assert!(out.join("vendor/sekoia-runtime/Cargo.toml").is_file());
    assert!(out.join(".dockerignore").is_file());
}

/// A Python module of `GenericAPIAction`s (written for this test, in the catalogue's two styles:
/// a class, `type(...)`, a base class whose `get_headers` sends the key) imports as declarative
/// actions: nothing to port, the same manifests, and its binary makes the requests the Python
/// declarations describe.
#[test]
fn generic_api_actions_import_with_their_behaviour() {
    use sekoia_emulator::{Emulator, Method, ModuleRun, Reply};
    use serde_json::json;

    let work = tempfile::tempdir().unwrap();
    assert_eq!(
        import_and_build("GenericAPI", work.path(), "build"),
        Vec::<String>::new()
    );
    let readme = std::fs::read_to_string(work.path().join("GenericAPI/README.md")).unwrap();
    assert!(
        !readme.contains("Left to port") && readme.contains("3 actions are declarative"),
        "{readme}"
    );
    let binary = target_dir().join("imported-modules/debug/example-api");
    let emulator = Emulator::start();
    let configuration =
        json!({"api_key": "k3y", "base_url": format!("{}/", emulator.vendor_url())});
    let run = |command: &str, arguments: Value| {
        ModuleRun::new(&binary, command)
            .module_configuration(configuration.clone())
            .arguments(arguments)
            .timeout(std::time::Duration::from_secs(30))
            .run(&emulator)
            .unwrap()
    };

    emulator.script(
        Method::Get,
        "/vendor/api/v1/entries/e1",
        [Reply::json(
            200,
            json!({"id": "e1", "name": "one", "more": 1}),
        )],
    );
    let outcome = run(
        "get-entries/{id}",
        json!({"id": "e1", "verbose": false, "tags": ["a", "b"]}),
    );
    assert!(outcome.status.success(), "{}", outcome.stderr);
    let request = &emulator.requests_to("/vendor/api/v1/entries/e1")[0];
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.query.as_deref(),
        Some("verbose=False&tags=a&tags=b")
    );
    assert_eq!(request.header("x-api-key"), Some("k3y"));
    assert_eq!(request.body, Some(json!({})));
    let finished = emulator
        .requests_to("/callback")
        .last()
        .unwrap()
        .body
        .clone()
        .unwrap();
    assert_eq!(
        finished["results"],
        json!({"id": "e1", "name": "one", "more": 1})
    );

    emulator.script(
        Method::Post,
        "/vendor/api/v1/entries",
        [Reply::json(201, json!({"id": "e2"}))],
    );
    let outcome = run("post-entries", json!({"name": "two", "tags": ["x"]}));
    assert!(outcome.status.success(), "{}", outcome.stderr);
    let request = &emulator.requests_to("/vendor/api/v1/entries")[0];
    assert_eq!(request.body, Some(json!({"name": "two", "tags": ["x"]})));

    emulator.script(
        Method::Delete,
        "/vendor/api/v1/entries/e2",
        [Reply::status(204)],
    );
    let outcome = run("delete-entries/{id}", json!({"id": "e2"}));
    assert!(outcome.status.success(), "{}", outcome.stderr);
    let finished = emulator
        .requests_to("/callback")
        .last()
        .unwrap()
        .body
        .clone()
        .unwrap();
    assert_eq!(finished["status"], "finished");
    assert!(
        finished.get("results").is_none() && finished.get("error").is_none(),
        "{finished}"
    );
}
