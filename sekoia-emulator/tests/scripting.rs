//! Scripted faults: statuses with Retry-After, delays, dropped connections, custom bodies.

mod common;

use std::time::{Duration, Instant};

use common::{batch_body, get, patch, post, post_batch, send};
use sekoia_emulator::{Emulator, Method, Reply};
use serde_json::json;

#[test]
fn scripted_statuses_come_in_order_then_the_default_resumes() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Post,
        "/batch",
        [Reply::status(503).retry_after(1), Reply::status(500)],
    );
    let body = batch_body("ik", &[json!({"id": 1})]);

    let first = post_batch(emulator.addr(), &body);
    let second = post_batch(emulator.addr(), &body);
    let third = post_batch(emulator.addr(), &body);

    assert_eq!(first.status, 503);
    assert_eq!(first.header("retry-after"), Some("1"));
    assert_eq!(first.json(), json!({}));
    assert_eq!(second.status, 500);
    assert_eq!(second.header("retry-after"), None);
    assert_eq!(third.status, 200);
    assert_eq!(third.json()["event_ids"].as_array().map(Vec::len), Some(1));
    let recorded = emulator.requests();
    let statuses: Vec<_> = recorded.iter().map(|r| (r.status, r.scripted)).collect();
    assert_eq!(
        statuses,
        [(Some(503), true), (Some(500), true), (Some(200), false)]
    );
    assert!(recorded.iter().all(|r| r.body == Some(body.clone())));
    assert_eq!(
        emulator.intake_event_count(),
        1,
        "refused batches are not counted"
    );
    assert_eq!(emulator.intake_events(), [r#"{"id":1}"#]);
    assert_eq!(emulator.pending_replies(Method::Post, "/batch"), 0);
}

#[test]
fn a_script_applies_to_its_method_and_path_only() {
    let emulator = Emulator::start();
    emulator.script(Method::Patch, "/callback", [Reply::status(502)]);
    let event = json!({
        "name": "e",
        "event": {},
        "request_id": "a8a72f6e-d6f2-46d7-b9f8-8daec68b3ad2",
    });

    assert_eq!(post(emulator.addr(), "/callback", &event).status, 200);
    assert_eq!(get(emulator.addr(), "/secrets").status, 200);
    assert_eq!(emulator.pending_replies(Method::Patch, "/callback"), 1);
    assert_eq!(
        patch(emulator.addr(), "/callback", &json!({"status": "running"})).status,
        502
    );
    assert_eq!(emulator.pending_replies(Method::Patch, "/callback"), 0);
}

#[test]
fn a_delayed_reply_answers_normally_after_the_delay() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Patch,
        "/callback",
        [Reply::delay(Duration::from_millis(300))],
    );

    let started = Instant::now();
    let answer = patch(emulator.addr(), "/callback", &json!({"status": "running"}));
    let elapsed = started.elapsed();

    assert!(
        elapsed >= Duration::from_millis(300),
        "answered after {elapsed:?}"
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json(), json!({}));
    assert_eq!(emulator.status_updates().len(), 1);
    assert!(emulator.requests()[0].scripted);
}

#[test]
fn a_dropped_connection_gives_the_client_no_response_but_is_recorded() {
    let emulator = Emulator::start();
    emulator.script(Method::Post, "/batch", [Reply::drop_connection()]);
    let body = batch_body("ik", &[json!({"id": 1})]).to_string();

    let dropped = send(emulator.addr(), "POST", "/batch", &[], body.as_bytes());
    let next = send(emulator.addr(), "POST", "/batch", &[], body.as_bytes()).expect("answer");

    let error = dropped.expect_err("the client must see a connection error, not a response");
    assert!(
        matches!(
            error.kind(),
            std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset
        ),
        "{error:?}"
    );
    assert_eq!(next.status, 200);
    let recorded = emulator.requests();
    assert_eq!(recorded.len(), 2);
    assert_eq!((recorded[0].status, recorded[0].scripted), (None, true));
    assert!(!recorded[0].accepted());
    assert_eq!(recorded[0].to_string().split(' ').nth(3), Some("dropped"));
    assert_eq!(emulator.intake_event_count(), 1);
}

#[test]
fn a_drop_can_be_delayed_like_a_server_that_hangs() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Get,
        "/secrets",
        [Reply::drop_connection().delayed(Duration::from_millis(200))],
    );

    let started = Instant::now();
    let result = send(emulator.addr(), "GET", "/secrets", &[], b"");

    assert!(result.is_err(), "{result:?}");
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[test]
fn json_and_text_replies_send_what_was_scripted() {
    let emulator = Emulator::builder()
        .secrets(json!({"api_key": "real"}))
        .start();
    emulator.script(
        Method::Get,
        "/secrets",
        [
            Reply::json(200, json!({"value": {"api_key": "scripted"}})),
            Reply::text(200, "not json").header("x-test", "1"),
            Reply::status(1000),
        ],
    );

    let scripted = get(emulator.addr(), "/secrets");
    let text = get(emulator.addr(), "/secrets");
    let invalid = get(emulator.addr(), "/secrets");
    let default = get(emulator.addr(), "/secrets");

    assert_eq!(scripted.json(), json!({"value": {"api_key": "scripted"}}));
    assert_eq!(text.body, "not json");
    assert_eq!(
        text.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(text.header("x-test"), Some("1"));
    assert_eq!(
        invalid.status, 500,
        "a code HTTP does not allow is answered as 500"
    );
    assert_eq!(default.json(), json!({"value": {"api_key": "real"}}));
}

#[test]
fn a_scripted_reply_replaces_the_token_check() {
    let emulator = Emulator::builder().require_token("tok").start();
    emulator.script(Method::Get, "/secrets", [Reply::status(418)]);

    let scripted = send(emulator.addr(), "GET", "/secrets", &[], b"").expect("answer");
    let checked = send(emulator.addr(), "GET", "/secrets", &[], b"").expect("answer");

    assert_eq!(scripted.status, 418);
    assert_eq!(checked.status, 401);
}

#[test]
fn normal_lets_one_request_through_between_faults_and_clear_scripts_forgets() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Get,
        "/secrets",
        [Reply::normal(), Reply::status(500)],
    );
    emulator.script(Method::Get, "/secrets", [Reply::status(501)]);

    assert_eq!(get(emulator.addr(), "/secrets").status, 200);
    assert_eq!(get(emulator.addr(), "/secrets").status, 500);
    assert_eq!(emulator.pending_replies(Method::Get, "/secrets"), 1);
    emulator.clear_scripts();
    assert_eq!(get(emulator.addr(), "/secrets").status, 200);
}
