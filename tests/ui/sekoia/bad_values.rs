use sekoia_runtime::prelude::*;

#[sekoia(schema = "draft-04", titles = "Pydantic", no_type = true, required = "query")]
#[derive(Deserialize, JsonSchema)]
pub struct SearchArguments {
    #[sekoia(location = "cookie", nullable = "maybe", title, default)]
    pub query: String,
    #[sekoia(default = 1, schema_default = 2)]
    pub limit: i64,
}

fn main() {}
