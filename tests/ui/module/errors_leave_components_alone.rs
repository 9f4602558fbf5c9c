use sekoia_runtime::prelude::*;

// only the slug is reported: the action, the connector and the validator that name the module
// still type-check
#[module(name = "Test", slug = "Test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {
    pub api_key: Secret<String>,
}

impl AccountValidator for TestModule {
    async fn validate(&self, _ctx: &ValidatorContext) -> Result<(), ValidationError> {
        if self.api_key.expose().is_empty() {
            return Err(ValidationError::new("empty API key"));
        }
        Ok(())
    }
}

#[action(name = "Ping")]
pub struct Ping;

impl Action for Ping {
    type Module = TestModule;
    type Arguments = ();
    type Results = ();

    async fn run(&self, _ctx: &ActionContext<Self>, _arguments: ()) -> Result<(), ActionError> {
        Ok(())
    }
}

#[connector(name = "Events")]
pub struct Events;

impl Connector for Events {
    type Module = TestModule;
    type Configuration = DefaultConnectorConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        ctx.push_events(["an event"]).await?;
        Ok(())
    }
}

fn main() {}
