//! The "Request URL" action: one HTTP request as the playbook describes it, the response as
//! results.

use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use sekoia_runtime::prelude::*;
use sekoia_runtime::reqwest::{self, header::CONTENT_TYPE};

use crate::HttpModule;
use crate::authentication::{AuthType, Authentication};
use crate::query::Params;
use crate::response::Response;

/// Requests a resource at a specified URL and returns the response as Raw or JSON
#[action(
    name = "Request URL",
    uuid = "40bcf3c0-aa8b-4111-9b4e-f3caffccb4e5",
    docker_parameters = "request",
    slug = "request_url",
    file = "action_request.json"
)]
pub struct RequestAction;

// The arguments of Request URL, in the order of the catalogue's manifest (a doc comment
// here would be the schema's description, which the manifest does not have).
#[sekoia(title = "Arguments")]
#[derive(Deserialize, JsonSchema)]
pub struct RequestArguments {
    /// Target URL of the HTTP request
    #[sekoia(format = "uri")]
    pub url: String,
    /// Headers to use when sending the requests. e.g. {"Content-Type": "application/json"}
    pub headers: Option<AnyObject>,
    /// Type of authorization, if applicable
    #[sekoia(default = "None")]
    pub auth_type: AuthType,
    /// Token for Bearer authentication
    pub auth_token: Option<Secret<String>>,
    /// Username for Basic and Digest authentications
    pub auth_username: Option<String>,
    /// Password for Basic and Digest authentications
    pub auth_password: Option<Secret<String>>,
    /// Method of the HTTP request
    pub method: Method,
    /// The body to attach to the request
    pub data: Option<String>,
    /// The JSON to attach as body of the request
    pub json: Option<AnyObject>,
    /// Query string parameters to append to the URL
    pub params: Option<Params>,
    /// Fail when the HTTP query returns in error. Default to true.
    #[sekoia(default = true)]
    pub fail_on_http_error: bool,
    /// Wether the SSL certificate must be verified. Default to true.
    #[sekoia(default = true)]
    pub verify_ssl: bool,
}

/// The HTTP method, lower-case as the manifest lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Head,
    Delete,
}

impl From<Method> for reqwest::Method {
    fn from(method: Method) -> Self {
        match method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Head => reqwest::Method::HEAD,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

/// How often a request that got no response is sent, and the waits between: 1, 2, 4 then 8
/// seconds (the Python module's tenacity policy: 5 attempts, exponential waits of 1 to 10 s).
fn retry_policy() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_secs(1))
        .with_max_delay(Duration::from_secs(10))
        .with_max_times(4)
}

impl Action for RequestAction {
    type Module = HttpModule;
    type Arguments = RequestArguments;
    type Results = Response;

    async fn run(
        &self,
        ctx: &ActionContext<Self>,
        arguments: RequestArguments,
    ) -> Result<Response, ActionError> {
        // every mistake in the arguments is reported before anything is sent
        let authentication = Authentication::from_arguments(&arguments)?;
        let url = target_url(&arguments)?;
        let request = PreparedRequest::new(&arguments, url, authentication)?;
        tracing::info!("Request URL module started. Target URL: {}", arguments.url);

        let insecure;
        let client = if arguments.verify_ssl {
            ctx.http()
        } else {
            insecure = insecure_client()?;
            &insecure
        };
        let (response, elapsed) = (|| request.send(client))
            .retry(retry_policy())
            .notify(|error, wait| {
                tracing::warn!("The request failed ({error}), trying again in {wait:?}");
            })
            .await?;

        let status = response.status();
        if arguments.fail_on_http_error && (status.is_client_error() || status.is_server_error()) {
            return Err(Error::new(format!(
                "HTTP Request failed: {} with {}",
                arguments.url,
                status.as_u16()
            )));
        }
        Ok(Response::read(response, elapsed).await?)
    }
}

/// The URL with the `params` appended to its query.
fn target_url(arguments: &RequestArguments) -> Result<reqwest::Url, Error> {
    let mut url = reqwest::Url::parse(&arguments.url)
        .map_err(|e| Error::new(format!("url: `{}` is not a URL: {e}", arguments.url)))?;
    if let Some(params) = &arguments.params {
        params.append_to(&mut url)?;
    }
    Ok(url)
}

/// A client like the runtime's that accepts any certificate (`verify_ssl: false`).
fn insecure_client() -> Result<reqwest::Client, Error> {
    Ok(reqwest::Client::builder()
        .user_agent(concat!("sekoia-rs-http/", env!("CARGO_PKG_VERSION")))
        .danger_accept_invalid_certs(true)
        .build()?)
}

/// Everything a request is made of, checked once, so that each attempt sends the same one.
struct PreparedRequest {
    method: reqwest::Method,
    url: reqwest::Url,
    headers: reqwest::header::HeaderMap,
    body: Option<(String, Option<&'static str>)>,
    authentication: Authentication,
}

impl PreparedRequest {
    fn new(
        arguments: &RequestArguments,
        url: reqwest::Url,
        authentication: Authentication,
    ) -> Result<Self, Error> {
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in arguments.headers.iter().flat_map(|headers| headers.iter()) {
            let value = value.as_str().ok_or_else(|| {
                Error::new(format!(
                    "headers.{name}: a header value is a string, not {value}"
                ))
            })?;
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Error::new(format!("headers: `{name}` is not a header name: {e}")))?;
            let value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|e| Error::new(format!("headers.{name}: not a header value: {e}")))?;
            headers.append(name, value);
        }
        // as Python's requests: `data` when there is some, else `json`
        let body = match (&arguments.data, &arguments.json) {
            (Some(data), _) if !data.is_empty() => Some((data.clone(), None)),
            (_, Some(json)) => Some((serde_json::to_string(json)?, Some("application/json"))),
            _ => None,
        };
        Ok(Self {
            method: arguments.method.into(),
            url,
            headers,
            body,
            authentication,
        })
    }

    fn build(&self, client: &reqwest::Client) -> reqwest::RequestBuilder {
        let mut request = client
            .request(self.method.clone(), self.url.clone())
            .headers(self.headers.clone());
        if let Some((body, content_type)) = &self.body {
            if let Some(content_type) = content_type
                && !self.headers.contains_key(CONTENT_TYPE)
            {
                request = request.header(CONTENT_TYPE, *content_type);
            }
            request = request.body(body.clone());
        }
        request
    }

    /// One attempt: the response and how long its headers took to arrive.
    async fn send(
        &self,
        client: &reqwest::Client,
    ) -> Result<(reqwest::Response, Duration), reqwest::Error> {
        let started = Instant::now();
        let request = self.authentication.apply(self.build(client));
        let response = request.send().await?;
        // Digest: the first answer is the server's challenge, the second the resource
        if let Some(answer) = self
            .authentication
            .digest_answer(&self.method, &self.url, &response)
        {
            let started = Instant::now();
            let response = self
                .build(client)
                .header("authorization", answer)
                .send()
                .await?;
            return Ok((response, started.elapsed()));
        }
        Ok((response, started.elapsed()))
    }
}
