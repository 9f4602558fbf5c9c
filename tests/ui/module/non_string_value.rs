use sekoia_runtime::prelude::*;

#[module(name = Test, slug = "test", uuid = 42, categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {}

fn main() {}
