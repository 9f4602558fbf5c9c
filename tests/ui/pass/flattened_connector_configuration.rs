//! A connector whose configuration adds its own fields to the intake ones.

use sekoia_runtime::prelude::*;

#[module(name = "Events", slug = "events", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Applicative"])]
#[derive(Deserialize, JsonSchema)]
pub struct EventsModule {}

#[derive(Deserialize, JsonSchema)]
pub struct EventsConfiguration {
    #[serde(flatten)]
    pub intake: DefaultConnectorConfiguration,
    /// Polling interval in minutes
    #[serde(default = "five")]
    pub polling_interval: u64,
}

fn five() -> u64 {
    5
}

/// Collects events
#[connector(uuid = "8a7acb0b-0004-5e17-9ab0-4c110cea795b")]
pub struct EventsConnector;

impl Connector for EventsConnector {
    type Module = EventsModule;
    type Configuration = EventsConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        let interval = std::time::Duration::from_secs(ctx.configuration().polling_interval * 60);
        while ctx.running() {
            ctx.push_events([format!("key {}", ctx.configuration().intake.intake_key.len())]).await?;
            ctx.sleep(interval).await;
        }
        Ok(())
    }
}

fn main() {}
