//! The action lifecycle, run as the platform runs it: example binaries against the emulator.

use sekoia_emulator::{Emulator, Method, ModuleRun, Reply};
use sekoia_tests::{conformance, example_binary, with_secrets};
use serde_json::{Value, json};

fn finished(emulator: &Emulator) -> Value {
    let updates = emulator.status_updates();
    let last = updates.last().expect("a status update").clone();
    assert_eq!(last["status"], "finished", "{updates:?}");
    last
}

/// The conformance module's Noop action, with `{"value": "x"}`.
fn noop(emulator: &Emulator) -> sekoia_emulator::RunOutcome {
    conformance("Noop")
        .module_configuration(json!({}))
        .arguments(json!({"value": "x"}))
        .run(emulator)
        .unwrap()
}

#[test]
fn running_asks_for_secrets_then_finished_carries_results_and_logs() {
    let emulator = with_secrets();
    let outcome = noop(&emulator);
    assert!(outcome.success(), "{outcome}");
    let updates = emulator.status_updates();
    assert_eq!(updates.len(), 2, "{outcome}");
    assert_eq!(
        updates[0],
        json!({"status": "running", "need_secrets": true})
    );
    let last = &updates[1];
    assert_eq!(last["results"], json!({"value": "x"}));
    let logs = last["logs"].as_str().unwrap();
    assert!(logs.ends_with(": info: noop\n"), "{logs}");
    assert_eq!(
        last.as_object().unwrap().len(),
        3,
        "only status, results and logs: {last}"
    );
    for request in &outcome.requests {
        assert_eq!(request.authorization(), Some("Bearer tok"));
    }
}

#[test]
fn the_request_action_does_a_real_request() {
    let emulator = Emulator::start();
    let url = format!("{}/nowhere", emulator.url());
    let outcome = ModuleRun::new(example_binary("testhttp"), "Request")
        .module_configuration(json!({"api_key": "k", "base_url": "http://127.0.0.1:9"}))
        .arguments(json!({"url": url, "method": "get", "headers": {"accept": "application/json"}}))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let results = &finished(&emulator)["results"];
    assert_eq!(
        results["status_code"], 404,
        "the emulator answers 404 on that path: {results}"
    );
    assert!(
        results["text"].as_str().unwrap().contains("/nowhere"),
        "{results}"
    );
    assert_eq!(results["headers"]["content-type"], "application/json");
    let fetched = emulator.requests_to("/nowhere");
    assert_eq!(fetched[0].header("accept"), Some("application/json"));
}

#[test]
fn argument_errors_name_the_field() {
    let emulator = Emulator::start();
    let outcome = ModuleRun::new(example_binary("testhttp"), "Request")
        .module_configuration(json!({"api_key": "k", "base_url": "http://127.0.0.1:9"}))
        .arguments(json!({"url": "http://127.0.0.1:9", "method": "get", "headers": {"x": 1}}))
        .run(&emulator)
        .unwrap();
    assert!(
        outcome.success(),
        "the error is reported, the process does not fail: {outcome}"
    );
    let error = finished(&emulator)["error"].as_str().unwrap().to_owned();
    assert!(
        error.contains("`arguments`")
            && error.contains("at `headers.x`")
            && error.contains("invalid type"),
        "{error}"
    );

    let emulator = Emulator::start();
    ModuleRun::new(example_binary("testhttp"), "Request")
        .module_configuration(json!({"api_key": "k", "base_url": "x"}))
        .arguments(json!({"url": "http://127.0.0.1:9", "method": "fetch"}))
        .run(&emulator)
        .unwrap();
    let error = finished(&emulator)["error"].as_str().unwrap().to_owned();
    assert!(
        error.contains("at `method`") && error.contains("unknown variant `fetch`"),
        "{error}"
    );
}

#[test]
fn malformed_and_missing_configuration_is_reported_not_panicked() {
    let emulator = with_secrets();
    let outcome = conformance("Noop")
        .module_configuration(json!({}))
        .config_value("arguments", "{oops")
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let error = finished(&emulator)["error"].as_str().unwrap().to_owned();
    assert!(
        error.contains("configuration value `arguments`") && error.contains("not valid JSON"),
        "{error}"
    );

    // without a callback URL nothing can be reported: a clear message and a failure status
    let emulator = Emulator::start();
    let outcome = conformance("Noop")
        .unset("url_callback")
        .arguments(json!({"value": "x"}))
        .run(&emulator)
        .unwrap();
    assert!(!outcome.success());
    assert!(
        outcome.stderr.contains("`url_callback` is missing")
            && outcome.stderr.contains("URL_CALLBACK"),
        "{outcome}"
    );
    assert!(!outcome.stderr.contains("panicked"), "{outcome}");
}

#[test]
fn module_configuration_errors_name_the_missing_field() {
    // no secret on the platform side: api_key stays missing
    let emulator = Emulator::start();
    conformance("Noop")
        .module_configuration(json!({}))
        .arguments(json!({"value": "x"}))
        .run(&emulator)
        .unwrap();
    let error = finished(&emulator)["error"].as_str().unwrap().to_owned();
    assert!(
        error.contains("`module_configuration`") && error.contains("missing field `api_key`"),
        "{error}"
    );
}

