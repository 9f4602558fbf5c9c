//! The request sequences recorded from the Python SDK 1.27 (`tests/data/golden` of the
//! repository), replayed against the emulator: it must accept every request a real module makes.

mod common;

use common::send;
use sekoia_emulator::Emulator;
use serde_json::{Value, json};

/// The requests the Python SDK 1.27 really sends, replayed: the emulator accepts every one.
#[test]
fn python_sdk_transcripts_are_accepted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/golden/python-sdk-transcripts");
    let mut replayed = 0;
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.extension().is_none_or(|ext| ext != "jsonl") {
            continue;
        }
        let emulator = Emulator::builder()
            .require_token("tok")
            .secrets(json!({"api_key": "k"}))
            .start();
        let text = std::fs::read_to_string(&path).expect("transcript");
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            let recorded: Value = serde_json::from_str(line).expect("transcript line");
            let method = recorded["method"].as_str().expect("method");
            let target = recorded["path"].as_str().expect("path");
            let mut headers = Vec::new();
            if let Some(auth) = recorded["auth"].as_str() {
                headers.push(("authorization", auth));
            }
            if let Some(agent) = recorded["ua"].as_str() {
                headers.push(("user-agent", agent));
            }
            let body = match &recorded["body"] {
                Value::Null => Vec::new(),
                body => body.to_string().into_bytes(),
            };
            let answer = send(emulator.addr(), method, target, &headers, &body).expect("answer");
            assert_eq!(
                answer.status,
                200,
                "{}: {line}\n{}",
                path.display(),
                answer.body
            );
            if recorded["body"]["need_secrets"] == json!(true) {
                assert_eq!(
                    answer.json()["module_configuration"]["value"]["api_key"],
                    "k"
                );
            }
            replayed += 1;
        }
    }
    assert!(
        replayed >= 8,
        "only {replayed} transcript requests found in {}",
        dir.display()
    );
}
