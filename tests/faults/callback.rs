//! Callback, secrets and events faults: what was delivered counts as delivered, what cannot be
//! is said on standard error, and retries stay bounded.

use sekoia_emulator::{Emulator, parse_script};
use serde_json::json;

use crate::harness::{Case, case, clean, conformance, finished, logged, platform};

const CATEGORY: &str = "callback";

fn scripted(scripts: &[&str]) -> Emulator {
    let emulator = platform();
    for script in scripts {
        let (method, path, replies) = parse_script(script).unwrap();
        emulator.script(method, &path, replies);
    }
    emulator
}

fn noop() -> sekoia_emulator::ModuleRun {
    conformance("Noop")
        .module_configuration(json!({}))
        .arguments(json!({"value": "x"}))
}

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // the finished report is delivered when the platform said 2xx, whatever the body, or 409
    for (name, reply) in [
        ("200 not JSON", "200:text=ok"),
        ("200 empty", "200:text="),
        ("202 HTML", "202:text=<html>done</html>"),
        ("409", "409"),
    ] {
        cases.push(case(
            CATEGORY,
            format!("finished answered {name}"),
            move || {
                let emulator = scripted(&[&format!("PATCH /callback normal {reply}")]);
                let outcome = noop().run(&emulator).unwrap();
                clean(&outcome);
                assert!(outcome.success(), "delivered: {outcome}");
                assert_eq!(
                    outcome.requests_to("/callback").len(),
                    2,
                    "not sent again: {outcome}"
                );
            },
        ));
    }
    // retried until delivered
    for script in [
        "PATCH /callback 500*2",
        "PATCH /callback drop*2",
        "PATCH /callback normal 503 drop",
        "PATCH /callback delay=200",
    ] {
        cases.push(case(CATEGORY, format!("retried: {script}"), move || {
            let emulator = scripted(&[script]);
            let outcome = noop().run(&emulator).unwrap();
            clean(&outcome);
            assert!(outcome.success(), "{outcome}");
            assert_eq!(
                finished(&emulator, &outcome)["results"],
                json!({"value": "x"})
            );
        }));
    }
    // refused: exit 1 at once, the reason on standard error
    for (script, status) in [
        ("PATCH /callback 404", 404),
        ("PATCH /callback normal 400", 400),
        ("PATCH /callback 401", 401),
    ] {
        cases.push(case(CATEGORY, format!("refused: {script}"), move || {
            let emulator = scripted(&[script]);
            let outcome = noop().run(&emulator).unwrap();
            clean(&outcome);
            assert_eq!(outcome.status.code(), Some(1), "{outcome}");
            assert!(outcome.stderr.contains(&status.to_string()), "{outcome}");
            assert!(
                outcome.requests_to("/callback").len() <= 2,
                "no retry of a 4xx: {outcome}"
            );
        }));
    }
    // an action's error reaches standard error as well as the report
    cases.push(case(
        CATEGORY,
        "an action error is on standard error",
        || {
            let emulator = platform();
            let outcome = conformance("Leak")
                .module_configuration(json!({}))
                .arguments(json!({"reason": "upstream said no"}))
                .run(&emulator)
                .unwrap();
            clean(&outcome);
            assert!(
                outcome
                    .stderr
                    .contains("the action failed: upstream said no"),
                "{outcome}"
            );
        },
    ));
    // trigger events and secrets
    cases.push(case(
        CATEGORY,
        "an event retried keeps its request_id",
        || {
            let emulator = scripted(&["POST /callback 503*2"]);
            let outcome = conformance("Emit")
                .module_configuration(json!({}))
                .trigger_configuration(json!({"url": "http://127.0.0.1:9"}))
                .run(&emulator)
                .unwrap();
            clean(&outcome);
            let posts: Vec<_> = outcome
                .requests
                .iter()
                .filter(|r| r.is("POST", "/callback"))
                .map(|r| r.body.as_ref().unwrap()["request_id"].clone())
                .collect();
            assert_eq!(posts.len(), 3, "{outcome}");
            assert!(posts.iter().all(|id| *id == posts[0]), "{posts:?}");
        },
    ));
    cases.push(case(CATEGORY, "secrets retried", || {
        let emulator = scripted(&["GET /secrets 500 drop"]);
        let outcome = conformance("Emit")
            .module_configuration(json!({}))
            .trigger_configuration(json!({"url": "http://127.0.0.1:9"}))
            .run(&emulator)
            .unwrap();
        clean(&outcome);
        assert_eq!(emulator.events().len(), 1, "{outcome}");
    }));
    cases.push(case(CATEGORY, "secrets that are not an object", || {
        let emulator = scripted(&["GET /secrets 200:json=[1]*20"]);
        let outcome = conformance("Emit")
            .module_configuration(json!({}))
            .trigger_configuration(json!({"url": "http://127.0.0.1:9"}))
            .stop_when(|e| e.logs().iter().any(|l| l.level == "critical"))
            .run(&emulator)
            .unwrap();
        clean(&outcome);
        assert!(
            logged(&emulator, "critical", "cannot fetch the module secrets"),
            "{outcome}"
        );
    }));
    cases
}
