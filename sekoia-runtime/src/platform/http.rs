//! The platform over HTTP: what the module binary talks to.
//!
//! Every request carries `Authorization: Bearer <token>` and a 30 s timeout. Callback requests
//! are tried up to 10 times with an exponential wait (2, 4, 8... seconds, with jitter), never
//! again after a 4xx reply, as the Python SDK does; the secrets up to 10 times (waits capped at
//! 10 s); a batch of logs 3 times (the log shipper keeps what still fails).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use serde_json::{Map, Value};

use super::retry::{Policy, Verdict, retry};
use super::{BatchReply, IntakeApi, PlatformApi, PlatformError, Reply, Secrets, error_chain};

/// Timeout of every platform request.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the platform's APIs are, and the token of this run.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    pub(crate) token: String,
    pub(crate) callback_url: String,
    pub(crate) logs_url: String,
    pub(crate) secrets_url: String,
}

impl Endpoints {
    /// The logs and secrets URLs next to the callback URL (`/callback` -> `/logs`, `/secrets`).
    pub(crate) fn beside_callback(token: String, callback_url: String) -> Endpoints {
        Endpoints {
            logs_url: callback_url.replace("/callback", "/logs"),
            secrets_url: callback_url.replace("/callback", "/secrets"),
            token,
            callback_url,
        }
    }
}

/// The platform client of one run.
pub(crate) struct HttpPlatform {
    http: reqwest::Client,
    endpoints: Endpoints,
    retry_unit: Duration,
    user_agent: String,
}

impl HttpPlatform {
    pub(crate) fn new(endpoints: Endpoints, retry_unit: Duration) -> HttpPlatform {
        let user_agent = format!("sekoia-rs/{}", env!("CARGO_PKG_VERSION"));
        let http = super::sekoia_client()
            .timeout(REQUEST_TIMEOUT)
            .user_agent(&user_agent)
            .build()
            .expect("a reqwest client with a timeout and a user agent builds");
        HttpPlatform {
            http,
            endpoints,
            retry_unit,
            user_agent,
        }
    }

    fn policy(&self, attempts: usize, first: u32, max: u32) -> Policy {
        Policy {
            first_wait: self.retry_unit * first,
            factor: 2.0,
            max_wait: self.retry_unit * max,
            attempts,
            budget: None,
            floor: Duration::ZERO,
        }
    }

    /// One request: the reply's JSON on success, else the error (attempts counted later).
    async fn once(
        &self,
        method: &Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Value, PlatformError> {
        let mut request = self
            .http
            .request(method.clone(), url)
            .bearer_auth(&self.endpoints.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        match request.send().await {
            Ok(reply) if reply.status().is_success() => read_json(method.clone(), url, reply).await,
            Ok(reply) => {
                let status = reply.status();
                let body = reply.text().await.unwrap_or_default();
                Err(PlatformError::Status {
                    method: method.clone(),
                    url: url.to_owned(),
                    status,
                    attempts: 1,
                    body: truncate(body),
                })
            }
            Err(e) if e.is_builder() => Err(PlatformError::Invalid {
                method: method.clone(),
                url: url.to_owned(),
                reason: error_chain(&e),
            }),
            Err(e) => Err(PlatformError::Transport {
                method: method.clone(),
                url: url.to_owned(),
                attempts: 1,
                reason: error_chain(&e),
            }),
        }
    }

    async fn with_retries(
        &self,
        policy: Policy,
        method: Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Value, PlatformError> {
        let mut attempts = 0u32;
        let outcome = retry(
            policy,
            || {
                attempts += 1;
                self.once(&method, url, body)
            },
            no_retry_on_client_errors,
            |e, wait| eprintln!("warning: {e}; trying again in {wait:.1?}"),
        )
        .await;
        outcome.map_err(|e| e.with_attempts(attempts))
    }
}

/// The platform will not accept a request it refused with a 4xx (nor read a reply that is not
/// JSON); anything else may pass later.
fn no_retry_on_client_errors(error: &PlatformError) -> Verdict {
    match error {
        PlatformError::Status { status, .. } if status.is_client_error() => Verdict::GiveUp,
        PlatformError::Reply { .. } | PlatformError::Invalid { .. } => Verdict::GiveUp,
        _ => Verdict::Again(None),
    }
}

impl PlatformApi for HttpPlatform {
    fn callback<'a>(
        &'a self,
        method: Method,
        body: &'a Value,
    ) -> Reply<'a, Result<Value, PlatformError>> {
        Box::pin(async move {
            let policy = self.policy(10, 2, 512);
            self.with_retries(policy, method, &self.endpoints.callback_url, Some(body))
                .await
        })
    }

    fn secrets(&self) -> Reply<'_, Result<Secrets, PlatformError>> {
        Box::pin(async move {
            let url = &self.endpoints.secrets_url;
            let reply = self
                .with_retries(self.policy(10, 2, 10), Method::GET, url, None)
                .await?;
            let object = |key: &str| match reply.get(key) {
                Some(Value::Object(secrets)) => Ok(secrets.clone()),
                // a null `value` would crash the Python SDK; absent `node_value`: before 1.27
                None | Some(Value::Null) => Ok(Map::new()),
                Some(_) => Err(PlatformError::Reply {
                    method: Method::GET,
                    url: url.clone(),
                    reason: format!("`{key}` is not an object"),
                }),
            };
            if reply.get("value").is_none() {
                return Err(PlatformError::Reply {
                    method: Method::GET,
                    url: url.clone(),
                    reason: "no `value` object".into(),
                });
            }
            Ok(Secrets {
                value: object("value")?,
                node_value: object("node_value")?,
            })
        })
    }

