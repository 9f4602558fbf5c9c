//! Intake faults: odd 2xx replies, error statuses, `Retry-After`, dropped and slow connections.
//! Nothing is lost (every event is delivered or handed back) and a 2xx is never sent again.

use std::time::Duration;

use sekoia_emulator::{Emulator, Method, Reply, parse_script};
use serde_json::json;

use crate::harness::{Case, case, clean, conformance};

const CATEGORY: &str = "intake";

/// Flood pushes `count` events once, then waits; the run ends once it logged its outcome.
fn flood(emulator: &Emulator, count: usize, unit_ms: u32) -> sekoia_emulator::RunOutcome {
    let outcome = conformance("Flood")
        .env(
            sekoia_manifest::environment::RETRY_UNIT_VAR,
            unit_ms.to_string(),
        )
        .module_configuration(json!({}))
        .connector_configuration(json!({"intake_key": "ik", "count": count, "size": 100}))
        .stop_when(|e| {
            e.logs()
                .iter()
                .any(|l| l.message.starts_with("pushed ") || l.message.starts_with("kept "))
        })
        .run(emulator)
        .unwrap();
    clean(&outcome);
    assert!(outcome.success(), "{outcome}");
    outcome
}

fn scripted(script: &str) -> Emulator {
    let emulator = crate::harness::platform();
    let (method, path, replies) = parse_script(script).unwrap();
    emulator.script(method, &path, replies);
    emulator
}

fn pushed(emulator: &Emulator) -> bool {
    emulator
        .logs()
        .iter()
        .any(|l| l.message.starts_with("pushed 5 events"))
}

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // a 2xx is delivered, whatever its body: one request, no duplicate, a warning
    let odd_replies = [
        ("200 not JSON", Reply::text(200, "not json")),
        ("202 empty", Reply::text(202, "")),
        ("200 {}", Reply::status(200)),
        ("200 no ids", Reply::json(200, json!({"event_ids": []}))),
        (
            "200 fewer ids",
            Reply::json(200, json!({"event_ids": ["a", "b"]})),
        ),
        (
            "201 more ids",
            Reply::json(201, json!({"event_ids": ["a", "b", "c", "d", "e", "f"]})),
        ),
        ("204 no content", Reply::text(204, "")),
    ];
    for (name, reply) in odd_replies {
        cases.push(case(
            CATEGORY,
            format!("a 2xx with an odd body: {name}"),
            move || {
                let emulator = crate::harness::platform();
                emulator.script(Method::Post, "/batch", [reply]);
                let outcome = flood(&emulator, 5, 1);
                assert_eq!(
                    outcome.requests_to("/batch").len(),
                    1,
                    "sent once: {outcome}"
                );
                assert!(pushed(&emulator), "{outcome}");
                assert!(
                    emulator
                        .logs()
                        .iter()
                        .any(|l| l.level == "warning" && l.message.contains("are delivered, but")),
                    "the odd reply is logged: {outcome}"
                );
            },
        ));
    }
    // retried statuses and transport faults: delivered once in the end
    for script in [
        "POST /batch 500*2",
        "POST /batch 502",
        "POST /batch 503*3",
        "POST /batch 429*2",
        "POST /batch 504:delay=100",
        "POST /batch drop*2",
        "POST /batch drop 503 drop",
        "POST /batch delay=300",
        "POST /batch 404",
        "POST /batch 503:retry-after=0*3",
    ] {
        cases.push(case(CATEGORY, format!("retried: {script}"), move || {
            let emulator = scripted(script);
            let outcome = flood(&emulator, 5, 1);
            assert!(pushed(&emulator), "{outcome}");
            assert_eq!(
                emulator.intake_event_count(),
                5,
                "each event once: {outcome}"
            );
        }));
    }
    // never retried: the intake will not take that request
    for status in [400, 413, 422] {
        cases.push(case(
            CATEGORY,
            format!("not retried: {status}"),
            move || {
                let emulator = scripted(&format!("POST /batch {status}*5"));
                let outcome = flood(&emulator, 5, 1);
                assert_eq!(outcome.requests_to("/batch").len(), 1, "{outcome}");
                assert!(
                    emulator
                        .logs()
                        .iter()
                        .any(|l| l.message.starts_with("kept 5 undelivered events")),
                    "the events are handed back: {outcome}"
                );
            },
        ));
    }
    // Retry-After: 0 keeps a floor of one retry unit between attempts
    cases.push(case(CATEGORY, "Retry-After: 0 keeps a floor", || {
        let emulator = scripted("POST /batch 503:retry-after=0*4");
        let outcome = flood(&emulator, 5, 100);
        let batches = outcome.requests_to("/batch");
        assert_eq!(batches.len(), 5, "{outcome}");
        for pair in batches.windows(2) {
            let gap = pair[1].received_at.duration_since(pair[0].received_at);
            assert!(gap >= Duration::from_millis(95), "{gap:?}: {outcome}");
        }
    }));
    cases.push(case(CATEGORY, "Retry-After: 1 is honoured", || {
        let emulator = scripted("POST /batch 503:retry-after=1");
        let outcome = flood(&emulator, 5, 1);
        let batches = outcome.requests_to("/batch");
        let gap = batches[1]
            .received_at
            .duration_since(batches[0].received_at);
        assert!(gap >= Duration::from_millis(950), "{gap:?}: {outcome}");
    }));
    cases
}
