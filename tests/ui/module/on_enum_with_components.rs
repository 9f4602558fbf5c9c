use sekoia_runtime::prelude::*;

#[module(name = "Test", slug = "test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub enum TestModule {
    Cloud { region: String },
    OnPremise { host: String },
}

#[action(name = "Ping")]
pub struct Ping;

impl Action for Ping {
    type Module = TestModule;
    type Arguments = ();
    type Results = ();

    async fn run(&self, _ctx: &ActionContext<Self>, _arguments: ()) -> Result<(), ActionError> {
        Ok(())
    }
}

fn main() {}
