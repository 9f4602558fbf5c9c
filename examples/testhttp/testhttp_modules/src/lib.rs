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
    /// Base URL of the events API the connector polls
    pub base_url: String,
}
