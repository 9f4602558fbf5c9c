//! A platform in memory: it answers as the platform does and keeps what it received, so that a
//! component runs in-process, in a unit test, without any server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::{BatchReply, IntakeApi, PlatformApi, PlatformError, Reply};

/// What the in-memory platform received, in order.
#[derive(Default)]
pub(crate) struct Received {
    /// `PATCH url_callback` bodies: an action's status updates.
    pub(crate) status_updates: Vec<Value>,
    /// `POST url_callback` bodies: a trigger's events.
    pub(crate) events: Vec<Value>,
    /// Log entries, `{"date", "level", "message"}`.
    pub(crate) logs: Vec<Value>,
    /// The events pushed to an intake, as the JSON strings sent, and their intake key.
    pub(crate) intake_events: Vec<(String, String)>,
    /// Secret requests.
    pub(crate) secret_requests: usize,
}

/// Called after each request, with what was received so far.
pub(crate) type Listener = Box<dyn Fn(&Received) + Send + Sync>;

/// The in-memory platform.
pub(crate) struct MemoryPlatform {
    received: Mutex<Received>,
    secrets: Map<String, Value>,
    listener: Option<Listener>,
}

impl MemoryPlatform {
    /// A platform that hands over these module secrets.
    pub(crate) fn new(secrets: Map<String, Value>, listener: Option<Listener>) -> MemoryPlatform {
        MemoryPlatform {
            received: Mutex::default(),
            secrets,
            listener,
        }
    }

    /// Reads what was received.
    pub(crate) fn with_received<R>(&self, read: impl FnOnce(&Received) -> R) -> R {
        read(
            &self
                .received
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    fn record(&self, write: impl FnOnce(&mut Received)) {
        let mut received = self
            .received
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        write(&mut received);
        if let Some(listener) = &self.listener {
            listener(&received);
        }
    }
}

impl PlatformApi for Arc<MemoryPlatform> {
    fn callback<'a>(
        &'a self,
        method: Method,
        body: &'a Value,
    ) -> Reply<'a, Result<Value, PlatformError>> {
        Box::pin(async move {
            let reply = if method == Method::PATCH {
                let needs_secrets = body.get("need_secrets") == Some(&Value::Bool(true));
                self.record(|r| r.status_updates.push(body.clone()));
                if needs_secrets {
                    json!({"module_configuration": {"value": self.secrets}})
                } else {
                    json!({})
                }
            } else {
                self.record(|r| r.events.push(body.clone()));
                json!({})
            };
            Ok(reply)
        })
    }

    fn secrets(&self) -> Reply<'_, Result<Map<String, Value>, PlatformError>> {
        Box::pin(async move {
            self.record(|r| r.secret_requests += 1);
            Ok(self.secrets.clone())
        })
    }

    fn send_logs<'a>(&'a self, body: &'a Value) -> Reply<'a, Result<(), PlatformError>> {
        Box::pin(async move {
            let entries = body["logs"].as_array().cloned().unwrap_or_default();
            self.record(|r| r.logs.extend(entries));
            Ok(())
        })
    }

    fn intake(&self, _base_url: &str, _intake_key: &str) -> Result<Arc<dyn IntakeApi>, String> {
        Ok(Arc::new(MemoryIntake(Arc::clone(self))))
    }

    /// A second, as on the platform: the pause between two failing iterations of a trigger
    /// (in a test under tokio's paused clock, it costs nothing).
    fn retry_unit(&self) -> Duration {
        Duration::from_secs(1)
    }
}

/// The intake of the in-memory platform: one id per event, as the intake answers.
struct MemoryIntake(Arc<MemoryPlatform>);

impl IntakeApi for MemoryIntake {
    fn post_batch(&self, body: Bytes) -> Reply<'_, Result<BatchReply, String>> {
        Box::pin(async move {
            #[derive(serde::Deserialize)]
            struct Batch {
                intake_key: String,
                jsons: Vec<String>,
            }
            let batch: Batch = serde_json::from_slice(&body)
                .map_err(|e| format!("the batch is not {{\"intake_key\", \"jsons\"}}: {e}"))?;
            let ids: Vec<String> = batch
                .jsons
                .iter()
                .map(|_| uuid::Uuid::new_v4().to_string())
                .collect();
            self.0.record(|r| {
                r.intake_events.extend(
                    batch
                        .jsons
                        .into_iter()
                        .map(|event| (batch.intake_key.clone(), event)),
                );
            });
            Ok(BatchReply {
                status: StatusCode::OK,
                retry_after: None,
                body: Bytes::from(json!({ "event_ids": ids }).to_string()),
            })
        })
    }

    fn batch_url(&self) -> &str {
        "memory:/batch"
    }
}
