//! The module binary runs its actions as Sekoia would, against the platform emulator, which
//! also serves the pages they request (its test pages, and replies scripted per path).

use std::time::Duration;

use sekoia_emulator::{Emulator, Method, ModuleRun, Reply, RunOutcome};
use serde_json::{Value, json};

/// Runs `command` with `arguments`; returns the outcome and the action's final report.
fn run(emulator: &Emulator, command: &str, arguments: Value) -> (RunOutcome, Value) {
    let outcome = ModuleRun::new(env!("CARGO_BIN_EXE_http-module"), command)
        .module_configuration(json!({}))
        .arguments(arguments)
        .timeout(Duration::from_secs(30))
        .run(emulator)
        .expect("the module binary starts");
    let report = emulator
        .status_updates()
        .into_iter()
        .rfind(|update| update["status"] == "finished")
        .unwrap_or_else(|| panic!("no finished report: {outcome}"));
    (outcome, report)
}

#[test]
fn request_url_returns_the_page_and_its_json() {
    let emulator = Emulator::start();
    let url = format!("{}/json", emulator.pages_url());
    let (outcome, report) = run(&emulator, "request", json!({"url": url, "method": "get"}));
    assert!(outcome.success(), "{outcome}");
    let results = &report["results"];
    assert_eq!(results["status_code"], 200, "{report}");
    assert_eq!(results["reason"], "OK");
    assert_eq!(results["url"], url);
    assert_eq!(results["encoding"], "utf-8");
    assert_eq!(results["headers"]["content-type"], "application/json");
    assert_eq!(results["json"]["source"], "sekoia-emulator");
    assert_eq!(results["json"]["items"], json!([1, 2, 3]));
    assert!(
        results["text"]
            .as_str()
            .unwrap()
            .contains("sekoia-emulator")
    );
    assert!(results["elapsed"].as_f64().unwrap() >= 0.0);
    assert!(report["logs"].as_str().unwrap().contains("Target URL: "));
}

#[test]
fn request_url_sends_the_method_query_headers_body_and_token() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Post,
        "/api/items",
        [Reply::json(201, json!([{"id": 7}]))],
    );
    let arguments = json!({
        "url": format!("{}/api/items?lang=en", emulator.url()),
        "method": "post",
        "params": "{\"tag\": [\"a\", \"b\"]}",
        "headers": {"X-Request-Id": "42"},
        "json": {"name": "seven"},
        "auth_type": "Bearer",
        "auth_token": "t0k3n",
    });
    let (outcome, report) = run(&emulator, "request", arguments);
    assert!(outcome.success(), "{outcome}");
    assert_eq!(report["results"]["status_code"], 201, "{report}");
    assert_eq!(report["results"]["reason"], "Created");
    // an array, though the manifest says an object: any JSON comes back
    assert_eq!(report["results"]["json"], json!([{"id": 7}]));

    let sent = &emulator.requests_to("/api/items")[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.query.as_deref(), Some("lang=en&tag=a&tag=b"));
    assert_eq!(sent.header("x-request-id"), Some("42"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.authorization(), Some("Bearer t0k3n"));
    assert_eq!(sent.body, Some(json!({"name": "seven"})));
    // the token is a secret: it is in no log
    assert!(!report["logs"].as_str().unwrap().contains("t0k3n"));
}

#[test]
fn an_http_error_fails_the_action_unless_told_otherwise() {
    let emulator = Emulator::start();
    let url = format!("{}/missing", emulator.url());
    emulator.script(Method::Get, "/missing", [Reply::text(404, "no such page")]);
    let (outcome, report) = run(&emulator, "request", json!({"url": url, "method": "get"}));
    assert!(outcome.success(), "the report was delivered: {outcome}");
    assert_eq!(
        report["error"],
        format!("HTTP Request failed: {url} with 404")
    );

    emulator.script(Method::Get, "/missing", [Reply::text(404, "no such page")]);
    let arguments = json!({"url": url, "method": "get", "fail_on_http_error": false});
    let (_, report) = run(&emulator, "request", arguments);
    assert!(report.get("error").is_none_or(Value::is_null), "{report}");
    assert_eq!(report["results"]["status_code"], 404);
    assert_eq!(report["results"]["reason"], "Not Found");
    assert_eq!(report["results"]["text"], "no such page");
    assert_eq!(report["results"]["encoding"], "utf-8");
    assert_eq!(report["results"]["json"], Value::Null);
}

