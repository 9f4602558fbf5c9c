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
//! - **Pagination** ([`Pagination`]): [`Request::pages`] gives a stream of [`Page`]s.
//! - **Secrets**: the values of the auth are scrubbed from the component's logs and from the
//!   bodies quoted in errors; URLs in errors show the values of secret query parameters (the
//!   auth's, and any named like `key`, `token`, `secret`, `password`, `signature`) as
//!   `[REDACTED]`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

mod auth;
mod error;
mod pages;
mod rate_limit;
mod redact;
mod retry_after;

pub use auth::{Auth, OAuth2};
pub use error::HttpError;
pub use pages::{Page, Pagination, next_link};
pub use rate_limit::RateLimit;
pub use retry_after::retry_after;

use auth::AuthKind;
use error::truncate;
use rate_limit::Limiter;
use redact::redact;

use crate::log_entry::Level;
use crate::platform::error_chain;
use crate::platform::retry::{Policy, Verdict, retry};
use crate::session::Session;

/// How a client retries: attempts, waits and a time budget.
///
/// ```
/// use std::time::Duration;
/// use sekoia_runtime::client::Retry;
///
/// let patient = Retry::default().attempts(10).budget(Duration::from_secs(3600));
/// let never = Retry::none();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retry {
    attempts: usize,
    first_wait: Duration,
    max_wait: Duration,
    budget: Duration,
}

impl Default for Retry {
    /// 5 attempts, waits from 1 s to 60 s, 5 minutes in all.
    fn default() -> Self {
        Retry {
            attempts: 5,
            first_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
            budget: Duration::from_secs(300),
        }
    }
}

impl Retry {
    /// One attempt, no retry.
    pub fn none() -> Retry {
        Retry::default().attempts(1)
    }

    /// Attempts in all, the first included (at least 1).
    pub fn attempts(mut self, attempts: usize) -> Retry {
        self.attempts = attempts.max(1);
        self
    }

    /// The wait after the first failure (each next one doubles).
    pub fn first_wait(mut self, wait: Duration) -> Retry {
        self.first_wait = wait;
        self
    }

    /// The longest wait between two attempts (a `Retry-After` may ask for more).
    pub fn max_wait(mut self, wait: Duration) -> Retry {
        self.max_wait = wait;
        self
    }

    /// No attempt starts later than this after the first one.
    pub fn budget(mut self, budget: Duration) -> Retry {
        self.budget = budget;
        self
    }

    fn policy(&self) -> Policy {
        Policy {
            first_wait: self.first_wait,
            factor: 2.0,
            max_wait: self.max_wait,
            attempts: self.attempts,
            budget: Some(self.budget),
            floor: Duration::ZERO,
        }
    }
}

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
        Request {
            client: self.clone(),
            method,
            url,
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Body::None,
            cursor: None,
        }
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

#[derive(Debug, Clone)]
enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    Bytes(Bytes, Option<HeaderValue>),
}

/// A request to send; it can be sent again (its pages, its retries).
#[derive(Clone)]
pub struct Request {
    client: HttpClient,
    method: Method,
    url: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Body,
    /// The cursor this request carries, for the pagination's stop rule.
    cursor: Option<String>,
}

/// No OAuth2 token was sent.
const NO_TOKEN: u64 = u64::MAX;

/// What one attempt came to.
enum Failure {
    Status {
        status: StatusCode,
        retry_after: Option<Duration>,
        body: String,
    },
    Transport {
        reason: String,
        timed_out: bool,
    },
    Fatal(HttpError),
}

fn judge(failure: &Failure) -> Verdict {
    match failure {
        Failure::Status {
            status,
            retry_after,
            ..
        } if matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504) => {
            Verdict::Again(*retry_after)
        }
        Failure::Transport { .. } => Verdict::Again(None),
        _ => Verdict::GiveUp,
    }
}

