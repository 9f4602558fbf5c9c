use sekoia_runtime::prelude::*;

#[module(name = "Test", slug = "test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {}

#[derive(Deserialize, JsonSchema)]
pub struct EventsConfiguration {
    #[serde(flatten)]
    pub intake: DefaultConnectorConfiguration,
}

#[derive(Serialize, JsonSchema)]
pub struct Event {
    pub message: String,
}

#[connector(name = "Events")]
pub struct Events;

impl Trigger for Events {
    type Module = TestModule;
    type Configuration = EventsConfiguration;
    type Results = Event;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        ctx.stopped().await;
        Ok(())
    }
}

fn main() {}
