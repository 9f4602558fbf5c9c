//! The Playbook API over HTTP: `GET`, `POST` and `PATCH` of JSON objects, with the API key.

use std::time::Duration;

use anyhow::Context as _;
use serde_json::Value;

/// How long one request may take, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A client of one Playbook API.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    authorization: String,
}

/// What the API answered.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body, when it is JSON.
    pub json: Option<Value>,
    /// The body as text (for error messages).
    pub text: String,
}

impl Client {
    /// A client of the API at `base` (`https://api.sekoia.io/v1/symphony`).
    pub fn new(base: &str, api_key: &str) -> Client {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(REQUEST_TIMEOUT))
            .http_status_as_error(false)
            .user_agent(concat!("cargo-sekoia/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            base: base.trim_end_matches('/').to_owned(),
            authorization: format!("Bearer {api_key}"),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base)
    }

    /// `GET <base>/<path>`.
    pub fn get(&self, path: &str) -> anyhow::Result<Answer> {
        let url = self.url(path);
        let response = self
            .agent
            .get(&url)
            .header("Authorization", &self.authorization)
            .header("Accept", "application/json")
            .call()
            .with_context(|| format!("GET {url}"))?;
        read(response, "GET", &url)
    }

    /// `POST` (or `PATCH`) `<base>/<path>` with a JSON body.
    pub fn send(&self, method: &str, path: &str, body: &Value) -> anyhow::Result<Answer> {
        let url = self.url(path);
        let request = match method {
            "POST" => self.agent.post(&url),
            _ => self.agent.patch(&url),
        };
        let response = request
            .header("Authorization", &self.authorization)
            .header("Accept", "application/json")
            .send_json(body)
            .with_context(|| format!("{method} {url}"))?;
        read(response, method, &url)
    }
}

fn read(
    mut response: ureq::http::Response<ureq::Body>,
    method: &str,
    url: &str,
) -> anyhow::Result<Answer> {
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .with_context(|| format!("{method} {url}: cannot read the answer"))?;
    let json = serde_json::from_str(&text).ok();
    Ok(Answer { status, json, text })
}
