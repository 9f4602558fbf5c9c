//! Bad configuration values: each is a clear error that names the value, at once, without a
//! panic, a retry or a quote of a secret.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

use sekoia_emulator::{Emulator, ModuleRun};
use serde_json::json;

use crate::harness::{Case, case, clean, conformance, finished, finished_error, logged, platform};

const CATEGORY: &str = "configuration";

#[derive(Clone, Copy, Debug)]
enum Delivery {
    Files,
    Env,
}

fn deliver(run: ModuleRun, delivery: Delivery) -> ModuleRun {
    match delivery {
        Delivery::Files => run.via_files(),
        Delivery::Env => run.via_env(),
    }
}

fn noop() -> ModuleRun {
    conformance("Noop")
        .module_configuration(json!({}))
        .arguments(json!({"value": "x"}))
}

/// A long-running component that must report a critical naming `needle`, then wait for SIGTERM.
fn critical_then_stop(run: ModuleRun, needle: &'static str) {
    let emulator = platform();
    let outcome = run
        .stop_when(move |e| e.logs().iter().any(|l| l.level == "critical"))
        .run(&emulator)
        .unwrap();
    clean(&outcome);
    assert!(outcome.success(), "{outcome}");
    assert!(
        logged(&emulator, "critical", needle),
        "no critical naming {needle}: {outcome}"
    );
    assert!(
        outcome.stderr.contains(needle),
        "the critical reaches stderr too: {outcome}"
    );
}

