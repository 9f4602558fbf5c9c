//! The module runner, with a shell script standing in for a module binary: it prints the
//! configuration it finds (files or environment), exits with a chosen code, sleeps, or waits
//! for SIGTERM.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine as _;
use sekoia_emulator::{Emulator, ModuleRun, RunError};
use serde_json::json;

const FAKE_MODULE: &str = r#"#!/bin/sh
# A stand-in for a module binary: $1 is the command (docker_parameters).
NAMES="token url_callback intake_url liveness_port metrics_port module_configuration arguments trigger_configuration connector_configuration extra"
# Sleeps up to 60 s in small steps, so that a trap runs soon after a signal.
nap() { i=0; while [ "$i" -lt 600 ]; do sleep 0.1; i=$((i + 1)); done; }
case "$1" in
  dump-files)
    for name in $NAMES; do
      if [ -f "$SEKOIA_CONFIG_ROOT/$name" ]; then
        printf '%s=%s\n' "$name" "$(cat "$SEKOIA_CONFIG_ROOT/$name")"
      fi
    done
    printf 'data_root=%s\n' "$SEKOIA_DATA_ROOT"
    ;;
  dump-env)
    for name in $NAMES; do
      var=$(echo "$name" | tr 'a-z' 'A-Z')
      eval "value=\${$var-}"
      if [ -n "$value" ]; then printf '%s=%s\n' "$var" "$value"; fi
    done
    printf 'config_files=%s\n' "$(ls -A "$SEKOIA_CONFIG_ROOT" | wc -l | tr -d ' ')"
    ;;
  exit-code)
    echo "exiting with $EXIT_CODE" >&2
    exit "$EXIT_CODE"
    ;;
  read-data)
    cat "$SEKOIA_DATA_ROOT/$DATA_FILE"
    ;;
  sleep)
    nap
    ;;
  wait-term)
    trap 'echo "got TERM"; exit 0' TERM
    echo ready
    nap
    exit 3
    ;;
  ignore-term)
    trap '' TERM
    nap
    ;;
  *)
    echo "unknown command $1" >&2
    exit 2
    ;;
esac
"#;

/// The script, written once per test process (then renamed into place, so that no thread
/// runs a half-written file).
fn fake_module() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let temporary = dir.join(format!("fake-module-{}.sh.tmp", std::process::id()));
        let path = dir.join(format!("fake-module-{}.sh", std::process::id()));
        std::fs::write(&temporary, FAKE_MODULE).expect("write the fake module");
        std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o755))
            .expect("make the fake module executable");
        std::fs::rename(&temporary, &path).expect("move the fake module into place");
        path
    })
}

