//! The options of a client, set before it is built.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::rate_limit::Limiter;
use super::{Auth, HttpClient, Inner, RateLimit, Retry};
use crate::session::Session;

/// Builds an [`HttpClient`]; get one with `ctx.http_client()`.
#[must_use = "a builder does nothing until built"]
pub struct HttpClientBuilder {
    session: Arc<Session>,
    base_url: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: Retry,
    rate_limit: Option<RateLimit>,
    auth: Vec<Auth>,
    headers: HeaderMap,
}

impl HttpClientBuilder {
    pub(crate) fn new(session: Arc<Session>) -> HttpClientBuilder {
        HttpClientBuilder {
            session,
            base_url: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: Retry::default(),
            rate_limit: None,
            auth: Vec::new(),
            headers: HeaderMap::new(),
        }
    }

    /// Relative paths given to [`get`](HttpClient::get)... are joined to this URL (keep its
    /// trailing `/`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The longest a whole request may take (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest connecting may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How requests are retried (default [`Retry::default`]).
    pub fn retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// A client-side rate limit shared by every request of the client (and its clones).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Authenticates every request; several auths add up (an OAuth2 token and an API key).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth.push(auth);
        self
    }

    /// A header sent with every request.
    ///
    /// # Panics
    ///
    /// When `name` or `value` is not valid in a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::try_from(name)
            .unwrap_or_else(|_| panic!("{name:?} is not an HTTP header name"));
        let value = HeaderValue::try_from(value)
            .unwrap_or_else(|_| panic!("{value:?} is not an HTTP header value"));
        self.headers.insert(name, value);
        self
    }

    /// The client.
    pub fn build(self) -> HttpClient {
        let http = reqwest::Client::builder()
            .user_agent(self.session.user_agent.as_str())
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .default_headers(self.headers)
            .build()
            .expect("a reqwest client with timeouts and headers builds");
        self.session
            .logs
            .scrubber
            .add(self.auth.iter().flat_map(Auth::secrets));
        let secret_params = self
            .auth
            .iter()
            .filter_map(|a| a.query_name().map(str::to_owned))
            .collect();
        HttpClient {
            inner: Arc::new(Inner {
                session: self.session,
                http,
                base_url: self.base_url.and_then(|u| Url::parse(&u).ok()),
                retry: self.retry,
                limiter: self.rate_limit.map(Limiter::new),
                auth: self.auth,
                secret_params,
            }),
        }
    }
}
