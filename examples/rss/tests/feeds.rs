//! The module binary runs the New Post trigger as Sekoia would, against the platform emulator,
//! which also serves the feeds (the Python module's test feeds, `tests/data/`, as scripted
//! replies).

use std::time::Duration;

use rss_modules::Seen;
use sekoia_emulator::{Emulator, Method, ModuleRun, Reply, RunOutcome};
use serde_json::{Value, json};

const NASA: &str = include_str!("data/nasa.xml");
const ATOM: &str = include_str!("data/atom.xml");

/// Runs the trigger on the feed at `path`, read every second, until `done` holds (then
/// SIGTERM), 30 s at most.
fn watch(
    emulator: &Emulator,
    path: &str,
    feed: Value,
    run: impl FnOnce(ModuleRun) -> ModuleRun,
    done: impl FnMut(&Emulator) -> bool + Send + 'static,
) -> RunOutcome {
    let mut feed = feed;
    feed["url"] = format!("{}{path}", emulator.url()).into();
    feed["frequency"] = 1.into();
    let module = ModuleRun::new(env!("CARGO_BIN_EXE_rss-module"), "rss_trigger")
        .module_configuration(json!({}))
        .trigger_configuration(json!({"feeds": [feed]}))
        .stop_when(done)
        .timeout(Duration::from_secs(30));
    let outcome = run(module).run(emulator).expect("the module binary starts");
    assert!(outcome.success(), "{outcome}");
    assert!(!outcome.timed_out, "{outcome}");
    outcome
}

fn reads(emulator: &Emulator, path: &str) -> usize {
    emulator.requests_to(path).len()
}

#[test]
fn new_items_are_sent_once_and_later_ones_when_they_appear() {
    let emulator = Emulator::start();
    // the feed read three times: as it is, unchanged, then with a new item on top
    let newer = NASA.replacen(
        "<item>",
        "<item><title>Newer</title><link>http://www.nasa.gov/newer</link>\
         <description>Just in.</description><pubDate>Wed, 31 Jul 2019 09:00 EDT</pubDate></item>\n<item>",
        1,
    );
    emulator.script(
        Method::Get,
        "/feeds/nasa.xml",
        [
            Reply::text(200, NASA),
            Reply::text(200, NASA),
            Reply::text(200, newer),
        ],
    );
    watch(
        &emulator,
        "/feeds/nasa.xml",
        json!({}),
        |run| run,
        |e| e.events().len() >= 11 || reads(e, "/feeds/nasa.xml") >= 4,
    );

    let events = emulator.events();
    assert_eq!(events.len(), 11, "ten items, then the new one alone");
    let name = format!("RSS feed {}/feeds/nasa.xml", emulator.url());
    assert!(events.iter().all(|event| event["name"] == name));
    // the event the Python module's test expects
    let expected = json!({
        "source": {
            "title": "NASA Breaking News",
            "subtitle": "A RSS news feed containing the latest NASA news articles and press releases.",
            "link": "http://www.nasa.gov/",
            "language": "en-us",
            "author": "jim.wilson@nasa.gov",
            "publisher": "brian.dunbar@nasa.gov",
        },
        "item": {
            "title": "Commercial Space Ride Secured for NASA’s New Air Pollution Sensor",
            "link": "http://www.nasa.gov/press-release/commercial-space-ride-secured-for-nasa-s-new-air-pollution-sensor",
            "published": "Mon, 22 Jul 2019 18:34 EDT",
            "description": "NASA has secured a host satellite provider and ride into space for an instrument that will\n                dramatically advance our understanding of air quality over North America.",
        },
    });
    assert!(
        events.iter().any(|event| event["event"] == expected),
        "{:#}",
        events[4]["event"]
    );
    assert_eq!(events[10]["event"]["item"]["title"], "Newer");
    assert_eq!(events[10]["event"]["item"]["description"], "Just in.");
}

#[test]
fn an_atom_feed_is_read_and_its_validators_sent_back() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Get,
        "/feeds/atom.xml",
        [
            Reply::text(200, ATOM)
                .header("etag", "\"v1\"")
                .header("last-modified", "Sat, 13 Dec 2003 18:30:02 GMT"),
            Reply::status(304),
        ],
    );
    watch(
        &emulator,
        "/feeds/atom.xml",
        json!({}),
        |run| run,
        |e| reads(e, "/feeds/atom.xml") >= 3,
    );

    let events = emulator.events();
    assert_eq!(events.len(), 1, "{events:#?}");
    let expected = json!({
        "source": {"title": "Example Feed", "link": "http://example.org/", "author": "John Doe"},
        "item": {
            "title": "Atom-Powered Robots Run Amok",
            "link": "http://example.org/2003/12/13/atom03",
            "published": "2003-12-13T18:30:02Z",
            "description": "Some text.",
        },
    });
    assert_eq!(events[0]["event"], expected);
    let second = &emulator.requests_to("/feeds/atom.xml")[1];
    assert_eq!(second.header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        second.header("if-modified-since"),
        Some("Sat, 13 Dec 2003 18:30:02 GMT")
    );
}

#[test]
fn with_to_file_the_event_is_a_file_of_the_data_directory() {
    let emulator = Emulator::start();
    emulator.script(Method::Get, "/feeds/atom.xml", [Reply::text(200, ATOM)]);
    let outcome = watch(
        &emulator,
        "/feeds/atom.xml",
        json!({"to_file": true}),
        |run| run,
        |e| !e.events().is_empty(),
    );
    let events = emulator.events();
    assert_eq!(events[0]["event"], json!({"event_path": "event.json"}));
    let directory = events[0]["directory"].as_str().unwrap();
    assert!(directory.starts_with("rss_events/"), "{directory}");
    // sent, then removed, as the Python module asks the platform to
    assert!(!outcome.data_dir.path().join(directory).exists());
}

#[test]
fn what_was_seen_before_a_restart_is_not_sent_again() {
    let emulator = Emulator::start();
    let url = format!("{}/feeds/nasa.xml", emulator.url());
    // the newest item sent before the restart: "Mon, 22 Jul 2019 18:34 EDT"
    let seen = Seen {
        last_update: Some(1_563_834_840),
        ..Seen::default()
    };
    let file = Seen::file(std::path::Path::new(""), &url);
    emulator.script(Method::Get, "/feeds/nasa.xml", [Reply::text(200, NASA)]);
    watch(
        &emulator,
        "/feeds/nasa.xml",
        json!({}),
        |run| run.data_file(file, serde_json::to_vec(&seen).unwrap()),
        |e| reads(e, "/feeds/nasa.xml") >= 2,
    );
    let titles: Vec<Value> = emulator
        .events()
        .iter()
        .map(|event| event["event"]["item"]["title"].clone())
        .collect();
    assert_eq!(titles.len(), 4, "the four later items: {titles:#?}");
}

#[test]
fn a_document_that_is_not_a_feed_is_logged() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Get,
        "/feeds/broken.xml",
        [Reply::text(200, "<html><body>moved</body></html>")],
    );
    watch(
        &emulator,
        "/feeds/broken.xml",
        json!({"strict": true}),
        |run| run,
        |e| {
            e.logs()
                .iter()
                .any(|log| log.message.contains("Can't parse"))
        },
    );
    assert!(emulator.events().is_empty());
    let log = emulator
        .logs()
        .into_iter()
        .find(|log| log.message.contains("Can't parse"))
        .unwrap();
    assert_eq!(log.level, "error");
    assert!(log.message.contains("/feeds/broken.xml"), "{}", log.message);
    assert!(log.message.contains("<html>"), "{}", log.message);
}
