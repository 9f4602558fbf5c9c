//! A client for third-party APIs: timeouts, retries, rate limits, authentication and
//! pagination, with secrets kept out of errors and logs. Build one with `ctx.http_client()`.
//!
//! ```
//! use std::time::Duration;
//! use sekoia_runtime::prelude::*;
//! use sekoia_runtime::client::{Auth, Pagination, RateLimit, Retry};
//! use sekoia_runtime::testing::TestPlatform;
//! # #[module(name = "Doc", slug = "doc", uuid = "0b0f9d1c-8d8c-4a52-a0c5-1f4e3e1a3c11", categories = ["Generic"])]
//! # #[derive(Deserialize, JsonSchema)]
//! # pub struct DocModule {}
//! # #[connector]
//! # pub struct Collector;
//! # impl Connector for Collector {
//! #     type Module = DocModule;
//! #     type Configuration = DefaultConnectorConfiguration;
//! #     async fn run(&self, _ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> { Ok(()) }
//! # }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! # let platform = TestPlatform::new();
//! # let configuration = DefaultConnectorConfiguration { intake_server: None, intake_key: "ik".into() };
//! # let ctx = platform.connector::<Collector>(DocModule {}, configuration);
//! let api = ctx
//!     .http_client()
//!     .base_url("https://api.example.com/v1/")
//!     .timeout(Duration::from_secs(30))
//!     .retry(Retry::default().attempts(5))
//!     .rate_limit(RateLimit::per_minute(50).burst(10))
//!     .auth(Auth::bearer(Secret::new("t0ken".to_owned())))
//!     .build();
//! // let logs = api.get("logs").query(&[("limit", "100")]).pages(Pagination::link_header());
//! # let _ = api;
//! # }
//! ```
//!
//! - **Timeouts**: 10 s to connect, 60 s for a whole request, unless set.
//! - **Retries** ([`Retry`]): on 408, 429, 500, 502, 503, 504 and transport errors (of any
//!   method: vendor read APIs often use `POST`), waiting exponentially (1 s, 2 s, 4 s... up to
//!   60 s, each drawn between the nominal wait and twice it) or what `Retry-After` says
//!   (seconds or an HTTP date), for 5 attempts and 5 minutes at most by default. A
//!   `Retry-After` longer than what is left of the time budget ends the retries. Other 4xx are
//!   not retried. It is the runtime's one retry helper, the platform calls' own.
//! - **Rate limits** ([`RateLimit`]): requests per interval with a burst, and a daily cap.
//! - **Authentication** ([`Auth`]): API key in a header or the query, bearer, basic, OAuth2
//!   client credentials ([`OAuth2`]: token cached, refreshed before it expires, and once more
//!   when the API answers 401).
//! - **Pagination** ([`Pagination`]): [`Request::pages`] gives a stream of [`Page`]s,
//!   [`Request::pages_of`] one whose items are read as the connector's type straight from the
//!   reply.
//! - **Secrets**: the values of the auth are scrubbed from the component's logs and from the
//!   bodies quoted in errors; URLs in errors show the values of secret query parameters (the
//!   auth's, and any named like `key`, `token`, `secret`, `password`, `signature`) as
//!   `[REDACTED]`.

use std::sync::Arc;

use reqwest::{Method, Url};

mod auth;
mod builder;
mod error;
mod page_body;
mod pages;
mod rate_limit;
mod redact;
mod request;
mod retries;
mod retry_after;
mod send;

pub use auth::{Auth, OAuth2};
pub use builder::HttpClientBuilder;
pub use error::HttpError;
pub use pages::{Page, Pagination, next_link};
pub use rate_limit::RateLimit;
pub use request::Request;
pub use retries::Retry;
pub use retry_after::retry_after;

use rate_limit::Limiter;

use crate::session::Session;

/// A client for a third-party API (clones share its rate limit and token cache); see the
/// [module documentation](self).
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    session: Arc<Session>,
    http: reqwest::Client,
    base_url: Option<Url>,
    retry: Retry,
    limiter: Option<Limiter>,
    auth: Vec<Auth>,
    /// The query parameters the auth fills, redacted wherever a URL is shown.
    secret_params: Vec<String>,
}

impl HttpClient {
    /// A request; `url` is absolute, or relative to the base URL.
    pub fn request(&self, method: Method, url: &str) -> Request {
        let url = match (&self.inner.base_url, Url::parse(url)) {
            (_, Ok(absolute)) => absolute.to_string(),
            (Some(base), Err(_)) => base
                .join(url)
                .map_or_else(|_| url.to_owned(), |u| u.to_string()),
            (None, Err(_)) => url.to_owned(),
        };
        Request::new(self.clone(), method, url)
    }

    /// `GET url`.
    pub fn get(&self, url: &str) -> Request {
        self.request(Method::GET, url)
    }

    /// `POST url`.
    pub fn post(&self, url: &str) -> Request {
        self.request(Method::POST, url)
    }

    /// `PUT url`.
    pub fn put(&self, url: &str) -> Request {
        self.request(Method::PUT, url)
    }

    /// `DELETE url`.
    pub fn delete(&self, url: &str) -> Request {
        self.request(Method::DELETE, url)
    }
}
