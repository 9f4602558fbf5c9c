//! The intake: `/batch` answers, event ids, ill-formed bodies, counting without keeping.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{batch_body, post_batch, send};
use sekoia_emulator::Emulator;
use serde_json::{Value, json};

fn event_ids(answer: &common::Response) -> Vec<String> {
    answer.json()["event_ids"]
        .as_array()
        .expect("event_ids array")
        .iter()
        .map(|id| id.as_str().expect("id string").to_owned())
        .collect()
}

#[test]
fn a_batch_gets_one_uuid_per_event_and_keeps_the_events_in_order() {
    let emulator = Emulator::start();
    let events = [
        json!({"id": 0, "source": "testhttp"}),
        json!({"id": 1}),
        json!("plain"),
    ];
    let body = batch_body("ik", &events);

    let answer = post_batch(emulator.addr(), &body);

    assert_eq!(answer.status, 200);
    let ids = event_ids(&answer);
    assert_eq!(ids.len(), 3);
    for id in &ids {
        let uuid = uuid::Uuid::parse_str(id).expect("event id is a UUID");
        assert_eq!(uuid.get_version_num(), 4);
    }
    assert_eq!(
        emulator.intake_events(),
        [
            r#"{"id":0,"source":"testhttp"}"#,
            r#"{"id":1}"#,
            r#""plain""#
        ]
    );
    assert_eq!(emulator.intake_event_count(), 3);
    let request = &emulator.requests_to("/batch")[0];
    assert_eq!(request.body, Some(body));
    assert_eq!(request.user_agent(), Some("sekoiaio-connector-ik"));
    assert_eq!(request.authorization(), None);
}

#[test]
fn event_ids_are_unique_across_batches() {
    let emulator = Emulator::start();
    let events: Vec<Value> = (0..50).map(|i| json!({"i": i})).collect();
    let mut seen = HashSet::new();
    for _ in 0..4 {
        let answer = post_batch(emulator.addr(), &batch_body("ik", &events));
        for id in event_ids(&answer) {
            assert!(seen.insert(id.clone()), "duplicate id {id}");
        }
    }
    assert_eq!(seen.len(), 200);
    assert_eq!(emulator.intake_event_count(), 200);
}

/// Each body is answered 400 with an error that mentions its expected words.
fn assert_refused(emulator: &Emulator, cases: &[(&[u8], &str)]) {
    for &(body, expected) in cases {
        let answer = send(emulator.addr(), "POST", "/batch", &[], body).expect("answer");
        assert_eq!(answer.status, 400, "{}", String::from_utf8_lossy(body));
        let error = answer.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            error.contains(expected),
            "{error:?} should mention {expected:?}"
        );
    }
}

