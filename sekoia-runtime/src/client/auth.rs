//! How a client authenticates: an API key in a header or the query, a bearer token, HTTP basic,
//! OAuth2 client credentials.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::error::{HttpError, truncate};
use crate::platform::error_chain;
use crate::secret::Secret;

/// What a client adds to every request to authenticate.
///
/// ```
/// use sekoia_runtime::Secret;
/// use sekoia_runtime::client::{Auth, OAuth2};
///
/// let key = Auth::header("x-api-key", Secret::new("k3y".to_owned()));
/// let query = Auth::query("apikey", Secret::new("k3y".to_owned()));
/// let bearer = Auth::bearer(Secret::new("t0ken".to_owned()));
/// let basic = Auth::basic("login", Secret::new("p4ss".to_owned()));
/// let oauth = Auth::oauth2(
///     OAuth2::client_credentials("https://id.example.com/oauth2/token", "client", Secret::new("s3cret".to_owned()))
///         .scope("audit:read"),
/// );
/// # let _ = (key, query, bearer, basic, oauth);
/// ```
#[derive(Clone)]
pub struct Auth(pub(crate) AuthKind);

#[derive(Clone)]
pub(crate) enum AuthKind {
    Header(HeaderName, Secret<String>),
    Query(String, Secret<String>),
    Bearer(Secret<String>),
    Basic(String, Secret<String>),
    OAuth2(Arc<OAuth2>),
}

impl Auth {
    /// The header `name: <key>` (`x-api-key`, `Authorization: SSWS <key>`...).
    ///
    /// # Panics
    ///
    /// When `name` is not a header name.
    pub fn header(name: &str, key: Secret<String>) -> Auth {
        let name = HeaderName::try_from(name)
            .unwrap_or_else(|_| panic!("{name:?} is not an HTTP header name"));
        Auth(AuthKind::Header(name, key))
    }

    /// The query parameter `name=<key>` (redacted wherever the URL is shown).
    pub fn query(name: impl Into<String>, key: Secret<String>) -> Auth {
        Auth(AuthKind::Query(name.into(), key))
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(token: Secret<String>) -> Auth {
        Auth(AuthKind::Bearer(token))
    }

    /// `Authorization: Basic base64(<user>:<password>)`.
    pub fn basic(user: impl Into<String>, password: Secret<String>) -> Auth {
        Auth(AuthKind::Basic(user.into(), password))
    }

    /// An OAuth2 access token, fetched, cached and refreshed by the client.
    pub fn oauth2(oauth: OAuth2) -> Auth {
        Auth(AuthKind::OAuth2(Arc::new(oauth)))
    }

    /// The secret values this auth sends, to scrub them from logs and errors.
    pub(crate) fn secrets(&self) -> Vec<String> {
        match &self.0 {
            AuthKind::Header(_, key) | AuthKind::Query(_, key) | AuthKind::Bearer(key) => {
                vec![key.expose().clone()]
            }
            AuthKind::Basic(_, password) => vec![password.expose().clone()],
            AuthKind::OAuth2(oauth) => vec![oauth.client_secret.expose().clone()],
        }
    }

    /// The query parameter this auth fills, if any.
    pub(crate) fn query_name(&self) -> Option<&str> {
        match &self.0 {
            AuthKind::Query(name, _) => Some(name),
            _ => None,
        }
    }
}

/// OAuth2 client credentials (RFC 6749 §4.4): a token from `token_url`, kept until shortly
/// before it expires (`refresh_before`, a minute by default), fetched again when an API
/// answers 401 (once per request).
///
/// The credentials go in an `Authorization: Basic` header by default (RFC 6749's preferred
/// way), or in the form with [`credentials_in_body`](OAuth2::credentials_in_body). The token is
/// sent as `Authorization: <token_type> <access_token>`, the type title-cased as the reply says
/// it (`bearer` → `Bearer`).
pub struct OAuth2 {
    token_url: String,
    client_id: String,
    client_secret: Secret<String>,
    scope: Option<String>,
    in_body: bool,
    refresh_before: Duration,
    extra: Vec<(String, String)>,
    cached: Mutex<Option<Token>>,
}

#[derive(Clone)]
struct Token {
    header: HeaderValue,
    expires_at: Option<Instant>,
    generation: u64,
}

#[derive(Deserialize)]
struct TokenReply {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<f64>,
}

impl OAuth2 {
    /// Client credentials for `token_url`.
    pub fn client_credentials(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Secret<String>,
    ) -> OAuth2 {
        OAuth2 {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret,
            scope: None,
            in_body: false,
            refresh_before: Duration::from_secs(60),
            extra: Vec::new(),
            cached: Mutex::new(None),
        }
    }

