//! Fetch CyberArk audit logs: the port of the automation library's `CyberArkAuditLogsConnector`.
//!
//! Each cycle: a token from `<auth_base_url>/oauth2/token/<application_id>` (client
//! credentials in a Basic header, scope `isp.audit.events:read`), then
//! `POST <api_base_url>/api/audits/stream/createQuery` from the checkpoint (epoch milliseconds,
//! kept as Python's ISO `most_recent_date_seen`), then `POST .../results` with each
//! `cursorRef` until a page is empty. Every request carries `x-api-key`. CyberArk ignores the
//! fraction of `dateFrom`, so the first page repeats events already sent: the last 1000 event
//! ids (`events_cache`, next to the checkpoint) drop them.
//!
//! What changed from the Python connector, on purpose: the checkpoint and the cache advance
//! after each page the intake accepted (Python: after the whole pass), so a crash replays one
//! page at most; an error waits for the next cycle rather than looping at once; an
//! authentication failure is logged as critical without ending the process; requests time out,
//! are retried on 429 (with `Retry-After`), 5xx and transport errors, and get a new token once
//! on a 401; the rate limit applies to `http://` URLs too.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use sekoia_runtime::chrono::DateTime;
use sekoia_runtime::client::{Auth, HttpClient, HttpError, OAuth2, Pagination, RateLimit};
use sekoia_runtime::prelude::*;
use sekoia_runtime::reqwest::Url;
use sekoia_runtime::state::{DedupCache, State, TimeCheckpoint, TimeUnit, Window, isoformat};
use serde_json::{Value, json};

use crate::CyberArkModuleConfiguration;

fn default_frequency() -> i64 {
    60
}

fn default_intake_server() -> String {
    "https://intake.sekoia.io".to_owned()
}

// the descriptions are the manifest's, as written (a bare URL among them)
#[allow(rustdoc::bare_urls)]
#[derive(Deserialize, JsonSchema)]
pub struct CyberArkAuditLogsConnectorConfiguration {
    /// Api Base Url (e.g. `https://example.cyberark.cloud`)
    pub api_base_url: String,
    /// Api Key
    pub api_key: Secret<String>,
    /// Batch frequency in seconds
    #[serde(default = "default_frequency")]
    pub frequency: i64,
    /// Server of the intake server (e.g. 'https://intake.sekoia.io')
    #[serde(default = "default_intake_server")]
    pub intake_server: String,
    /// Intake key to use when sending events
    pub intake_key: String,
}

/// `context.json`: the Python connector's file, read and written as it is.
#[derive(Default, Serialize, Deserialize)]
pub struct AuditState {
    /// The timestamp (milliseconds) of the newest event pushed.
    #[serde(flatten)]
    pub checkpoint: TimeCheckpoint,
    /// The ids of the last 1000 events seen.
    #[serde(default)]
    pub events_cache: DedupCache<1000>,
}

/// Get the latest audit events from CyberArk
#[connector(
    name = "Fetch CyberArk audit logs",
    uuid = "2f12d7ec-4ba9-532f-95ec-6fe7b31832f1",
    docker_parameters = "connector_audit_logs",
    file = "connector_audit_logs.json",
    twin(results = ())
)]
pub struct CyberArkAuditLogsConnector;

/// Where a fresh checkpoint starts, and the oldest it may be: the Python connector's.
const WINDOW: Window =
    Window::starting(Duration::from_secs(3600)).not_older_than(Duration::from_secs(7 * 86400));
/// Events a page, as the Python connector asks.
const PAGE_SIZE: u64 = 100;

impl Connector for CyberArkAuditLogsConnector {
    type Module = CyberArkModuleConfiguration;
    type Configuration = CyberArkAuditLogsConnectorConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        let api = client(ctx)?;
        let mut state = ctx.state::<AuditState>()?;
        let collected = ctx.metrics().counter(
            "symphony_module_cyberark_collected_messages",
            "Number of messages collected from CyberArk",
            &["intake_key"],
        )?;
        let duration = ctx.metrics().histogram(
            "symphony_module_common_events_forward_duration",
            "Duration to collect and forward events from CyberArk",
            &["intake_key"],
            &[],
        )?;
        let frequency = Duration::from_secs(ctx.configuration().frequency.max(0) as u64);
        tracing::info!("Start fetching CyberArk audit logs");
        while ctx.running() {
            let started = Instant::now();
            match next_batch(ctx, &api, &mut state, &collected).await {
                Ok(()) => {}
                Err(error) => {
                    let authentication = error.downcast_ref::<HttpError>().is_some_and(|e| {
                        matches!(e, HttpError::Token { .. })
                            || e.status().is_some_and(|s| s == 401 || s == 403)
                    });
                    let level = if authentication {
                        Level::Critical
                    } else {
                        Level::Error
                    };
                    ctx.log(level, format!("Failed to forward events: {error}"));
                }
            }
            let spent = started.elapsed();
            duration
                .with(&[ctx.intake_key()])?
                .observe(spent.as_secs() as f64);
            if let Some(rest) = frequency.checked_sub(spent) {
                ctx.sleep(rest).await;
            }
        }
        Ok(())
    }
}