#[test]
fn digest_authentication_answers_the_challenge() {
    let emulator = Emulator::start();
    let challenge = r#"Digest realm="emulator", nonce="abc123", qop="auth", opaque="xyz""#;
    emulator.script(
        Method::Get,
        "/private",
        [
            Reply::text(401, "who are you?").header("www-authenticate", challenge),
            Reply::text(200, "welcome"),
        ],
    );
    let arguments = json!({
        "url": format!("{}/private", emulator.url()),
        "method": "get",
        "auth_type": "Digest",
        "auth_username": "ada",
        "auth_password": "lovelace",
    });
    let (outcome, report) = run(&emulator, "request", arguments);
    assert!(outcome.success(), "{outcome}");
    assert_eq!(report["results"]["text"], "welcome", "{report}");
    let requests = emulator.requests_to("/private");
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].authorization(), None);
    let answer = requests[1].authorization().unwrap();
    for part in [
        "Digest username=\"ada\"",
        "realm=\"emulator\"",
        "nonce=\"abc123\"",
        "uri=\"/private\"",
        "opaque=\"xyz\"",
        "qop=auth, nc=00000001",
    ] {
        assert!(answer.contains(part), "{part} is not in {answer}");
    }
}

#[test]
fn missing_credentials_are_refused_before_anything_is_sent() {
    let emulator = Emulator::start();
    let arguments = json!({
        "url": format!("{}/private", emulator.url()),
        "method": "get",
        "auth_type": "Basic",
        "auth_username": "ada",
    });
    let (_, report) = run(&emulator, "request", arguments);
    assert_eq!(
        report["error"],
        "Username/Password should not be empty for Basic auth type"
    );
    assert!(emulator.requests_to("/private").is_empty());
}

#[test]
fn a_request_without_an_answer_is_sent_again() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Get,
        "/flaky",
        [
            Reply::drop_connection(),
            Reply::text(200, "second time lucky"),
        ],
    );
    let arguments = json!({"url": format!("{}/flaky", emulator.url()), "method": "get"});
    let (outcome, report) = run(&emulator, "request", arguments);
    assert!(outcome.success(), "{outcome}");
    assert_eq!(report["results"]["text"], "second time lucky", "{report}");
    assert_eq!(emulator.requests_to("/flaky").len(), 2);
}

#[test]
fn download_file_saves_the_body_under_its_name() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Get,
        "/files/report",
        [Reply::text(200, "quarterly figures")
            .header("content-disposition", "attachment; filename=\"report.txt\"")],
    );
    let arguments = json!({
        "url": format!("{}/files/report", emulator.url()),
        "headers": {"Authorization": "Bearer foo"},
    });
    let (outcome, report) = run(&emulator, "download-file", arguments);
    assert!(outcome.success(), "{outcome}");
    let relative = report["results"]["file_relative_path"].as_str().unwrap();
    assert!(relative.ends_with("/report.txt"), "{report}");
    let saved = outcome.data_dir.path().join(relative);
    assert_eq!(
        std::fs::read_to_string(&saved).unwrap(),
        "quarterly figures"
    );
    assert_eq!(
        report["results"]["file_path"],
        saved.display().to_string(),
        "the absolute path is the file's"
    );
    let sent = &emulator.requests_to("/files/report")[0];
    assert_eq!(sent.authorization(), Some("Bearer foo"));
    assert_eq!(sent.user_agent(), Some("sekoiaio-connector/http-1.120.2"));
}

#[test]
fn download_file_fails_on_an_http_error() {
    let emulator = Emulator::start();
    let arguments = json!({"url": format!("{}/files/nothing", emulator.url())});
    let (_, report) = run(&emulator, "download-file", arguments);
    let error = report["error"].as_str().unwrap();
    assert!(error.contains("404"), "{error}");
}
