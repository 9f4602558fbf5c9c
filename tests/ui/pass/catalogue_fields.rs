//! What Sekoia's catalogue writes besides the SDK's fields: a dialect, empty descriptions and
//! categories, file names, outputs, a webhook, a connector's results and its legacy twin.

use sekoia_runtime::prelude::*;

#[module(
    name = "Test",
    slug = "test",
    uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b",
    categories = [],
    description = "",
    dialect(titles = "none", root_title = "none", schema = "draft-07", optional = "plain", nullable = "type_array", keep_formats)
)]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {}

#[sekoia(title = "Arguments", required = [])]
#[derive(Deserialize, JsonSchema)]
pub struct LookupArguments {
    #[sekoia(location = "path", example = "8.8.8.8")]
    pub ip: String,
    #[sekoia(default = 10, required, format = "int32")]
    pub limit: i32,
    pub tags: Option<AnyArray>,
}

#[action(
    name = "Lookup",
    description = "",
    file = "action_lookup_ip.json",
    slug = "execute_es|ql_query",
    outputs = [("known", "the address is known"), ("not known", "it is not")],
    configuration_part = "needs an API key",
    required = ["items"]
)]
pub struct Lookup;

impl Action for Lookup {
    type Module = TestModule;
    type Arguments = LookupArguments;
    type Results = ();

    async fn run(&self, _ctx: &ActionContext<Self>, _args: LookupArguments) -> Result<(), ActionError> {
        Ok(())
    }
}

#[trigger(name = "Alerts", webhook)]
pub struct Alerts;

impl Trigger for Alerts {
    type Module = TestModule;
    type Configuration = AnyObject;
    type Results = AnyObject;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        ctx.stopped().await;
        Ok(())
    }
}

#[sekoia(title = "The events", no_type)]
#[derive(Serialize, JsonSchema)]
pub struct TheEvents {}

#[connector(
    name = "Events",
    file = "connector_events.json",
    results = (),
    twin(file = "trigger_events.json", arguments_title = "Trigger configuration", results = TheEvents)
)]
pub struct Events;

impl Connector for Events {
    type Module = TestModule;
    type Configuration = DefaultConnectorConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        ctx.stopped().await;
        Ok(())
    }
}

fn main() {}
