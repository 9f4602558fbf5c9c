//! The components of the TestHTTP module: one file a component, as in the tutorial.

use sekoia_runtime::prelude::*;

mod connector;
mod request;
mod trigger;

pub use connector::{TesthttpConnector, TesthttpConnectorConfiguration};
pub use request::{Method, Request, RequestArguments, Response};
pub use trigger::{Entry, NewEntries, NewEntriesTrigger, TriggerConfiguration};

/// My test HTTP module
#[module(
    name = "TestHTTP",
    slug = "testhttp",
    uuid = "2c5e7a2a-5d0e-4b0a-9c61-3f4f3c1b8e21",
    categories = ["Network"]
)]
#[derive(Deserialize, JsonSchema)]
pub struct TesthttpModuleConfiguration {
    /// API Key
    pub api_key: Secret<String>,
    /// Base URL of the events API the connector polls: the tutorial's unless the module
    /// configuration says otherwise (an offline run points it at the emulator's pages). Not
    /// in the manifest, whose configuration is the tutorial's: `api_key` alone.
    #[serde(default = "tutorial_api")]
    #[schemars(skip)]
    pub base_url: String,
}

/// The events API of the tutorial's connector.
pub const TUTORIAL_API: &str = "https://api.example.com";

fn tutorial_api() -> String {
    TUTORIAL_API.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_is_the_tutorials_unless_the_configuration_gives_one() {
        let read = |value| serde_json::from_value::<TesthttpModuleConfiguration>(value).unwrap();
        let tutorial = read(serde_json::json!({"api_key": "k"}));
        assert_eq!(tutorial.base_url, TUTORIAL_API);
        let offline =
            read(serde_json::json!({"api_key": "k", "base_url": "http://127.0.0.1:1/pages"}));
        assert_eq!(offline.base_url, "http://127.0.0.1:1/pages");
    }
}
