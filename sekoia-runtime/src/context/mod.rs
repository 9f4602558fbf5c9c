//! What a running component gets from the runtime: its configuration, logs, the data directory,
//! an HTTP client, and the platform operations of its kind (results, events, intake pushes).
//!
//! Each context holds the component's session: in the module binary the platform's, in a test
//! the one [`TestPlatform`](crate::testing::TestPlatform) made.

mod action;
mod connector;
mod trigger;
mod validator;

pub use action::ActionContext;
pub use connector::{ConnectorContext, DefaultConnectorConfiguration};
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

        /// An HTTP client for third-party APIs, with
        /// `User-Agent: sekoiaio-connector/<module slug>-<version>`.
        pub fn http(&self) -> &$crate::reqwest::Client {
            &self.session.http
        }

        /// The directory of files exchanged with playbooks.
        pub fn data_dir(&self) -> &std::path::Path {
            &self.session.data_dir
        }
    };
}

pub(crate) use long_running_helpers;
