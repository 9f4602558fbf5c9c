//! The platform's HTTP APIs a component calls back: the callback, the logs and the secrets.
//!
//! Every request carries `Authorization: Bearer <token>` and a 30 s timeout. Callback requests
//! are tried up to 10 times with an exponential wait (2, 4, 8... seconds), never again after a
//! 4xx reply, as the Python SDK does.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::config::{Config, ConfigError};

/// Attempts of a callback request.
pub(crate) const CALLBACK_ATTEMPTS: u32 = 10;
/// Attempts of a secrets request.
pub(crate) const SECRETS_ATTEMPTS: u32 = 10;
/// Timeout of every platform request.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Scales every retry wait (default one second); tests set it to a few milliseconds.
pub const RETRY_UNIT_VAR: &str = "SEKOIA_RETRY_UNIT_MS";

/// A platform request that did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    /// The platform answered with an error status.
    #[error("{method} {url} answered {status} after {attempts} attempt(s): {body}")]
    Status {
        /// The request method.
        method: Method,
        /// The URL.
        url: String,
        /// The last status.
        status: StatusCode,
        /// How many attempts were made.
        attempts: u32,
        /// The start of the reply body.
        body: String,
    },
    /// The platform could not be reached.
    #[error("{method} {url} failed after {attempts} attempt(s): {reason}")]
    Transport {
        /// The request method.
        method: Method,
        /// The URL.
        url: String,
        /// How many attempts were made.
        attempts: u32,
        /// The last transport error.
        reason: String,
    },
    /// The platform's reply is not the JSON expected.
    #[error("{method} {url}: the reply is not the JSON expected: {reason}")]
    Reply {
        /// The request method.
        method: Method,
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
}

impl PlatformError {
    /// The HTTP status, when the platform answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            PlatformError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// The platform client of one run.
#[derive(Clone)]
pub(crate) struct Platform {
    http: reqwest::Client,
    token: String,
    pub(crate) callback_url: String,
    pub(crate) logs_url: String,
    pub(crate) secrets_url: String,
    pub(crate) retry_unit: Duration,
}

impl Platform {
    /// Reads `token`, `url_callback`, `url_logs` and `url_secrets`.
    pub(crate) fn from_config(config: &Config, user_agent: &str) -> Result<Platform, ConfigError> {
        let token = config.require_text("token")?;
        let callback_url = config.require_text("url_callback")?;
        let logs_url = config
            .text("url_logs")?
            .unwrap_or_else(|| callback_url.replace("/callback", "/logs"));
        let secrets_url = config
            .text("url_secrets")?
            .unwrap_or_else(|| callback_url.replace("/callback", "/secrets"));
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .user_agent(user_agent)
            .build()
            .expect("a reqwest client with a timeout and a user agent builds");
        Ok(Platform {
            http,
            token,
            callback_url,
            logs_url,
            secrets_url,
            retry_unit: retry_unit(),
        })
    }

    /// Sends `body` to the callback URL with the retry policy; returns the reply's JSON (or
    /// `Null` for an empty reply).
    pub(crate) async fn callback(
        &self,
        method: Method,
        body: &Value,
    ) -> Result<Value, PlatformError> {
        let url = self.callback_url.clone();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(&self.token)
                .json(body)
                .send()
                .await;
            let failure = match sent {
                Ok(reply) if reply.status().is_success() => {
                    return read_json(method, &url, reply).await;
                }
                Ok(reply) => {
                    let status = reply.status();
                    let body = reply.text().await.unwrap_or_default();
                    let error = PlatformError::Status {
                        method: method.clone(),
                        url: url.clone(),
                        status,
                        attempts: attempt,
                        body: truncate(body),
                    };
                    if status.is_client_error() {
                        return Err(error);
                    }
                    error
                }
                Err(e) => PlatformError::Transport {
                    method: method.clone(),
                    url: url.clone(),
                    attempts: attempt,
                    reason: error_chain(&e),
                },
            };
            if attempt >= CALLBACK_ATTEMPTS {
                return Err(failure);
            }
            eprintln!("warning: {failure}; trying again");
            tokio::time::sleep(self.retry_unit * 2u32.pow(attempt)).await;
        }
    }

    /// `GET url_secrets` -> the `value` object, tried up to 10 times (waits capped at 10 s).
    pub(crate) async fn secrets(&self) -> Result<serde_json::Map<String, Value>, PlatformError> {
        let url = self.secrets_url.clone();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = self.http.get(&url).bearer_auth(&self.token).send().await;
            let failure = match sent {
                Ok(reply) if reply.status().is_success() => {
                    let value = read_json(Method::GET, &url, reply).await?;
                    return match value.get("value") {
                        Some(Value::Object(secrets)) => Ok(secrets.clone()),
                        _ => Err(PlatformError::Reply {
                            method: Method::GET,
                            url,
                            reason: "no `value` object".into(),
                        }),
                    };
                }
                Ok(reply) => {
                    let status = reply.status();
                    let body = reply.text().await.unwrap_or_default();
                    PlatformError::Status {
                        method: Method::GET,
                        url: url.clone(),
                        status,
                        attempts: attempt,
                        body: truncate(body),
                    }
                }
                Err(e) => PlatformError::Transport {
                    method: Method::GET,
                    url: url.clone(),
                    attempts: attempt,
                    reason: error_chain(&e),
                },
            };
            if attempt >= SECRETS_ATTEMPTS {
                return Err(failure);
            }
            eprintln!("warning: {failure}; trying again");
            let wait = (self.retry_unit * 2u32.pow(attempt)).min(self.retry_unit * 10);
            tokio::time::sleep(wait).await;
        }
    }

    /// `POST url_logs {"logs": [...]}`, one attempt: the log shipper keeps what failed.
    pub(crate) async fn send_logs(&self, body: &Value) -> Result<(), PlatformError> {
        let url = &self.logs_url;
        match self
            .http
            .post(url)
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
        {
            Ok(reply) if reply.status().is_success() => Ok(()),
            Ok(reply) => {
                let status = reply.status();
                let body = reply.text().await.unwrap_or_default();
                Err(PlatformError::Status {
                    method: Method::POST,
                    url: url.clone(),
                    status,
                    attempts: 1,
                    body: truncate(body),
                })
            }
            Err(e) => Err(PlatformError::Transport {
                method: Method::POST,
                url: url.clone(),
                attempts: 1,
                reason: error_chain(&e),
            }),
        }
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

/// The retry unit: `SEKOIA_RETRY_UNIT_MS` milliseconds, else one second.
pub(crate) fn retry_unit() -> Duration {
    std::env::var(RETRY_UNIT_VAR)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(1))
}

/// An error and its causes on one line.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
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
