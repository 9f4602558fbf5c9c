//! An emulator started on the caller's tokio runtime, driven by a real HTTP client (reqwest).

use std::time::Duration;

use sekoia_emulator::{Emulator, Method, Reply};
use serde_json::json;

#[tokio::test]
async fn an_emulator_on_the_current_runtime_serves_and_waits_asynchronously() {
    let emulator = Emulator::builder()
        .start_on(&tokio::runtime::Handle::current())
        .expect("emulator starts");
    let client = reqwest::Client::new();
    let url = format!("{}/batch", emulator.intake_url());

    let later = {
        let client = client.clone();
        let url = url.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            client
                .post(url)
                .header("user-agent", "sekoiaio-connector-ik")
                .json(&json!({"intake_key": "ik", "jsons": ["{\"a\":1}", "{\"a\":2}"]}))
                .send()
                .await
        })
    };
    let seen = emulator
        .wait_for_async(
            |requests| requests.iter().any(|r| r.is("POST", "/batch")),
            Duration::from_secs(10),
        )
        .await;

    assert!(seen);
    let answer = later.await.expect("task").expect("answer");
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value = answer.json().await.expect("json");
    assert_eq!(body["event_ids"].as_array().map(Vec::len), Some(2));
    assert_eq!(emulator.intake_events(), [r#"{"a":1}"#, r#"{"a":2}"#]);
    assert!(
        !emulator
            .wait_for_async(|requests| requests.len() > 1, Duration::from_millis(20))
            .await
    );
}

#[tokio::test]
async fn reqwest_sees_a_dropped_connection_as_an_error() {
    let emulator = Emulator::builder()
        .start_on(&tokio::runtime::Handle::current())
        .expect("emulator starts");
    emulator.script(Method::Patch, "/callback", [Reply::drop_connection()]);
    let client = reqwest::Client::new();

    let result = client
        .patch(emulator.callback_url())
        .bearer_auth("tok")
        .json(&json!({"status": "running"}))
        .send()
        .await;

    let error = result.expect_err("no response must reach the client");
    assert!(error.is_request() || error.is_connect(), "{error:?}");
    assert!(error.status().is_none());
    assert_eq!(emulator.requests()[0].status, None);
}
