//! The runtime makes the same requests as the Python SDK: the transcripts recorded from SDK
//! 1.27.0 (`golden/python-sdk-transcripts/`) replayed with the conformance module. Sequence,
//! methods, paths, Authorization, the intake's User-Agent and the shapes of the bodies must match;
//! dates, uuids and the Python User-Agent naturally differ.

use std::time::Duration;

use sekoia_emulator::{Emulator, ModuleRun, RecordedRequest};
use sekoia_tests::{example_binary, golden};
use serde_json::{Value, json};

/// The same JSON structure: same keys, same types, same array lengths; scalars of a type match.
fn same_shape(ours: &Value, theirs: &Value, path: &str) -> Result<(), String> {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            let (ka, kb): (Vec<&String>, Vec<&String>) = (a.keys().collect(), b.keys().collect());
            if ka != kb {
                return Err(format!("{path}: keys {ka:?}, expected {kb:?}"));
            }
            a.iter()
                .try_for_each(|(k, v)| same_shape(v, &b[k], &format!("{path}.{k}")))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Err(format!("{path}: {} items, expected {}", a.len(), b.len()));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .try_for_each(|(i, (x, y))| same_shape(x, y, &format!("{path}[{i}]")))
        }
        (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Null, Value::Null) => Ok(()),
        _ => Err(format!("{path}: {ours} does not have the type of {theirs}")),
    }
}

fn compare(component: &str, run: ModuleRun) {
    let emulator = Emulator::builder()
        .secrets(json!({"api_key": "s3cr3t"}))
        .start();
    let outcome = run
        .env(sekoia_manifest::environment::RETRY_UNIT_VAR, "1")
        .timeout(Duration::from_secs(30))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let expected: Vec<Value> =
        std::fs::read_to_string(golden(&format!("python-sdk-transcripts/{component}.jsonl")))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    let ours: &[RecordedRequest] = &outcome.requests;
    let summary = |r: &RecordedRequest| format!("{} {}", r.method, r.path);
    assert_eq!(
        ours.iter().map(summary).collect::<Vec<_>>(),
        expected
            .iter()
            .map(|e| format!(
                "{} {}",
                e["method"].as_str().unwrap(),
                e["path"].as_str().unwrap()
            ))
            .collect::<Vec<_>>(),
        "{component}: request sequence"
    );
    for (i, (request, recorded)) in ours.iter().zip(&expected).enumerate() {
        assert_eq!(
            request.authorization(),
            recorded["auth"].as_str(),
            "{component} request {i}: Authorization"
        );
        let ua = recorded["ua"].as_str().unwrap();
        if !ua.starts_with("python-requests") {
            assert_eq!(
                request.user_agent(),
                Some(ua),
                "{component} request {i}: User-Agent"
            );
        }
        let body = request.body.clone().unwrap_or(Value::Null);
        if let Err(e) = same_shape(&body, &recorded["body"], "body") {
            panic!(
                "{component} request {i} ({}): {e}\nours: {body}\npython: {}",
                summary(request),
                recorded["body"]
            );
        }
        // the event strings of a batch are JSON documents of the same shape too
        if request.path == "/batch" {
            for (a, b) in body["jsons"]
                .as_array()
                .unwrap()
                .iter()
                .zip(recorded["body"]["jsons"].as_array().unwrap())
            {
                let parse = |v: &Value| serde_json::from_str::<Value>(v.as_str().unwrap()).unwrap();
                assert_eq!(parse(a), parse(b), "{component}: the events pushed");
            }
        }
    }
}

#[test]
fn noop_action() {
    compare(
        "Noop",
        ModuleRun::new(example_binary("conformance"), "Noop")
            .module_configuration(json!({}))
            .arguments(json!({"value": "x"})),
    );
}

#[test]
fn emit_trigger() {
    compare(
        "Emit",
        ModuleRun::new(example_binary("conformance"), "Emit")
            .module_configuration(json!({}))
            .trigger_configuration(json!({"url": "http://example.invalid/feed"})),
    );
}

#[test]
fn small_connector() {
    compare(
        "Small",
        ModuleRun::new(example_binary("conformance"), "Small")
            .module_configuration(json!({}))
            .connector_configuration(json!({"intake_key": "ik"})),
    );
}
