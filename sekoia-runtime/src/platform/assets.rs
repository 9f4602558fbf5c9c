//! The platform's asset-management API, as SDK 1.27's asset connectors call it:
//! `POST {base}/api/v2/asset-management/asset-connector/{connector_configuration_uuid}` with
//! `{"version": 1, "items": [...]}`, then `GET {base}/api/v1/tasks/{task_id}` while the push
//! task is pending.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use serde_json::Value;

use super::error_chain;
use super::retry::{Policy, Verdict, retry};
use crate::client::retry_after;

/// The longest wait a `Retry-After` of the asset API may ask for (the SDK's clamp).
pub(crate) const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(3600);

/// The asset API of one asset connector.
pub(crate) struct AssetApi {
    http: reqwest::Client,
    pub(crate) push_url: String,
    base_url: String,
    /// Transport errors are retried this long (the SDK: an hour).
    pub(crate) retry_budget: Duration,
}

/// What a push came to.
pub(crate) enum Pushed {
    /// `200`: accepted, maybe with a task to follow.
    Accepted { task_id: Option<String> },
    /// `429`: wait this long before the next cycle.
    RateLimited { wait: Option<Duration> },
    /// Any other status: the batch is lost, the cycle goes on.
    Refused { status: StatusCode, body: String },
}

/// The status of a push task.
pub(crate) enum TaskStatus {
    Pending(String),
    Finished,
    Failed {
        status: String,
        error: Option<String>,
    },
}

impl AssetApi {
    pub(crate) fn new(base_url: &str, api_key: &str, connector_uuid: Option<&str>) -> AssetApi {
        let uuid = connector_uuid.unwrap_or("None");
        let mut headers = reqwest::header::HeaderMap::new();
        if let Ok(mut value) = reqwest::header::HeaderValue::try_from(format!("Bearer {api_key}")) {
            value.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        let http = super::sekoia_client()
            .user_agent(format!("sekoiaio-asset-connector-{uuid}"))
            .default_headers(headers)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a reqwest client with headers and a timeout builds");
        let base_url = base_url.trim_end_matches('/').to_owned();
        AssetApi {
            http,
            push_url: format!("{base_url}/api/v2/asset-management/asset-connector/{uuid}"),
            base_url,
            retry_budget: Duration::from_secs(3600),
        }
    }

    /// Pushes one batch (`{"version": 1, "items": ...}`); transport errors are retried.
    pub(crate) async fn push(&self, body: &Value, now: SystemTime) -> Result<Pushed, String> {
        let policy = Policy {
            first_wait: Duration::from_secs(1),
            factor: 2.0,
            max_wait: Duration::from_secs(10),
            attempts: usize::MAX,
            budget: Some(self.retry_budget),
            floor: Duration::ZERO,
        };
        let reply = retry(
            policy,
            || self.http.post(&self.push_url).json(body).send(),
            |_| Verdict::Again(None),
            |_, _| {},
        )
        .await
        .map_err(|e| format!("POST {} failed: {}", self.push_url, error_chain(&e)))?;
        let status = reply.status();
        let wait = reply
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, now))
            .map(|wait| wait.min(MAX_RATE_LIMIT_WAIT));
        let text = reply.text().await.unwrap_or_default();
        Ok(match status.as_u16() {
            200 => {
                let task_id = serde_json::from_str::<Value>(&text).ok().and_then(|v| {
                    match v.get("task_id") {
                        Some(Value::String(id)) if !id.is_empty() => Some(id.clone()),
                        _ => None,
                    }
                });
                Pushed::Accepted { task_id }
            }
            429 => Pushed::RateLimited { wait },
            _ => Pushed::Refused { status, body: text },
        })
    }

    /// The status of the push task `id`.
    pub(crate) async fn task(&self, id: &str) -> Result<TaskStatus, String> {
        let url = format!("{}/api/v1/tasks/{id}", self.base_url);
        let reply = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| format!("GET {url} failed: {}", error_chain(&e)))?;
        if reply.status() != StatusCode::OK {
            return Err(format!("GET {url} answered {}", reply.status()));
        }
        let body: Value = reply
            .json()
            .await
            .map_err(|e| format!("GET {url}: the reply is not JSON: {}", error_chain(&e)))?;
        let status = body
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Ok(match status {
            "PENDING" | "RUNNING" => TaskStatus::Pending(status.to_owned()),
            "FINISHED" => TaskStatus::Finished,
            other => TaskStatus::Failed {
                status: other.to_owned(),
                error: body.get("error").and_then(Value::as_str).map(str::to_owned),
            },
        })
    }
}