/// `name=value` lines of the script's output.
fn lines(stdout: &str) -> BTreeMap<String, String> {
    stdout
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

#[test]
fn files_mode_writes_each_value_and_the_defaults() {
    let emulator = Emulator::start();

    let outcome = ModuleRun::new(fake_module(), "dump-files")
        .module_configuration(json!({"api_key": "k"}))
        .arguments(json!({"url": "http://x"}))
        .config_value("extra", "plain text")
        .run(&emulator)
        .expect("run");

    assert!(outcome.success(), "{outcome}");
    let found = lines(&outcome.stdout);
    assert_eq!(found["token"], "tok");
    assert_eq!(found["url_callback"], emulator.callback_url());
    assert_eq!(found["intake_url"], emulator.url());
    assert_eq!(found["module_configuration"], r#"{"api_key":"k"}"#);
    assert_eq!(found["arguments"], r#"{"url":"http://x"}"#);
    assert_eq!(found["extra"], "plain text");
    assert!(!found.contains_key("trigger_configuration"));
    let liveness: u16 = found["liveness_port"].parse().expect("liveness port");
    let metrics: u16 = found["metrics_port"].parse().expect("metrics port");
    assert_ne!(liveness, metrics);
    assert_eq!(outcome.ports.liveness, Some(liveness));
    assert_eq!(outcome.ports.metrics, Some(metrics));
    assert_eq!(PathBuf::from(&found["data_root"]), outcome.data_dir.path());
    assert!(outcome.config_dir.path().join("token").is_file());
    assert!(!outcome.timed_out && !outcome.stop_sent && !outcome.killed);
}

#[test]
fn env_mode_passes_upper_cased_variables_and_no_files() {
    let emulator = Emulator::start();

    let outcome = ModuleRun::new(fake_module(), "dump-env")
        .module_configuration(json!({"api_key": "k"}))
        .trigger_configuration(json!({"frequency": 5}))
        .via_env()
        .run(&emulator)
        .expect("run");

    assert!(outcome.success(), "{outcome}");
    let found = lines(&outcome.stdout);
    assert_eq!(found["MODULE_CONFIGURATION"], r#"{"api_key":"k"}"#);
    assert_eq!(found["TRIGGER_CONFIGURATION"], r#"{"frequency":5}"#);
    assert_eq!(found["TOKEN"], "tok");
    assert_eq!(found["URL_CALLBACK"], emulator.callback_url());
    assert_eq!(found["config_files"], "0");
}

#[test]
fn env_base64_mode_encodes_json_values_only() {
    let emulator = Emulator::start();

    let outcome = ModuleRun::new(fake_module(), "dump-env")
        .connector_configuration(json!({"intake_key": "ik"}))
        .via_env_base64()
        .run(&emulator)
        .expect("run");

    assert!(outcome.success(), "{outcome}");
    let found = lines(&outcome.stdout);
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(&found["CONNECTOR_CONFIGURATION"])
        .expect("base64");
    assert_eq!(decoded, br#"{"intake_key":"ik"}"#);
    assert_eq!(found["TOKEN"], "tok", "text values stay plain");
}

#[test]
fn token_can_be_changed_and_defaults_unset() {
    let emulator = Emulator::start();

    let outcome = ModuleRun::new(fake_module(), "dump-files")
        .token("other")
        .unset("url_callback")
        .config_value("liveness_port", "not a port")
        .run(&emulator)
        .expect("run");

    let found = lines(&outcome.stdout);
    assert_eq!(found["token"], "other");
    assert!(!found.contains_key("url_callback"), "{found:?}");
    assert_eq!(found["liveness_port"], "not a port");
    assert_eq!(outcome.ports.liveness, None);
    assert!(outcome.ports.metrics.is_some());
}

#[test]
fn the_exit_code_and_stderr_are_reported() {
    let emulator = Emulator::start();

    let outcome = ModuleRun::new(fake_module(), "exit-code")
        .env("EXIT_CODE", "3")
        .run(&emulator)
        .expect("run");

    assert_eq!(outcome.status.code(), Some(3));
    assert!(!outcome.success());
    assert_eq!(outcome.stderr, "exiting with 3\n");
    assert!(outcome.to_string().contains("exiting with 3"));
}

#[test]
fn an_unknown_command_fails_like_a_module_would() {
    let emulator = Emulator::start();

    let outcome = ModuleRun::new(fake_module(), "nope")
        .run(&emulator)
        .expect("run");

    assert_eq!(outcome.status.code(), Some(2));
    assert!(outcome.stderr.contains("unknown command nope"));
}

#[test]
fn the_timeout_kills_the_module() {
    let emulator = Emulator::start();

    let outcome = ModuleRun::new(fake_module(), "sleep")
        .timeout(Duration::from_millis(300))
        .run(&emulator)
        .expect("run");

    assert!(outcome.timed_out && outcome.killed, "{outcome}");
    assert!(!outcome.success());
    assert_eq!(outcome.status.code(), None, "killed by a signal");
    assert!(outcome.elapsed >= Duration::from_millis(300));
    assert!(
        outcome.elapsed < Duration::from_secs(10),
        "{:?}",
        outcome.elapsed
    );
}

#[test]
fn stop_after_sends_sigterm_and_waits_for_a_clean_exit() {
    let emulator = Emulator::start();

    let outcome = ModuleRun::new(fake_module(), "wait-term")
        .stop_after(Duration::from_millis(300))
        .run(&emulator)
        .expect("run");

    assert!(outcome.stop_sent, "{outcome}");
    assert!(!outcome.killed && !outcome.timed_out, "{outcome}");
    assert_eq!(outcome.status.code(), Some(0), "{outcome}");
    assert_eq!(outcome.stdout, "ready\ngot TERM\n");
}

#[test]
fn a_module_that_ignores_sigterm_is_killed_after_the_grace() {
    let emulator = Emulator::start();

    let outcome = ModuleRun::new(fake_module(), "ignore-term")
        .stop_after(Duration::from_millis(100))
        .stop_grace(Duration::from_millis(300))
        .run(&emulator)
        .expect("run");

    assert!(outcome.stop_sent && outcome.killed, "{outcome}");
    assert!(
        !outcome.timed_out,
        "killed at the end of the grace, not at the timeout"
    );
    assert!(
        outcome.elapsed < Duration::from_secs(10),
        "{:?}",
        outcome.elapsed
    );
}

#[test]
fn stop_when_sends_sigterm_once_the_platform_saw_enough() {
    let emulator = Emulator::start();
    common::get(emulator.addr(), "/secrets"); // before the run: not part of its outcome
    let addr = emulator.addr();
    let poker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        let body = common::batch_body("ik", &[json!(1), json!(2), json!(3)]);
        common::post_batch(addr, &body).status
    });

    let outcome = ModuleRun::new(fake_module(), "wait-term")
        .stop_when(|emulator| emulator.intake_event_count() >= 3)
        .run(&emulator)
        .expect("run");

    assert_eq!(poker.join().expect("poker thread"), 200);
    assert!(outcome.stop_sent && !outcome.killed, "{outcome}");
    assert_eq!(outcome.status.code(), Some(0));
    assert_eq!(outcome.requests.len(), 1, "{outcome}");
    assert_eq!(outcome.requests_to("/batch").len(), 1);
}

#[test]
fn spawn_exposes_the_ports_and_stop_ends_the_module() {
    let emulator = Emulator::start();

    let mut running = ModuleRun::new(fake_module(), "wait-term")
        .spawn(&emulator)
        .expect("spawn");
    let ports = running.ports();
    let liveness = ports.liveness.expect("a liveness port");
    let written = std::fs::read_to_string(running.config_dir().join("liveness_port"))
        .expect("liveness_port file");
    assert_eq!(written, liveness.to_string());
    assert_ne!(ports.liveness, ports.metrics);
    assert!(
        running.try_wait().expect("try_wait").is_none(),
        "still running"
    );
    // Let the script install its trap before the signal.
    std::thread::sleep(Duration::from_millis(200));
    running.stop().expect("SIGTERM");
    let outcome = running.wait().expect("wait");

    assert_eq!(outcome.status.code(), Some(0), "{outcome}");
    assert!(outcome.stop_sent);
    assert_eq!(outcome.ports, ports);
}

#[test]
fn dropping_a_running_module_kills_it() {
    let emulator = Emulator::start();
    let running = ModuleRun::new(fake_module(), "sleep")
        .spawn(&emulator)
        .expect("spawn");
    let proc_dir = PathBuf::from(format!("/proc/{}", running.pid()));
    let linux = PathBuf::from("/proc/self").exists();
    assert!(!linux || proc_dir.exists());

    drop(running);

    assert!(
        !linux || !proc_dir.exists(),
        "{} still exists",
        proc_dir.display()
    );
}

#[test]
fn data_files_are_put_in_the_data_directory() {
    let emulator = Emulator::start();

    let outcome = ModuleRun::new(fake_module(), "read-data")
        .data_file("in/argument.json", r#"{"x":1}"#)
        .env("DATA_FILE", "in/argument.json")
        .run(&emulator)
        .expect("run");

    assert!(outcome.success(), "{outcome}");
    assert_eq!(outcome.stdout, r#"{"x":1}"#);
    assert!(outcome.data_dir.path().join("in/argument.json").is_file());
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let emulator = Emulator::start();

    let missing = ModuleRun::new("/nonexistent/module-binary", "Request").run(&emulator);
    let escaping = ModuleRun::new(fake_module(), "read-data")
        .data_file("../outside.json", "{}")
        .run(&emulator);
    let bad_name = ModuleRun::new(fake_module(), "dump-files")
        .config_value("../token", "x")
        .run(&emulator);

    let missing = missing.expect_err("no such binary");
    assert!(matches!(missing, RunError::Spawn { .. }), "{missing:?}");
    assert!(
        missing.to_string().contains("/nonexistent/module-binary"),
        "{missing}"
    );
    let escaping = escaping.expect_err("path outside the data directory");
    assert!(
        matches!(escaping, RunError::DataPath { .. }),
        "{escaping:?}"
    );
    let bad_name = bad_name.expect_err("name with a slash");
    assert!(
        matches!(bad_name, RunError::ConfigName { .. }),
        "{bad_name:?}"
    );
    assert!(emulator.requests().is_empty());
}
