use sekoia_runtime::prelude::*;

#[module(name = "Test", slug = "test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {
    pub api_key: Secret<String>,
}

#[action(name = "Get Key")]
pub struct GetKey;

impl Action for GetKey {
    type Module = TestModule;
    type Arguments = ();
    type Results = Secret<String>;

    async fn run(&self, ctx: &ActionContext<Self>, _arguments: ()) -> Result<Secret<String>, ActionError> {
        Ok(ctx.module().api_key.clone())
    }
}

fn main() {}
