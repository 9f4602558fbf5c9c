use sekoia_runtime::prelude::*;

#[module(name = "Test", slug = "test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {}

#[derive(Deserialize, JsonSchema)]
pub struct EventsConfiguration {
    #[serde(flatten)]
    pub intake: DefaultConnectorConfiguration,
}

#[connector(name = "Events", slug = "two\twords")]
pub struct Events;

impl Connector for Events {
    type Module = TestModule;
    type Configuration = EventsConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        ctx.push_events(["an event"]).await?;
        ctx.stopped().await;
        Ok(())
    }
}

fn main() {}
