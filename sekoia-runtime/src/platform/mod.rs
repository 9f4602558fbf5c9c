//! The platform's HTTP APIs a component calls: the callback (status, results, events), the logs
//! API, the secrets API and the intake.
//!
//! [`PlatformApi`] and [`IntakeApi`] are the seam between a session and the platform: the
//! module binary talks HTTP ([`http`]), an author's in-process test talks to an in-memory
//! recorder ([`crate::testing`]).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value};

pub(crate) mod assets;
pub(crate) mod http;
pub(crate) mod memory;
pub(crate) mod retry;
pub(crate) mod s3;
pub(crate) mod sentry_reports;

/// A boxed future of the platform seam.
pub(crate) type Reply<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a session asks of the platform.
pub(crate) trait PlatformApi: Send + Sync + 'static {
    /// Sends `body` to the callback URL (retried as the protocol says); returns the reply's
    /// JSON, `Null` for an empty reply.
    fn callback<'a>(
        &'a self,
        method: Method,
        body: &'a Value,
    ) -> Reply<'a, Result<Value, PlatformError>>;

    /// `GET url_secrets` -> the `value` object (module secrets) and, from SDK 1.27 on, the
    /// `node_value` object (the trigger's own secrets).
    fn secrets(&self) -> Reply<'_, Result<Secrets, PlatformError>>;

    /// `POST url_logs {"logs": [...]}`.
    fn send_logs<'a>(&'a self, body: &'a Value) -> Reply<'a, Result<(), PlatformError>>;

    /// The intake at `base_url`, for pushes with `intake_key`; an error says why a request
    /// with this key cannot be sent.
    fn intake(&self, base_url: &str, intake_key: &str) -> Result<Arc<dyn IntakeApi>, String>;

    /// The unit of the retry waits (a second on the platform).
    fn retry_unit(&self) -> Duration;
}

/// What `GET url_secrets` answers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Secrets {
    /// `value`: the module configuration's secrets.
    pub(crate) value: Map<String, Value>,
    /// `node_value`: the secrets of the trigger (or asset connector) configuration.
    pub(crate) node_value: Map<String, Value>,
}

/// One `POST <intake>/batch`.
pub(crate) trait IntakeApi: Send + Sync + 'static {
    /// Sends a request body once.
    fn post_batch(&self, body: Bytes) -> Reply<'_, Result<BatchReply, String>>;

    /// `<intake>/batch`, for messages.
    fn batch_url(&self) -> &str;
}

/// The intake's answer to a batch.
pub(crate) struct BatchReply {
    /// The status.
    pub(crate) status: StatusCode,
    /// `Retry-After`, when it says seconds.
    pub(crate) retry_after: Option<Duration>,
    /// The body.
    pub(crate) body: Bytes,
}

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
    /// The request cannot be sent (a URL or header the HTTP client refuses): trying again
    /// cannot help.
    #[error("{method} {url} cannot be sent: {reason}")]
    Invalid {
        /// The request method.
        method: Method,
        /// The URL.
        url: String,
        /// Why.
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

    fn with_attempts(mut self, count: u32) -> PlatformError {
        match &mut self {
            PlatformError::Status { attempts, .. } | PlatformError::Transport { attempts, .. } => {
                *attempts = count;
            }
            PlatformError::Reply { .. } | PlatformError::Invalid { .. } => {}
        }
        self
    }
}

/// An error and its causes on one line.
/// The HTTP client of Sekoia's own endpoints (callback, logs, secrets, intake, assets).
///
/// It trusts the built-in Mozilla roots (webpki-roots, what the Python SDK's `certifi` holds),
/// which sign Sekoia's certificates, and not the system's store: reading and decoding the
/// system's PEM bundle (turned on for every client by the S3 backend's dependency) cost some
/// 40 million instructions at each connector start, the start-up's largest share.
pub(crate) fn sekoia_client() -> reqwest::ClientBuilder {
    reqwest::Client::builder().tls_built_in_native_certs(false)
}

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
