use sekoia_runtime::prelude::*;

#[module(name = "Test", slug = "test", uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {}

#[derive(Serialize, JsonSchema)]
pub struct Entry {
    pub id: i64,
}

/// Watches a feed
#[trigger(name = "New Entries")]
pub struct NewEntries;

impl Action for NewEntries {
    type Module = TestModule;
    type Arguments = ();
    type Results = Entry;

    async fn run(&self, _ctx: &ActionContext<Self>, _arguments: ()) -> Result<Entry, ActionError> {
        Ok(Entry { id: 1 })
    }
}

fn main() {}
