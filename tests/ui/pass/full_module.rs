//! A module with one component of each kind and an account validator.

use sekoia_runtime::prelude::*;

/// Watches a JSON feed
#[module(name = "Feed", slug = "feed", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic", "Network"])]
#[derive(Deserialize, JsonSchema)]
pub struct FeedModule {
    /// API Key
    pub api_key: Secret<String>,
    /// Base URL of the feed
    pub base_url: String,
}

impl AccountValidator for FeedModule {
    async fn validate(&self, ctx: &ValidatorContext) -> Result<(), ValidationError> {
        ctx.http()
            .get(&self.base_url)
            .bearer_auth(self.api_key.expose())
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct LookupArguments {
    pub id: i64,
}

#[derive(Serialize, Deserialize, JsonSchema)]
pub struct Entry {
    pub id: i64,
    pub value: String,
}

/// Reads one entry of the feed
#[action(name = "Lookup Entry")]
pub struct LookupEntry;

impl Action for LookupEntry {
    type Module = FeedModule;
    type Arguments = LookupArguments;
    type Results = Entry;

    async fn run(&self, ctx: &ActionContext<Self>, args: LookupArguments) -> Result<Entry, ActionError> {
        let url = format!("{}/entries/{}", ctx.module().base_url, args.id);
        Ok(ctx.http().get(url).send().await?.error_for_status()?.json().await?)
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct NewEntriesConfiguration {
    /// Seconds between two reads
    #[serde(default)]
    pub period: u64,
}

/// Starts a run for every new entry
#[trigger]
pub struct NewEntries;

impl Trigger for NewEntries {
    type Module = FeedModule;
    type Configuration = NewEntriesConfiguration;
    type Results = Entry;

    const SECONDS_WITHOUT_EVENTS: u64 = 3600;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        let period = std::time::Duration::from_secs(ctx.configuration().period.max(1));
        while ctx.running() {
            ctx.send_event("new entry", &Entry { id: 1, value: "one".into() }).await?;
            ctx.sleep(period).await;
        }
        Ok(())
    }
}

/// Pushes the feed to an intake
#[connector]
pub struct FeedConnector;

impl Connector for FeedConnector {
    type Module = FeedModule;
    type Configuration = DefaultConnectorConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        ctx.push_events(["one", "two"]).await?;
        ctx.stopped().await;
        Ok(())
    }
}

fn main() {}
