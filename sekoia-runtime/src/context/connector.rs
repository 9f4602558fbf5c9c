//! The context of a connector.

use std::sync::Arc;
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::long_running_helpers;
use crate::component::Connector;
use crate::intake::{EventIds, Intake, PushError};
use crate::log_entry::Level;
use crate::metrics::intake_label;
use crate::session::Session;
use crate::state::{State, StateError};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

// Documented where `lib.rs` re-exports it: a doc comment here would become a `description` in
// the manifests, which the Python SDK's schema does not have.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub struct DefaultConnectorConfiguration {
    // the intake's base URL; the platform's `intake_url` when absent
    #[serde(default)]
    pub intake_server: Option<String>,
    // the intake key the events are pushed with
    pub intake_key: String,
}

/// Given to [`Connector::run`].
///
/// In a test, [`TestPlatform::connector`](crate::testing::TestPlatform::connector) builds one
/// whose pushes the in-memory platform records (or that pushes to an emulator).
///
/// ```
/// use sekoia_runtime::prelude::*;
/// use sekoia_runtime::testing::TestPlatform;
///
/// # #[module(name = "Doc", slug = "doc", uuid = "0b0f9d1c-8d8c-4a52-a0c5-1f4e3e1a3c11", categories = ["Generic"])]
/// # #[derive(Deserialize, JsonSchema)]
/// # pub struct DocModule {}
/// /// Pushes three events
/// #[connector]
/// pub struct Three;
///
/// impl Connector for Three {
///     type Module = DocModule;
///     type Configuration = DefaultConnectorConfiguration;
///
///     async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
///         let events: Vec<serde_json::Value> =
///             (0..3).map(|n| serde_json::json!({"n": n})).collect();
///         let ids = ctx.push_events(&events).await?;
///         ctx.log(Level::Info, format!("{} events pushed", ids.len()));
///         Ok(())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let platform = TestPlatform::new();
/// let configuration = DefaultConnectorConfiguration { intake_server: None, intake_key: "ik".into() };
/// let ctx = platform.connector::<Three>(DocModule {}, configuration);
/// Three.run(&ctx).await.unwrap();
/// assert_eq!(platform.intake_events(), [r#"{"n":0}"#, r#"{"n":1}"#, r#"{"n":2}"#]);
/// assert_eq!(platform.logs()[0].message, "3 events pushed");
/// # }
/// ```
pub struct ConnectorContext<C: Connector> {
    pub(crate) module: C::Module,
    pub(crate) configuration: C::Configuration,
    pub(crate) intake: Intake,
    pub(crate) intake_key: String,
    pub(crate) session: Arc<Session>,
}

impl<C: Connector> ConnectorContext<C> {
    /// The module configuration, secrets included.
    pub fn module(&self) -> &C::Module {
        &self.module
    }

    /// The connector configuration.
    pub fn configuration(&self) -> &C::Configuration {
        &self.configuration
    }

    /// The intake key events are pushed with.
    pub fn intake_key(&self) -> &str {
        &self.intake_key
    }

    long_running_helpers!();

    /// Pushes events to the intake and returns their ids, in input order.
    ///
    /// A string is sent as it is (a raw log line); anything else as its JSON. Events over
    /// 250,000 bytes are discarded, counted and logged. When an intake request still fails after
    /// its retries (up to an hour), the error carries the events that were not delivered.
    pub async fn push_events<I, E>(&self, events: I) -> Result<EventIds, PushError>
    where
        I: IntoIterator<Item = E>,
        E: Serialize,
    {
        let started = Instant::now();
        self.session.liveness.event_sent();
        let outcome = self.intake.push(events).await;
        let metrics = &self.session.metrics;
        let label = intake_label(&self.intake_key);
        metrics
            .forward_events_duration
            .get_or_create(&label)
            .observe(started.elapsed().as_secs_f64());
        match outcome {
            Ok(pushed) => {
                metrics
                    .forwarded_events
                    .get_or_create(&label)
                    .inc_by(pushed.ids.len() as u64);
                if pushed.discarded > 0 {
                    metrics
                        .discarded_events
                        .get_or_create(&label)
                        .inc_by(pushed.discarded);
                    self.session.log(
                        Level::Warning,
                        &format!(
                            "{} too long events were discarded (length > 250kb)",
                            pushed.discarded
                        ),
                    );
                }
                Ok(pushed.ids)
            }
            Err(e) => {
                metrics
                    .forwarded_events
                    .get_or_create(&label)
                    .inc_by(e.delivered_ids.len() as u64);
                self.session.log(
                    Level::Error,
                    &format!(
                        "Failed to forward {} events: {}",
                        e.undelivered.len(),
                        e.reason
                    ),
                );
                Err(e)
            }
        }
    }

