use sekoia_runtime::prelude::*;

#[module(name = "Test")]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {}

fn main() {}
