//! The "Request URL" action: requests a URL and returns the response.

use std::collections::BTreeMap;

use sekoia_runtime::prelude::*;
use sekoia_runtime::reqwest;

use crate::TesthttpModuleConfiguration;

/// The HTTP method of the request.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

#[derive(Deserialize, JsonSchema)]
pub struct RequestArguments {
    #[schemars(url, length(min = 1, max = 2083))]
    pub url: String,
    #[serde(default)]
    pub headers: Option<BTreeMap<String, String>>,
    pub method: Method,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Response {
    pub status_code: u16,
    pub headers: BTreeMap<String, String>,
    pub text: String,
}

/// Requests a resource at a specified URL and returns the response
#[action(
    name = "Request URL",
    uuid = "429e8715-fdde-4064-b8e8-96e408917d25",
    docker_parameters = "Request"
)]
pub struct Request;

impl Action for Request {
    type Module = TesthttpModuleConfiguration;
    type Arguments = RequestArguments;
    type Results = Response;

    async fn run(
        &self,
        ctx: &ActionContext<Self>,
        arguments: RequestArguments,
    ) -> Result<Response, ActionError> {
        let method = match arguments.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        tracing::info!("{method} {}", arguments.url);
        let mut request = ctx.http().request(method, &arguments.url);
        for (name, value) in arguments.headers.iter().flatten() {
            request = request.header(name, value);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                // Python's `self.log_exception(error)`: the error goes to the action's logs;
                // then `self.error(...)`: the action finishes with this error message
                tracing::error!("Failed to request {}: {error}", arguments.url);
                return Err(ActionError::new(format!(
                    "Failed to request {}",
                    arguments.url
                )));
            }
        };
        let status_code = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let text = response.text().await?;
        Ok(Response {
            status_code,
            headers,
            text,
        })
    }
}
