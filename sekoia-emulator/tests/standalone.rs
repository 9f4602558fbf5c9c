//! The `sekoia-emulator` binary: its URL, its stdin commands, its port option and its errors.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::json;

struct Standalone {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Standalone {
    fn start(args: &[&str]) -> Standalone {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sekoia-emulator"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the emulator binary starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Standalone {
            child,
            stdin,
            stdout,
        }
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line.trim_end().to_owned()
    }

    fn command(&mut self, command: &str) -> String {
        writeln!(self.stdin, "{command}").unwrap();
        self.line()
    }

    fn addr(url: &str) -> SocketAddr {
        url.trim_start_matches("http://").parse().unwrap()
    }
}

impl Drop for Standalone {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn it_listens_on_the_port_asked_for_and_answers_its_commands() {
    let port = free_port();
    let mut emulator = Standalone::start(&["--port", &port.to_string(), "--keep-events=false"]);
    let url = emulator.line();
    assert_eq!(url, format!("http://127.0.0.1:{port}"));

    let body = common::batch_body("ik", &[json!({"n": 1}), json!({"n": 2})]);
    let reply = common::post_batch(Standalone::addr(&url), &body);
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(
        emulator.command("wait 2 10"),
        format!(
            "reached=true events=2 batches=1 requests=1 batch_bytes={} trigger_events=0 trigger_span_ms=0.000 vendor_requests=0 vendor_events=0 pull_span_ms=0.000",
            body.to_string().len()
        )
    );
    assert_eq!(emulator.command("clear"), "cleared");
    assert_eq!(
        emulator.command("stats"),
        "events=0 batches=0 requests=0 batch_bytes=0 trigger_events=0 trigger_span_ms=0.000 vendor_requests=0 vendor_events=0 pull_span_ms=0.000"
    );
    assert!(
        emulator
            .command("nonsense")
            .starts_with("error: unknown command"),
        "an unknown command is answered, not ignored"
    );
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let output = Command::new(env!("CARGO_BIN_EXE_sekoia-emulator"))
        .args(["--port", &port.to_string()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
}

#[test]
fn a_bad_option_names_itself_and_shows_the_usage() {
    for (args, expected) in [
        (
            &["--port", "http"][..],
            "--port takes a port number (0 to 65535), not \"http\"",
        ),
        (&["--port"][..], "--port needs a value"),
        (&["--colour"][..], "unknown argument \"--colour\""),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_sekoia-emulator"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(stderr.contains("usage: sekoia-emulator"), "{stderr}");
    }
}

#[test]
fn the_vendor_api_is_filled_and_guarded_from_the_command_line() {
    let mut emulator = Standalone::start(&[
        "--vendor-events",
        "3",
        "--vendor-credentials",
        "id:s3cret",
        "--vendor-api-key",
        "k",
    ]);
    let addr = Standalone::addr(&emulator.line());
    let basic = "Basic aWQ6czNjcmV0"; // base64("id:s3cret")
    let token = common::send(
        addr,
        "POST",
        "/vendor/oauth2/token",
        &[
            ("authorization", basic),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        b"grant_type=client_credentials",
    )
    .unwrap();
    assert_eq!(token.status, 200, "{token:?}");
    let access = format!("Bearer {}", token.json()["access_token"].as_str().unwrap());
    let events = |key: &str| {
        common::send(
            addr,
            "GET",
            "/vendor/events",
            &[("authorization", access.as_str()), ("x-api-key", key)],
            b"",
        )
        .unwrap()
    };
    assert_eq!(events("wrong").status, 401);
    let page = events("k");
    assert_eq!(page.json()["data"].as_array().unwrap().len(), 3);
    assert_eq!(json!(page.json()["next"]), json!(null));
    let stats = emulator.command("stats");
    assert!(
        stats.ends_with(" vendor_requests=3 vendor_events=3 pull_span_ms=0.000"),
        "the token and two event requests, one refused: {stats}"
    );
    let body = common::batch_body("ik", &[json!({"n": 1})]);
    assert_eq!(common::post_batch(addr, &body).status, 200);
    let stats = emulator.command("stats");
    let span: f64 = stats
        .rsplit_once("pull_span_ms=")
        .unwrap()
        .1
        .parse()
        .unwrap();
    assert!(span > 0.0, "from the token request to the batch: {stats}");
}

#[test]
fn an_argument_that_is_not_utf8_is_a_clear_error_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let output = Command::new(env!("CARGO_BIN_EXE_sekoia-emulator"))
        .arg(std::ffi::OsStr::from_bytes(b"--port=\xff80"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not UTF-8"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn faults_are_scripted_on_standard_input() {
    let mut emulator = Standalone::start(&[]);
    let url = emulator.line();
    assert_eq!(
        emulator.command("script POST /batch 503:retry-after=0*2 200:text=not_json"),
        "scripted 3"
    );
    let body = common::batch_body("ik", &[json!({"n": 1})]);
    let addr = Standalone::addr(&url);
    let first = common::post_batch(addr, &body);
    assert_eq!(first.status, 503, "{first:?}");
    assert_eq!(common::post_batch(addr, &body).status, 503);
    let odd = common::post_batch(addr, &body);
    assert_eq!(
        (odd.status, odd.body.as_str()),
        (200, "not json"),
        "{odd:?}"
    );
    assert_eq!(
        common::post_batch(addr, &body).status,
        200,
        "then the normal answer"
    );
    assert!(
        emulator
            .command("script POST /batch 99999")
            .starts_with("error: \"99999\": not a status"),
    );
    assert_eq!(emulator.command("unscript"), "unscripted");
}
