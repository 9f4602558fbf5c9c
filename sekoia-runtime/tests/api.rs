//! Declarative API actions against the emulator's vendor API, over real loopback HTTP: what
//! each request carries (method, path, query, headers, body), the results, the retries, the
//! `DELETE`/404 rule and the error texts.

use std::time::Duration;

use sekoia_emulator::{Emulator, Method, Reply};
use sekoia_runtime::api::{ApiAction, ApiModule, ApiRequest};
use sekoia_runtime::client::{Auth, Retry};
use sekoia_runtime::prelude::*;
use sekoia_runtime::testing::TestPlatform;
use serde_json::json;

#[module(name = "Entries", slug = "entries", uuid = "0c8e1d52-7a3f-4b9e-9d61-5e2f8a4c3b17", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct EntriesModule {
    /// The API's URL
    pub base_url: String,
    /// How to authenticate: `bearer`, `basic`, `header`, `query` or none
    pub auth: Option<String>,
    /// The API key
    pub api_key: Option<Secret<String>>,
}

impl ApiModule for EntriesModule {
    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn auth(&self) -> Option<Auth> {
        let key = self.api_key.clone()?;
        match self.auth.as_deref()? {
            "bearer" => Some(Auth::bearer(key)),
            "basic" => Some(Auth::basic("login", key)),
            "header" => Some(Auth::header("x-api-key", key)),
            "query" => Some(Auth::query("key", key)),
            _ => None,
        }
    }

    // quick retries, or the tests would wait as long as the Python SDK
    fn retry(&self) -> Retry {
        Retry::default()
            .attempts(3)
            .first_wait(Duration::from_millis(10))
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct EntryArguments {
    /// The entry's id
    pub id: String,
    /// Whether to return everything
    pub verbose: Option<bool>,
    /// Tags to filter on
    pub tags: Option<Vec<String>>,
}

/// An entry
#[derive(Deserialize, JsonSchema)]
pub struct Entry {
    /// Its id
    pub id: String,
}

/// Reads an entry
#[action(name = "Get entry")]
pub struct GetEntry;

impl ApiAction for GetEntry {
    type Module = EntriesModule;
    type Arguments = EntryArguments;
    type Results = Entry;
    const REQUEST: ApiRequest = ApiRequest::get("entries/{id}").query(&["verbose", "tags"]);
}

#[derive(Deserialize, JsonSchema)]
pub struct NewEntry {
    /// The entry's name
    pub name: String,
    /// Its content
    pub content: Option<AnyObject>,
    /// A file of the data directory holding its content
    pub content_path: Option<String>,
}

/// Creates an entry
#[action(name = "Create entry")]
pub struct CreateEntry;

impl ApiAction for CreateEntry {
    type Module = EntriesModule;
    type Arguments = NewEntry;
    type Results = Entry;
    const REQUEST: ApiRequest = ApiRequest::post("/entries");
}

#[derive(Deserialize, JsonSchema)]
pub struct EntryId {
    /// The entry's id
    pub id: String,
}

/// Deletes an entry
#[action(name = "Delete entry")]
pub struct DeleteEntry;

impl ApiAction for DeleteEntry {
    type Module = EntriesModule;
    type Arguments = EntryId;
    type Results = ();
    const REQUEST: ApiRequest = ApiRequest::delete("entries/{id}");
}

fn module(emulator: &Emulator, auth: Option<&str>) -> EntriesModule {
    EntriesModule {
        base_url: format!("{}/api", emulator.vendor_url()),
        auth: auth.map(str::to_owned),
        api_key: Some(Secret::new("k3y".to_owned())),
    }
}

#[tokio::test]
async fn a_get_fills_the_path_and_the_query_and_returns_the_reply_untouched() {
    let emulator = Emulator::start();
    let reply = json!({"id": "a b", "extra": {"kept": true}});
    emulator.script(
        Method::Get,
        "/vendor/api/entries/a%20b",
        [Reply::json(200, reply.clone())],
    );
    let platform = TestPlatform::new();
    let arguments = json!({"id": "a b", "verbose": true, "tags": ["x", "y"]});
    let report = platform
        .run_action(&GetEntry, module(&emulator, Some("bearer")), arguments)
        .await;
    assert_eq!(report.error, None);
    assert_eq!(report.results, Some(reply));

    let requests = emulator.requests_to("/vendor/api/entries/a%20b");
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.query.as_deref(), Some("verbose=True&tags=x&tags=y"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("authorization"), Some("Bearer k3y"));
    // the remaining arguments are the body, even empty, as the Python action sends them
    assert_eq!(request.body, Some(json!({})));
}

#[tokio::test]
async fn each_authentication_goes_where_it_says() {
    let emulator = Emulator::start();
    let platform = TestPlatform::new();
    for auth in ["basic", "header", "query", "none"] {
        emulator.script(
            Method::Get,
            "/vendor/api/entries/1",
            [Reply::json(200, json!({"id": "1"}))],
        );
        let report = platform
            .run_action(&GetEntry, module(&emulator, Some(auth)), json!({"id": "1"}))
            .await;
        assert_eq!(report.error, None, "{auth}");
    }
    let requests = emulator.requests_to("/vendor/api/entries/1");
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "login:k3y")
    );
    assert_eq!(requests[0].header("authorization"), Some(basic.as_str()));
    assert_eq!(requests[1].header("x-api-key"), Some("k3y"));
    assert_eq!(requests[1].header("authorization"), None);
    assert_eq!(requests[2].query.as_deref(), Some("key=k3y"));
    assert_eq!(requests[3].header("authorization"), None);
    assert_eq!(requests[3].query, None);
}

