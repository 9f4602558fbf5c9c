use sekoia_runtime::prelude::*;

#[module(
    name = "Test",
    slug = "test",
    uuid = "5f2b0b2e-6c6a-4b43-9b7e-0c1d2e3f4a5b",
    categories = ["Generic"],
    dialect(titles = "some", schema = "draft-04", optional, colour = "blue")
)]
#[derive(Deserialize, JsonSchema)]
pub struct TestModule {}

fn main() {}
