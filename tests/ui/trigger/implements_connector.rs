use sekoia_runtime::prelude::*;

#[module(name = "Test", slug = "test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {}

/// Collects events
#[trigger(name = "Events")]
pub struct Events;

impl Connector for Events {
    type Module = TestModule;
    type Configuration = DefaultConnectorConfiguration;

    async fn run(&self, _ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        Ok(())
    }
}

fn main() {}
