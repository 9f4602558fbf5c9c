use sekoia_runtime::prelude::*;

#[module(name = "Test", slug = "-test", uuid = "not-a-uuid", categories = ["Generic", "Antivirus"], colour = "blue")]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {}

fn main() {}
