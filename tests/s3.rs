//! The S3 data backend (`file_backend=S3`) against a local S3 server: moto's, from PyPI, which
//! `.ci/run` installs (`SEKOIA_MOTO_SERVER` names its `moto_server`, else
//! `target/ci-venv/bin/moto_server`). The server listens on loopback and is stopped with the test.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sekoia_emulator::{Emulator, ModuleRun};
use sekoia_tests::{conformance, repo_root, wait_until};
use serde_json::{Value, json};

const SECRET_KEY: &str = "moto-secret-key-QZXW";
/// A signature header naming the module's access key (moto does not verify the signature).
const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=moto-key/20260101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=0";

/// A moto server on a free loopback port, killed when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    fn start() -> Moto {
        let binary = std::env::var_os("SEKOIA_MOTO_SERVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join("target/ci-venv/bin/moto_server"));
        assert!(
            binary.exists(),
            "{} is missing: `bash .ci/run` installs moto's server from PyPI (pip install 'moto[server]'), or set SEKOIA_MOTO_SERVER",
            binary.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(binary)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(match std::env::var_os("SEKOIA_MOTO_LOG") {
                Some(path) => Stdio::from(std::fs::File::create(path).unwrap()),
                None => Stdio::null(),
            })
            .spawn()
            .expect("moto_server starts");
        let moto = Moto { child, port };
        assert!(
            wait_until(Duration::from_secs(30), || moto
                .request("GET", "/", b"", false)
                .is_some()),
            "moto_server never answered on port {port}"
        );
        moto
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A plain HTTP request: the status and body. Moto does not check signatures, but it reads
    /// the access key of the `Authorization` header: the module's, so that its objects are ours.
    fn request(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        signed: bool,
    ) -> Option<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .ok()?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: {}\r\n{}connection: close\r\n\r\n",
            body.len(),
            if signed { format!("authorization: {AUTHORIZATION}\r\n") } else { String::new() }
        )
        .ok()?;
        stream.write_all(body).ok()?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).ok()?;
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer.split_whitespace().nth(1)?.parse().ok()?;
        let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
        Some((status, body))
    }

    fn bucket(&self, name: &str) {
        let (status, body) = self
            .request("PUT", &format!("/{name}"), b"", false)
            .unwrap();
        assert_eq!(status, 200, "{body}");
    }

    fn put(&self, key: &str, body: &str) {
        let (status, answer) = self.request("PUT", key, body.as_bytes(), false).unwrap();
        assert_eq!(status, 200, "{answer}");
    }

    fn get(&self, key: &str) -> Option<String> {
        match self.request("GET", key, b"", true) {
            Some((200, body)) => Some(body),
            _ => None,
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn with_s3(run: ModuleRun, moto: &Moto, bucket: &str) -> ModuleRun {
    run.config_value("file_backend", "S3")
        .config_value("aws_bucket_name", bucket)
        .config_value("aws_access_key_id", "moto-key")
        .config_value("aws_secret_access_key", SECRET_KEY)
        .config_value("aws_default_region", "eu-west-1")
        .config_value("aws_s3_endpoint_url", moto.url())
}

fn emulator() -> Emulator {
    Emulator::builder()
        .secrets(json!({"api_key": "s3cr3t-k3y"}))
        .start()
}

#[test]
fn json_arguments_and_results_live_in_the_bucket_under_sub_folder() {
    let moto = Moto::start();
    moto.bucket("playbooks");
    moto.put("/playbooks/run-1/in.json", "[1, 2, 3]");
    let emulator = emulator();
    let run = conformance("Files")
        .module_configuration(json!({}))
        .arguments(json!({"events_path": "in.json"}))
        .config_value("sub_folder", "run-1");
    let outcome = with_s3(run, &moto, "playbooks").run(&emulator).unwrap();
    assert!(outcome.success(), "{outcome}");
    let finished = emulator.status_updates().last().cloned().unwrap();
    assert_eq!(finished.get("error"), None, "{finished}\n{outcome}");
    let file = finished["results"]["events_path"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        file.starts_with("events-") && file.ends_with(".json"),
        "{file}"
    );
    let stored = moto
        .get(&format!("/playbooks/run-1/{file}"))
        .unwrap_or_else(|| panic!("the result is not in the bucket: {outcome}"));
    assert_eq!(
        serde_json::from_str::<Value>(&stored).unwrap(),
        json!([1, 2, 3])
    );
    assert!(!outcome.stderr.contains("QZXW"), "{outcome}");
}

#[test]
fn an_event_directory_is_uploaded_before_the_event() {
    let moto = Moto::start();
    moto.bucket("archives");
    let emulator = emulator();
    let run = conformance("Archive")
        .module_configuration(json!({}))
        .trigger_configuration(json!({"remove": false}))
        .stop_when(|e| !e.events().is_empty());
    let outcome = with_s3(run, &moto, "archives").run(&emulator).unwrap();
    assert!(outcome.success(), "{outcome}");
    assert_eq!(emulator.events()[0]["directory"], "archive/batch-1");
    assert_eq!(
        moto.get("/archives/archive/batch-1/event.json").as_deref(),
        Some("{}"),
        "{outcome}"
    );
}

#[test]
fn a_missing_bucket_is_a_configuration_error_and_the_key_is_never_shown() {
    let moto = Moto::start();
    let emulator = emulator();
    let run = conformance("Noop")
        .module_configuration(json!({}))
        .arguments(json!({"value": "x"}));
    let outcome = with_s3(run, &moto, "no-such-bucket")
        .run(&emulator)
        .unwrap();
    let finished = emulator.status_updates().last().cloned().unwrap();
    let error = finished["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("the S3 bucket `no-such-bucket` cannot be used"),
        "{error}\n{outcome}"
    );
    assert!(
        !outcome.stderr.contains("QZXW") && !error.contains("QZXW"),
        "{outcome}"
    );

    // a backend without its bucket name is refused, naming the value
    let emulator = self::emulator();
    let outcome = conformance("Noop")
        .module_configuration(json!({}))
        .arguments(json!({"value": "x"}))
        .config_value("file_backend", "s3")
        .run(&emulator)
        .unwrap();
    let finished = emulator.status_updates().last().cloned().unwrap();
    assert!(
        finished["error"]
            .as_str()
            .unwrap_or_default()
            .contains("`aws_bucket_name`"),
        "{finished}\n{outcome}"
    );
}