/// The API client: the token of CyberArk Identity and the API key on every request.
fn client(ctx: &ConnectorContext<CyberArkAuditLogsConnector>) -> Result<HttpClient, Error> {
    let module = ctx.module();
    let configuration = ctx.configuration();
    // Python's urljoin: a base URL with a path keeps it only with a trailing `/`
    let token_url = Url::parse(&module.auth_base_url)
        .and_then(|base| base.join(&format!("oauth2/token/{}", module.application_id)))
        .map_err(|e| {
            Error::new(format!(
                "auth_base_url {:?} is not a URL: {e}",
                module.auth_base_url
            ))
        })?;
    let oauth = OAuth2::client_credentials(
        token_url.as_str(),
        &module.login_name,
        module.password.clone(),
    )
    .scope("isp.audit.events:read")
    .refresh_before(Duration::from_secs(300));
    Ok(ctx
        .http_client()
        .base_url(format!(
            "{}/",
            configuration.api_base_url.trim_end_matches('/')
        ))
        .auth(Auth::oauth2(oauth))
        .auth(Auth::header("x-api-key", configuration.api_key.clone()))
        .rate_limit(RateLimit::per_minute(50).burst(50))
        .build())
}

/// One pass over the stream, from the checkpoint to the end.
async fn next_batch(
    ctx: &ConnectorContext<CyberArkAuditLogsConnector>,
    api: &HttpClient,
    state: &mut State<AuditState>,
    collected: &sekoia_runtime::metrics::CounterVec,
) -> Result<(), Error> {
    let from = state
        .checkpoint
        .timestamp(ctx.now(), WINDOW, TimeUnit::Millis);
    let query = json!({
        "query": {
            "pageSize": PAGE_SIZE,
            "filterModel": {"date": {"dateFrom": isoformat(TimeUnit::Millis.date(from))}},
            "sortModel": [{"field_name": "date", "direction": "asc"}],
        }
    });
    let created: Value = api
        .post("api/audits/stream/createQuery")
        .json(&query)
        .send_json()
        .await?;
    let Some(cursor) = created.get("cursorRef").and_then(Value::as_str) else {
        tracing::error!(from_timestamp = from, response_content = %created, "Missing cursorRef from API response");
        return Ok(());
    };
    let pagination = Pagination::cursor_in_body("/paging/cursor/cursorRef")
        .into_body("cursorRef")
        .starting_at(cursor)
        .items_at("/data");
    let pages = api.post("api/audits/stream/results").pages(pagination);
    let mut pages = std::pin::pin!(pages);
    while let Some(page) = pages.try_next().await? {
        if page.items.is_empty() {
            ctx.set_events_lag(Duration::ZERO);
            break;
        }
        let fresh: Vec<&Value> = page
            .items
            .iter()
            .filter(|event| !state.events_cache.contains(uuid(event)))
            .collect();
        collected
            .with(&[ctx.intake_key()])?
            .inc_by(fresh.len() as u64);
        if fresh.is_empty() {
            continue;
        }
        let newest = fresh
            .iter()
            .filter_map(|event| event["timestamp"].as_i64())
            .max()
            .unwrap_or(from);
        let count = fresh.len();
        ctx.deliver(state, &fresh, |progress| {
            progress
                .checkpoint
                .advance_timestamp(TimeUnit::Millis, newest);
            for event in &page.items {
                progress.events_cache.insert(uuid(event));
            }
        })
        .await?;
        tracing::info!("Forwarded {count} events to the intake");
        if let Some(date) = DateTime::from_timestamp_millis(newest) {
            ctx.newest_event(date);
        }
        if !ctx.running() {
            break;
        }
    }
    Ok(())
}

fn uuid(event: &Value) -> &str {
    event["uuid"].as_str().unwrap_or_default()
}
