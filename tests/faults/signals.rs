//! Signals: SIGTERM while a push retries, a second signal, SIGINT, and a logs API that is down
//! at shutdown. The process always exits within its bound, saying what was not delivered.

use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use sekoia_emulator::{Emulator, RunningModule, parse_script};
use serde_json::json;

use crate::harness::{Case, case, clean, conformance, logged, platform};

const CATEGORY: &str = "signals";

/// How long a module may take to exit after SIGTERM, the documented bound (Kubernetes' grace
/// is 30 s).
const EXIT_BOUND: Duration = Duration::from_secs(20);

fn scripted(scripts: &[&str]) -> Emulator {
    let emulator = platform();
    for script in scripts {
        let (method, path, replies) = parse_script(script).unwrap();
        emulator.script(method, &path, replies);
    }
    emulator
}

/// Flood with a real retry unit (one second, as on the platform).
fn flood(emulator: &Emulator, count: usize) -> RunningModule<'_> {
    conformance("Flood")
        .env(sekoia_manifest::environment::RETRY_UNIT_VAR, "1000")
        .module_configuration(json!({}))
        .connector_configuration(json!({"intake_key": "ik", "count": count, "size": 200}))
        .stop_grace(Duration::from_secs(40))
        .timeout(Duration::from_secs(90))
        .spawn(emulator)
        .unwrap()
}

fn signal(running: &RunningModule<'_>, signal: Signal) {
    kill(Pid::from_raw(running.pid() as i32), signal).unwrap();
}

/// Waits until the intake saw `count` requests.
fn batches(emulator: &Emulator, count: usize) {
    assert!(
        sekoia_tests::wait_until(Duration::from_secs(30), || emulator
            .requests_to("/batch")
            .len()
            >= count),
        "the push never started"
    );
}

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (name, script) in [
        ("a failing intake", "POST /batch 503*100000"),
        (
            "an intake that never answers",
            "POST /batch delay=120000*1000",
        ),
        (
            "an intake that drops connections",
            "POST /batch drop*100000",
        ),
    ] {
        cases.push(case(
            CATEGORY,
            format!("SIGTERM during a push to {name}"),
            move || {
                let emulator = scripted(&[script]);
                let mut running = flood(&emulator, 500);
                batches(&emulator, 1);
                let sent = Instant::now();
                running.stop().unwrap();
                let outcome = running.wait().unwrap();
                let took = sent.elapsed();
                clean(&outcome);
                assert!(outcome.success(), "{outcome}");
                assert!(
                    took < EXIT_BOUND,
                    "exited {took:?} after SIGTERM: {outcome}"
                );
                assert!(
                    logged(&emulator, "error", "Failed to forward 500 events"),
                    "the undelivered events are said: {outcome}"
                );
                println!(
                    "      SIGTERM during a push to {name}: exited {took:.2?} after the signal"
                );
            },
        ));
    }
    cases.push(case(
        CATEGORY,
        "a second SIGTERM exits at once and counts the events not delivered",
        || {
            let emulator = scripted(&["POST /batch delay=120000*1000"]);
            let mut running = flood(&emulator, 300);
            batches(&emulator, 1);
            running.stop().unwrap();
            // two identical signals sent back to back may merge into one: space them
            std::thread::sleep(Duration::from_millis(200));
            let second = Instant::now();
            running.stop().unwrap();
            let outcome = running.wait().unwrap();
            clean(&outcome);
            assert!(second.elapsed() < Duration::from_secs(12), "{outcome}");
            assert!(
                outcome
                    .stderr
                    .contains("300 pushed events were not delivered"),
                "{outcome}"
            );
        },
    ));
    cases.push(case(CATEGORY, "SIGINT stops like SIGTERM", || {
        let emulator = platform();
        let running = conformance("Chatty")
            .module_configuration(json!({}))
            .trigger_configuration(json!({"repeat": 1}))
            .spawn(&emulator)
            .unwrap();
        assert!(emulator.wait_until(
            |e| e.logs().iter().any(|l| l.level == "critical"),
            Duration::from_secs(10)
        ));
        signal(&running, Signal::SIGINT);
        let outcome = running.wait().unwrap();
        clean(&outcome);
        assert!(outcome.success(), "{outcome}");
    }));
    cases.push(case(
        CATEGORY,
        "SIGTERM with the logs API down: bounded, logs on stderr",
        || {
            let emulator = scripted(&["POST /logs 503*100000"]);
            let mut running = conformance("Chatty")
                .env(sekoia_manifest::environment::RETRY_UNIT_VAR, "1000")
                .module_configuration(json!({}))
                .trigger_configuration(json!({"repeat": 2}))
                .stop_grace(Duration::from_secs(40))
                .spawn(&emulator)
                .unwrap();
            assert!(sekoia_tests::wait_until(Duration::from_secs(20), || {
                !emulator.requests_to("/logs").is_empty()
            }));
            let sent = Instant::now();
            running.stop().unwrap();
            let outcome = running.wait().unwrap();
            clean(&outcome);
            assert!(
                sent.elapsed() < EXIT_BOUND,
                "{:?}: {outcome}",
                sent.elapsed()
            );
            assert!(outcome.stderr.contains("unsent log:"), "{outcome}");
        },
    ));
    cases.push(case(
        CATEGORY,
        "SIGTERM of a trigger idling on a configuration error",
        || {
            let emulator = platform();
            let outcome = conformance("Chatty")
                .module_configuration(json!({}))
                .trigger_configuration(json!({"repeat": "three"}))
                .stop_when(|e| e.logs().iter().any(|l| l.level == "critical"))
                .run(&emulator)
                .unwrap();
            clean(&outcome);
            assert!(outcome.success(), "{outcome}");
        },
    ));
    cases
}
