//! The test pages under `/pages/`: what each answers, the bearer token of `/pages/events`, and
//! that they stay out of the platform's views.

mod common;

use common::send;
use sekoia_emulator::{Emulator, HELLO_TEXT, Method, PAGES, Reply};
use serde_json::Value;

fn get_page(emulator: &Emulator, path: &str, headers: &[(&str, &str)]) -> common::Response {
    send(emulator.addr(), "GET", path, headers, b"")
        .unwrap_or_else(|error| panic!("GET {path}: {error}"))
}

#[test]
fn hello_is_plain_text() {
    let emulator = Emulator::start();

    let answer = get_page(&emulator, "/pages/hello", &[]);

    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, HELLO_TEXT);
    assert!(
        answer
            .header("content-type")
            .is_some_and(|value| value.starts_with("text/plain")),
        "{answer:?}"
    );
}

#[test]
fn json_is_a_small_object() {
    let emulator = Emulator::start();

    let answer = get_page(&emulator, "/pages/json", &[]);

    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body = answer.json();
    assert_eq!(body["message"], HELLO_TEXT);
    assert!(body.as_object().is_some_and(|object| object.len() >= 2));
}

#[test]
fn entries_have_id_value_and_timestamp_with_increasing_ids() {
    let emulator = Emulator::start();

    let entries = get_page(&emulator, "/pages/entries", &[]).json();

    let entries = entries.as_array().expect("an array of entries");
    assert!(!entries.is_empty());
    for entry in entries {
        assert!(entry["id"].is_i64(), "{entry}");
        assert!(entry["value"].is_string(), "{entry}");
        assert!(entry["timestamp"].is_i64(), "{entry}");
    }
    let ids: Vec<i64> = entries.iter().filter_map(|e| e["id"].as_i64()).collect();
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
}

#[test]
fn events_need_a_bearer_token_and_are_an_array() {
    let emulator = Emulator::start();

    let refused = get_page(&emulator, "/pages/events", &[]);
    let empty = get_page(&emulator, "/pages/events", &[("authorization", "Bearer ")]);
    let answer = get_page(&emulator, "/pages/events", &[("authorization", "Bearer k")]);

    assert_eq!(refused.status, 401);
    assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    assert!(
        refused.json()["error"]
            .as_str()
            .unwrap_or_default()
            .contains("Bearer")
    );
    assert_eq!(empty.status, 401);
    assert_eq!(answer.status, 200);
    let events = answer.json();
    let events = events.as_array().expect("an array of events");
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(Value::is_object));
}

#[test]
fn pages_url_is_the_base_of_the_events_api() {
    let emulator = Emulator::start();

    // A connector GETs `<base_url>/events`.
    let base_url = emulator.pages_url();
    let path = format!("{}/events", base_url.trim_start_matches(emulator.url()));

    assert_eq!(base_url, format!("{}/pages", emulator.url()));
    assert_eq!(
        get_page(&emulator, &path, &[("authorization", "Bearer k")]).status,
        200
    );
}

#[test]
fn unknown_pages_and_other_methods_are_refused_with_the_known_ones() {
    let emulator = Emulator::start();

    let unknown = get_page(&emulator, "/pages/nowhere", &[]);
    let post = send(emulator.addr(), "POST", "/pages/hello", &[], b"{}").expect("an answer");

    assert_eq!(unknown.status, 404);
    let known: Vec<String> = serde_json::from_value(unknown.json()["known_pages"].clone())
        .expect("a list of known pages");
    assert_eq!(known, PAGES);
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET"));
}

#[test]
fn pages_are_recorded_but_stay_out_of_the_platform_views() {
    let emulator = Emulator::builder().require_token("tok").start();

    // No platform token is needed on a page.
    let answer = get_page(&emulator, "/pages/json", &[]);

    assert_eq!(answer.status, 200);
    let recorded = emulator.requests_to("/pages/json");
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].status, Some(200));
    assert!(emulator.status_updates().is_empty());
    assert!(emulator.events().is_empty());
    assert_eq!(emulator.intake_event_count(), 0);
}

#[test]
fn faults_can_be_scripted_on_pages() {
    let emulator = Emulator::start();
    emulator.script(Method::Get, "/pages/hello", [Reply::status(503)]);

    let first = get_page(&emulator, "/pages/hello", &[]);
    let second = get_page(&emulator, "/pages/hello", &[]);

    assert_eq!(first.status, 503);
    assert_eq!(second.status, 200);
    assert_eq!(second.body, HELLO_TEXT);
}
