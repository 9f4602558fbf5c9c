//! What a third-party request that failed says: never a secret, never a key in a URL.

use std::time::Duration;

use reqwest::{Method, StatusCode};

/// A third-party request that did not succeed. Its message names the method and the URL (query
/// values of secret parameters replaced by `[REDACTED]`) and how many attempts were made.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The API answered with an error status (after the retries, for 429 and 5xx).
    #[error("{method} {url} answered {status} after {attempts} attempt(s){}", excerpt(.body))]
    Status {
        /// The method.
        method: Method,
        /// The URL, secrets redacted.
        url: String,
        /// The last status.
        status: StatusCode,
        /// How many attempts were made.
        attempts: u32,
        /// The start of the reply body, secrets scrubbed.
        body: String,
    },
    /// The API could not be reached, or did not answer in time.
    #[error("{method} {url} failed after {attempts} attempt(s): {reason}")]
    Transport {
        /// The method.
        method: Method,
        /// The URL, secrets redacted.
        url: String,
        /// How many attempts were made.
        attempts: u32,
        /// Why (the URL left out).
        reason: String,
        /// Whether the timeout struck.
        timed_out: bool,
    },
    /// The reply is not what was expected (not JSON, not the type asked for).
    #[error("{method} {url}: the reply cannot be read: {reason}")]
    Reply {
        /// The method.
        method: Method,
        /// The URL, secrets redacted.
        url: String,
        /// Why.
        reason: String,
    },
    /// The token endpoint refused the credentials or answered something else than a token.
    #[error("cannot get an OAuth2 token from {url}: {reason}")]
    Token {
        /// The token endpoint.
        url: String,
        /// Why (the endpoint's `error` and `error_description` when it gave them).
        reason: String,
    },
    /// The daily cap of requests is reached; the next request is possible in `retry_in`.
    #[error("the daily cap of {cap} requests is reached; the next window opens in {retry_in:?}")]
    DailyCap {
        /// The cap.
        cap: usize,
        /// The wait until the next window.
        retry_in: Duration,
    },
    /// The request was not built right (a URL that does not parse, a body that is not JSON).
    #[error("{0}")]
    Build(String),
    /// The component is stopping: the request was abandoned.
    #[error("{method} {url}: abandoned, the component is stopping")]
    Stopped {
        /// The method.
        method: Method,
        /// The URL, secrets redacted.
        url: String,
    },
}

fn excerpt(body: &str) -> String {
    if body.is_empty() {
        String::new()
    } else {
        format!(": {body}")
    }
}

impl HttpError {
    /// The status of the last reply, when the API answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// At most 500 bytes of a body, cut on a character boundary.
pub(crate) fn truncate(mut body: String) -> String {
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
