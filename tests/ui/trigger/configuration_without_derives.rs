use sekoia_runtime::prelude::*;

#[module(name = "Test", slug = "test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {}

pub struct FeedConfiguration {
    pub url: String,
}

#[derive(Serialize, JsonSchema)]
pub struct Entry {
    pub id: i64,
}

#[trigger(name = "New Entries")]
pub struct NewEntries;

impl Trigger for NewEntries {
    type Module = TestModule;
    type Configuration = FeedConfiguration;
    type Results = Entry;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        ctx.send_event(&ctx.configuration().url, &Entry { id: 1 }).await?;
        ctx.stopped().await;
        Ok(())
    }
}

fn main() {}
