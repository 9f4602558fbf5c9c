//! `cargo sekoia run` end to end: the built command line on the TestHTTP example module, the
//! emulator on loopback, every run bounded by a watchdog.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The longest a `cargo sekoia run` may take, a first build of the example module included.
const WATCHDOG: Duration = Duration::from_secs(600);

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cargo-sekoia/ is inside the repository")
        .to_owned()
}

fn testhttp() -> String {
    repo_root().join("examples/testhttp").display().to_string()
}

/// What one run of the command left.
struct Run {
    success: bool,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Both streams, for assertion messages.
    fn report(&self) -> String {
        format!(
            "exit code {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn read_to_end(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Runs `cargo-sekoia run <args>`; kills it and fails the test after [`WATCHDOG`].
fn cargo_sekoia_run(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .arg("run")
        .args(args)
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cargo-sekoia starts");
    let stdout = read_to_end(child.stdout.take().expect("piped stdout"));
    let stderr = read_to_end(child.stderr.take().expect("piped stderr"));
    let deadline = Instant::now() + WATCHDOG;
    let status = loop {
        if let Some(status) = child.try_wait().expect("cargo-sekoia can be waited for") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let run = Run {
        success: status.is_some_and(|s| s.success()),
        code: status.and_then(|s| s.code()),
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    };
    assert!(
        status.is_some(),
        "cargo sekoia run {args:?} was still running after {WATCHDOG:?}\n{}",
        run.report()
    );
    run
}

/// A throw-away cargo package outside the workspace, with `main` as its src/main.rs.
fn scratch_package(main: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"scratch\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .expect("Cargo.toml written");
    std::fs::create_dir(dir.path().join("src")).expect("src/ created");
    std::fs::write(dir.path().join("src/main.rs"), main).expect("main.rs written");
    dir
}

#[test]
fn the_request_action_fetches_the_hello_page_and_shows_its_results() {
    let run = cargo_sekoia_run(&[
        &testhttp(),
        "Request",
        "--arguments",
        r#"{"url": "{emulator}/pages/hello", "method": "get"}"#,
        "--module-configuration",
        r#"{"api_key": "k", "base_url": "{emulator}/pages"}"#,
        "--timeout",
        "60",
    ]);

    assert!(run.success, "{}", run.report());
    assert!(
        run.stderr.contains("Emulator http://127.0.0.1:"),
        "the emulator's URL is printed\n{}",
        run.report()
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    let running = lines
        .iter()
        .position(|l| l.contains("status") && l.contains("running"));
    let finished = lines
        .iter()
        .position(|l| l.contains("status") && l.contains("finished with results"));
    assert!(
        running.is_some() && running < finished,
        "running, then finished\n{}",
        run.report()
    );
    assert!(
        run.stdout.contains("GET /pages/hello -> 200"),
        "{}",
        run.report()
    );
    let results = run
        .stdout
        .split_once("results:\n")
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    assert!(
        results.contains(r#""status_code": 200"#),
        "{}",
        run.report()
    );
    assert!(
        results.contains(r#""text": "Hello from the Sekoia emulator""#),
        "{}",
        run.report()
    );
    assert!(
        run.stdout.contains("the module exited with status 0"),
        "{}",
        run.report()
    );
}

#[test]
fn ui_serves_the_console_and_names_it() {
    let run = cargo_sekoia_run(&[
        &testhttp(),
        "Request",
        "--ui",
        "--arguments",
        r#"{"url": "{emulator}/pages/hello", "method": "get"}"#,
        "--module-configuration",
        r#"{"api_key": "k", "base_url": "{emulator}/pages"}"#,
        "--timeout",
        "60",
    ]);
    assert!(run.success, "{}", run.report());
    let console = run
        .stderr
        .lines()
        .find_map(|line| line.trim().strip_prefix("Console "))
        .unwrap_or_else(|| panic!("the console's URL is printed\n{}", run.report()));
    assert!(
        console.starts_with("http://127.0.0.1:") && console.contains("/ui "),
        "{console}"
    );
    // standard input is not a terminal: nobody to look at the page, the command ends
    assert!(!run.stderr.contains("Ctrl-C to end"), "{}", run.report());
}

#[test]
fn the_connector_stops_by_itself_after_three_events_and_reports_the_batch() {
    let run = cargo_sekoia_run(&[
        &testhttp(),
        "TesthttpConnector",
        "--module-configuration",
        r#"{"api_key": "k", "base_url": "{emulator}/pages"}"#,
        "--configuration",
        r#"{"intake_key": "ik"}"#,
        "--events",
        "3",
        "--timeout",
        "120",
    ]);

    assert!(run.success, "{}", run.report());
    assert!(
        run.stderr.contains("api_key held by the emulator"),
        "{}",
        run.report()
    );
    assert!(
        run.stdout.contains("the module fetched its secrets"),
        "{}",
        run.report()
    );
    assert!(
        run.stdout.contains("GET /pages/events -> 200"),
        "{}",
        run.report()
    );
    let batch = run
        .stdout
        .lines()
        .find(|line| line.contains("intake") && line.contains("events (intake key ik)"))
        .unwrap_or_else(|| panic!("no intake batch line\n{}", run.report()));
    assert!(batch.contains("3 events"), "{batch}");
    assert!(
        batch.contains(r#"first: {"id":1,"#),
        "the first event is shown: {batch}"
    );
    assert!(
        run.stdout
            .contains("stopped (--events 3: 3 events received)"),
        "stopped by --events, not by --timeout\n{}",
        run.report()
    );
    assert!(
        run.stdout.contains("3 intake events in 1 batch"),
        "{}",
        run.report()
    );
}

#[test]
fn the_trigger_sends_the_new_entries_as_one_event() {
    let run = cargo_sekoia_run(&[
        &testhttp(),
        "NewEntriesTrigger",
        "--module-configuration",
        r#"{"api_key": "k", "base_url": "{emulator}/pages"}"#,
        "--configuration",
        r#"{"url": "{emulator}/pages/entries"}"#,
        "--events",
        "1",
        "--timeout",
        "120",
    ]);

    assert!(run.success, "{}", run.report());
    let event = run
        .stdout
        .lines()
        .find(|line| line.contains("event") && line.contains("Pushing 3 new entries"))
        .unwrap_or_else(|| panic!("no event line\n{}", run.report()));
    assert!(event.contains(r#"{"entries":[{"id":1,"#), "{event}");
    assert!(
        run.stdout
            .contains("stopped (--events 1: 1 event received)"),
        "{}",
        run.report()
    );
}

#[test]
fn an_action_that_reports_an_error_fails_the_command() {
    let run = cargo_sekoia_run(&[
        &testhttp(),
        "Request",
        "--arguments",
        r#"{"method": "get"}"#,
        "--module-configuration",
        r#"{"api_key": "k", "base_url": "x"}"#,
        "--timeout",
        "60",
    ]);

    assert_eq!(run.code, Some(1), "{}", run.report());
    assert!(
        run.stdout.contains("finished with an error"),
        "{}",
        run.report()
    );
    assert!(
        run.stdout.contains("missing field `url`"),
        "the error is shown\n{}",
        run.report()
    );
    assert!(
        run.stdout.contains(
            "the module exited with status 0; the action did not finish with results: exit status 1"
        ),
        "{}",
        run.report()
    );
}

#[test]
fn arguments_that_are_not_json_are_refused_before_any_build() {
    let run = cargo_sekoia_run(&[&testhttp(), "Request", "--arguments", "{url: x}"]);

    assert!(!run.success, "{}", run.report());
    assert!(
        run.stderr.contains(
            "error: --arguments is not valid JSON: key must be a string at line 1 column 2"
        ),
        "{}",
        run.report()
    );
    assert!(
        !run.stderr.contains("Building"),
        "no build for a bad flag\n{}",
        run.report()
    );
    assert!(run.stdout.is_empty(), "{}", run.report());
}

#[test]
fn a_configuration_that_is_not_an_object_or_a_missing_file_is_refused() {
    let array = cargo_sekoia_run(&[&testhttp(), "TesthttpConnector", "--configuration", "[1]"]);
    let missing = cargo_sekoia_run(&[
        &testhttp(),
        "Request",
        "--arguments",
        "@/nonexistent/arguments.json",
    ]);

    assert!(!array.success, "{}", array.report());
    assert!(
        array
            .stderr
            .contains("--configuration must be a JSON object"),
        "{}",
        array.report()
    );
    assert!(array.stderr.contains("not an array"), "{}", array.report());
    assert!(!missing.success, "{}", missing.report());
    assert!(
        missing
            .stderr
            .contains("--arguments: cannot read the file /nonexistent/arguments.json"),
        "{}",
        missing.report()
    );
}

#[test]
fn an_unknown_docker_parameters_lists_the_known_ones() {
    let run = cargo_sekoia_run(&[&testhttp(), "Requests"]);

    assert!(!run.success, "{}", run.report());
    assert!(
        run.stderr
            .contains("unknown docker_parameters `Requests` for module TestHTTP"),
        "{}",
        run.report()
    );
    for known in [
        "Request (action \"Request URL\")",
        "TesthttpConnector (connector",
        "NewEntriesTrigger (trigger",
    ] {
        assert!(
            run.stderr.contains(known),
            "{known} listed\n{}",
            run.report()
        );
    }
}

#[test]
fn a_build_failure_shows_cargo_output_and_fails() {
    let package = scratch_package("fn main() { let x: u32 = \"not a number\"; }\n");

    let run = cargo_sekoia_run(&[&package.path().display().to_string(), "Anything"]);

    assert!(!run.success, "{}", run.report());
    assert!(
        run.stderr.contains("mismatched types"),
        "rustc's error is shown\n{}",
        run.report()
    );
    assert!(
        run.stderr.contains("error: cargo build failed for scratch"),
        "{}",
        run.report()
    );
}

#[test]
fn a_package_without_manifests_is_not_a_module() {
    let package = scratch_package("fn main() {}\n");

    let run = cargo_sekoia_run(&[&package.path().display().to_string(), "Anything"]);

    assert!(!run.success, "{}", run.report());
    assert!(
        run.stderr.contains("no manifest.json in"),
        "{}",
        run.report()
    );
}

#[test]
fn a_misspelt_component_gets_a_suggestion() {
    let run = cargo_sekoia_run(&[&testhttp(), "Requets"]);
    assert!(!run.success, "{}", run.report());
    assert!(
        run.stderr.contains("did you mean `Request`?"),
        "{}",
        run.report()
    );
}

#[test]
fn a_forgotten_module_directory_is_pointed_out() {
    let run = cargo_sekoia_run(&["Request"]);
    assert!(!run.success, "{}", run.report());
    assert!(
        run.stderr
            .contains("`Request` is not a module directory: the module directory comes first")
            && run.stderr.contains("`cargo sekoia run . Request`"),
        "{}",
        run.report()
    );
    let which = cargo_sekoia_run(&[&testhttp()]);
    assert!(!which.success);
    assert!(
        which.stderr.contains("which component of")
            && which.stderr.contains("Request (action \"Request URL\")"),
        "{}",
        which.report()
    );
}

#[test]
fn a_missing_module_directory_is_named() {
    let run = cargo_sekoia_run(&["/nonexistent/module", "Request"]);

    assert!(!run.success, "{}", run.report());
    assert!(
        run.stderr
            .contains("the module directory /nonexistent/module does not exist"),
        "{}",
        run.report()
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_connector_gracefully() {
    use std::io::{BufRead as _, BufReader};
    use std::sync::mpsc;

    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args(["run", &testhttp(), "TesthttpConnector"])
        .args([
            "--module-configuration",
            r#"{"api_key": "k", "base_url": "{emulator}/pages"}"#,
        ])
        .args(["--timeout", "300"])
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cargo-sekoia starts");
    let stderr = read_to_end(child.stderr.take().expect("piped stderr"));
    let (lines_tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let deadline = Instant::now() + WATCHDOG;
    let mut seen = Vec::new();
    let batch_arrived = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                let batch = line.contains("intake") && line.contains("3 events");
                seen.push(line);
                if batch {
                    break true;
                }
            }
            Err(_) => break false,
        }
    };
    if !batch_arrived {
        let _ = child.kill();
    }
    // What a terminal's Ctrl-C sends to the command (the module has its own process group).
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .is_ok_and(|status| status.success());
    let status = loop {
        if let Some(status) = child.try_wait().expect("cargo-sekoia can be waited for") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = reader.join();
    seen.extend(lines.try_iter());
    let stdout = seen.join("\n");
    let stderr = stderr.join().unwrap_or_default();
    let report = format!("{status:?}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");

    assert!(batch_arrived, "the connector pushed its batch\n{report}");
    assert!(interrupted, "SIGINT sent\n{report}");
    assert!(status.is_some_and(|s| s.success()), "{report}");
    assert!(
        stderr.contains("Stopping Ctrl-C: SIGTERM to the module"),
        "{report}"
    );
    assert!(
        stdout.contains("stopped (Ctrl-C), the module exited with status 0"),
        "{report}"
    );
    // The logs the connector flushed at its graceful stop reached the platform.
    assert!(stdout.contains("3 events collected"), "{report}");
}
