use sekoia_runtime::prelude::*;

#[module(name = "Test", slug = "test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {
    pub api_key: Secret<String>,
}

#[action(name = "Leak")]
pub struct Leak;

impl Action for Leak {
    type Module = TestModule;
    type Arguments = ();
    type Results = ();

    async fn run(&self, ctx: &ActionContext<Self>, _arguments: ()) -> Result<(), ActionError> {
        ctx.json_result("key", &ctx.module().api_key)?;
        Ok(())
    }
}

fn main() {}
