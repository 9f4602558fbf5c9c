//! The Python SDK's sample module, component for component: the manifests `cargo build` writes
//! equal the ones `sekoia-automation generate-files-from-code` writes for it.

use sekoia_runtime::prelude::*;

// the module configuration: two of its fields are secrets (no doc comment: the Python
// sample has no description on its schema)
#[module(
    name = "Test Module",
    slug = "sample",
    uuid = "7cf9ccf6-e20a-4e53-bd77-3c19cdc94154",
    categories = ["Endpoint", "Network"],
    description = "TBD"
)]
#[derive(Deserialize, JsonSchema)]
pub struct ModuleConfiguration {
    pub module_field: String,
    pub api_key: Secret<String>,
    pub password: Secret<String>,
}

#[derive(Deserialize, JsonSchema)]
pub struct TriggerConfiguration {
    #[serde(default)]
    pub trigger_field: i64,
}

#[derive(Serialize, JsonSchema)]
pub struct Results {
    pub results_field: String,
}

#[derive(Deserialize, JsonSchema)]
pub struct SampleArguments {
    pub argument: bool,
}

/// My Sample Action Description
#[action(name = "Sample Action")]
pub struct SampleAction;

impl Action for SampleAction {
    type Module = ModuleConfiguration;
    type Arguments = SampleArguments;
    type Results = Results;

    async fn run(
        &self,
        ctx: &ActionContext<Self>,
        arguments: SampleArguments,
    ) -> Result<Results, ActionError> {
        Ok(Results {
            results_field: format!("{} {}", ctx.module().module_field, arguments.argument),
        })
    }
}

/// My Sample Trigger Description
#[trigger(name = "Sample Trigger")]
pub struct SampleTrigger;

impl Trigger for SampleTrigger {
    type Module = ModuleConfiguration;
    type Configuration = TriggerConfiguration;
    type Results = Results;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        let field = ctx.configuration().trigger_field;
        ctx.send_event(
            "sample",
            &Results {
                results_field: field.to_string(),
            },
        )
        .await?;
        ctx.stopped().await;
        Ok(())
    }
}

/// My Sample Connector Description
#[connector(name = "Sample Connector")]
pub struct SampleConnector;

impl Connector for SampleConnector {
    type Module = ModuleConfiguration;
    type Configuration = DefaultConnectorConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        ctx.push_events(["sample event"]).await?;
        ctx.stopped().await;
        Ok(())
    }
}