/// An action whose finished report must be an error holding every needle.
fn action_refused(run: ModuleRun, needles: &[&str]) -> String {
    let emulator = platform();
    let outcome = run.run(&emulator).unwrap();
    clean(&outcome);
    let error = finished_error(&emulator, &outcome);
    for needle in needles {
        assert!(error.contains(needle), "{needle:?} not in {error:?}");
    }
    assert!(
        outcome.stderr.contains("the action failed"),
        "the error reaches stderr: {outcome}"
    );
    error
}

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // what the binary needs to report at all: refused at once, exit 1, nothing sent
    let platform_values = [
        ("url_callback", "ftp://127.0.0.1/callback"),
        ("url_callback", "not a url"),
        ("url_callback", "http://"),
        ("url_callback", "javascript:alert(1)"),
        ("url_logs", "logs"),
        ("url_secrets", "file:///etc/passwd"),
        ("token", "to\u{1}k"),
        ("token", "tok\u{7f}en"),
    ];
    for (name, value) in platform_values {
        for delivery in [Delivery::Files, Delivery::Env] {
            cases.push(case(
                CATEGORY,
                format!("{name}={value:?} via {delivery:?}"),
                move || {
                    let emulator = Emulator::start();
                    let outcome = deliver(noop().config_value(name, value), delivery)
                        .run(&emulator)
                        .unwrap();
                    clean(&outcome);
                    assert_eq!(outcome.status.code(), Some(1), "{outcome}");
                    assert!(
                        outcome.elapsed < Duration::from_secs(5),
                        "at once: {outcome}"
                    );
                    assert!(outcome.stderr.contains(&format!("`{name}`")), "{outcome}");
                    if name == "token" {
                        assert!(
                            !outcome.stderr.contains(value),
                            "the token is not quoted: {outcome}"
                        );
                    }
                    assert!(emulator.requests().is_empty(), "{outcome}");
                },
            ));
        }
    }
    // a variable that is not UTF-8 is named, not taken as absent
    for (variable, name) in [
        ("ARGUMENTS", "arguments"),
        ("MODULE_CONFIGURATION", "module_configuration"),
    ] {
        cases.push(case(
            CATEGORY,
            format!("{variable} is not UTF-8"),
            move || {
                let run = conformance("Noop").unset(name).env(
                    variable,
                    std::ffi::OsStr::from_bytes(b"{\"value\": \"\xff\"}"),
                );
                action_refused(
                    run,
                    &[&format!("environment variable {variable}"), "not UTF-8"],
                );
            },
        ));
    }
    cases.push(case(CATEGORY, "TOKEN is not UTF-8", || {
        let emulator = Emulator::start();
        let outcome = noop()
            .unset("token")
            .env("TOKEN", std::ffi::OsStr::from_bytes(b"t\xffk"))
            .run(&emulator)
            .unwrap();
        clean(&outcome);
        assert_eq!(outcome.status.code(), Some(1), "{outcome}");
        assert!(
            outcome.stderr.contains("TOKEN") && outcome.stderr.contains("not UTF-8"),
            "{outcome}"
        );
    }));
    // base64 whose decoded text is not JSON: the cause is the decoded text
    cases.push(case(CATEGORY, "base64 of broken JSON in ARGUMENTS", || {
        let run = conformance("Noop")
            .module_configuration(json!({}))
            .unset("arguments")
            .env("ARGUMENTS", "e29vcHM=");
        action_refused(run, &["`arguments`", "base64", "decoded"]);
    }));
    cases.push(case(
        CATEGORY,
        "base64 of broken JSON in TRIGGER_CONFIGURATION",
        || {
            let run = conformance("Chatty")
                .module_configuration(json!({}))
                .env("TRIGGER_CONFIGURATION", "e29vcHM=");
            critical_then_stop(run, "decoded");
        },
    ));
    // a module configuration that is not an object is refused, not replaced by {}
    for value in [json!([1]), json!("text"), json!(3), json!(true)] {
        cases.push(case(
            CATEGORY,
            format!("module_configuration {value} (action)"),
            move || {
                let run = conformance("Noop")
                    .module_configuration(value)
                    .arguments(json!({"value": "x"}));
                action_refused(run, &["`module_configuration` must be a JSON object"]);
            },
        ));
    }
    cases.push(case(CATEGORY, "module_configuration [] (trigger)", || {
        let run = conformance("Chatty")
            .module_configuration(json!([]))
            .trigger_configuration(json!({"repeat": 1}));
        critical_then_stop(run, "must be a JSON object");
    }));
    // sub_folder and the file backend
    for sub in ["../elsewhere", "/etc", "a/../../x"] {
        cases.push(case(
            CATEGORY,
            format!("sub_folder {sub:?} (action)"),
            move || {
                action_refused(
                    noop().config_value("sub_folder", sub),
                    &["`sub_folder`", "data directory"],
                );
            },
        ));
    }
    cases.push(case(CATEGORY, "sub_folder \"..\" (trigger)", || {
        let run = conformance("Chatty")
            .module_configuration(json!({}))
            .trigger_configuration(json!({"repeat": 1}))
            .config_value("sub_folder", "..");
        critical_then_stop(run, "`sub_folder`");
    }));
    cases.push(case(CATEGORY, "sub_folder inside is used", || {
        let emulator = platform();
        let outcome = conformance("Files")
            .module_configuration(json!({}))
            .arguments(json!({"events_path": "in.json"}))
            .config_value("sub_folder", "run-1")
            .data_file("run-1/in.json", "[1]")
            .run(&emulator)
            .unwrap();
        assert!(outcome.success(), "{outcome}");
        assert!(
            finished(&emulator, &outcome).get("error").is_none(),
            "{outcome}"
        );
    }));
    // json_argument: a path that leaves the data directory, the same answer whatever is outside
    for path in [
        "../x.json",
        "/etc/passwd",
        "/etc/no-such-file",
        "sub/../../etc/passwd",
    ] {
        cases.push(case(CATEGORY, format!("events_path {path:?}"), move || {
            let run = conformance("Files")
                .module_configuration(json!({}))
                .arguments(json!({"events_path": path}));
            let error = action_refused(
                run,
                &["`events_path`", "is not a path inside the data directory"],
            );
            assert!(!error.contains("No such file"), "{error}");
        }));
    }
    for (name, target) in [
        ("to passwd", "/etc/passwd"),
        ("to nothing outside", "/etc/no-such-file"),
    ] {
        cases.push(case(
            CATEGORY,
            format!("events_path through a link {name}"),
            move || {
                let data = tempfile::tempdir().unwrap();
                symlink(target, data.path().join("link.json")).unwrap();
                let run = conformance("Files")
                    .module_configuration(json!({}))
                    .arguments(json!({"events_path": "link.json"}))
                    .env("SEKOIA_DATA_ROOT", data.path());
                action_refused(
                    run,
                    &["leads outside the data directory through the symbolic link"],
                );
            },
        ));
    }
    cases.push(case(
        CATEGORY,
        "events_path through a dangling link inside",
        || {
            let data = tempfile::tempdir().unwrap();
            symlink("gone.json", data.path().join("link.json")).unwrap();
            let run = conformance("Files")
                .module_configuration(json!({}))
                .arguments(json!({"events_path": "link.json"}))
                .env("SEKOIA_DATA_ROOT", data.path());
            action_refused(run, &["dangling"]);
        },
    ));
    cases.push(case(
        CATEGORY,
        "events_path through a link inside is read",
        || {
            let data = tempfile::tempdir().unwrap();
            std::fs::create_dir(data.path().join("real")).unwrap();
            std::fs::write(data.path().join("real/in.json"), "[2]").unwrap();
            symlink("real", data.path().join("alias")).unwrap();
            let emulator = platform();
            let outcome = conformance("Files")
                .module_configuration(json!({}))
                .arguments(json!({"events_path": "alias/in.json"}))
                .env("SEKOIA_DATA_ROOT", data.path())
                .run(&emulator)
                .unwrap();
            assert!(outcome.success(), "{outcome}");
            assert!(
                finished(&emulator, &outcome).get("error").is_none(),
                "{outcome}"
            );
        },
    ));
    // a configuration file that is a dangling link is said so, not "missing"
    cases.push(case(CATEGORY, "arguments file is a dangling link", || {
        let emulator = platform();
        let config = tempfile::tempdir().unwrap();
        write_platform_files(config.path(), &emulator);
        symlink("/nonexistent/arguments", config.path().join("arguments")).unwrap();
        let outcome = conformance("Noop")
            .env("SEKOIA_CONFIG_ROOT", config.path())
            .run(&emulator)
            .unwrap();
        let error = finished_error(&emulator, &outcome);
        assert!(
            error.contains("dangling") && !error.contains("missing"),
            "{error}"
        );
    }));
    cases.push(case(CATEGORY, "token file is a dangling link", || {
        let emulator = platform();
        let config = tempfile::tempdir().unwrap();
        write_platform_files(config.path(), &emulator);
        std::fs::remove_file(config.path().join("token")).unwrap();
        symlink("/nonexistent/token", config.path().join("token")).unwrap();
        let outcome = conformance("Noop")
            .unset("token")
            .env("SEKOIA_CONFIG_ROOT", config.path())
            .run(&emulator)
            .unwrap();
        assert_eq!(outcome.status.code(), Some(1), "{outcome}");
        assert!(outcome.stderr.contains("dangling"), "{outcome}");
    }));
    // malformed or ill-typed values
    for delivery in [Delivery::Files, Delivery::Env] {
        cases.push(case(
            CATEGORY,
            format!("arguments not JSON via {delivery:?}"),
            move || {
                let run = deliver(
                    conformance("Noop")
                        .module_configuration(json!({}))
                        .config_value("arguments", "{oops"),
                    delivery,
                );
                action_refused(run, &["`arguments`", "not valid JSON"]);
            },
        ));
        cases.push(case(
            CATEGORY,
            format!("arguments of the wrong type via {delivery:?}"),
            move || {
                let run = deliver(
                    conformance("Noop")
                        .module_configuration(json!({}))
                        .arguments(json!({"value": 3})),
                    delivery,
                );
                action_refused(run, &["`arguments`", "at `value`"]);
            },
        ));
    }
    cases.push(case(CATEGORY, "trigger_configuration not JSON", || {
        let run = conformance("Chatty")
            .module_configuration(json!({}))
            .config_value("trigger_configuration", "[1,");
        critical_then_stop(run, "`trigger_configuration`");
    }));
    cases.push(case(CATEGORY, "trigger_configuration missing", || {
        let run = conformance("Chatty").module_configuration(json!({}));
        critical_then_stop(run, "`trigger_configuration` is missing");
    }));
    // ports that are not ports: logged, and the trigger runs on
    for port in ["eighty", "70000", "-1"] {
        cases.push(case(
            CATEGORY,
            format!("liveness_port {port:?}"),
            move || {
                let emulator = platform();
                let outcome = conformance("Chatty")
                    .module_configuration(json!({}))
                    .trigger_configuration(json!({"repeat": 1}))
                    .config_value("liveness_port", port)
                    .stop_when(|e| e.logs().iter().any(|l| l.level == "critical"))
                    .run(&emulator)
                    .unwrap();
                clean(&outcome);
                assert!(logged(&emulator, "error", "`liveness_port`"), "{outcome}");
                assert!(
                    logged(&emulator, "critical", "first critical"),
                    "it ran on: {outcome}"
                );
            },
        ));
    }
    // connectors: the intake's key and address
    for key in ["a\u{1}b", "line\nbreak", "del\u{7f}"] {
        cases.push(case(CATEGORY, format!("intake_key {key:?}"), move || {
            let run = conformance("Small")
                .module_configuration(json!({}))
                .connector_configuration(json!({"intake_key": key}));
            critical_then_stop(run, "`intake_key`");
        }));
    }
    for server in ["not a url", "ftp://127.0.0.1/", "http//127.0.0.1"] {
        cases.push(case(
            CATEGORY,
            format!("intake_server {server:?}"),
            move || {
                let run = conformance("Small")
                    .module_configuration(json!({}))
                    .connector_configuration(json!({"intake_key": "ik", "intake_server": server}));
                critical_then_stop(run, "`intake_server`");
            },
        ));
    }
    cases.push(case(CATEGORY, "intake_url not a URL", || {
        let run = conformance("Small")
            .module_configuration(json!({}))
            .connector_configuration(json!({"intake_key": "ik"}))
            .config_value("intake_url", "intake.example");
        critical_then_stop(run, "`intake_url`");
    }));
    cases.push(case(
        CATEGORY,
        "connector_configuration without intake_key",
        || {
            let run = conformance("Small")
                .module_configuration(json!({}))
                .connector_configuration(json!({"intake_server": "http://127.0.0.1:9"}));
            critical_then_stop(run, "intake_key");
        },
    ));
    // the command line
    cases.push(case(CATEGORY, "a command that is not UTF-8", || {
        let output = std::process::Command::new(sekoia_tests::example_binary("conformance"))
            .arg(std::ffi::OsStr::from_bytes(b"No\xffop"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("not UTF-8") && !stderr.contains("panicked"),
            "{stderr}"
        );
    }));
    cases.push(case(
        CATEGORY,
        "file_backend S3 without its settings",
        || {
            action_refused(
                noop().config_value("file_backend", "S3"),
                &["`aws_bucket_name`"],
            );
        },
    ));
    cases.push(case(CATEGORY, "aws_s3_endpoint_url not a URL", || {
        let run = noop()
            .config_value("file_backend", "S3")
            .config_value("aws_bucket_name", "b")
            .config_value("aws_access_key_id", "k")
            .config_value("aws_secret_access_key", "secret-QZXW")
            .config_value("aws_s3_endpoint_url", "minio:9000");
        let error = action_refused(run, &["`aws_s3_endpoint_url`"]);
        assert!(!error.contains("QZXW"), "{error}");
    }));
    cases
}

/// The values a run needs, as files of `dir`.
fn write_platform_files(dir: &Path, emulator: &Emulator) {
    std::fs::write(dir.join("url_callback"), emulator.callback_url()).unwrap();
    std::fs::write(dir.join("token"), "tok").unwrap();
    std::fs::write(dir.join("module_configuration"), "{}").unwrap();
}
