//! Flood: the push benchmark. It pushes `count` events of `size` bytes once, logs how long the
//! push took, then waits to be stopped.

use std::time::Instant;

use sekoia_runtime::prelude::*;

use crate::BenchModule;

#[derive(Deserialize, JsonSchema)]
pub struct FloodConfiguration {
    #[serde(flatten)]
    pub intake: DefaultConnectorConfiguration,
    /// How many events
    pub count: usize,
    /// Bytes an event
    pub size: usize,
}

/// One event: `{"n":<n>,"pad":"xxx..."}`, serialized by the runtime.
#[derive(Serialize)]
struct Event<'a> {
    n: usize,
    pad: &'a str,
}

/// Pushes `count` events of `size` bytes once, then waits to be stopped
#[connector]
pub struct Flood;

impl Connector for Flood {
    type Module = BenchModule;
    type Configuration = FloodConfiguration;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        let FloodConfiguration { count, size, .. } = *ctx.configuration();
        // `{"n":<n>,"pad":""}` is 21 bytes with a 6-digit n: the padding brings the event to `size`
        let pad = "x".repeat(size.saturating_sub(21));
        let started = Instant::now();
        let pushed = ctx
            .push_events((0..count).map(|n| Event { n, pad: &pad }))
            .await?;
        let seconds = started.elapsed().as_secs_f64();
        tracing::info!("pushed {} events in {seconds:.6} s", pushed.len());
        ctx.stopped().await;
        Ok(())
    }
}
