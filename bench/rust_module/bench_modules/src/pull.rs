//! Pull: the pull benchmark. A connector as the connector guide builds one: an OAuth2 token
//! (client credentials) from `<base_url>/oauth2/token`, then the pages of
//! `GET <base_url>/events?cursor=&limit=` (`{"data": [...], "next": cursor | null}`) read as
//! typed audit events, each mapped to a smaller event, pushed page by page, the cursor
//! checkpointed in `context.json` once the intake took the page. When the API has no next
//! page it logs how many events it pulled and how long it took, then waits to be stopped.

use std::time::Instant;

use futures_util::TryStreamExt;
use sekoia_runtime::chrono::{DateTime, SecondsFormat};
use sekoia_runtime::client::{Auth, OAuth2, Pagination};
use sekoia_runtime::prelude::*;
use sekoia_runtime::state::CursorCheckpoint;

use crate::BenchModule;

#[derive(Deserialize, JsonSchema)]
pub struct PullConfiguration {
    #[serde(flatten)]
    pub intake: DefaultConnectorConfiguration,
    /// Base URL of the vendor API
    pub base_url: String,
    /// OAuth2 client id
    pub client_id: String,
    /// OAuth2 client secret
    pub client_secret: Secret<String>,
    /// Events per page
    #[serde(default = "default_page_size")]
    pub page_size: u64,
}

fn default_page_size() -> u64 {
    1000
}

/// `context.json`: where the next pull starts, `{"cursor": ...}` as Python's
/// `CheckpointCursor` writes it.
#[derive(Default, Serialize, Deserialize)]
struct Progress {
    #[serde(flatten)]
    cursor: CursorCheckpoint,
}

/// An audit event of the vendor API: the fields the mapping reads (the others are skipped).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuditEvent {
    uuid: String,
    tenant_id: String,
    /// Epoch milliseconds.
    timestamp: i64,
    username: String,
    audit_code: String,
    action: String,
    source: String,
    target: String,
    safe: Option<String>,
}

/// What is pushed for each audit event.
#[derive(Serialize)]
struct Mapped<'a> {
    uuid: &'a str,
    #[serde(rename = "@timestamp")]
    timestamp: Option<String>,
    message: String,
    user: &'a str,
    action: &'a str,
    audit_code: &'a str,
    source: &'a str,
    tenant_id: &'a str,
    target: &'a str,
    safe: Option<&'a str>,
}

impl AuditEvent {
    fn mapped(&self) -> Mapped<'_> {
        Mapped {
            uuid: &self.uuid,
            // ISO 8601 in UTC with milliseconds: 2026-12-02T14:54:57.719Z
            timestamp: DateTime::from_timestamp_millis(self.timestamp)
                .map(|date| date.to_rfc3339_opts(SecondsFormat::Millis, true)),
            message: format!("{} {} on {}", self.username, self.action, self.target),
            user: &self.username,
            action: &self.action,
            audit_code: &self.audit_code,
            source: &self.source,
            tenant_id: &self.tenant_id,
            target: &self.target,
            safe: self.safe.as_deref(),
        }
    }
}

/// Pulls the vendor's audit events page by page, then waits to be stopped
#[connector]
pub struct Pull;

impl Connector for Pull {
    type Module = BenchModule;
    type Configuration = PullConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        let configuration = ctx.configuration();
        let started = Instant::now();
        let base_url = format!("{}/", configuration.base_url.trim_end_matches('/'));
        let oauth = OAuth2::client_credentials(
            format!("{base_url}oauth2/token"),
            &configuration.client_id,
            configuration.client_secret.clone(),
        );
        let api = ctx
            .http_client()
            .base_url(base_url)
            .auth(Auth::oauth2(oauth))
            .build();

        let mut state = ctx.state::<Progress>()?;
        let mut pagination = Pagination::cursor_in_body("/next")
            .into_query("cursor")
            .items_at("/data");
        if let Some(cursor) = state.cursor.get() {
            pagination = pagination.starting_at(cursor.as_str());
        }
        let limit = configuration.page_size.to_string();
        let pages = api
            .get("events")
            .query(&[("limit", limit.as_str())])
            .pages_of::<AuditEvent>(pagination);
        let mut pages = std::pin::pin!(pages);
        let mut pulled = 0;
        while let Some(page) = pages.try_next().await? {
            let next = page.body["next"].as_str().map(str::to_owned);
            let events = page.items;
            ctx.deliver(
                &mut state,
                events.iter().map(AuditEvent::mapped),
                |progress| {
                    if let Some(next) = next {
                        progress.cursor.set(next);
                    }
                },
            )
            .await?;
            pulled += events.len();
            if !ctx.running() {
                break;
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        tracing::info!("pulled {pulled} events in {seconds:.6} s");
        ctx.stopped().await;
        Ok(())
    }
}
