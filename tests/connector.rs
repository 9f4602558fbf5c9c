//! The connector: intake batches, sizes, chunks, retries and metrics.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use sekoia_emulator::{Emulator, Method, ModuleRun, Reply};
use sekoia_tests::{example_binary, wait_until};
use serde_json::json;

fn flood(count: usize, size: usize) -> ModuleRun {
    ModuleRun::new(example_binary("conformance"), "Flood")
        .env(sekoia_manifest::environment::RETRY_UNIT_VAR, "1")
        .timeout(Duration::from_secs(60))
        .module_configuration(json!({}))
        .connector_configuration(json!({"intake_key": "ik", "count": count, "size": size}))
}

fn emulator() -> Emulator {
    Emulator::builder()
        .secrets(json!({"api_key": "k3y-value"}))
        .start()
}

fn pushed_log(emulator: &Emulator) -> bool {
    emulator
        .logs()
        .iter()
        .any(|l| l.message.starts_with("pushed ") || l.message.starts_with("kept "))
}

fn scrape_metrics(port: u16) -> String {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET /metrics HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn events_go_to_the_intake_with_its_user_agent_and_no_authorization() {
    let emulator = emulator();
    let outcome = ModuleRun::new(example_binary("conformance"), "Small")
        .module_configuration(json!({}))
        .connector_configuration(json!({"intake_key": "ik"}))
        .timeout(Duration::from_secs(30))
        .run(&emulator)
        .unwrap();
    assert!(outcome.success(), "{outcome}");
    let batch = &emulator.requests_to("/batch")[0];
    assert_eq!(batch.user_agent(), Some("sekoiaio-connector-ik"));
    assert_eq!(batch.authorization(), None);
    assert_eq!(batch.body.as_ref().unwrap()["intake_key"], "ik");
    let events: Vec<serde_json::Value> = emulator
        .intake_events()
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    assert_eq!(
        events,
        [
            json!({"id": 0, "source": "testhttp"}),
            json!({"id": 1, "source": "testhttp"}),
            json!({"id": 2, "source": "testhttp"})
        ]
    );
    let logs = emulator.logs();
    assert_eq!(logs.last().unwrap().message, "3 events collected");
}

#[test]
fn chunks_hold_at_most_9437184_bytes_and_oversized_events_are_discarded() {
    let emulator = emulator();
    // 40 events of 240,000 bytes: 39 fit in a chunk; 3 events of 250,001 bytes are too large
    let mut running = flood(40, 240_000).spawn(&emulator).unwrap();
    assert!(
        wait_until(Duration::from_secs(30), || pushed_log(&emulator)),
        "the push ends"
    );
    let scraped = scrape_metrics(running.ports().metrics.unwrap());
    running.stop().unwrap();
    let outcome = running.wait().unwrap();
    assert!(outcome.success(), "{outcome}");
    let mut counts: Vec<usize> = emulator
        .requests_to("/batch")
        .iter()
        .map(|r| r.body.as_ref().unwrap()["jsons"].as_array().unwrap().len())
        .collect();
    // chunks are sent in parallel: they may arrive in any order
    counts.sort();
    assert_eq!(counts, [1, 39]);
    assert!(emulator.intake_events().iter().all(|e| e.len() == 240_000));
    assert!(
        scraped.contains("symphony_module_common_forwarded_events_total{intake_key=\"ik\"} 40"),
        "{scraped}"
    );
    assert!(
        scraped
            .contains("symphony_module_common_forward_events_duration_count{intake_key=\"ik\"} 1"),
        "{scraped}"
    );

    let emulator = self::emulator();
    let mut running = flood(3, 250_001).spawn(&emulator).unwrap();
    assert!(wait_until(Duration::from_secs(30), || pushed_log(
        &emulator
    )));
    let scraped = scrape_metrics(running.ports().metrics.unwrap());
    running.stop().unwrap();
    running.wait().unwrap();
    assert_eq!(emulator.intake_event_count(), 0);
    assert!(
        scraped.contains("symphony_module_common_discarded_events_total{intake_key=\"ik\"} 3"),
        "{scraped}"
    );
    assert!(
        emulator
            .logs()
            .iter()
            .any(|l| l.message == "3 too long events were discarded (length > 250kb)")
    );
}

/// The peak resident memory of a running process, in bytes (`VmHWM`).
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status");
    kb * 1024
}

#[test]
fn a_large_push_keeps_memory_flat() {
    // 100 MB of events: pulled from the iterator as sends make room, never all in memory
    let emulator = Emulator::builder()
        .secrets(json!({"api_key": "k3y-value"}))
        .keep_events(false)
        .start();
    let mut running = flood(50_000, 2_000).spawn(&emulator).unwrap();
    assert!(
        wait_until(Duration::from_secs(120), || pushed_log(&emulator)),
        "the push ends"
    );
    let peak = peak_rss(running.pid());
    running.stop().unwrap();
    let outcome = running.wait().unwrap();
    assert!(outcome.success(), "{outcome}");
    assert_eq!(emulator.intake_event_count(), 50_000);
    // two 10 MB bodies in flight, 0.8 MB of ids, the (debug) binary itself: about 31 MB
    assert!(
        peak < 64 << 20,
        "peak RSS {} MB for 100 MB of events",
        peak >> 20
    );
}

#[test]
fn a_refused_batch_is_retried_after_retry_after() {
    let emulator = emulator();
    emulator.script(
        Method::Post,
        "/batch",
        [
            Reply::status(429).retry_after(1),
            Reply::status(503),
            Reply::drop_connection(),
        ],
    );
    let started = Instant::now();
    let outcome = flood(5, 100).stop_when(pushed_log).run(&emulator).unwrap();
    assert!(outcome.success(), "{outcome}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    let batches = emulator.requests_to("/batch");
    assert_eq!(batches.len(), 4, "{outcome}");
    assert!(
        batches[1]
            .received_at
            .duration_since(batches[0].received_at)
            >= Duration::from_millis(990)
    );
    assert_eq!(emulator.intake_event_count(), 5);
    assert!(
        emulator
            .logs()
            .iter()
            .any(|l| l.message.starts_with("pushed 5 events"))
    );
}

#[test]
fn undelivered_events_come_back_to_the_connector() {
    let emulator = emulator();
    // a 400 will never be accepted: no retry, and the events are handed back, not dropped
    emulator.script(Method::Post, "/batch", [Reply::status(400)]);
    let outcome = flood(5, 100).stop_when(pushed_log).run(&emulator).unwrap();
    assert!(outcome.success(), "{outcome}");
    let logs = emulator.logs();
    assert!(
        logs.iter()
            .any(|l| l.level == "error" && l.message.starts_with("Failed to forward 5 events")),
        "{logs:?}"
    );
    assert!(
        logs.iter()
            .any(|l| l.message == "kept 5 undelivered events, 0 delivered"),
        "{logs:?}"
    );
}
