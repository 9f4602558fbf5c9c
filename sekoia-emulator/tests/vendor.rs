//! The vendor API's generated events (`VendorApi::generate_events`): cursor pages, the last
//! page's `next`, the token they need, the count of events served, and the same events as the
//! stored ones on every endpoint.

mod common;

use std::collections::HashSet;
use std::net::SocketAddr;

use sekoia_emulator::Emulator;
use serde_json::{Value, json};

/// A bearer token of the vendor API, for its default credentials `client` / `secret`.
fn bearer(addr: SocketAddr) -> String {
    let token = common::send(
        addr,
        "POST",
        "/vendor/oauth2/token",
        &[("content-type", "application/x-www-form-urlencoded")],
        b"grant_type=client_credentials&client_id=client&client_secret=secret",
    )
    .unwrap();
    assert_eq!(token.status, 200, "{token:?}");
    format!("Bearer {}", token.json()["access_token"].as_str().unwrap())
}

fn get(addr: SocketAddr, path: &str, bearer: &str) -> common::Response {
    common::send(addr, "GET", path, &[("authorization", bearer)], b"").unwrap()
}

fn post(addr: SocketAddr, path: &str, bearer: &str, body: &Value) -> Value {
    let answer = common::send(
        addr,
        "POST",
        path,
        &[
            ("authorization", bearer),
            ("content-type", "application/json"),
        ],
        body.to_string().as_bytes(),
    )
    .unwrap();
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.json()
}

#[test]
fn generated_events_come_in_cursor_pages_behind_a_token() {
    let emulator = Emulator::start();
    let vendor = emulator.vendor();
    vendor.generate_events(2_500);
    assert_eq!(vendor.event_count(), 2_500);
    let addr = emulator.addr();

    let refused = get(addr, "/vendor/events?limit=1000", "Bearer forged");
    assert_eq!(refused.status, 401, "{refused:?}");
    assert_eq!(refused.json()["error"], "invalid_token");
    let anonymous = common::send(addr, "GET", "/vendor/events", &[], b"").unwrap();
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        vendor.events_served(),
        0,
        "a refused request serves nothing"
    );

    let bearer = bearer(addr);
    let (mut cursor, mut sizes, mut cursors, mut events) = (None, vec![], vec![], vec![]);
    loop {
        let path = match &cursor {
            None => "/vendor/events?limit=1000".to_owned(),
            Some(cursor) => format!("/vendor/events?cursor={cursor}&limit=1000"),
        };
        let page = get(addr, &path, &bearer);
        assert_eq!(page.status, 200, "{page:?}");
        assert_eq!(page.header("content-type"), Some("application/json"));
        let mut body = page.json();
        let data = body["data"].as_array_mut().unwrap();
        sizes.push(data.len());
        events.append(data);
        match body["next"].take() {
            Value::String(next) => {
                cursors.push(next.clone());
                cursor = Some(next);
            }
            Value::Null => break,
            other => panic!("next is {other}"),
        }
    }
    assert_eq!(sizes, [1000, 1000, 500]);
    assert_eq!(cursors, ["c1000", "c2000"]);
    assert_eq!(vendor.events_served(), 2_500);

    // the text of the pages is the events' values, in order, each uuid once, 7 ms apart
    assert_eq!(events, vendor.events());
    let uuids: HashSet<&str> = events.iter().map(|e| e["uuid"].as_str().unwrap()).collect();
    assert_eq!(uuids.len(), 2_500);
    let times: Vec<i64> = events
        .iter()
        .map(|e| e["timestamp"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[1] - w[0] == 7), "{times:?}");

    // the same page again is the same bytes
    let again = get(addr, "/vendor/events?cursor=c2000&limit=1000", &bearer);
    let once_more = get(addr, "/vendor/events?cursor=c2000&limit=1000", &bearer);
    assert_eq!(again.body, once_more.body);
    assert_eq!(again.json()["data"][499], events[2_499]);
    // past the end: no events, no next
    let past = get(addr, "/vendor/events?cursor=c9000&limit=1000", &bearer);
    assert_eq!(past.json(), json!({"data": [], "next": null}));

    emulator.clear();
    assert_eq!(vendor.events_served(), 0, "clear resets the count");
    assert_eq!(vendor.event_count(), 2_500, "and keeps the events");
}

#[test]
fn generated_events_have_the_shape_of_stored_ones() {
    let generated = Emulator::start();
    generated.vendor().generate_events(2);
    let stored = Emulator::start();
    stored.vendor().add_events(2);
    let (generated, stored) = (generated.vendor().events(), stored.vendor().events());
    let keys = |e: &Value| e.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&generated[0]), keys(&stored[0]));
    for (key, value) in stored[0].as_object().unwrap() {
        if key != "uuid" && key != "timestamp" {
            assert_eq!(&generated[0][key], value, "{key}");
        }
    }
    let uuid = generated[0]["uuid"].as_str().unwrap();
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4", "a version 4 uuid: {uuid}");
}

#[test]
fn every_endpoint_serves_generated_events_as_it_serves_stored_ones() {
    for generate in [false, true] {
        let emulator = Emulator::start();
        if generate {
            emulator.vendor().generate_events(200);
            emulator.vendor().add_events(50); // 50 more generated
        } else {
            emulator.vendor().add_events(250);
        }
        let events = emulator.vendor().events();
        assert_eq!(events.len(), 250, "generated: {generate}");
        let addr = emulator.addr();
        let bearer = bearer(addr);

        let offset = get(addr, "/vendor/events/offset?offset=240&limit=100", &bearer).json();
        assert_eq!(offset["items"].as_array().unwrap()[..], events[240..]);
        let paged = get(addr, "/vendor/events/paged?page=2&per_page=100", &bearer).json();
        assert_eq!(paged["items"].as_array().unwrap()[..], events[100..200]);
        let linked = get(addr, "/vendor/events/linked?after=200&limit=100", &bearer);
        assert_eq!(linked.json().as_array().unwrap()[..], events[200..]);
        assert_eq!(linked.header("link"), None, "the last page links nowhere");

        // CyberArk's stream, from the second of the fifth event's date
        let fifth = events[4]["timestamp"].as_i64().unwrap();
        let from = fifth / 1000 * 1000;
        let date = chrono::DateTime::from_timestamp_millis(from)
            .unwrap()
            .to_rfc3339();
        let created = post(
            addr,
            "/vendor/api/audits/stream/createQuery",
            &bearer,
            &json!({"query": {"pageSize": 100, "filterModel": {"date": {"dateFrom": date}}}}),
        );
        let first = events
            .iter()
            .position(|e| e["timestamp"].as_i64().unwrap() >= from)
            .unwrap();
        let mut cursor = created["cursorRef"].as_str().unwrap().to_owned();
        let mut streamed = Vec::new();
        loop {
            let page = post(
                addr,
                "/vendor/api/audits/stream/results",
                &bearer,
                &json!({"cursorRef": cursor}),
            );
            let data = page["data"].as_array().unwrap();
            if data.is_empty() {
                break;
            }
            streamed.extend(data.iter().cloned());
            cursor = page["paging"]["cursor"]["cursorRef"]
                .as_str()
                .unwrap()
                .to_owned();
        }
        assert_eq!(streamed[..], events[first..], "generated: {generate}");
    }
}
