//! Burst: the trigger event rate. It sends `events` events, each as soon as the platform took
//! the one before, then waits to be stopped.

use sekoia_runtime::prelude::*;

use crate::{BenchModule, Tick};

#[derive(Deserialize, JsonSchema)]
pub struct BurstConfiguration {
    /// How many events to send
    pub events: u64,
}

/// Sends `events` events as fast as the platform takes them, then waits to be stopped
#[trigger]
pub struct Burst;

impl Trigger for Burst {
    type Module = BenchModule;
    type Configuration = BurstConfiguration;
    type Results = Tick;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        for n in 0..ctx.configuration().events {
            ctx.send_event("burst", &Tick { n }).await?;
        }
        while ctx.running() {
            ctx.sleep(std::time::Duration::from_secs(1)).await;
        }
        Ok(())
    }
}
