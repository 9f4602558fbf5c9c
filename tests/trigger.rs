//! The trigger lifecycle: secrets, events, logs, health, metrics, errors and graceful stop.

use std::io::{Read, Write};
use std::time::Duration;

use sekoia_emulator::{Method, Reply};
use sekoia_tests::{conformance, wait_until, with_secrets};
use serde_json::{Value, json};

/// A plain HTTP GET on loopback: (status, body).
fn http_get(port: u16, path: &str) -> (u16, String) {
    try_http_get(port, path).expect("the port answers")
}

/// The same, `None` while nothing listens on the port yet.
fn try_http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

#[test]
fn an_event_with_secrets_fetched_and_logs_batched() {
    let emulator = with_secrets();
    let outcome = conformance("Emit")
        .module_configuration(json!({}))
        .trigger_configuration(json!({"url": "http://example.invalid/feed"}))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let paths: Vec<(&str, &str)> = outcome
        .requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        paths,
        [
            ("GET", "/secrets"),
            ("POST", "/callback"),
            ("POST", "/logs")
        ],
        "{outcome}"
    );
    let event = &emulator.events()[0];
    assert_eq!(event["name"], "Pushing 2 new entries");
    assert_eq!(
        event["event"],
        json!({"entries": [{"id": 1, "value": "a"}, {"id": 2, "value": "b"}]})
    );
    let logs = emulator.logs();
    let messages: Vec<(&str, &str)> = logs
        .iter()
        .map(|l| (l.level.as_str(), l.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            ("info", "Polling http://example.invalid/feed"),
            ("error", "something odd")
        ]
    );
}

#[test]
fn request_id_is_the_same_across_retries() {
    let emulator = with_secrets();
    emulator.script(
        Method::Post,
        "/callback",
        [Reply::status(502), Reply::drop_connection()],
    );
    let outcome = conformance("Emit")
        .module_configuration(json!({}))
        .trigger_configuration(json!({"url": "u"}))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let posts: Vec<Value> = emulator
        .requests_to("/callback")
        .into_iter()
        .filter_map(|r| r.body)
        .collect();
    assert_eq!(posts.len(), 3, "{outcome}");
    let id = posts[0]["request_id"].as_str().unwrap();
    assert!(uuid_like(id), "{id}");
    assert!(posts.iter().all(|p| p["request_id"] == id), "{posts:?}");
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}

#[test]
fn health_metrics_and_sigterm() {
    let emulator = with_secrets();
    let mut running = conformance("Archive")
        .module_configuration(json!({}))
        .trigger_configuration(json!({"remove": true}))
        .spawn(&emulator)
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(20), || !emulator.events().is_empty()),
        "an event"
    );
    let ports = running.ports();
    let (status, body) = http_get(ports.liveness.unwrap(), "/health");
    assert_eq!(status, 200, "{body}");
    let health: Value = serde_json::from_str(&body).unwrap();
    for key in [
        "last_events_time",
        "last_heartbeat",
        "seconds_without_events_threshold",
        "last_heartbeat_threshold",
        "error_count",
    ] {
        assert!(health.get(key).is_some(), "{key} in {health}");
    }
    assert_eq!(http_get(ports.liveness.unwrap(), "/other").0, 404);
    let (status, metrics) = http_get(ports.metrics.unwrap(), "/metrics");
    assert_eq!(status, 200);
    assert!(metrics.contains("# EOF"), "{metrics}");
    running.stop().unwrap();
    let outcome = running.wait().unwrap();
    assert!(outcome.success(), "SIGTERM ends it cleanly: {outcome}");
    // the directory was sent relative to the data directory, then removed
    let event = &emulator.events()[0];
    assert_eq!(event["directory"], "archive/batch-1");
    assert!(!outcome.data_dir.path().join("archive/batch-1").exists());
    // a directory outside the data directory was refused, and the warning reached the logs at shutdown
    assert!(
        emulator
            .logs()
            .iter()
            .any(|l| l.level == "warning" && l.message.contains("is not under the data directory")),
        "{outcome}"
    );
    assert_eq!(emulator.events().len(), 1);
}

#[test]
fn logs_are_rate_limited_batched_and_critical_is_sent_once() {
    let emulator = with_secrets();
    let outcome = conformance("Chatty")
        .module_configuration(json!({}))
        .trigger_configuration(json!({"repeat": 60}))
        .stop_when(|e| e.logs().iter().any(|l| l.level == "critical"))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let logs = emulator.logs();
    assert_eq!(
        logs.iter().filter(|l| l.message == "same message").count(),
        1,
        "the same message once a minute"
    );
    assert_eq!(
        logs.iter()
            .filter(|l| l.message.starts_with("message "))
            .count(),
        60
    );
    let criticals: Vec<_> = logs.iter().filter(|l| l.level == "critical").collect();
    assert_eq!(criticals.len(), 1);
    assert_eq!(criticals[0].message, "first critical");
    assert!(
        logs.iter()
            .any(|l| l.level == "error" && l.message == "second critical"),
        "later criticals become errors"
    );
    for request in emulator.requests_to("/logs") {
        let batch = request.body.as_ref().unwrap()["logs"]
            .as_array()
            .unwrap()
            .len();
        assert!(batch <= 50, "batches of at most 50, got {batch}");
    }
}

#[test]
fn configuration_errors_are_critical_at_once_and_the_trigger_waits_to_be_stopped() {
    let emulator = with_secrets();
    let outcome = conformance("Emit")
        .module_configuration(json!({}))
        .trigger_configuration(json!({"url": 5}))
        .stop_when(|e| !e.logs().is_empty())
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let logs = emulator.logs();
    assert_eq!(logs[0].level, "critical");
    assert!(
        logs[0]
            .message
            .starts_with("Configuration error: configuration value `trigger_configuration`"),
        "{}",
        logs[0].message
    );
    assert!(logs[0].message.contains("at `url`"), "{}", logs[0].message);
    assert!(outcome.stop_sent, "it idled until stopped");
}

#[test]
fn errors_are_counted_and_logged() {
    let emulator = with_secrets();
    let mut running = conformance("Failing")
        .module_configuration(json!({}))
        .trigger_configuration(json!({"repeat": 0}))
        .spawn(&emulator)
        .unwrap();
    let liveness = running.ports().liveness.unwrap();
    // the health server may not listen yet when the process has just started
    let error_count = || {
        let Some((_, body)) = try_http_get(liveness, "/health") else {
            return 0;
        };
        let health: Value = serde_json::from_str(&body).unwrap();
        health["error_count"].as_u64().unwrap()
    };
    // waits for what it expects rather than for a time: two failed iterations counted
    assert!(
        wait_until(Duration::from_secs(30), || error_count() >= 2),
        "two errors counted"
    );
    running.stop().unwrap();
    let outcome = running.wait().unwrap();
    assert!(outcome.success(), "{outcome}");
    let errors: Vec<_> = emulator
        .logs()
        .into_iter()
        .filter(|l| l.level == "error")
        .collect();
    assert_eq!(
        errors.len(),
        1,
        "the same error is sent once a minute: {errors:?}"
    );
    assert_eq!(
        errors[0].message,
        "An unexpected error occurred: the feed is down"
    );
}
