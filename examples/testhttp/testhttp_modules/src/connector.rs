//! TesthttpConnector: polls the events API and pushes what it returns to the intake.

use std::time::Duration;

use sekoia_runtime::prelude::*;

use crate::TesthttpModuleConfiguration;

#[derive(Deserialize, JsonSchema)]
pub struct TesthttpConnectorConfiguration {
    #[serde(flatten)]
    pub intake: DefaultConnectorConfiguration,
    /// Polling interval in minutes
    #[serde(default = "five_minutes")]
    pub polling_interval: u64,
}

fn five_minutes() -> u64 {
    5
}

#[connector(uuid = "8a7acb0b-0004-5e17-9ab0-4c110cea795b")]
pub struct TesthttpConnector;

impl Connector for TesthttpConnector {
    type Module = TesthttpModuleConfiguration;
    type Configuration = TesthttpConnectorConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        let url = format!("{}/events", ctx.module().base_url.trim_end_matches('/'));
        let interval = Duration::from_secs(ctx.configuration().polling_interval * 60);
        while ctx.running() {
            tracing::info!("Start fetching events");
            let events: Vec<serde_json::Value> = ctx
                .http()
                .get(&url)
                .bearer_auth(ctx.module().api_key.expose())
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            let ids = ctx.push_events(&events).await?;
            tracing::info!("{} events collected", ids.len());
            ctx.sleep(interval).await;
        }
        Ok(())
    }
}
