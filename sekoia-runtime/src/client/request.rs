//! A request of a client: its URL, query, headers and body, and what can be done with it (send
//! it, read its JSON, walk its pages).

use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::redact::redact;
use super::{HttpClient, HttpError, Page, Pagination, pages};
use crate::platform::error_chain;

#[derive(Debug, Clone)]
pub(super) enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    Bytes(Bytes, Option<HeaderValue>),
}

/// A request to send; it can be sent again (its pages, its retries).
#[derive(Clone)]
pub struct Request {
    pub(super) client: HttpClient,
    pub(super) method: Method,
    pub(super) url: String,
    pub(super) query: Vec<(String, String)>,
    pub(super) headers: HeaderMap,
    pub(super) body: Body,
    /// The cursor this request carries, for the pagination's stop rule.
    pub(super) cursor: Option<String>,
}

impl Request {
    pub(super) fn new(client: HttpClient, method: Method, url: String) -> Request {
        Request {
            client,
            method,
            url,
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Body::None,
            cursor: None,
        }
    }

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
    pub(super) fn replace_query(mut self, name: &str, value: &str) -> Request {
        self.query.retain(|(k, _)| k != name);
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    pub(super) fn replace_json_field(mut self, name: &str, value: Value) -> Request {
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

    /// [`pages`](Self::pages) with the items read as `T` straight from each reply's bytes, with
    /// no `serde_json::Value` in between: the way to read many events. An item that is not a
    /// `T` fails the page with serde's words and the position in the reply.
    ///
    /// ```no_run
    /// # use sekoia_runtime::client::{HttpClient, HttpError, Pagination};
    /// use futures_util::TryStreamExt;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Event {
    ///     id: String,
    /// }
    ///
    /// async fn ids(api: &HttpClient) -> Result<Vec<String>, HttpError> {
    ///     let pagination = Pagination::cursor_in_body("/next").into_query("cursor").items_at("/data");
    ///     let pages = api.get("events").pages_of::<Event>(pagination);
    ///     let mut pages = std::pin::pin!(pages);
    ///     let mut ids = Vec::new();
    ///     while let Some(page) = pages.try_next().await? {
    ///         ids.extend(page.items.into_iter().map(|event| event.id));
    ///     }
    ///     Ok(ids)
    /// }
    /// ```
    pub fn pages_of<T: DeserializeOwned + Send>(
        self,
        pagination: Pagination,
    ) -> impl futures_util::Stream<Item = Result<Page<T>, HttpError>> + Send {
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
        let bytes = self.read_bytes(response).await?;
        serde_json::from_slice(&bytes).map_err(|e| self.bad_reply(e.to_string()))
    }

    /// The whole body of a reply.
    pub(crate) async fn read_bytes(&self, response: reqwest::Response) -> Result<Bytes, HttpError> {
        response
            .bytes()
            .await
            .map_err(|e| self.bad_reply(error_chain(&e.without_url())))
    }

    /// The error of a reply that could not be read, or not as what was asked.
    pub(crate) fn bad_reply(&self, reason: String) -> HttpError {
        HttpError::Reply {
            method: self.method.clone(),
            url: self.shown_url(),
            reason,
        }
    }

    pub(super) fn full_url(&self) -> Result<Url, HttpError> {
        let mut url = Url::parse(&self.url)
            .map_err(|e| HttpError::Build(format!("{:?} is not a URL: {e}", self.url)))?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        Ok(url)
    }

    pub(crate) fn shown_url(&self) -> String {
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
}
