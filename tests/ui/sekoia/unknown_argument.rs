use sekoia_runtime::prelude::*;

#[sekoia(titel = "Arguments", location = "query")]
#[derive(Deserialize, JsonSchema)]
pub struct SearchArguments {
    #[sekoia(no_titel, secrets = ["query"])]
    pub query: String,
}

fn main() {}