    /// The `scope` of the token request.
    pub fn scope(mut self, scope: impl Into<String>) -> OAuth2 {
        self.scope = Some(scope.into());
        self
    }

    /// Sends `client_id` and `client_secret` in the form rather than in a Basic header.
    pub fn credentials_in_body(mut self) -> OAuth2 {
        self.in_body = true;
        self
    }

    /// Fetches a new token this long before the cached one expires (default one minute).
    pub fn refresh_before(mut self, margin: Duration) -> OAuth2 {
        self.refresh_before = margin;
        self
    }

    /// One more field of the token request's form (`audience`, `resource`...).
    pub fn form_field(mut self, name: impl Into<String>, value: impl Into<String>) -> OAuth2 {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// The `Authorization` value to send and its generation; a cached one unless it is about
    /// to expire or `stale` is the generation an API refused.
    pub(crate) async fn authorization(
        &self,
        http: &reqwest::Client,
        stale: Option<u64>,
    ) -> Result<(HeaderValue, u64), HttpError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref() {
            let fresh = token
                .expires_at
                .is_none_or(|at| Instant::now() + self.refresh_before < at);
            if fresh && Some(token.generation) != stale {
                return Ok((token.header.clone(), token.generation));
            }
        }
        let generation = cached.as_ref().map_or(0, |t| t.generation + 1);
        let token = self.fetch(http, generation).await?;
        let header = token.header.clone();
        *cached = Some(token);
        Ok((header, generation))
    }

    async fn fetch(&self, http: &reqwest::Client, generation: u64) -> Result<Token, HttpError> {
        let failed = |reason: String| HttpError::Token {
            url: self.token_url.clone(),
            reason,
        };
        let mut form: Vec<(&str, &str)> = vec![("grant_type", "client_credentials")];
        if let Some(scope) = &self.scope {
            form.push(("scope", scope));
        }
        if self.in_body {
            form.push(("client_id", &self.client_id));
            form.push(("client_secret", self.client_secret.expose()));
        }
        for (name, value) in &self.extra {
            form.push((name, value));
        }
        let mut request = http.post(&self.token_url).form(&form);
        if !self.in_body {
            request = request.basic_auth(&self.client_id, Some(self.client_secret.expose()));
        }
        let reply = request
            .send()
            .await
            .map_err(|e| failed(error_chain(&e.without_url())))?;
        let status = reply.status();
        let body = reply
            .bytes()
            .await
            .map_err(|e| failed(error_chain(&e.without_url())))?;
        if !status.is_success() {
            let detail = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .map(|v| {
                    ["error", "error_description"]
                        .iter()
                        .filter_map(|k| {
                            v.get(*k)
                                .and_then(|e| e.as_str())
                                .map(|e| format!("{k}={e}"))
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| truncate(String::from_utf8_lossy(&body).into_owned()));
            return Err(failed(format!("the endpoint answered {status}: {detail}")));
        }
        let reply: TokenReply = serde_json::from_slice(&body)
            .map_err(|e| failed(format!("the reply is not a token: {e}")))?;
        let kind = title_case(reply.token_type.as_deref().unwrap_or("bearer"));
        let mut header = HeaderValue::try_from(format!("{kind} {}", reply.access_token))
            .map_err(|_| failed("the token is not a header value".to_owned()))?;
        header.set_sensitive(true);
        let expires_at = reply
            .expires_in
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Instant::now() + Duration::from_secs_f64(s));
        Ok(Token {
            header,
            expires_at,
            generation,
        })
    }
}

/// `bearer` → `Bearer`, as Python's `str.title()` does for one word.
fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// Applies a static auth to a request.
pub(crate) fn apply(auth: &AuthKind, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    match auth {
        AuthKind::Header(name, key) => {
            let mut value = HeaderValue::try_from(key.expose().as_str())
                .unwrap_or_else(|_| HeaderValue::from_static(""));
            value.set_sensitive(true);
            request.header(name.clone(), value)
        }
        AuthKind::Query(name, key) => request.query(&[(name.as_str(), key.expose().as_str())]),
        AuthKind::Bearer(token) => {
            let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose()))
                .unwrap_or_else(|_| HeaderValue::from_static(""));
            value.set_sensitive(true);
            request.header(AUTHORIZATION, value)
        }
        AuthKind::Basic(user, password) => request.basic_auth(user, Some(password.expose())),
        AuthKind::OAuth2(_) => request,
    }
}
