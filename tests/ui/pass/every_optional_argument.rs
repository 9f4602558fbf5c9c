//! Every argument of every attribute, and components with state.

use sekoia_runtime::prelude::*;

#[module(
    name = "Everything",
    slug = "every.thing-2",
    uuid = "5F2B0B2E-6C6A-4B43-9B7E-0C1D2E3F4A5B",
    categories = ["Applicative", "Cloud Providers", "Collaboration Tools", "Email", "Endpoint", "Generic", "IAM", "Network", "Threat Intelligence"],
    description = "Uses every argument",
)]
#[derive(Deserialize, JsonSchema)]
pub struct EverythingModule {}

#[action(
    name = "Do It",
    description = "Does it",
    uuid = "429e8715-fdde-4064-b8e8-96e408917d25",
    docker_parameters = "do_it",
    slug = "do-it",
)]
#[derive(Default)]
pub struct DoIt {
    pub calls: std::sync::atomic::AtomicU32,
}

impl Action for DoIt {
    type Module = EverythingModule;
    type Arguments = ();
    type Results = ();

    async fn run(&self, _ctx: &ActionContext<Self>, _arguments: ()) -> Result<(), ActionError> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

#[trigger(
    name = "Watch It",
    description = "Watches it",
    uuid = "acc45c1f-f203-55c2-96e7-87c534e7d2e4",
    docker_parameters = "watch_it",
    slug = "watch_it"
)]
pub struct WatchIt {}

impl Default for WatchIt {
    fn default() -> Self {
        WatchIt {}
    }
}

impl Trigger for WatchIt {
    type Module = EverythingModule;
    type Configuration = ();
    type Results = ();

    const SECONDS_WITHOUT_EVENTS: u64 = 60;
    const LAST_HEARTBEAT_THRESHOLD: u64 = 30;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        ctx.heartbeat();
        ctx.send_event("it", &()).await?;
        Ok(())
    }
}

#[connector(
    name = "Collect It",
    description = "Collects it",
    uuid = "8a7acb0b-0004-5e17-9ab0-4c110cea795b",
    docker_parameters = "collect_it",
    slug = "collect-it"
)]
pub struct CollectIt;

impl Connector for CollectIt {
    type Module = EverythingModule;
    type Configuration = DefaultConnectorConfiguration;

    const SECONDS_WITHOUT_EVENTS: u64 = 0;

    async fn run(&self, ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> {
        ctx.push_events(["it"]).await?;
        Ok(())
    }
}

fn main() {
    // the items stay ordinary, callable types
    let _ = DoIt::default();
    let _ = WatchIt::default();
    let _ = CollectIt;
}