#[test]
fn ill_formed_batches_get_400_with_a_message_and_are_not_counted() {
    let emulator = Emulator::start();
    let cases: [(&[u8], &str); 6] = [
        (b"", "empty body"),
        (b"{not json", "ill-formed"),
        (br#"{"intake_key": "ik"}"#, "jsons"),
        (br#"{"jsons": ["{}"]}"#, "intake_key"),
        (br#"{"intake_key": "ik", "jsons": [{"id": 1}]}"#, "string"),
        (br#"{"intake_key": "ik", "jsons": "{}"}"#, "array"),
    ];
    assert_refused(&emulator, &cases);
    assert_eq!(emulator.intake_event_count(), 0);
    assert!(emulator.intake_events().is_empty());
    let recorded = emulator.requests_to("/batch");
    assert_eq!(recorded.len(), 6);
    assert_eq!(recorded[0].body, None);
    assert!(recorded[1].non_json_body);
    assert_eq!(
        recorded[4].body,
        Some(json!({"intake_key": "ik", "jsons": [{"id": 1}]}))
    );
}

#[test]
fn without_keeping_events_they_are_counted_and_the_record_holds_the_count() {
    let emulator = Emulator::builder().keep_events(false).start();
    let events: Vec<Value> = (0..1000)
        .map(|i| json!({"id": i, "message": "quoted \"text\" and unicode é"}))
        .collect();
    let body = batch_body("ik", &events);

    let first = post_batch(emulator.addr(), &body);
    let second = post_batch(emulator.addr(), &body);

    assert_eq!(event_ids(&first).len(), 1000);
    assert_eq!(second.status, 200);
    assert_eq!(emulator.intake_event_count(), 2000);
    assert!(emulator.intake_events().is_empty(), "events are not kept");
    let recorded = emulator.requests_to("/batch");
    assert_eq!(
        recorded[0].body,
        Some(json!({"intake_key": "ik", "jsons": 1000}))
    );
    assert_eq!(recorded[0].body_len, body.to_string().len());
    let bad = send(
        emulator.addr(),
        "POST",
        "/batch",
        &[],
        br#"{"intake_key": "ik", "jsons": ["a", 2]}"#,
    )
    .expect("answer");
    assert_eq!(bad.status, 400, "strings are still checked: {}", bad.body);
    assert_eq!(emulator.intake_event_count(), 2000);
}

#[test]
fn without_keeping_events_their_strings_are_still_checked() {
    let emulator = Emulator::builder().keep_events(false).start();
    let cases: [(&[u8], &str); 6] = [
        (
            br#"{"intake_key": "ik", "jsons": [{"id": 1}]}"#,
            "an object",
        ),
        (br#"{"intake_key": "ik", "jsons": ["a", [1]]}"#, "an array"),
        (br#"{"intake_key": "ik", "jsons": [null]}"#, "null"),
        (
            br#"{"intake_key": "ik", "jsons": ["bad \q escape"]}"#,
            "escape",
        ),
        (
            b"{\"intake_key\": \"ik\", \"jsons\": [\"a\tb\"]}",
            "control character",
        ),
        (br#"{"intake_key": "ik", "jsons": ["unterminated]}"#, "EOF"),
    ];
    assert_refused(&emulator, &cases);
    let fine = send(
        emulator.addr(),
        "POST",
        "/batch",
        &[],
        br#"{"intake_key": "ik", "jsons": ["{\"a\":\"\\u00e9\\n\"}", "\u00e9 plain"]}"#,
    )
    .expect("answer");
    assert_eq!(fine.status, 200, "{}", fine.body);
    assert_eq!(emulator.intake_event_count(), 2);
}

#[test]
fn only_the_given_intake_keys_are_accepted() {
    let emulator = Emulator::builder().intake_keys(["good"]).start();

    let good = post_batch(emulator.addr(), &batch_body("good", &[json!(1)]));
    let bad = post_batch(emulator.addr(), &batch_body("bad", &[json!(1)]));

    assert_eq!(good.status, 200);
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("unknown intake key"), "{}", bad.body);
    assert_eq!(emulator.intake_event_count(), 1);
}

#[test]
fn a_batch_over_the_size_limit_gets_413() {
    let emulator = Emulator::builder().max_batch_bytes(1_000).start();
    let small = batch_body("ik", &[json!("x")]);
    let large = batch_body("ik", &[json!("x".repeat(2_000))]);

    assert_eq!(post_batch(emulator.addr(), &small).status, 200);
    let answer = post_batch(emulator.addr(), &large);

    assert_eq!(answer.status, 413);
    assert!(answer.body.contains("over the limit"), "{}", answer.body);
    assert_eq!(emulator.intake_event_count(), 1);
}

#[test]
fn wait_for_intake_events_returns_once_enough_arrived() {
    let emulator = Emulator::start();
    let addr = emulator.addr();
    assert!(!emulator.wait_for_intake_events(1, Duration::from_millis(20)));

    let sender = std::thread::spawn(move || {
        for i in 0..3 {
            std::thread::sleep(Duration::from_millis(30));
            post_batch(addr, &batch_body("ik", &[json!(i), json!(i)]));
        }
    });

    assert!(emulator.wait_for_intake_events(6, Duration::from_secs(10)));
    sender.join().expect("sender thread");
    assert_eq!(emulator.intake_event_count(), 6);
}

/// A full-size chunk (about 9 MB of ~350-byte events with escapes), as a connector sends it.
#[test]
fn a_full_chunk_is_counted_quickly() {
    let emulator = Emulator::builder().keep_events(false).start();
    let message = "x".repeat(300);
    let events: Vec<Value> = (0..27_000)
        .map(|i| json!({"id": i, "msg": message, "q": "\"quoted\""}))
        .collect();
    let body = batch_body("ik", &events);
    let size = body.to_string().len();
    assert!(size > 9_000_000 && size < 10 * 1024 * 1024, "{size} bytes");

    let started = Instant::now();
    let answer = post_batch(emulator.addr(), &body);

    assert_eq!(answer.status, 200);
    assert_eq!(event_ids(&answer).len(), 27_000);
    assert_eq!(emulator.intake_event_count(), 27_000);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}
