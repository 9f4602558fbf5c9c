//! What a running component gets from the runtime: its configuration, logs, the data directory,
//! an HTTP client, and the platform operations of its kind (results, events, intake pushes).
//!
//! Each context holds the component's session: in the module binary the platform's, in a test
//! the one [`TestPlatform`](crate::testing::TestPlatform) made.

mod action;
mod asset_connector;
mod connector;
mod trigger;
mod validator;

pub use action::ActionContext;
pub use asset_connector::{
    AssetBatches, AssetConnectorContext, DefaultAssetConnectorConfiguration,
};
pub(crate) use asset_connector::{AssetSettings, RateLimited};
pub use connector::{ConnectorContext, DefaultConnectorConfiguration, DeliveryError};
pub use trigger::TriggerContext;
pub use validator::ValidatorContext;

/// What triggers and connectors share.
macro_rules! long_running_helpers {
    () => {
        /// Whether the component should go on: false once the platform asked it to stop.
        pub fn running(&self) -> bool {
            !self.session.stop.is_stopped()
        }

        /// Sleeps, waking early when the platform asks the component to stop; returns whether
        /// it slept the whole `duration`.
        pub async fn sleep(&self, duration: std::time::Duration) -> bool {
            self.session.sleep(duration).await
        }

        /// Stops the component: `running()` turns false, sleeps wake up, and once `run` returns
        /// the logs are flushed and the process exits successfully.
        pub fn stop(&self) {
            self.session.stop.stop();
        }

        /// Resolves when the platform asks the component to stop (for `tokio::select!`).
        pub async fn stopped(&self) {
            self.session.stop.stopped().await
        }

        /// Says the component is alive during long work (see `LAST_HEARTBEAT_THRESHOLD`).
        pub fn heartbeat(&self) {
            self.session.liveness.heartbeat();
        }

        /// Sends a log entry to the platform's logs API. `tracing` events do the same.
        pub fn log(&self, level: $crate::Level, message: impl AsRef<str>) {
            self.session.log(level, message.as_ref());
        }

        /// A plain HTTP client for third-party APIs, with
        /// `User-Agent: sekoiaio-connector/<module slug>-<version>` and timeouts (10 s to
        /// connect, 60 s a request). [`http_client`](Self::http_client) adds retries, rate
        /// limits, authentication and pagination.
        pub fn http(&self) -> &$crate::reqwest::Client {
            self.session.http()
        }

        /// A client for a third-party API, with retries, rate limits, authentication and
        /// pagination; see [`client`]($crate::client).
        pub fn http_client(&self) -> $crate::client::HttpClientBuilder {
            $crate::client::HttpClientBuilder::new(std::sync::Arc::clone(&self.session))
        }

        /// The directory of files exchanged with playbooks, where the state files live.
        pub fn data_dir(&self) -> &std::path::Path {
            &self.session.data_dir
        }

        /// The platform's UUIDs of this run (community, configuration...).
        pub fn identifiers(&self) -> &$crate::Identifiers {
            &self.session.identifiers
        }

        /// The session's wall-clock time (virtual under a paused tokio clock in tests).
        pub fn now(&self) -> $crate::chrono::DateTime<$crate::chrono::Utc> {
            self.session.clock.now().into()
        }

        /// Opens the state file `context.json` of the data directory, Python's
        /// `PersistentJSON("context.json")`; see [`State`]($crate::state::State).
        pub fn state<S>(&self) -> Result<$crate::state::State<S>, $crate::state::StateError>
        where
            S: serde::Serialize + serde::de::DeserializeOwned + Default,
        {
            $crate::state::State::open(self.session.data_dir.join($crate::state::CONTEXT_FILE))
        }

        /// Opens the state file `name` of the data directory.
        pub fn state_file<S>(
            &self,
            name: &str,
        ) -> Result<$crate::state::State<S>, $crate::state::StateError>
        where
            S: serde::Serialize + serde::de::DeserializeOwned + Default,
        {
            $crate::state::State::open(self.session.data_dir.join(name))
        }

        /// Declares the module's own Prometheus metrics (see
        /// [`ModuleMetrics`]($crate::metrics::ModuleMetrics)).
        pub fn metrics(&self) -> $crate::metrics::ModuleMetrics<'_> {
            $crate::metrics::ModuleMetrics {
                session: &self.session,
            }
        }
    };
}

pub(crate) use long_running_helpers;
