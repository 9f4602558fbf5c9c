//! The connector in-process, against the emulated CyberArk API: what it sends, what it pushes,
//! what it keeps in `context.json`, and a resume from the Python build's file.

use std::time::Duration;

use cyberark_modules::{
    CyberArkAuditLogsConnector, CyberArkAuditLogsConnectorConfiguration,
    CyberArkModuleConfiguration,
};
use sekoia_emulator::Emulator;
use sekoia_runtime::Secret;
use sekoia_runtime::testing::TestPlatform;
use serde_json::Value;

fn emulator() -> Emulator {
    let emulator = Emulator::start();
    let vendor = emulator.vendor();
    vendor.set_credentials("login", "qwerty");
    vendor.set_api_key("APIKEY1234");
    vendor.add_events(250);
    emulator
}

fn module(emulator: &Emulator, password: &str) -> CyberArkModuleConfiguration {
    CyberArkModuleConfiguration {
        auth_base_url: format!("{}/", emulator.vendor_url()),
        login_name: "login".into(),
        password: Secret::new(password.into()),
        application_id: "MyApp1".into(),
    }
}

fn configuration(emulator: &Emulator) -> CyberArkAuditLogsConnectorConfiguration {
    CyberArkAuditLogsConnectorConfiguration {
        api_base_url: emulator.vendor_url(),
        api_key: Secret::new("APIKEY1234".into()),
        frequency: 60,
        intake_server: "unused in-process".into(),
        intake_key: "intake-key".into(),
    }
}

fn uuids(events: &[String]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            serde_json::from_str::<Value>(e).unwrap()["uuid"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_is_pushed_and_the_checkpoint_kept_as_python_keeps_it() {
    let emulator = emulator();
    let data = tempfile::tempdir().unwrap();
    let platform = TestPlatform::new()
        .with_data_dir(data.path())
        .stop_when(|seen| seen.intake_event_count() >= 250);
    let ctx = platform.connector::<CyberArkAuditLogsConnector>(
        module(&emulator, "qwerty"),
        configuration(&emulator),
    );
    tokio::time::timeout(
        Duration::from_secs(20),
        platform.run_connector(&CyberArkAuditLogsConnector, &ctx),
    )
    .await
    .expect("the connector stops once the events are pushed");

    let vendor_events = emulator.vendor().events();
    let expected: Vec<String> = vendor_events
        .iter()
        .map(|e| e["uuid"].as_str().unwrap().to_owned())
        .collect();
    let pushed = platform.intake_events();
    assert_eq!(uuids(&pushed), expected, "every event, once, in order");
    assert_eq!(
        serde_json::from_str::<Value>(&pushed[0]).unwrap(),
        vendor_events[0],
        "events as the API gave them"
    );

    let token = &emulator.requests_to("/vendor/oauth2/token/MyApp1")[0];
    assert_eq!(token.method, "POST");
    assert_eq!(token.authorization(), Some("Basic bG9naW46cXdlcnR5"));
    assert_eq!(
        token.body,
        Some(Value::String(
            "grant_type=client_credentials&scope=isp.audit.events%3Aread".into()
        ))
    );
    let query = &emulator.requests_to("/vendor/api/audits/stream/createQuery")[0];
    assert_eq!(query.header("x-api-key"), Some("APIKEY1234"));
    let body = query.body.as_ref().unwrap();
    assert_eq!(body["query"]["pageSize"], 100);
    assert_eq!(
        body["query"]["sortModel"],
        serde_json::json!([{"field_name": "date", "direction": "asc"}])
    );
    assert!(
        body["query"]["filterModel"]["date"]["dateFrom"]
            .as_str()
            .unwrap()
            .ends_with("+00:00")
    );
    let results = emulator.requests_to("/vendor/api/audits/stream/results");
    assert_eq!(
        results.len(),
        3,
        "three pages (the run stops once they are pushed)"
    );

    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(data.path().join("context.json")).unwrap())
            .unwrap();
    let last = vendor_events.last().unwrap()["timestamp"].as_i64().unwrap();
    let date = sekoia_runtime::chrono::DateTime::from_timestamp_millis(last).unwrap();
    assert_eq!(
        saved["most_recent_date_seen"],
        sekoia_runtime::state::isoformat(date)
    );
    assert_eq!(saved["events_cache"].as_array().unwrap().len(), 250);
    let metrics = platform.metrics();
    assert!(
        metrics.contains(
            r#"symphony_module_cyberark_collected_messages_total{intake_key="intake-key"} 250"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            r#"symphony_module_common_forwarded_events_total{intake_key="intake-key"} 250"#
        ),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_context_file_is_resumed_where_python_stopped() {
    let emulator = emulator();
    let events = emulator.vendor().events();
    // the Python connector pushed the first 100 events: its checkpoint and its cache
    let timestamp = events[99]["timestamp"].as_i64().unwrap();
    let date = sekoia_runtime::chrono::DateTime::from_timestamp_millis(timestamp).unwrap();
    let cache: Vec<&Value> = events[..100].iter().map(|e| &e["uuid"]).collect();
    let python = serde_json::json!({
        "most_recent_date_seen": sekoia_runtime::state::isoformat(date),
        "events_cache": cache,
    });
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("context.json"),
        serde_json::to_vec(&python).unwrap(),
    )
    .unwrap();
    let platform = TestPlatform::new()
        .with_data_dir(data.path())
        .stop_when(|seen| seen.intake_event_count() >= 150);
    let ctx = platform.connector::<CyberArkAuditLogsConnector>(
        module(&emulator, "qwerty"),
        configuration(&emulator),
    );
    tokio::time::timeout(
        Duration::from_secs(20),
        platform.run_connector(&CyberArkAuditLogsConnector, &ctx),
    )
    .await
    .unwrap();
    let expected: Vec<String> = events[100..]
        .iter()
        .map(|e| e["uuid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        uuids(&platform.intake_events()),
        expected,
        "not one event again, none missed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_password_is_critical_and_names_the_reason() {
    let emulator = emulator();
    let platform = TestPlatform::new().stop_when(|seen| !seen.logs().is_empty());
    let ctx = platform.connector::<CyberArkAuditLogsConnector>(
        module(&emulator, "wrong-password"),
        configuration(&emulator),
    );
    tokio::time::timeout(
        Duration::from_secs(20),
        platform.run_connector(&CyberArkAuditLogsConnector, &ctx),
    )
    .await
    .unwrap();
    let logs = platform.logs();
    let failure = logs
        .iter()
        .find(|l| l.message.starts_with("Failed to forward events"))
        .unwrap();
    assert_eq!(failure.level, sekoia_runtime::Level::Critical);
    assert!(
        failure.message.contains("error=invalid_client"),
        "{}",
        failure.message
    );
    assert!(!failure.message.contains("wrong-password"));
    assert!(platform.intake_events().is_empty());
}
