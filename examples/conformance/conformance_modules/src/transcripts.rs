//! The three components of the recorded Python transcripts.

use sekoia_runtime::prelude::*;
use serde_json::json;

use crate::ConformanceModule;

#[derive(Deserialize, Serialize, JsonSchema)]
pub struct Value {
    pub value: String,
}

/// Logs "noop" and returns its argument
#[action]
pub struct Noop;

impl Action for Noop {
    type Module = ConformanceModule;
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

#[derive(Deserialize, JsonSchema)]
pub struct Feed {
    pub url: String,
}

#[derive(Serialize, JsonSchema)]
pub struct Item {
    pub id: i64,
    pub value: String,
}

#[derive(Serialize, JsonSchema)]
pub struct Items {
    pub entries: Vec<Item>,
}

/// Emits one event, then stops
#[trigger]
pub struct Emit;

impl Trigger for Emit {
    type Module = ConformanceModule;
    type Configuration = Feed;
    type Results = Items;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        tracing::info!("Polling {}", ctx.configuration().url);
        let entries = vec![
            Item {
                id: 1,
                value: "a".into(),
            },
            Item {
                id: 2,
                value: "b".into(),
            },
        ];
        ctx.send_event("Pushing 2 new entries", &Items { entries })
            .await?;
        tracing::error!("something odd");
        ctx.stop();
        Ok(())
    }
}

/// Pushes three events, then stops
#[connector]
pub struct Small;

impl Connector for Small {
    type Module = ConformanceModule;
    type Configuration = DefaultConnectorConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        tracing::info!("Start fetching events");
        let events: Vec<serde_json::Value> = (0..3)
            .map(|id| json!({"id": id, "source": "testhttp"}))
            .collect();
        let ids = ctx.push_events(&events).await?;
        tracing::info!("{} events collected", ids.len());
        ctx.stop();
        Ok(())
    }
}
