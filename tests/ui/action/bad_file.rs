use sekoia_runtime::prelude::*;

#[module(name = "Test", slug = "test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {}

#[derive(Deserialize, JsonSchema)]
pub struct PingArguments {
    pub host: String,
}

#[derive(Serialize, JsonSchema)]
pub struct Pong {
    pub reachable: bool,
}

#[action(file = "trigger_ping.json")]
pub struct Ping;

impl Action for Ping {
    type Module = TestModule;
    type Arguments = PingArguments;
    type Results = Pong;

    async fn run(&self, _ctx: &ActionContext<Self>, args: PingArguments) -> Result<Pong, ActionError> {
        Ok(Pong { reachable: !args.host.is_empty() })
    }
}

fn main() {}