#[test]
fn configuration_may_come_from_environment_variables_plain_or_base64() {
    for base64 in [false, true] {
        let emulator = with_secrets();
        let run = conformance("Noop")
            .module_configuration(json!({}))
            .arguments(json!({"value": "env"}));
        let run = if base64 {
            run.via_env_base64()
        } else {
            run.via_env()
        };
        let outcome = run.run(&emulator).unwrap();
        assert!(outcome.success(), "{outcome}");
        assert_eq!(
            finished(&emulator)["results"],
            json!({"value": "env"}),
            "base64: {base64}"
        );
    }
}

#[test]
fn a_panic_is_the_actions_error() {
    let emulator = with_secrets();
    let outcome = conformance("Boom")
        .module_configuration(json!({}))
        .arguments(json!({"message": "kaput"}))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let error = finished(&emulator)["error"].as_str().unwrap().to_owned();
    assert!(error.contains("panicked: boom: kaput"), "{error}");
}

#[test]
fn callback_is_retried_on_5xx_but_not_on_4xx_and_409_is_success() {
    let emulator = with_secrets();
    emulator.script(
        Method::Patch,
        "/callback",
        [
            Reply::normal(),
            Reply::status(500),
            Reply::drop_connection(),
            Reply::status(503),
        ],
    );
    let outcome = noop(&emulator);
    assert!(outcome.success(), "{outcome}");
    assert_eq!(
        emulator.requests_to("/callback").len(),
        5,
        "running + 3 failures + the delivered finished: {outcome}"
    );

    let emulator = with_secrets();
    emulator.script(
        Method::Patch,
        "/callback",
        [Reply::normal(), Reply::status(400)],
    );
    let outcome = noop(&emulator);
    assert!(
        !outcome.success(),
        "an undelivered result is a failure: {outcome}"
    );
    assert_eq!(
        emulator.requests_to("/callback").len(),
        2,
        "no retry on 4xx: {outcome}"
    );

    let emulator = with_secrets();
    emulator.script(
        Method::Patch,
        "/callback",
        [Reply::normal(), Reply::status(409)],
    );
    let outcome = noop(&emulator);
    assert!(outcome.success(), "409 means already finished: {outcome}");
    assert_eq!(emulator.requests_to("/callback").len(), 2);
}

#[test]
fn json_arguments_and_results_round_trip_through_files() {
    let emulator = with_secrets();
    let events = json!([{"id": 1}, {"id": 2}]);
    let outcome = conformance("Files")
        .module_configuration(json!({}))
        .data_file("in.json", events.to_string())
        .arguments(json!({"events_path": "in.json"}))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let results = finished(&emulator)["results"].clone();
    let file = results["events_path"].as_str().expect("answered as a file");
    assert!(
        file.starts_with("events-") && file.ends_with(".json"),
        "{file}"
    );
    let written: Value =
        serde_json::from_slice(&std::fs::read(outcome.data_dir.path().join(file)).unwrap())
            .unwrap();
    assert_eq!(written, events);

    let emulator = with_secrets();
    conformance("Files")
        .module_configuration(json!({}))
        .arguments(json!({"events": events}))
        .run(&emulator)
        .unwrap();
    assert_eq!(
        finished(&emulator)["results"],
        json!({"events": events}),
        "inline in, inline out"
    );
}

#[test]
fn outputs_and_updated_secrets_are_sent_with_the_results() {
    let emulator = with_secrets();
    let outcome = conformance("Rotate")
        .module_configuration(json!({}))
        .arguments(json!({}))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let last = finished(&emulator);
    assert_eq!(last["outputs"], json!({"rotated": true}));
    assert_eq!(last["secrets"], json!({"api_key": "rotated-key"}));
    assert!(
        last["logs"]
            .as_str()
            .unwrap()
            .contains("warning: rotating a key of 10 characters"),
        "{last}"
    );
}

#[test]
fn secrets_never_reach_logs_or_errors() {
    let emulator = with_secrets();
    let outcome = conformance("Leak")
        .module_configuration(json!({}))
        .arguments(json!({"reason": "denied"}))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let last = finished(&emulator);
    let text = last.to_string();
    assert!(!text.contains("s3cr3t-k3y"), "{text}");
    assert!(!outcome.stderr.contains("s3cr3t-k3y"), "{}", outcome.stderr);
    assert_eq!(last["error"], "denied (key [REDACTED])");
    assert!(
        last["logs"]
            .as_str()
            .unwrap()
            .contains("calling with key [REDACTED] - Context: {\"key\": \"[REDACTED]\"}"),
        "{last}"
    );
}

#[test]
fn the_account_validator_reports_success_or_the_reason() {
    // the configuration being validated comes whole, secrets included
    let emulator = Emulator::start();
    let outcome = conformance("validate_module_configuration")
        .module_configuration(json!({"api_key": "good-key"}))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let updates = emulator.status_updates();
    assert_eq!(
        updates[0],
        json!({"status": "running"}),
        "the Python SDK sends no need_secrets here"
    );
    assert_eq!(
        updates[1],
        json!({"status": "finished", "results": {"success": true}})
    );

    let emulator = Emulator::start();
    conformance("validate_module_configuration")
        .module_configuration(json!({"api_key": "bad-key"}))
        .run(&emulator)
        .unwrap();
    let last = finished(&emulator);
    assert_eq!(last["results"], json!({"success": false}));
    assert_eq!(last["error"], "the API key [REDACTED] was refused");
    let manifest =
        sekoia_tests::read_json(&sekoia_tests::example("conformance").join("manifest.json"));
    assert_eq!(manifest["supports_validation"], true);
}
