//! The third-party client against the emulator's vendor API, over real loopback HTTP: retries
//! and `Retry-After`, timeouts, OAuth2 tokens, the four paginations, redaction, rate limits.

use std::time::{Duration, Instant, SystemTime};

use futures_util::TryStreamExt;
use sekoia_emulator::{Emulator, Method, Reply};
use sekoia_runtime::client::{Auth, HttpClient, HttpError, OAuth2, Pagination, RateLimit, Retry};
use sekoia_runtime::prelude::*;
use sekoia_runtime::testing::TestPlatform;
use serde_json::Value;

#[module(name = "Client", slug = "client", uuid = "6f1d9a7c-2b4f-4c6e-8a0d-1f3b5c7e9a2b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct ClientModule {}

/// Does nothing: its context gives the client
#[connector]
pub struct Idle;

impl Connector for Idle {
    type Module = ClientModule;
    type Configuration = DefaultConnectorConfiguration;

    async fn run(&self, _ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        Ok(())
    }
}

fn context(platform: &TestPlatform) -> ConnectorContext<Idle> {
    let configuration = DefaultConnectorConfiguration {
        intake_server: None,
        intake_key: "ik".into(),
    };
    platform.connector::<Idle>(ClientModule {}, configuration)
}

fn secret(text: &str) -> Secret<String> {
    Secret::new(text.to_owned())
}

fn oauth(emulator: &Emulator) -> OAuth2 {
    OAuth2::client_credentials(
        format!("{}/oauth2/token", emulator.vendor_url()),
        "client",
        secret("secret"),
    )
}

fn client(ctx: &ConnectorContext<Idle>, emulator: &Emulator, retry: Retry) -> HttpClient {
    ctx.http_client()
        .base_url(format!("{}/", emulator.vendor_url()))
        .retry(retry.first_wait(Duration::from_millis(20)))
        .auth(Auth::oauth2(oauth(emulator)))
        .build()
}

#[tokio::test]
async fn statuses_worth_retrying_are_retried_honouring_retry_after_in_seconds_and_dates() {
    let emulator = Emulator::start();
    emulator.vendor().add_events(3);
    // an HTTP date counts whole seconds: three from now is two at least
    let in_three_seconds = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3));
    emulator.script(
        Method::Get,
        "/vendor/events",
        [
            Reply::status(429).retry_after(1),
            Reply::status(503).header("retry-after", in_three_seconds),
            Reply::drop_connection(),
            Reply::status(502),
        ],
    );
    let platform = TestPlatform::new();
    let ctx = context(&platform);
    let api = client(&ctx, &emulator, Retry::default().attempts(6));
    let started = Instant::now();
    let page: Value = api.get("events").send_json().await.unwrap();
    assert_eq!(page["data"].as_array().unwrap().len(), 3);
    let spent = started.elapsed();
    assert!(
        spent >= Duration::from_millis(1900),
        "Retry-After was not honoured: {spent:?}"
    );
    assert_eq!(emulator.requests_to("/vendor/events").len(), 5);
    let warnings: Vec<_> = platform.logs().into_iter().map(|l| l.message).collect();
    assert!(
        warnings[0].contains("answered 429 Too Many Requests; trying again in"),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn attempts_are_bounded_and_client_errors_are_not_retried() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Get,
        "/vendor/events",
        (0..5).map(|_| Reply::status(500)),
    );
    let platform = TestPlatform::new();
    let ctx = context(&platform);
    let api = client(&ctx, &emulator, Retry::default().attempts(3));
    let error = api.get("events").send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert!(error.to_string().contains("after 3 attempt(s)"), "{error}");

    emulator.clear_scripts();
    let error = api.get("nowhere").send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(error.to_string().contains("after 1 attempt(s)"), "{error}");

    // the time budget bounds the retries: a Retry-After beyond it ends them at once
    emulator.script(
        Method::Get,
        "/vendor/events",
        [Reply::status(429).retry_after(30)],
    );
    let api = client(
        &ctx,
        &emulator,
        Retry::default().budget(Duration::from_secs(5)),
    );
    let started = Instant::now();
    let error = api.get("events").send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_slow_api_times_out() {
    let emulator = Emulator::start();
    emulator.vendor().set_latency(Duration::from_secs(3));
    let platform = TestPlatform::new();
    let ctx = context(&platform);
    let api = ctx
        .http_client()
        .timeout(Duration::from_millis(300))
        .retry(Retry::none())
        .build();
    let started = Instant::now();
    let error = api
        .post(&format!("{}/oauth2/token", emulator.vendor_url()))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            HttpError::Transport {
                timed_out: true,
                ..
            }
        ),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn tokens_are_cached_refreshed_before_expiry_and_once_on_401() {
    let emulator = Emulator::start();
    let vendor = emulator.vendor();
    vendor.add_events(1);
    vendor.set_token_lifetime(Duration::from_secs(2));
    let platform = TestPlatform::new();
    let ctx = context(&platform);
    let api = ctx
        .http_client()
        .base_url(format!("{}/", emulator.vendor_url()))
        .auth(Auth::oauth2(
            oauth(&emulator).refresh_before(Duration::from_millis(1500)),
        ))
        .build();
    api.get("events").send().await.unwrap();
    api.get("events").send().await.unwrap();
    assert_eq!(vendor.tokens_issued(), 1, "the token is cached");
    tokio::time::sleep(Duration::from_millis(600)).await;
    api.get("events").send().await.unwrap();
    assert_eq!(
        vendor.tokens_issued(),
        2,
        "refreshed 1.5 s before it expires"
    );

    vendor.revoke_tokens();
    api.get("events").send().await.unwrap();
    assert_eq!(vendor.tokens_issued(), 3, "a 401 gets a new token, once");
    let refused: Vec<_> = emulator
        .requests_to("/vendor/events")
        .into_iter()
        .filter_map(|r| r.status)
        .collect();
    assert_eq!(refused, [200, 200, 200, 401, 200]);

    let wrong = ctx
        .http_client()
        .auth(Auth::oauth2(OAuth2::client_credentials(
            format!("{}/oauth2/token", emulator.vendor_url()),
            "client",
            secret("not-the-secret"),
        )))
        .build();
    let error = wrong
        .get(&format!("{}/events", emulator.vendor_url()))
        .send()
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("401 Unauthorized: error=invalid_client"),
        "{message}"
    );
    assert!(!message.contains("not-the-secret"), "{message}");
}

