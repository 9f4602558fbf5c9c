//! `cargo sekoia openapi` on three public documents (`tests/fixtures/openapi/`, whose README
//! says where they come from): the module is written with stable uuids, builds, passes
//! `cargo sekoia check`, and each of its actions, run against the emulator answering as the
//! document says, makes the request the document describes.

use std::path::{Path, PathBuf};
use std::process::Command;

use sekoia_emulator::{Emulator, Method, ModuleRun, Reply};
use serde_json::{Map, Value, json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openapi")
        .join(name)
}

/// Where the generated modules build, sharing the imported modules' build.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("imported-modules")
}

fn generate(document: &str, out: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args(["sekoia", "openapi"])
        .arg(fixture(document))
        .arg("--out")
        .arg(out)
        .args(["--no-lock", "--path-dependencies"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{document}: {stderr}");
    stderr
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(relative, std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    files
}

/// The action manifests written, by docker_parameters.
fn actions(dir: &Path) -> Map<String, Value> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("action_")
        })
        .map(|p| {
            let action = read(&p);
            (
                action["docker_parameters"].as_str().unwrap().to_owned(),
                action,
            )
        })
        .collect()
}

#[test]
fn each_operation_is_an_action_with_a_stable_uuid() {
    let work = tempfile::tempdir().unwrap();
    for (document, operations, auth) in [
        (
            "censys-search.yml",
            42,
            "Auth::basic(self.username.clone(), self.password.clone())",
        ),
        ("petstore-3.0.json", 19, "Auth::header(\"api_key\", key)"),
        ("petstore-2.0.json", 19, "Auth::header(\"api_key\", key)"),
    ] {
        let (first, second) = (
            work.path().join(format!("{document}.1")),
            work.path().join(format!("{document}.2")),
        );
        let stderr = generate(document, &first);
        assert!(
            stderr.contains(&format!(
                "{operations} components, {operations} of them declarative API actions"
            )),
            "{document}: {stderr}"
        );
        generate(document, &second);
        // every identity is derived: a second run writes the same files, byte for byte
        let (written, again) = (files(&first), files(&second));
        assert_eq!(
            written.keys().collect::<Vec<_>>(),
            again.keys().collect::<Vec<_>>()
        );
        for (path, text) in &written {
            assert!(
                again[path] == *text,
                "{document}: {path} differs between two runs"
            );
        }
        let components = written
            .keys()
            .filter(|p| p.contains("_modules/src/") && !p.ends_with("/lib.rs"))
            .count();
        assert_eq!(components, operations, "{document}: one file an action");
        let lib = std::fs::read_dir(&first)
            .unwrap()
            .map(|e| e.unwrap().path().join("src/lib.rs"))
            .find(|p| p.exists() && p.parent().unwrap().parent().unwrap() != first)
            .unwrap();
        let lib = std::fs::read_to_string(lib).unwrap();
        assert!(lib.contains(auth), "{document}:\n{lib}");
    }
}

/// A value for a property of an arguments schema.
fn sample(name: &str, schema: &Value) -> Value {
    if let Some(Value::Array(values)) = schema.get("enum") {
        return values[0].clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => json!(7),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => json!([sample(name, schema.get("items").unwrap_or(&json!({})))]),
        Some("object") => json!({}),
        _ => json!(format!("v-{name}")),
    }
}

/// The request each operation of `document` must make with `arguments`: method, path (its
/// template filled), the query parameters given, the body properties given.
struct Expected {
    method: String,
    path: String,
    query: Vec<String>,
    body: Vec<String>,
}

fn expected(
    document: &Value,
    docker: &str,
    arguments: &Map<String, Value>,
    prefix: &str,
) -> Expected {
    for (template, item) in document["paths"].as_object().unwrap() {
        for verb in ["get", "post", "put", "patch", "delete"] {
            let Some(operation) = item.get(verb) else {
                continue;
            };
            if operation.get("operationId").and_then(Value::as_str) != Some(docker) {
                continue;
            }
            let mut path = template.clone();
            let mut query = Vec::new();
            for parameter in operation
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = parameter["name"].as_str().unwrap();
                match parameter["in"].as_str().unwrap() {
                    "path" => {
                        let value = match &arguments[name] {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        // the samples need no percent-encoding
                        path = path.replace(&format!("{{{name}}}"), &value);
                    }
                    "query" if arguments.contains_key(name) => query.push(name.to_owned()),
                    _ => {}
                }
            }
            let mut body: Vec<String> = arguments
                .keys()
                .filter(|k| !query.contains(k) && !template.contains(&format!("{{{k}}}")))
                .cloned()
                .collect();
            body.sort();
            return Expected {
                method: verb.to_uppercase(),
                path: format!("{prefix}{path}"),
                query,
                body,
            };
        }
    }
    panic!("{docker} is no operation of the document")
}

