//! A connector that exercises the intake: sizes, chunks, retries and undelivered events.

use sekoia_runtime::prelude::*;

use crate::ConformanceModule;

#[derive(Deserialize, JsonSchema)]
pub struct FloodConfiguration {
    #[serde(flatten)]
    pub intake: DefaultConnectorConfiguration,
    /// How many events
    pub count: usize,
    /// Bytes an event
    pub size: usize,
}

/// Pushes `count` events of `size` bytes once, reports the outcome, then waits to be stopped
#[connector]
pub struct Flood;

impl Connector for Flood {
    type Module = ConformanceModule;
    type Configuration = FloodConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        let configuration = ctx.configuration();
        // "{"n":0,"pad":"xxx"}": the padding makes each event `size` bytes
        let events = (0..configuration.count).map(|n| {
            let overhead = format!("{{\"n\":{n},\"pad\":\"\"}}").len();
            serde_json::json!({"n": n, "pad": "x".repeat(configuration.size.saturating_sub(overhead))})
        });
        match ctx.push_events(events).await {
            Ok(ids) => tracing::info!("pushed {} events, first id {:?}", ids.len(), ids.first()),
            Err(e) => tracing::warn!(
                "kept {} undelivered events, {} delivered",
                e.undelivered.len(),
                e.delivered_ids.len()
            ),
        }
        ctx.stopped().await;
        Ok(())
    }
}
