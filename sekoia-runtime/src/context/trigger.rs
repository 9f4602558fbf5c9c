//! The context of a trigger.

use std::path::Path;
use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};

use super::long_running_helpers;
use crate::component::{Output, Trigger};
use crate::data_path::contained;
use crate::error::TriggerError;
use crate::session::Session;

/// Given to [`Trigger::run`].
///
/// In a test, [`TestPlatform::trigger`](crate::testing::TestPlatform::trigger) builds one
/// against an in-memory platform (or an emulator), and
/// [`TestPlatform::run_trigger`](crate::testing::TestPlatform::run_trigger) runs the trigger as
/// the module binary would, until it is stopped.
///
/// ```
/// use std::time::Duration;
/// use sekoia_runtime::prelude::*;
/// use sekoia_runtime::testing::TestPlatform;
///
/// # #[module(name = "Doc", slug = "doc", uuid = "0b0f9d1c-8d8c-4a52-a0c5-1f4e3e1a3c11", categories = ["Generic"])]
/// # #[derive(Deserialize, JsonSchema)]
/// # pub struct DocModule {}
/// #[derive(Deserialize, JsonSchema)]
/// pub struct Every { pub seconds: u64 }
///
/// #[derive(Serialize, JsonSchema)]
/// pub struct Tick { pub count: u64 }
///
/// /// Ticks
/// #[trigger]
/// pub struct Ticker;
///
/// impl Trigger for Ticker {
///     type Module = DocModule;
///     type Configuration = Every;
///     type Results = Tick;
///
///     async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
///         let mut count = 0;
///         while ctx.running() {
///             count += 1;
///             tracing::info!("tick {count}");
///             ctx.send_event("tick", &Tick { count }).await?;
///             ctx.sleep(Duration::from_secs(ctx.configuration().seconds)).await;
///         }
///         Ok(())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let platform = TestPlatform::new().stop_when(|seen| seen.events().len() == 3);
/// let ctx = platform.trigger::<Ticker>(DocModule {}, Every { seconds: 60 });
/// platform.run_trigger(&Ticker, &ctx).await; // virtual time: three minutes in no time
/// assert_eq!(platform.events()[2].event["count"], 3);
/// assert_eq!(platform.logs()[0].message, "tick 1");
/// # }
/// ```
pub struct TriggerContext<T: Trigger> {
    pub(crate) module: T::Module,
    pub(crate) configuration: T::Configuration,
    pub(crate) session: Arc<Session>,
}

impl<T: Trigger> TriggerContext<T> {
    /// The module configuration, secrets included.
    pub fn module(&self) -> &T::Module {
        &self.module
    }

    /// The trigger configuration.
    pub fn configuration(&self) -> &T::Configuration {
        &self.configuration
    }

    long_running_helpers!();

    /// Starts a playbook run with an event.
    pub async fn send_event(&self, name: &str, event: &T::Results) -> Result<(), TriggerError> {
        self.send(name, event, None, false).await
    }

    /// Starts a playbook run with an event and a directory of files (under the data directory)
    /// the playbook can read; `remove_directory` deletes it once sent.
    pub async fn send_event_with_directory(
        &self,
        name: &str,
        event: &T::Results,
        directory: impl AsRef<Path>,
        remove_directory: bool,
    ) -> Result<(), TriggerError> {
        self.send(name, event, Some(directory.as_ref()), remove_directory)
            .await
    }

    async fn send(
        &self,
        name: &str,
        event: &T::Results,
        directory: Option<&Path>,
        remove: bool,
    ) -> Result<(), TriggerError> {
        let event = Output::__to_value(event)
            .map_err(|e| TriggerError::new(format!("event `{name}` is not JSON: {e}")))?;
        let mut body =
            json!({"name": name, "event": event, "request_id": uuid::Uuid::new_v4().to_string()});
        let mut absolute = None;
        if let Some(directory) = directory {
            let data_dir = &self.session.data_dir;
            let refused = |why: String| {
                TriggerError::new(format!(
                    "event `{name}`: the directory {} cannot be sent: {why}",
                    directory.display()
                ))
            };
            // an absolute path is taken relative to the data directory when it is inside it
            let relative = match directory.strip_prefix(data_dir) {
                Ok(relative) => relative,
                Err(_) if directory.is_absolute() => {
                    return Err(refused(format!(
                        "it is not under the data directory {}",
                        data_dir.display()
                    )));
                }
                Err(_) => directory,
            };
            let full = contained(data_dir, relative).map_err(|e| refused(e.to_string()))?;
            if !full.is_dir() {
                return Err(refused(format!(
                    "it is not a directory under the data directory {}",
                    data_dir.display()
                )));
            }
            let relative = full.strip_prefix(data_dir).unwrap_or(&full);
            body["directory"] = Value::String(relative.to_string_lossy().into_owned());
            absolute = Some(full);
        }
        // with the S3 backend, the playbook reads the directory from the bucket
        let uploaded = match (&self.session.s3, &body["directory"]) {
            (Some(s3), Value::String(relative)) => {
                s3.upload_directory(&self.session.data_dir, relative)
                    .await
                    .map_err(|e| TriggerError::new(format!("event `{name}`: {e}")))?;
                Some((s3, relative.clone()))
            }
            _ => None,
        };
        self.session.liveness.event_sent();
        self.session.platform.callback(Method::POST, &body).await?;
        if let (Some(full), true) = (absolute, remove) {
            std::fs::remove_dir_all(&full)
                .map_err(|e| TriggerError::new(format!("cannot remove {}: {e}", full.display())))?;
            if let Some((s3, relative)) = uploaded {
                s3.remove_directory(&relative)
                    .await
                    .map_err(TriggerError::new)?;
            }
        }
        Ok(())
    }
}