async fn collect(
    api: &HttpClient,
    request: sekoia_runtime::client::Request,
    pagination: Pagination,
) -> Vec<usize> {
    let _ = api;
    let pages = request.pages(pagination);
    let mut pages = std::pin::pin!(pages);
    let mut sizes = Vec::new();
    while let Some(page) = pages.try_next().await.unwrap() {
        sizes.push(page.items.len());
    }
    sizes
}

#[tokio::test]
async fn the_four_paginations_walk_every_page_and_stop() {
    let emulator = Emulator::start();
    emulator.vendor().add_events(250);
    let platform = TestPlatform::new();
    let ctx = context(&platform);
    let api = client(&ctx, &emulator, Retry::default());

    let cursor = Pagination::cursor_in_body("/next")
        .into_query("cursor")
        .items_at("/data");
    assert_eq!(
        collect(&api, api.get("events"), cursor).await,
        [100, 100, 50]
    );
    let linked = api.get("events/linked").query(&[("limit", "100")]);
    assert_eq!(
        collect(&api, linked, Pagination::link_header()).await,
        [100, 100, 50]
    );
    let offset = Pagination::offset("offset", "limit", 100).items_at("/items");
    assert_eq!(
        collect(&api, api.get("events/offset"), offset).await,
        [100, 100, 50]
    );
    let numbered = Pagination::page_number("page", 1)
        .page_size("per_page", 125)
        .items_at("/items");
    assert_eq!(
        collect(&api, api.get("events/paged"), numbered).await,
        [125, 125, 0]
    );

    let urls: Vec<String> = emulator
        .requests_to("/vendor/events/linked")
        .iter()
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        urls,
        ["limit=100", "after=100&limit=100", "after=200&limit=100"]
    );
}