    /// Pushes `events`, then, only once the intake accepted every one of them, applies
    /// `commit` to the state and writes it: the way to advance a checkpoint.
    ///
    /// A checkpoint moved before the push succeeds loses the events of a failed push; this
    /// order cannot. A crash between the push and the write costs at most this batch again at
    /// the next start (and a [`DedupCache`](crate::state::DedupCache) in the state drops
    /// those). When the push fails, the state is left as it was and the error carries the
    /// events that were not delivered.
    ///
    /// ```
    /// use sekoia_runtime::prelude::*;
    /// use sekoia_runtime::state::{DedupCache, TimeCheckpoint};
    /// use sekoia_runtime::testing::TestPlatform;
    ///
    /// # #[module(name = "Doc", slug = "doc", uuid = "0b0f9d1c-8d8c-4a52-a0c5-1f4e3e1a3c11", categories = ["Generic"])]
    /// # #[derive(Deserialize, JsonSchema)]
    /// # pub struct DocModule {}
    /// #[derive(Default, Serialize, Deserialize)]
    /// struct Progress {
    ///     #[serde(flatten)]
    ///     checkpoint: TimeCheckpoint,
    ///     #[serde(default)]
    ///     events_cache: DedupCache<1000>,
    /// }
    ///
    /// /// Pushes pages and remembers where it is
    /// #[connector]
    /// pub struct Pages;
    ///
    /// impl Connector for Pages {
    ///     type Module = DocModule;
    ///     type Configuration = DefaultConnectorConfiguration;
    ///
    ///     async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
    ///         let mut state = ctx.state::<Progress>()?;
    ///         let page = vec![serde_json::json!({"id": "e1", "date": "2026-01-01T00:00:01Z"})];
    ///         let newest = "2026-01-01T00:00:01Z".parse().unwrap();
    ///         let fresh: Vec<_> = page.iter().filter(|e| !state.events_cache.contains(e["id"].as_str().unwrap())).collect();
    ///         ctx.deliver(&mut state, &fresh, |progress| {
    ///             progress.checkpoint.advance(newest);
    ///             for event in &fresh {
    ///                 progress.events_cache.insert(event["id"].as_str().unwrap());
    ///             }
    ///         })
    ///         .await?;
    ///         ctx.newest_event(newest);
    ///         Ok(())
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let dir = tempfile::tempdir().unwrap();
    /// let platform = TestPlatform::new().with_data_dir(dir.path());
    /// let configuration = DefaultConnectorConfiguration { intake_server: None, intake_key: "ik".into() };
    /// let ctx = platform.connector::<Pages>(DocModule {}, configuration);
    /// Pages.run(&ctx).await.unwrap();
    /// Pages.run(&ctx).await.unwrap(); // the second run finds e1 in the cache
    /// assert_eq!(platform.intake_events().len(), 1);
    /// let saved = std::fs::read_to_string(dir.path().join("context.json")).unwrap();
    /// assert_eq!(saved, r#"{"most_recent_date_seen":"2026-01-01T00:00:01+00:00","events_cache":["e1"]}"#);
    /// # }
    /// ```
    pub async fn deliver<S, I, E, R>(
        &self,
        state: &mut State<S>,
        events: I,
        commit: impl FnOnce(&mut S) -> R,
    ) -> Result<(EventIds, R), DeliveryError>
    where
        S: Serialize + DeserializeOwned + Default,
        I: IntoIterator<Item = E>,
        E: Serialize,
    {
        let ids = self.push_events(events).await?;
        let committed = state.update(commit).await?;
        Ok((ids, committed))
    }

    /// Records how late the collected events are (the `events_lags` metric), in seconds.
    pub fn set_events_lag(&self, lag: Duration) {
        self.session
            .metrics
            .set_lag(&self.intake_key, lag.as_secs_f64());
    }

    /// Records the date of the newest event collected: from then on `events_lags` is the time
    /// since that date, computed whenever the metrics are read (so it grows while nothing new
    /// comes). Older dates than one already reported are ignored.
    pub fn newest_event(&self, date: DateTime<Utc>) {
        self.session
            .metrics
            .newest_event(&self.intake_key, date.into());
    }
}

/// Why [`ConnectorContext::deliver`] failed: the push (the state was not changed) or the write
/// of the state (the events were delivered).
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The intake did not take every event; the state is unchanged.
    #[error(transparent)]
    Push(#[from] PushError),
    /// The events were delivered but the state could not be written.
    #[error(transparent)]
    State(#[from] StateError),
}
