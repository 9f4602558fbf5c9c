use sekoia_runtime::prelude::*;

#[module(name = "Test", slug = "test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {
    pub api_key: Secret<String>,
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateTokenArguments {
    pub user: String,
}

#[derive(Serialize, JsonSchema)]
pub struct CreatedToken {
    pub user: String,
    pub token: Secret<String>,
}

#[action(name = "Create Token")]
pub struct CreateToken;

impl Action for CreateToken {
    type Module = TestModule;
    type Arguments = CreateTokenArguments;
    type Results = CreatedToken;

    async fn run(&self, ctx: &ActionContext<Self>, args: CreateTokenArguments) -> Result<CreatedToken, ActionError> {
        Ok(CreatedToken { user: args.user, token: ctx.module().api_key.clone() })
    }
}

fn main() {}
