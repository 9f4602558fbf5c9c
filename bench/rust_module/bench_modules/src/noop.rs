//! Noop: the cold-start action. It logs one line and returns its argument.

use sekoia_runtime::prelude::*;

use crate::BenchModule;

#[derive(Deserialize, Serialize, JsonSchema)]
pub struct Value {
    pub value: String,
}

/// Logs "noop" and returns its argument
#[action]
pub struct Noop;

impl Action for Noop {
    type Module = BenchModule;
    type Arguments = Value;
    type Results = Value;

    async fn run(
        &self,
        _ctx: &ActionContext<Self>,
        arguments: Value,
    ) -> Result<Value, ActionError> {
        tracing::info!("noop");
        Ok(arguments)
    }
}