impl Request {
    /// Adds query parameters.
    pub fn query<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(K, V)]) -> Request {
        self.query.extend(
            pairs
                .iter()
                .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned())),
        );
        self
    }

    /// Sets the query parameter `name` (replacing it when there).
    fn replace_query(mut self, name: &str, value: &str) -> Request {
        self.query.retain(|(k, _)| k != name);
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    fn replace_json_field(mut self, name: &str, value: Value) -> Request {
        let mut body = match self.body {
            Body::Json(Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        body.insert(name.to_owned(), value);
        self.body = Body::Json(Value::Object(body));
        self
    }

    /// Adds a header.
    ///
    /// # Panics
    ///
    /// When `name` or `value` is not valid in a header.
    pub fn header(mut self, name: &str, value: &str) -> Request {
        let name = HeaderName::try_from(name)
            .unwrap_or_else(|_| panic!("{name:?} is not an HTTP header name"));
        let value = HeaderValue::try_from(value)
            .unwrap_or_else(|_| panic!("{value:?} is not an HTTP header value"));
        self.headers.insert(name, value);
        self
    }

    /// A JSON body (`Content-Type: application/json`).
    ///
    /// # Panics
    ///
    /// When `body` cannot be serialized to JSON (a map with non-string keys).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Request {
        self.body = Body::Json(serde_json::to_value(body).expect("a JSON body serializes"));
        self
    }

    /// A form body (`application/x-www-form-urlencoded`).
    pub fn form<K: AsRef<str>, V: AsRef<str>>(mut self, fields: &[(K, V)]) -> Request {
        self.body = Body::Form(
            fields
                .iter()
                .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
                .collect(),
        );
        self
    }

    /// A raw body with its content type.
    pub fn body(mut self, body: impl Into<Bytes>, content_type: &str) -> Request {
        self.body = Body::Bytes(body.into(), HeaderValue::try_from(content_type).ok());
        self
    }

    /// The pages of this request, as a stream (see [`Pagination`]).
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    /// use sekoia_runtime::client::{HttpClient, Pagination};
    ///
    /// async fn all_logs(api: &HttpClient) -> Result<usize, sekoia_runtime::client::HttpError> {
    ///     let pages = api.get("logs").query(&[("limit", "1000")]).pages(Pagination::link_header());
    ///     let mut pages = std::pin::pin!(pages);
    ///     let mut count = 0;
    ///     while let Some(page) = pages.try_next().await? {
    ///         count += page.items.len();
    ///     }
    ///     Ok(count)
    /// }
    /// ```
    pub fn pages(
        self,
        pagination: Pagination,
    ) -> impl futures_util::Stream<Item = Result<Page, HttpError>> + Send {
        pages::pages(self, pagination)
    }

    /// Sends the request, retried as the client says; a reply of a 2xx status, else the
    /// error.
    pub async fn send(self) -> Result<reqwest::Response, HttpError> {
        let inner = Arc::clone(&self.client.inner);
        let shown = self.shown_url();
        let stopped = HttpError::Stopped {
            method: self.method.clone(),
            url: shown.clone(),
        };
        tokio::select! {
            outcome = self.send_retried(&shown) => outcome,
            () = inner.session.stop.stopped() => Err(stopped),
        }
    }

    /// Sends the request and reads its JSON reply as a `T`.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, HttpError> {
        let request = self.clone();
        let response = self.send().await?;
        request.read_json(response).await
    }

    pub(crate) async fn read_json<T: DeserializeOwned>(
        &self,
        response: reqwest::Response,
    ) -> Result<T, HttpError> {
        let failed = |reason: String| HttpError::Reply {
            method: self.method.clone(),
            url: self.shown_url(),
            reason,
        };
        let bytes = response
            .bytes()
            .await
            .map_err(|e| failed(error_chain(&e.without_url())))?;
        serde_json::from_slice(&bytes).map_err(|e| failed(e.to_string()))
    }

    fn full_url(&self) -> Result<Url, HttpError> {
        let mut url = Url::parse(&self.url)
            .map_err(|e| HttpError::Build(format!("{:?} is not a URL: {e}", self.url)))?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        Ok(url)
    }

    fn shown_url(&self) -> String {
        match self.full_url() {
            Ok(mut url) => {
                // the auth's own parameters, as they are sent, with their values hidden
                let params = &self.client.inner.secret_params;
                if !params.is_empty() {
                    url.query_pairs_mut()
                        .extend_pairs(params.iter().map(|name| (name, "x")));
                }
                redact(&url, params)
            }
            Err(_) => "<not a URL>".to_owned(),
        }
    }

    async fn send_retried(&self, shown: &str) -> Result<reqwest::Response, HttpError> {
        let inner = &self.client.inner;
        let url = self.full_url()?;
        let oauth = inner.auth.iter().find_map(|a| match &a.0 {
            AuthKind::OAuth2(oauth) => Some(Arc::clone(oauth)),
            _ => None,
        });
        let mut attempts = 0u32;
        let mut refused: Option<u64> = None;
        loop {
            let generation = AtomicU64::new(NO_TOKEN);
            let outcome = retry(
                inner.retry.policy(),
                || {
                    attempts += 1;
                    let url = url.clone();
                    let oauth = oauth.clone();
                    let generation = &generation;
                    async move {
                        let mut request = inner.http.request(self.method.clone(), url);
                        for auth in &inner.auth {
                            request = auth::apply(&auth.0, request);
                        }
                        if let Some(oauth) = oauth {
                            let (header, token) = oauth
                                .authorization(&inner.http, refused)
                                .await
                                .map_err(Failure::Fatal)?;
                            generation.store(token, Ordering::Relaxed);
                            request = request.header(reqwest::header::AUTHORIZATION, header);
                        }
                        request = request.headers(self.headers.clone());
                        request = match &self.body {
                            Body::None => request,
                            Body::Json(value) => request.json(value),
                            Body::Form(fields) => request.form(fields),
                            Body::Bytes(bytes, content_type) => {
                                let request = request.body(bytes.clone());
                                match content_type {
                                    Some(value) => request.header(CONTENT_TYPE, value.clone()),
                                    None => request,
                                }
                            }
                        };
                        if let Some(limiter) = &inner.limiter {
                            limiter
                                .acquire(|cap, wait| {
                                    inner.session.log(
                                        Level::Warning,
                                        &format!("the daily cap of {cap} requests is reached: waiting {wait:?} for the next window"),
                                    );
                                })
                                .await;
                        }
                        self.attempt(request).await
                    }
                },
                judge,
                |failure, wait| {
                    let what = match failure {
                        Failure::Status { status, .. } => format!("answered {status}"),
                        Failure::Transport { reason, .. } => format!("failed: {reason}"),
                        Failure::Fatal(e) => e.to_string(),
                    };
                    inner.session.log(
                        Level::Warning,
                        &format!("{} {shown} {what}; trying again in {wait:.1?}", self.method),
                    );
                },
            )
            .await;
            match outcome {
                Ok(response) => return Ok(response),
                Err(Failure::Status { status, .. })
                    if status == StatusCode::UNAUTHORIZED
                        && refused.is_none()
                        && generation.load(Ordering::Relaxed) != NO_TOKEN =>
                {
                    // the token may have been revoked before its time: a new one, once
                    refused = Some(generation.load(Ordering::Relaxed));
                }
                Err(failure) => return Err(self.error(failure, shown, attempts)),
            }
        }
    }

    async fn attempt(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, Failure> {
        let inner = &self.client.inner;
        match request.send().await {
            Ok(response) if response.status().is_success() => Ok(response),
            Ok(response) => {
                let status = response.status();
                let now = inner.session.clock.now();
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| retry_after(v, now));
                let body = response.text().await.unwrap_or_default();
                Err(Failure::Status {
                    status,
                    retry_after,
                    body: truncate(inner.session.logs.scrubber.scrub(&body)),
                })
            }
            Err(e) => Err(Failure::Transport {
                timed_out: e.is_timeout(),
                reason: error_chain(&e.without_url()),
            }),
        }
    }

    fn error(&self, failure: Failure, shown: &str, attempts: u32) -> HttpError {
        match failure {
            Failure::Status { status, body, .. } => HttpError::Status {
                method: self.method.clone(),
                url: shown.to_owned(),
                status,
                attempts,
                body,
            },
            Failure::Transport { reason, timed_out } => HttpError::Transport {
                method: self.method.clone(),
                url: shown.to_owned(),
                attempts,
                reason,
                timed_out,
            },
            Failure::Fatal(e) => e,
        }
    }
}
