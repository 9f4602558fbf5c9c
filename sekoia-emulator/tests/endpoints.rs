//! Default answers of each endpoint, contract checks, and recording, over real HTTP.

mod common;

use std::time::Duration;

use common::{get, json_request, patch, post, send};
use sekoia_emulator::{Emulator, LogEntry};
use serde_json::{Value, json};

const REQUEST_ID: &str = "a8a72f6e-d6f2-46d7-b9f8-8daec68b3ad2";

#[test]
fn running_status_update_gets_an_empty_object_and_is_recorded() {
    let emulator = Emulator::start();
    let body = json!({"status": "running"});

    let answer = patch(emulator.addr(), "/callback", &body);

    assert_eq!(answer.status, 200);
    assert_eq!(answer.json(), json!({}));
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let requests = emulator.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("PATCH", "/callback")
    );
    assert_eq!(request.body, Some(body.clone()));
    assert_eq!(request.authorization(), Some("Bearer tok"));
    assert_eq!(request.header("CONTENT-TYPE"), Some("application/json"));
    assert!(
        request
            .headers
            .iter()
            .all(|(name, _)| *name == name.to_lowercase())
    );
    assert_eq!(request.status, Some(200));
    assert!(!request.scripted && !request.non_json_body);
    assert_eq!(request.body_len, body.to_string().len());
    assert_eq!(emulator.status_updates(), [body]);
}

#[test]
fn need_secrets_gets_the_module_configuration_value() {
    let secrets = json!({"api_key": "s3cr3t"});
    let emulator = Emulator::builder().secrets(secrets.clone()).start();

    let answer = patch(
        emulator.addr(),
        "/callback",
        &json!({"status": "running", "need_secrets": true}),
    );

    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({"module_configuration": {"value": secrets}})
    );
}

#[test]
fn finished_update_with_secrets_updates_what_the_platform_holds() {
    let emulator = Emulator::builder()
        .secrets(json!({"api_key": "old", "other": 1}))
        .start();
    let finished = json!({
        "status": "finished",
        "results": {"value": "x"},
        "logs": "2026-11-27 23:27:20.386533: info: noop\n",
        "outputs": {"ok": true},
        "secrets": {"api_key": "new"},
    });

    let answer = patch(emulator.addr(), "/callback", &finished);

    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(emulator.secrets(), json!({"api_key": "new", "other": 1}));
    assert_eq!(
        get(emulator.addr(), "/secrets").json()["value"]["api_key"],
        "new"
    );
}

#[test]
fn status_update_that_breaks_the_contract_gets_400_naming_the_field() {
    let emulator = Emulator::start();
    let cases = [
        (json!({"results": {}}), "status"),
        (json!({"status": "finished", "logs": ["a line"]}), "logs"),
        (
            json!({"status": "finished", "outputs": {"b": "yes"}}),
            "outputs",
        ),
        (
            json!({"status": "running", "need_secrets": "yes"}),
            "need_secrets",
        ),
        (json!(["status"]), "object"),
    ];
    for (body, field) in cases {
        let answer = patch(emulator.addr(), "/callback", &body);
        assert_eq!(answer.status, 400, "{body}");
        let error = answer.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(error.contains(field), "{error:?} should name {field}");
    }
    assert!(
        emulator.status_updates().is_empty(),
        "rejected updates are not accepted ones"
    );
    assert_eq!(
        emulator.requests().len(),
        5,
        "rejected updates are still recorded"
    );
    assert!(emulator.requests().iter().all(|r| r.status == Some(400)));
}

#[test]
fn trigger_event_gets_an_empty_object_and_is_listed() {
    let emulator = Emulator::start();
    let event = json!({
        "name": "Pushing 2 new entries",
        "event": {"entries": [{"id": 1}]},
        "request_id": REQUEST_ID,
        "directory": "events/1",
    });

    let answer = post(emulator.addr(), "/callback", &event);

    assert_eq!(answer.status, 200);
    assert_eq!(answer.json(), json!({}));
    assert_eq!(emulator.events(), [event]);
    assert!(emulator.status_updates().is_empty());
}

