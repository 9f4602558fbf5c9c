//! The context of an asset connector, and the batches its assets go out in.

use std::sync::Arc;
use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;
use tokio::time::Instant;

use super::long_running_helpers;
use crate::component::AssetConnector;
use crate::error::Error;
use crate::log_entry::Level;
use crate::ocsf::{AssetItem, AssetList};
use crate::platform::assets::{AssetApi, Pushed, TaskStatus};
use crate::secret::Secret;
use crate::session::Session;

fn default_frequency() -> u64 {
    10800
}

fn default_batch_size() -> usize {
    100
}

// Documented where `lib.rs` re-exports it (a doc comment here would land in the manifests).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub struct DefaultAssetConnectorConfiguration {
    // the platform's API; `https://api.sekoia.io` (or ASSET_CONNECTOR_PRODUCTION_BASE_URL) when empty
    pub sekoia_base_url: Option<String>,
    // the API key the assets are pushed with
    pub sekoia_api_key: Secret<String>,
    // seconds between two cycles that found nothing
    #[serde(default = "default_frequency")]
    pub frequency: u64,
    // assets a push
    #[serde(default = "default_batch_size")]
    pub batch_size: usize,
}

/// The settings of a run: the configuration, with the platform's overrides.
#[derive(Debug, Clone)]
pub(crate) struct AssetSettings {
    pub(crate) batch_size: usize,
    pub(crate) frequency: Duration,
    pub(crate) rate_limit_wait: Duration,
    pub(crate) task_poll_interval: Duration,
    pub(crate) task_poll_timeout: Duration,
}

/// Given to [`AssetConnector::collect`] (and the checkpoint methods).
///
/// In a test, [`TestPlatform::asset_connector`](crate::testing::TestPlatform::asset_connector)
/// builds one, whose pushes go to `sekoia_base_url` (an emulator's URL).
pub struct AssetConnectorContext<A: AssetConnector> {
    pub(crate) module: A::Module,
    pub(crate) configuration: A::Configuration,
    pub(crate) settings: AssetSettings,
    pub(crate) api: Arc<AssetApi>,
    pub(crate) session: Arc<Session>,
}

impl<A: AssetConnector> AssetConnectorContext<A> {
    /// The module configuration, secrets included.
    pub fn module(&self) -> &A::Module {
        &self.module
    }

    /// The asset connector configuration.
    pub fn configuration(&self) -> &A::Configuration {
        &self.configuration
    }

    /// Assets a push (`batch_size`, or `ASSET_CONNECTOR_BATCH_SIZE`).
    pub fn batch_size(&self) -> usize {
        self.settings.batch_size
    }

    /// The URL the batches are posted to.
    pub fn push_url(&self) -> &str {
        &self.api.push_url
    }

    long_running_helpers!();
}

/// The assets of one cycle, pushed a batch at a time; given to [`AssetConnector::collect`].
pub struct AssetBatches<'a, A: AssetConnector> {
    ctx: &'a AssetConnectorContext<A>,
    connector: &'a A,
    pending: Vec<AssetItem>,
    pushed: usize,
    wait_for_tasks: bool,
}

/// The platform answered 429: the cycle ends and the connector waits this long.
#[derive(Debug, thiserror::Error)]
#[error("the asset API answered 429 (rate limited): waiting {wait:?} before the next cycle")]
pub(crate) struct RateLimited {
    pub(crate) wait: Duration,
}

impl<'a, A: AssetConnector> AssetBatches<'a, A> {
    pub(crate) fn new(ctx: &'a AssetConnectorContext<A>, connector: &'a A) -> Self {
        AssetBatches {
            ctx,
            connector,
            pending: Vec::new(),
            pushed: 0,
            wait_for_tasks: true,
        }
    }

    /// Adds an asset; a full batch is pushed at once. An error ends the cycle (a 429 of the
    /// platform included: the runtime then waits what it asked).
    pub async fn push(&mut self, item: AssetItem) -> Result<(), Error> {
        self.pending.push(item);
        if self.pending.len() >= self.ctx.settings.batch_size.max(1) {
            self.flush().await?;
        }
        Ok(())
    }

    /// How many assets the platform accepted so far in this cycle.
    pub fn pushed(&self) -> usize {
        self.pushed
    }

    /// Pushes what waits.
    pub(crate) async fn flush(&mut self) -> Result<(), Error> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let items = std::mem::take(&mut self.pending);
        let count = items.len();
        let body = serde_json::to_value(AssetList::new(items))?;
        let ctx = self.ctx;
        let now = ctx.session.clock.now();
        match ctx.api.push(&body, now).await.map_err(Error::new)? {
            Pushed::Accepted { task_id } => {
                self.pushed += count;
                self.connector.update_checkpoint(ctx).await?;
                ctx.log(
                    Level::Info,
                    format!("Successfully posted {count} assets to Sekoia.io asset connector API"),
                );
                if let Some(task_id) = task_id
                    && self.wait_for_tasks
                {
                    self.wait_for_task(&task_id).await;
                }
                Ok(())
            }
            Pushed::RateLimited { wait } => {
                let wait = wait.unwrap_or(ctx.settings.rate_limit_wait);
                ctx.log(
                    Level::Warning,
                    format!(
                        "Asset connector push rate limited (HTTP 429). Waiting {} seconds before refetching.",
                        wait.as_secs_f64()
                    ),
                );
                Err(RateLimited { wait }.into())
            }
            Pushed::Refused { status, body } => {
                ctx.log(
                    Level::Error,
                    format!(
                        "Error while pushing assets to Sekoia.io - HTTP ({}) : {body}",
                        status.as_u16()
                    ),
                );
                ctx.log(
                    Level::Error,
                    format!(
                        "Failed to push assets to Sekoia.io asset connector API at {}",
                        ctx.api.push_url
                    ),
                );
                Ok(())
            }
        }
    }

    /// Polls the push task until it ends (1, 2, 4... seconds apart, up to the poll interval),
    /// for the poll timeout at most; on a failure or a timeout, stops waiting for tasks for the
    /// rest of the cycle.
    async fn wait_for_task(&mut self, task_id: &str) {
        let ctx = self.ctx;
        let settings = &ctx.settings;
        let deadline = Instant::now() + settings.task_poll_timeout;
        let mut interval = settings.task_poll_interval.min(Duration::from_secs(1));
        while ctx.running() {
            match ctx.api.task(task_id).await {
                Ok(TaskStatus::Finished) => {
                    ctx.log(
                        Level::Info,
                        format!("Asset push task {task_id} finished successfully"),
                    );
                    return;
                }
                Ok(TaskStatus::Failed { status, error }) => {
                    let error = error.unwrap_or_else(|| "no error reported".to_owned());
                    ctx.log(
                        Level::Error,
                        format!(
                            "Asset push task {task_id} ended with the status {status} - {error}"
                        ),
                    );
                    return;
                }
                Ok(TaskStatus::Pending(status)) => {
                    if Instant::now() + interval > deadline {
                        ctx.log(
                            Level::Warning,
                            format!(
                                "Asset push task {task_id} still {status} after {} seconds. Not waiting for the push tasks of the remaining batches of this cycle",
                                settings.task_poll_timeout.as_secs()
                            ),
                        );
                        self.wait_for_tasks = false;
                        return;
                    }
                    ctx.sleep(interval).await;
                    interval = (interval * 2).min(settings.task_poll_interval);
                }
                Err(reason) => {
                    ctx.log(
                        Level::Warning,
                        format!("Cannot follow the asset push task {task_id}: {reason}"),
                    );
                    self.wait_for_tasks = false;
                    return;
                }
            }
        }
    }
}
