//! Idle: the at-rest trigger. It wakes up every `interval` seconds and finds nothing to do.

use std::time::Duration;

use sekoia_runtime::prelude::*;

use crate::BenchModule;

#[derive(Deserialize, JsonSchema)]
pub struct IdleConfiguration {
    /// Seconds between two polls
    #[serde(default = "one_second")]
    pub interval: u64,
}

fn one_second() -> u64 {
    1
}

#[derive(Serialize, JsonSchema)]
pub struct Tick {
    pub n: u64,
}

/// Polls nothing every `interval` seconds until stopped
#[trigger]
pub struct Idle;

impl Trigger for Idle {
    type Module = BenchModule;
    type Configuration = IdleConfiguration;
    type Results = Tick;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        let interval = Duration::from_secs(ctx.configuration().interval);
        while ctx.running() {
            ctx.sleep(interval).await;
        }
        Ok(())
    }
}