#[test]
fn trigger_event_without_a_uuid_request_id_gets_400() {
    let emulator = Emulator::start();
    for request_id in [json!("not-a-uuid"), json!(12), Value::Null] {
        let event = json!({"name": "n", "event": {}, "request_id": request_id});
        let answer = post(emulator.addr(), "/callback", &event);
        assert_eq!(answer.status, 400, "{event}");
        assert!(answer.body.contains("request_id"), "{}", answer.body);
    }
    let missing = post(
        emulator.addr(),
        "/callback",
        &json!({"name": "n", "request_id": REQUEST_ID}),
    );
    assert_eq!(missing.status, 400);
    assert!(missing.body.contains("event"), "{}", missing.body);
    assert!(emulator.events().is_empty());
}

#[test]
fn logs_are_flattened_over_requests_and_bad_levels_are_rejected() {
    let emulator = Emulator::start();
    let entry = |level: &str, message: &str| {
        let date = "2026-11-27T23:27:21.603718";
        json!({"date": date, "level": level, "message": message})
    };

    let first = post(
        emulator.addr(),
        "/logs",
        &json!({"logs": [entry("info", "a"), entry("error", "b")]}),
    );
    let second = post(
        emulator.addr(),
        "/logs",
        &json!({"logs": [entry("critical", "c")]}),
    );
    let bad = post(
        emulator.addr(),
        "/logs",
        &json!({"logs": [entry("warn", "d")]}),
    );

    assert_eq!((first.status, second.status), (200, 200));
    assert_eq!(first.json(), json!({}));
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("logs[0]") && bad.body.contains("level"),
        "{}",
        bad.body
    );
    let messages: Vec<String> = emulator.logs().into_iter().map(|e| e.message).collect();
    assert_eq!(messages, ["a", "b", "c"]);
    assert_eq!(
        emulator.logs()[1],
        LogEntry {
            date: "2026-11-27T23:27:21.603718".into(),
            level: "error".into(),
            message: "b".into(),
        }
    );
}

#[test]
fn secrets_are_served_as_value() {
    let emulator = Emulator::builder().secrets(json!({"api_key": "k"})).start();

    let answer = get(emulator.addr(), "/secrets?attempt=1");

    assert_eq!(answer.status, 200);
    assert_eq!(answer.json(), json!({"value": {"api_key": "k"}}));
    let request = &emulator.requests()[0];
    assert_eq!(request.path, "/secrets");
    assert_eq!(request.query.as_deref(), Some("attempt=1"));
    assert_eq!(request.body, None, "an empty body is recorded as None");
}

#[test]
fn unknown_path_gets_404_naming_it() {
    let emulator = Emulator::start();

    let answer = post(emulator.addr(), "/api/v1/nowhere", &json!({}));

    assert_eq!(answer.status, 404);
    let body = answer.json();
    assert_eq!(body["path"], "/api/v1/nowhere");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("/api/v1/nowhere")
    );
    assert_eq!(emulator.requests_to("/api/v1/nowhere").len(), 1);
}

#[test]
fn wrong_method_gets_405_with_the_allowed_ones() {
    let emulator = Emulator::start();

    let answer = get(emulator.addr(), "/batch");

    assert_eq!(answer.status, 405);
    assert_eq!(answer.header("allow"), Some("POST"));
    assert_eq!(answer.json()["allowed"], json!(["POST"]));
}

#[test]
fn required_token_is_checked_everywhere_but_on_batch() {
    let emulator = Emulator::builder().require_token("tok").start();
    let running = json!({"status": "running"});

    let without = json_request(emulator.addr(), "PATCH", "/callback", &[], &running);
    let wrong = json_request(
        emulator.addr(),
        "PATCH",
        "/callback",
        &[("authorization", "Bearer nope")],
        &running,
    );
    let right = patch(emulator.addr(), "/callback", &running);
    let secrets = send(emulator.addr(), "GET", "/secrets", &[], b"").expect("answer");
    let batch = common::post_batch(
        emulator.addr(),
        &common::batch_body("ik", &[json!({"a": 1})]),
    );

    assert_eq!(without.status, 401);
    assert_eq!(without.header("www-authenticate"), Some("Bearer"));
    assert!(
        without.body.contains("missing Authorization"),
        "{}",
        without.body
    );
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("wrong token"), "{}", wrong.body);
    assert_eq!(right.status, 200);
    assert_eq!(secrets.status, 401);
    assert_eq!(batch.status, 200, "/batch carries no Authorization");
    assert_eq!(emulator.status_updates().len(), 1);
}

