use sekoia_runtime::prelude::*;

#[module]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {}

fn main() {}