    fn send_logs<'a>(&'a self, body: &'a Value) -> Reply<'a, Result<(), PlatformError>> {
        Box::pin(async move {
            let policy = self.policy(3, 1, 4);
            self.with_retries(policy, Method::POST, &self.endpoints.logs_url, Some(body))
                .await
                .map(|_| ())
        })
    }

    fn intake(&self, base_url: &str, intake_key: &str) -> Result<Arc<dyn IntakeApi>, String> {
        Ok(Arc::new(HttpIntake::new(base_url, intake_key)?))
    }

    fn retry_unit(&self) -> Duration {
        self.retry_unit
    }
}

impl std::fmt::Debug for HttpPlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpPlatform")
            .field("callback_url", &self.endpoints.callback_url)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

/// An intake over HTTP: `<base>/batch`, `User-Agent: sekoiaio-connector-<intake_key>`, no
/// Authorization.
struct HttpIntake {
    http: reqwest::Client,
    batch_url: String,
}

impl HttpIntake {
    fn new(base_url: &str, intake_key: &str) -> Result<HttpIntake, String> {
        // the key goes into the User-Agent header: one with a control character cannot be sent
        let user_agent =
            reqwest::header::HeaderValue::from_str(&format!("sekoiaio-connector-{intake_key}"))
                .map_err(|_| {
                    "configuration value `connector_configuration` at `intake_key` must be printable text (it goes into the User-Agent header)".to_owned()
                })?;
        let http = super::sekoia_client()
            .user_agent(user_agent)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot build the intake's HTTP client: {}", error_chain(&e)))?;
        Ok(HttpIntake {
            http,
            batch_url: format!("{}/batch", base_url.trim_end_matches('/')),
        })
    }
}

impl IntakeApi for HttpIntake {
    fn post_batch(&self, body: Bytes) -> Reply<'_, Result<BatchReply, String>> {
        Box::pin(async move {
            let sent = self
                .http
                .post(&self.batch_url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await;
            let reply =
                sent.map_err(|e| format!("POST {} failed: {}", self.batch_url, error_chain(&e)))?;
            let status = reply.status();
            let retry_after = reply
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let body = reply.bytes().await.map_err(|e| {
                format!(
                    "the intake's reply to POST {} cannot be read: {}",
                    self.batch_url,
                    error_chain(&e)
                )
            })?;
            Ok(BatchReply {
                status,
                retry_after,
                body,
            })
        })
    }

    fn batch_url(&self) -> &str {
        &self.batch_url
    }
}

async fn read_json(
    method: Method,
    url: &str,
    reply: reqwest::Response,
) -> Result<Value, PlatformError> {
    let bytes = reply.bytes().await.map_err(|e| PlatformError::Reply {
        method: method.clone(),
        url: url.to_owned(),
        reason: error_chain(&e),
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&bytes).map_err(|e| PlatformError::Reply {
        method,
        url: url.to_owned(),
        reason: e.to_string(),
    })
}

fn truncate(mut body: String) -> String {
    const MAX: usize = 500;
    if body.len() > MAX {
        let mut cut = MAX;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        body.truncate(cut);
        body.push('…');
    }
    body
}
