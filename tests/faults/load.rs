//! Load: many events, many distinct log lines, many log lines while the logs API is down. The
//! costs stay linear and the memory bounded.

use std::time::Duration;

use sekoia_emulator::parse_script;
use serde_json::json;

use crate::harness::{Case, case, clean, conformance, logged, platform};

const CATEGORY: &str = "load";

/// The `logged N lines in M ms` line of the Talk trigger.
fn talk_millis(emulator: &sekoia_emulator::Emulator) -> Option<u64> {
    emulator.logs().iter().find_map(|l| {
        let rest = l.message.strip_prefix("logged ")?;
        rest.split(" in ").nth(1)?.strip_suffix(" ms")?.parse().ok()
    })
}

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.push(case(
        CATEGORY,
        "10,000 events of 1 kB, each delivered once",
        || {
            let emulator = platform();
            let outcome = conformance("Flood")
                .module_configuration(json!({}))
                .connector_configuration(json!({"intake_key": "ik", "count": 10_000, "size": 1000}))
                .stop_when(|e| e.logs().iter().any(|l| l.message.starts_with("pushed ")))
                .run(&emulator)
                .unwrap();
            clean(&outcome);
            assert_eq!(emulator.intake_event_count(), 10_000, "{outcome}");
        },
    ));
    cases.push(case(
        CATEGORY,
        "32,000 distinct log lines: linear cost",
        || {
            let emulator = platform();
            let outcome = conformance("Talk")
                .module_configuration(json!({}))
                .trigger_configuration(json!({"lines": 32_000}))
                .stop_when(|e| talk_millis(e).is_some())
                .run(&emulator)
                .unwrap();
            clean(&outcome);
            let millis = talk_millis(&emulator).unwrap();
            println!("      32,000 distinct log lines logged in {millis} ms");
            assert!(millis < 10_000, "{millis} ms");
        },
    ));
    cases.push(case(
        CATEGORY,
        "20,000 lines while the logs API is down: bounded, the drops told",
        || {
            let emulator = platform();
            // down until 3 s after its first refusal (the lines are logged well before), then back
            let (method, path, replies) = parse_script("POST /logs 503*1000000").unwrap();
            emulator.script(method, &path, replies);
            let mut down_since = None;
            let outcome = conformance("Talk")
                .module_configuration(json!({}))
                .trigger_configuration(json!({"lines": 20_000}))
                .stop_when(move |e| {
                    if down_since.is_none() && !e.requests_to("/logs").is_empty() {
                        down_since = Some(std::time::Instant::now());
                    }
                    if down_since.is_some_and(|at| at.elapsed() > Duration::from_secs(3)) {
                        e.clear_scripts();
                    }
                    e.logs()
                        .iter()
                        .any(|l| l.message.contains("log entries were dropped"))
                })
                .timeout(Duration::from_secs(60))
                .run(&emulator)
                .unwrap();
            clean(&outcome);
            assert!(
                logged(&emulator, "warning", "log entries were dropped"),
                "{outcome}"
            );
            assert!(emulator.logs().len() <= 10_002, "{}", emulator.logs().len());
        },
    ));
    cases
}
