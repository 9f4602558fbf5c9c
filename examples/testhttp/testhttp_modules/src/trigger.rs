//! NewEntriesTrigger: watches a JSON feed and starts a playbook run when new entries appear.

use std::time::Duration;

use sekoia_runtime::prelude::*;

use crate::TesthttpModuleConfiguration;

/// How often the feed is read.
const PERIOD: Duration = Duration::from_secs(60);

#[derive(Deserialize, JsonSchema)]
pub struct TriggerConfiguration {
    #[schemars(url, length(min = 1, max = 2083))]
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Entry {
    pub id: i64,
    pub value: String,
    pub timestamp: i64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct NewEntries {
    pub entries: Vec<Entry>,
}

/// Fetch new entries from the remote URL
#[trigger(uuid = "acc45c1f-f203-55c2-96e7-87c534e7d2e4")]
pub struct NewEntriesTrigger;

impl Trigger for NewEntriesTrigger {
    type Module = TesthttpModuleConfiguration;
    type Configuration = TriggerConfiguration;
    type Results = NewEntries;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        let url = &ctx.configuration().url;
        let mut last_seen = i64::MIN;
        while ctx.running() {
            tracing::info!("Polling {url}");
            let entries: Vec<Entry> = ctx
                .http()
                .get(url)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            let new: Vec<Entry> = entries.into_iter().filter(|e| e.id > last_seen).collect();
            if let Some(max) = new.iter().map(|e| e.id).max() {
                last_seen = max;
                ctx.send_event(
                    &format!("Pushing {} new entries", new.len()),
                    &NewEntries { entries: new },
                )
                .await?;
            }
            ctx.sleep(PERIOD).await;
        }
        Ok(())
    }
}