#[tokio::test]
async fn keys_in_queries_stay_out_of_errors_and_logs() {
    let emulator = Emulator::start();
    emulator.script(
        Method::Get,
        "/vendor/events",
        [
            Reply::text(500, "internal error for key k3y-in-query"),
            Reply::text(500, "internal error for key k3y-in-query"),
        ],
    );
    let platform = TestPlatform::new();
    let ctx = context(&platform);
    let api = ctx
        .http_client()
        .retry(
            Retry::default()
                .attempts(2)
                .first_wait(Duration::from_millis(10)),
        )
        .auth(Auth::query("apiKey", secret("k3y-in-query")))
        .build();
    let error = api
        .get(&format!("{}/events", emulator.vendor_url()))
        .query(&[("limit", "5"), ("session_token", "t0k3n")])
        .send()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("limit=5&session_token=[REDACTED]&apiKey=[REDACTED]"),
        "{error}"
    );
    assert!(
        !error.contains("k3y-in-query") && !error.contains("t0k3n"),
        "{error}"
    );
    let logs: Vec<_> = platform.logs().into_iter().map(|l| l.message).collect();
    assert!(
        !logs.is_empty() && logs.iter().all(|l| !l.contains("k3y-in-query")),
        "{logs:?}"
    );
    let sent = emulator.requests_to("/vendor/events");
    assert_eq!(
        sent[0].query.as_deref(),
        Some("limit=5&session_token=t0k3n&apiKey=k3y-in-query")
    );
}

/// The client's limit measured at the server: requests per second, as the vendor API saw
/// them arrive. `cargo test -p sekoia-runtime --test client rate -- --nocapture` prints it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_holds_at_the_server() {
    let emulator = Emulator::start();
    emulator.vendor().add_events(1);
    let platform = TestPlatform::new();
    let ctx = context(&platform);
    let limit = 20;
    let api = ctx
        .http_client()
        .auth(Auth::oauth2(oauth(&emulator)))
        .rate_limit(RateLimit::per_second(limit))
        .build();
    let url = format!("{}/events", emulator.vendor_url());
    let started = SystemTime::now();
    let run_for = Duration::from_secs(3);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let api = api.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let until = Instant::now() + run_for;
            while Instant::now() < until {
                api.get(&url).send().await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let times = emulator.vendor().request_times();
    let mut per_window = vec![0usize; 3];
    for time in times.iter().skip(1) {
        let index = time.duration_since(started).unwrap().as_secs() as usize;
        if let Some(count) = per_window.get_mut(index) {
            *count += 1;
        }
    }
    println!(
        "rate limit {limit}/s, 8 concurrent callers, requests per 1 s window at the server: {per_window:?}"
    );
    for count in &per_window {
        assert!(
            *count as u32 <= limit + 1 && *count as u32 >= limit - 2,
            "{per_window:?}"
        );
    }
}

#[tokio::test]
async fn typed_pages_read_the_items_as_the_connector_s_type() {
    #[derive(Debug, serde::Deserialize)]
    struct AuditEvent {
        uuid: String,
        timestamp: i64,
    }
    let emulator = Emulator::start();
    emulator.vendor().add_events(250);
    let platform = TestPlatform::new();
    let ctx = context(&platform);
    let api = client(&ctx, &emulator, Retry::default());
    let stored = emulator.vendor().events();

    let cursor = Pagination::cursor_in_body("/next")
        .into_query("cursor")
        .items_at("/data");
    let pages = api.get("events").pages_of::<AuditEvent>(cursor);
    let mut pages = std::pin::pin!(pages);
    let mut read = Vec::new();
    while let Some(page) = pages.try_next().await.unwrap() {
        // the cursor stays in the body; the items are moved out of it
        assert_eq!(page.body["data"], serde_json::json!([]));
        read.extend(page.items);
    }
    assert_eq!(read.len(), 250);
    for (event, stored) in read.iter().zip(&stored) {
        assert_eq!(event.uuid, stored["uuid"].as_str().unwrap());
        assert_eq!(event.timestamp, stored["timestamp"].as_i64().unwrap());
    }

    // an item that is not an AuditEvent fails its page, saying what and where
    #[derive(Debug, serde::Deserialize)]
    struct Wrong {
        #[serde(rename = "missing_field")]
        _missing: String,
    }
    let cursor = Pagination::cursor_in_body("/next")
        .into_query("cursor")
        .items_at("/data");
    let pages = api.get("events").pages_of::<Wrong>(cursor);
    let mut pages = std::pin::pin!(pages);
    let error = pages.try_next().await.unwrap_err().to_string();
    assert!(
        error.contains("missing field `missing_field`") && error.contains("/vendor/events"),
        "{error}"
    );
}
