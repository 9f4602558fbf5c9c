use sekoia_runtime::prelude::*;

#[module(name = "Test", slug = "test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {
    pub api_key: Secret<String>,
}

#[derive(Deserialize, JsonSchema)]
pub struct FeedConfiguration {
    pub url: String,
}

#[derive(Serialize, JsonSchema)]
pub struct Login {
    pub user: String,
    pub password: Secret<String>,
}

#[trigger(name = "Logins")]
pub struct Logins;

impl Trigger for Logins {
    type Module = TestModule;
    type Configuration = FeedConfiguration;
    type Results = Login;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        let login = Login { user: "alice".into(), password: Secret::new("hunter2".into()) };
        ctx.send_event("login", &login).await?;
        Ok(())
    }
}

fn main() {}