#[tokio::test]
async fn a_post_sends_the_other_arguments_and_reads_path_arguments_from_the_data_directory() {
    let emulator = Emulator::start();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("content.json"), br#"{"from": "a file"}"#).unwrap();
    emulator.script(
        Method::Post,
        "/vendor/api/entries",
        [Reply::json(201, json!({"id": "9"}))],
    );
    let platform = TestPlatform::new().with_data_dir(data.path());
    let report = platform
        .run_action(
            &CreateEntry,
            module(&emulator, Some("header")),
            json!({"name": "n", "content_path": "content.json"}),
        )
        .await;
    assert_eq!(report.error, None);
    assert_eq!(report.results, Some(json!({"id": "9"})));
    let request = &emulator.requests_to("/vendor/api/entries")[0];
    assert_eq!(
        request.body,
        Some(json!({"name": "n", "content": {"from": "a file"}}))
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn the_template_is_filled_again_on_every_run() {
    let emulator = Emulator::start();
    let platform = TestPlatform::new();
    for id in ["1", "2"] {
        emulator.script(
            Method::Get,
            &format!("/vendor/api/entries/{id}"),
            [Reply::json(200, json!({"id": id}))],
        );
        let report = platform
            .run_action(&GetEntry, module(&emulator, None), json!({"id": id}))
            .await;
        assert_eq!(report.results, Some(json!({"id": id})));
    }
}

#[tokio::test]
async fn no_content_gives_no_results_and_server_errors_are_retried() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Delete,
        "/vendor/api/entries/7",
        [
            Reply::status(503),
            Reply::drop_connection(),
            Reply::status(204),
        ],
    );
    let platform = TestPlatform::new();
    let report = platform
        .run_action(&DeleteEntry, module(&emulator, None), json!({"id": "7"}))
        .await;
    assert_eq!((report.results, report.error), (None, None));
    assert_eq!(emulator.requests_to("/vendor/api/entries/7").len(), 3);
    let callbacks = platform.status_updates();
    assert!(
        callbacks.last().unwrap().get("results").is_none(),
        "{callbacks:?}"
    );
}

#[tokio::test]
async fn a_delete_answered_404_after_a_retry_is_done_and_before_it_is_an_error() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Delete,
        "/vendor/api/entries/8",
        [
            Reply::status(502),
            Reply::json(404, json!({"message": "No such entry"})),
        ],
    );
    let platform = TestPlatform::new();
    let report = platform
        .run_action(&DeleteEntry, module(&emulator, None), json!({"id": "8"}))
        .await;
    assert_eq!(report.error, None);

    emulator.script(
        Method::Delete,
        "/vendor/api/entries/8",
        [Reply::json(404, json!({"message": "No such entry"}))],
    );
    let report = platform
        .run_action(&DeleteEntry, module(&emulator, None), json!({"id": "8"}))
        .await;
    assert_eq!(
        report.error.as_deref(),
        Some("No such entry (status code: 404, attempts: 1, retries: 0)")
    );
}

#[tokio::test]
async fn errors_say_what_failed_and_never_show_the_key() {
    let emulator = Emulator::start();
    let platform = TestPlatform::new();
    emulator.script(
        Method::Get,
        "/vendor/api/entries/1",
        (0..3).map(|_| Reply::status(500)),
    );
    let report = platform
        .run_action(
            &GetEntry,
            module(&emulator, Some("query")),
            json!({"id": "1"}),
        )
        .await;
    let error = report.error.unwrap();
    assert!(
        error.starts_with("HTTP Request failed after 3 attempts (2 retries): GET http://"),
        "{error}"
    );
    assert!(
        error.ends_with("/vendor/api/entries/1?key=[REDACTED] (last status code: 500)"),
        "{error}"
    );

    emulator.script(
        Method::Get,
        "/vendor/api/entries/1",
        [Reply::text(200, "<html>")],
    );
    let report = platform
        .run_action(&GetEntry, module(&emulator, None), json!({"id": "1"}))
        .await;
    let error = report.error.unwrap();
    assert!(
        error.contains("answered 200 OK with a body that is not JSON"),
        "{error}"
    );

    // a missing placeholder is caught before any request (the schema says `id` is required,
    // a null passes it)
    let before = emulator.requests().len();
    let report = platform
        .run_action(&DeleteEntry, module(&emulator, None), json!({"id": null}))
        .await;
    assert!(report.error.is_some());
    assert_eq!(emulator.requests().len(), before);
}

#[test]
fn the_action_is_described_by_its_types() {
    let schema = schemars::schema_for!(<GetEntry as Action>::Results);
    assert_eq!(schema, schemars::schema_for!(Entry));
}
