//! The logs API and the health and metrics servers under faults: refused batches do not block
//! later logs, half-sent requests do not hold a server, and probes are answered.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use sekoia_emulator::{Emulator, RunningModule, parse_script};
use serde_json::json;

use crate::harness::{Case, case, clean, conformance, logged, platform};

const CATEGORY: &str = "logs and probes";

fn scripted(script: &str) -> Emulator {
    let emulator = platform();
    let (method, path, replies) = parse_script(script).unwrap();
    emulator.script(method, &path, replies);
    emulator
}

fn chatty() -> sekoia_emulator::ModuleRun {
    conformance("Chatty")
        .module_configuration(json!({}))
        .trigger_configuration(json!({"repeat": 3}))
}

/// `GET path` on a local port: the status, or `None` when nothing answered within 12 s.
fn get(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(12)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.split_whitespace().nth(1)?.parse().ok()
}

fn wait_for_port(running: &RunningModule<'_>, port: u16) {
    assert!(
        sekoia_tests::wait_until(Duration::from_secs(10), || TcpStream::connect((
            "127.0.0.1",
            port
        ))
        .is_ok()),
        "port {port} of pid {} never opened",
        running.pid()
    );
}

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // a batch refused with a 4xx goes to stderr; the entries that follow still arrive
    for status in [400, 401, 413, 422] {
        cases.push(case(
            CATEGORY,
            format!("logs refused with {status}"),
            move || {
                let emulator = scripted(&format!("POST /logs {status}"));
                let outcome = conformance("Talk")
                    .module_configuration(json!({}))
                    .trigger_configuration(json!({"lines": 200}))
                    .stop_when(|e| logged(e, "error", "logged 200 lines"))
                    .run(&emulator)
                    .unwrap();
                clean(&outcome);
                assert!(logged(&emulator, "error", "logged 200 lines"), "{outcome}");
                assert!(outcome.stderr.contains("the logs API refused"), "{outcome}");
                assert!(outcome.stderr.contains("unsent log"), "{outcome}");
            },
        ));
    }
    // a failing logs API keeps the entries, in order
    for script in [
        "POST /logs 503*4",
        "POST /logs drop*2",
        "POST /logs delay=500",
    ] {
        cases.push(case(
            CATEGORY,
            format!("logs retried: {script}"),
            move || {
                let emulator = scripted(script);
                let outcome = chatty()
                    .stop_when(|e| e.logs().iter().any(|l| l.level == "critical"))
                    .run(&emulator)
                    .unwrap();
                clean(&outcome);
                let messages: Vec<String> =
                    emulator.logs().into_iter().map(|l| l.message).collect();
                let same = messages
                    .iter()
                    .position(|m| m == "same message")
                    .unwrap_or(usize::MAX);
                let critical = messages
                    .iter()
                    .position(|m| m == "first critical")
                    .unwrap_or(0);
                assert!(same < critical, "in order: {messages:?}");
            },
        ));
    }
    // probes: wrong paths, and servers that half-sent requests do not hold
    cases.push(case(
        CATEGORY,
        "health answers 404 elsewhere and metrics anywhere",
        || {
            let emulator = platform();
            let mut running = chatty().spawn(&emulator).unwrap();
            let (health, metrics) = (
                running.ports().liveness.unwrap(),
                running.ports().metrics.unwrap(),
            );
            wait_for_port(&running, health);
            assert_eq!(get(health, "/health"), Some(200));
            assert_eq!(get(health, "/nope"), Some(404));
            assert_eq!(get(metrics, "/whatever"), Some(200));
            running.stop().unwrap();
            clean(&running.wait().unwrap());
        },
    ));
    for probe in ["liveness", "metrics"] {
        cases.push(case(
            CATEGORY,
            format!("{probe}: half-sent requests are cut and others answered"),
            move || {
                let emulator = platform();
                let mut running = chatty().spawn(&emulator).unwrap();
                let ports = running.ports();
                let port = if probe == "liveness" {
                    ports.liveness
                } else {
                    ports.metrics
                }
                .unwrap();
                wait_for_port(&running, port);
                // more half-sent requests than the server serves at once
                let mut stalled: Vec<TcpStream> = (0..24)
                    .filter_map(|_| {
                        let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
                        stream.write_all(b"GET /health HTTP/1.1\r\nhost:").ok()?;
                        Some(stream)
                    })
                    .collect();
                let asked = Instant::now();
                assert_eq!(
                    get(port, "/health"),
                    Some(200),
                    "answered despite the stalled ones"
                );
                assert!(
                    asked.elapsed() < Duration::from_secs(12),
                    "{:?}",
                    asked.elapsed()
                );
                let _ = probe;
                // the server closed the stalled connections
                let first = &mut stalled[0];
                first
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                let mut rest = Vec::new();
                let _ = first.read_to_end(&mut rest);
                assert!(
                    asked.elapsed() < Duration::from_secs(15),
                    "a stalled connection is closed"
                );
                running.stop().unwrap();
                clean(&running.wait().unwrap());
            },
        ));
    }
    cases.push(case(CATEGORY, "many probes at once", || {
        let emulator = platform();
        let mut running = chatty().spawn(&emulator).unwrap();
        let port = running.ports().liveness.unwrap();
        wait_for_port(&running, port);
        let answered = std::thread::scope(|scope| {
            let probes: Vec<_> = (0..64)
                .map(|_| scope.spawn(|| get(port, "/health")))
                .collect();
            probes
                .into_iter()
                .filter_map(|p| p.join().ok().flatten())
                .filter(|s| *s == 200)
                .count()
        });
        assert_eq!(answered, 64);
        running.stop().unwrap();
        clean(&running.wait().unwrap());
    }));
    cases
}
