use sekoia_runtime::prelude::*;

#[derive(Deserialize, JsonSchema)]
pub struct TestModule {
    pub base_url: String,
}

#[derive(Deserialize, JsonSchema)]
pub struct PingArguments {
    pub host: String,
}

#[derive(Serialize, JsonSchema)]
pub struct Pong {
    pub reachable: bool,
}

#[action(name = "Ping")]
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