#[test]
fn the_module_builds_passes_the_check_and_makes_the_requests_of_the_document() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("petstore");
    generate("petstore-3.0.json", &out);
    let build = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let check = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args(["sekoia", "check"])
        .arg(&out)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success() && said.contains("No errors found"),
        "{said}{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("petstore-3.0.json")).unwrap())
            .unwrap();
    let binary = target_dir().join("debug/swagger-petstore");
    let emulator = Emulator::start();
    let configuration = json!({"api_key": "k3y", "base_url": emulator.vendor_url()});
    let module_uuid = read(&out.join("manifest.json"))["uuid"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut checked = 0;
    for (docker, action) in actions(&out) {
        assert_eq!(
            action["uuid"].as_str(),
            Some(sekoia_manifest::uuid5(&module_uuid, &docker).as_str()),
            "{docker}: the uuid is derived from the module's"
        );
        let arguments: Map<String, Value> = action["arguments"]["properties"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, schema)| (name.clone(), sample(name, schema)))
            .collect();
        let expected = expected(&document, &docker, &arguments, "/vendor");
        let method = match expected.method.as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            _ => Method::Delete,
        };
        emulator.script(
            method,
            &expected.path,
            [Reply::json(200, json!({"ok": true}))],
        );
        let before = emulator.requests().len();
        let outcome = ModuleRun::new(&binary, docker.as_str())
            .module_configuration(configuration.clone())
            .arguments(Value::Object(arguments.clone()))
            .timeout(std::time::Duration::from_secs(30))
            .run(&emulator)
            .unwrap();
        assert!(outcome.status.success(), "{docker}: {}", outcome.stderr);
        let sent: Vec<_> = emulator.requests()[before..]
            .iter()
            .filter(|r| r.path.starts_with("/vendor/"))
            .cloned()
            .collect();
        assert_eq!(sent.len(), 1, "{docker}: {sent:?}");
        let request = &sent[0];
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            (expected.method.as_str(), expected.path.as_str()),
            "{docker}"
        );
        let query: Vec<String> = request
            .query
            .as_deref()
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split('=').next().unwrap().to_owned())
            .collect();
        let mut deduplicated = query.clone();
        deduplicated.dedup();
        assert_eq!(deduplicated, expected.query, "{docker}: the query");
        let mut body: Vec<String> = request
            .body
            .as_ref()
            .and_then(Value::as_object)
            .map(|b| b.keys().cloned().collect())
            .unwrap_or_default();
        body.sort();
        assert_eq!(body, expected.body, "{docker}: the body");
        let key = request.header("api_key");
        assert_eq!(key, Some("k3y"), "{docker}: the key");
        let finished = emulator
            .requests_to("/callback")
            .last()
            .unwrap()
            .body
            .clone()
            .unwrap();
        assert_eq!(
            finished["results"],
            json!({"ok": true}),
            "{docker}: {finished}"
        );
        checked += 1;
    }
    assert_eq!(checked, 19);
}

/// The document may come from a URL: fetched, it gives the module the file gives.
#[test]
fn a_document_is_fetched_from_a_url() {
    use std::io::{Read, Write};

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let document = std::fs::read(fixture("petstore-3.0.json")).unwrap();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let read = stream.read(&mut request).unwrap();
        let head = String::from_utf8_lossy(&request[..read]).into_owned();
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            document.len()
        )
        .unwrap();
        stream.write_all(&document).unwrap();
        head
    });
    let work = tempfile::tempdir().unwrap();
    let (fetched, read) = (work.path().join("fetched"), work.path().join("read"));
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args(["sekoia", "openapi"])
        .arg(format!("http://{address}/specs/petstore-3.0.json"))
        .arg("--out")
        .arg(&fetched)
        .args(["--no-lock", "--path-dependencies"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        server
            .join()
            .unwrap()
            .starts_with("GET /specs/petstore-3.0.json ")
    );
    generate("petstore-3.0.json", &read);
    assert_eq!(files(&fetched), files(&read));

    // a URL that answers no document says so
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args([
            "sekoia",
            "openapi",
            "http://127.0.0.1:9/nothing.json",
            "--out",
        ])
        .arg(work.path().join("none"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("cannot fetch http://127.0.0.1:9/nothing.json"),
        "{stderr}"
    );
}

/// What is not an OpenAPI document is refused with what is wrong.
#[test]
fn a_file_that_is_no_document_is_refused() {
    let work = tempfile::tempdir().unwrap();
    for (text, says) in [
        (
            "{\"info\": {\"title\": \"T\"}}",
            "has neither `openapi` nor `swagger`",
        ),
        (
            "openapi: 3.0.0\ninfo:\n  version: '1'\n",
            "has no `info.title`",
        ),
        (
            "openapi: 3.0.0\ninfo: {title: T}\npaths: {}\n",
            "has no operation",
        ),
        ("{not json", "is not an OpenAPI document"),
    ] {
        let path = work.path().join("document.yml");
        std::fs::write(&path, text).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
            .args(["sekoia", "openapi"])
            .arg(&path)
            .arg("--out")
            .arg(work.path().join("out"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{text}");
        assert!(stderr.contains(says), "{text}: {stderr}");
    }
}
