//! Sentry reports: with `sentry_dsn` set, errors, criticals and panics reach a Sentry envelope
//! endpoint (the emulator's, on loopback), tagged as the Python SDK tags them, secrets scrubbed.

use std::time::Duration;

use sekoia_emulator::{Emulator, Method, Reply};
use sekoia_tests::conformance;
use serde_json::{Value, json};

const CANARY: &str = "CAN\"ARY-sentry-QZXW";

/// An emulator that holds the canary secret and answers Sentry's envelopes.
fn emulator() -> Emulator {
    let emulator = Emulator::builder()
        .secrets(json!({"api_key": CANARY}))
        .start();
    emulator.script(
        Method::Post,
        "/api/1/envelope/",
        vec![Reply::status(200); 50],
    );
    emulator
}

fn dsn(emulator: &Emulator) -> String {
    format!("http://public@{}/1", emulator.addr())
}

/// The events of the envelopes received: each envelope is lines of JSON, an event after its
/// item header.
fn events(emulator: &Emulator) -> Vec<Value> {
    let mut events = Vec::new();
    for request in emulator.requests_to("/api/1/envelope/") {
        let text = match &request.body {
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => continue,
        };
        let lines: Vec<&str> = text.lines().collect();
        for pair in lines.windows(2) {
            let header: Value = serde_json::from_str(pair[0]).unwrap_or_default();
            if header["type"] == "event" {
                events.push(serde_json::from_str(pair[1]).unwrap());
            }
        }
    }
    events
}

fn all_text(emulator: &Emulator) -> String {
    emulator
        .requests_to("/api/1/envelope/")
        .iter()
        .map(|r| r.body.as_ref().map(ToString::to_string).unwrap_or_default())
        .collect()
}

#[test]
fn an_action_error_is_reported_tagged_and_scrubbed() {
    let emulator = emulator();
    let outcome = conformance("Render")
        .module_configuration(json!({}))
        .arguments(json!({"form": "debug"}))
        .config_value("sentry_dsn", dsn(&emulator))
        .config_value("environment", "staging")
        .config_value("playbook_uuid", "9a1f5c3e-0000-4000-8000-000000000001")
        .config_value("playbook_run_uuid", "9a1f5c3e-0000-4000-8000-000000000002")
        .config_value("node_run_uuid", "9a1f5c3e-0000-4000-8000-000000000003")
        .config_value("community_uuid", "9a1f5c3e-0000-4000-8000-000000000004")
        .timeout(Duration::from_secs(30))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let events = events(&emulator);
    let error = events
        .iter()
        // Sentry leaves out the level of an error, its default
        .find(|e| e.get("level").is_none_or(|l| l == "error"))
        .unwrap_or_else(|| panic!("no error event: {events:?}\n{outcome}"));
    let message = error["message"]
        .as_str()
        .or(error["logentry"]["message"].as_str())
        .unwrap_or_default();
    assert!(message.contains("refused with \"[REDACTED]\""), "{error}");
    assert_eq!(error["environment"], "staging");
    let tags = &error["tags"];
    assert_eq!(tags["module"], "Conformance", "{error}");
    assert_eq!(tags["name"], "Render");
    assert_eq!(tags["item_type"], "action");
    assert_eq!(
        tags["playbook_uuid"],
        "9a1f5c3e-0000-4000-8000-000000000001"
    );
    assert_eq!(
        tags["playbook_run_uuid"],
        "9a1f5c3e-0000-4000-8000-000000000002"
    );
    assert_eq!(
        tags["node_run_uuid"],
        "9a1f5c3e-0000-4000-8000-000000000003"
    );
    assert_eq!(tags["community"], "9a1f5c3e-0000-4000-8000-000000000004");
    assert!(
        !all_text(&emulator).contains("QZXW"),
        "the secret never reaches Sentry"
    );
}

#[test]
fn a_panic_is_reported_as_fatal_and_scrubbed() {
    let emulator = emulator();
    let outcome = conformance("Render")
        .module_configuration(json!({}))
        .arguments(json!({"form": "panic"}))
        .config_value("sentry_dsn", dsn(&emulator))
        .timeout(Duration::from_secs(30))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let events = events(&emulator);
    let fatal = events
        .iter()
        .find(|e| e["level"] == "fatal")
        .unwrap_or_else(|| panic!("no fatal event: {events:?}\n{outcome}"));
    assert!(fatal.to_string().contains("panicked at"), "{fatal}");
    assert!(
        !all_text(&emulator).contains("QZXW"),
        "the secret never reaches Sentry"
    );
}

#[test]
fn a_trigger_critical_is_reported_and_no_dsn_means_no_report() {
    let emulator = emulator();
    let outcome = conformance("Chatty")
        .module_configuration(json!({}))
        .trigger_configuration(json!({"repeat": 1}))
        .config_value("sentry_dsn", dsn(&emulator))
        .config_value(
            "trigger_configuration_uuid",
            "9a1f5c3e-0000-4000-8000-000000000005",
        )
        .stop_when(|e| e.logs().iter().any(|l| l.level == "critical"))
        .timeout(Duration::from_secs(30))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let events = events(&emulator);
    let critical = events
        .iter()
        .find(|e| e["level"] == "fatal")
        .unwrap_or_else(|| panic!("no fatal event: {events:?}\n{outcome}"));
    assert_eq!(critical["tags"]["item_type"], "trigger");
    assert_eq!(
        critical["tags"]["trigger_configuration_uuid"],
        "9a1f5c3e-0000-4000-8000-000000000005"
    );

    let quiet = self::emulator();
    let outcome = conformance("Render")
        .module_configuration(json!({}))
        .arguments(json!({"form": "error"}))
        .run(&quiet)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    assert!(quiet.requests_to("/api/1/envelope/").is_empty());
}