#[test]
fn a_body_that_is_not_json_is_kept_as_a_string_and_flagged() {
    let emulator = Emulator::start();

    let answer = send(emulator.addr(), "POST", "/logs", &[], b"hello, platform").expect("answer");

    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("not JSON"), "{}", answer.body);
    let request = &emulator.requests()[0];
    assert!(request.non_json_body);
    assert_eq!(request.body, Some(json!("hello, platform")));
    assert_eq!(request.body_len, 15);
}

#[test]
fn wait_for_sees_a_request_sent_later_and_times_out_otherwise() {
    let emulator = Emulator::start();
    let addr = emulator.addr();
    assert!(!emulator.wait_for(|requests| !requests.is_empty(), Duration::from_millis(50)));

    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        patch(addr, "/callback", &json!({"status": "running"}))
    });
    let seen = emulator.wait_for(
        |requests| requests.iter().any(|r| r.is("PATCH", "/callback")),
        Duration::from_secs(10),
    );

    assert!(seen);
    assert_eq!(sender.join().expect("sender thread").status, 200);
}

#[test]
fn subscribers_get_each_request_in_order() {
    let emulator = Emulator::start();
    let feed = emulator.subscribe();

    patch(emulator.addr(), "/callback", &json!({"status": "running"}));
    get(emulator.addr(), "/nowhere");

    let first = feed
        .recv_timeout(Duration::from_secs(10))
        .expect("first request");
    let second = feed
        .recv_timeout(Duration::from_secs(10))
        .expect("second request");
    assert_eq!((first.path.as_str(), first.seq), ("/callback", 0));
    assert_eq!(
        (second.path.as_str(), second.status),
        ("/nowhere", Some(404))
    );
    assert_eq!(
        first.to_string(),
        r#"PATCH /callback -> 200 {"status":"running"}"#
    );
    drop(emulator);
    assert!(
        feed.recv_timeout(Duration::from_secs(10)).is_err(),
        "the feed ends with the emulator"
    );
}

#[test]
fn clear_forgets_requests_but_not_the_numbering() {
    let emulator = Emulator::start();
    patch(emulator.addr(), "/callback", &json!({"status": "running"}));
    common::post_batch(
        emulator.addr(),
        &common::batch_body("ik", &[json!(1), json!(2)]),
    );
    assert_eq!(emulator.intake_event_count(), 2);

    emulator.clear();

    assert!(emulator.requests().is_empty());
    assert_eq!(emulator.intake_event_count(), 0);
    assert!(emulator.intake_events().is_empty());
    patch(emulator.addr(), "/callback", &json!({"status": "running"}));
    assert_eq!(emulator.requests()[0].seq, 2);
    assert_eq!(emulator.next_seq(), 3);
    assert_eq!(emulator.requests_since(2).len(), 1);
}

#[test]
fn wait_until_may_use_the_emulator_views() {
    let emulator = Emulator::start();
    let addr = emulator.addr();
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        let entry = json!({"date": "2026-11-27T23:27:21.603718", "level": "info", "message": "m"});
        post(addr, "/logs", &json!({"logs": [entry]}))
    });

    let logged = emulator.wait_until(|e| e.logs().len() == 1, Duration::from_secs(10));

    assert!(logged);
    assert_eq!(sender.join().expect("sender thread").status, 200);
    assert!(!emulator.wait_until(|e| e.logs().len() == 2, Duration::from_millis(30)));
}

#[test]
fn the_handles_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    fn movable<T: Send>() {}
    shareable::<Emulator>();
    shareable::<sekoia_emulator::RecordedRequest>();
    movable::<sekoia_emulator::ModuleRun>();
    movable::<sekoia_emulator::RunningModule<'static>>();
    movable::<sekoia_emulator::RunOutcome>();
}
