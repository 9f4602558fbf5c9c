//! The kill -9 proof: the connector binary is killed with SIGKILL at random moments of its
//! pull-and-push loop and started again, many times, against the emulated CyberArk API. No
//! event may be lost; a kill may cost at most one page of duplicates; the state file must be
//! valid after every kill.
//!
//! `cargo test -p cyberark --test kill -- --nocapture` prints the figures.

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sekoia_emulator::{Emulator, ModuleRun};
use serde_json::{Value, json};

const EVENTS: usize = 2000;
const KILLS: usize = 12;
const PAGE: usize = 100;

/// A small xorshift generator: random kill points without a dependency; the seed is printed.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

fn delivered(emulator: &Emulator) -> Vec<String> {
    emulator
        .intake_events()
        .iter()
        .map(|e| {
            let event: Value = serde_json::from_str(e).expect("the intake received JSON events");
            event["uuid"]
                .as_str()
                .expect("events carry their uuid")
                .to_owned()
        })
        .collect()
}

fn duplicates(ids: &[String]) -> usize {
    ids.len() - ids.iter().collect::<HashSet<_>>().len()
}

#[test]
fn killed_at_random_points_it_loses_nothing_and_repeats_at_most_a_page_a_kill() {
    let emulator = Emulator::builder()
        .secrets(json!({"password": "qwerty"}))
        .start();
    let vendor = emulator.vendor();
    vendor.set_credentials("login", "qwerty");
    vendor.set_api_key("APIKEY1234");
    vendor.set_page_size(PAGE);
    // a little latency spreads a pass over a few hundred milliseconds, for the kills to land in
    vendor.set_latency(Duration::from_millis(4));
    vendor.add_events(EVENTS);
    let data = tempfile::tempdir().unwrap();
    let state_file = data.path().join("context.json");
    let run = || {
        ModuleRun::new(env!("CARGO_BIN_EXE_cyberark"), "connector_audit_logs")
            .module_configuration(json!({
                "auth_base_url": format!("{}/", emulator.vendor_url()),
                "login_name": "login",
                "application_id": "MyApp1",
            }))
            .connector_configuration(json!({
                "api_base_url": emulator.vendor_url(),
                "api_key": "APIKEY1234",
                "intake_key": "ik",
                "intake_server": emulator.url(),
                "frequency": 1,
            }))
            .env("SEKOIA_DATA_ROOT", data.path())
            .timeout(Duration::from_secs(60))
    };
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut random = Random(seed);
    let started = Instant::now();
    let mut kills = 0;
    let mut worst = 0;
    while kills < KILLS && delivered(&emulator).iter().collect::<HashSet<_>>().len() < EVENTS {
        let before = duplicates(&delivered(&emulator));
        let mut module = run().spawn(&emulator).expect("the connector starts");
        std::thread::sleep(Duration::from_millis(20 + random.below(250)));
        module.kill().unwrap();
        let outcome = module.wait().unwrap();
        kills += 1;
        if state_file.exists() {
            let text = std::fs::read_to_string(&state_file).unwrap();
            let state: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
                panic!("kill {kills}: the state file is not valid JSON ({e}): {text:?}\n{outcome}")
            });
            assert!(
                state["most_recent_date_seen"].is_string(),
                "kill {kills}: {text}"
            );
            assert!(
                state["events_cache"]
                    .as_array()
                    .is_some_and(|c| c.len() <= 1000),
                "kill {kills}: {text}"
            );
        }
        let repeated = duplicates(&delivered(&emulator)) - before;
        worst = worst.max(repeated);
        assert!(
            repeated <= PAGE,
            "kill {kills} cost {repeated} duplicates, more than a page"
        );
    }
    // a last run, stopped gracefully once every event is in
    let outcome = run()
        .stop_when(|emulator| {
            emulator.intake_event_count() as usize >= EVENTS
                && delivered(emulator).iter().collect::<HashSet<_>>().len() == EVENTS
        })
        .run(&emulator)
        .expect("the last run ends");
    assert!(outcome.success(), "{outcome}");

    let ids = delivered(&emulator);
    let unique: HashSet<&String> = ids.iter().collect();
    let expected: HashSet<String> = vendor
        .events()
        .iter()
        .map(|e| e["uuid"].as_str().unwrap().to_owned())
        .collect();
    let lost = expected.iter().filter(|id| !unique.contains(id)).count();
    let duplicated = duplicates(&ids);
    println!(
        "kill -9 proof (seed {seed}): {kills} kills, {EVENTS} events, {} pushed, {lost} lost, {duplicated} duplicated (worst kill {worst}, a page is {PAGE}), {:.1}s",
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(lost, 0, "events were lost");
    assert!(duplicated <= kills * PAGE);
    let state: Value =
        serde_json::from_str(&std::fs::read_to_string(&state_file).unwrap()).unwrap();
    let newest = vendor.events().last().unwrap()["timestamp"]
        .as_i64()
        .unwrap();
    let newest = sekoia_runtime::chrono::DateTime::from_timestamp_millis(newest).unwrap();
    assert_eq!(
        state["most_recent_date_seen"],
        sekoia_runtime::state::isoformat(newest)
    );
}
