//! How a request is sent: its auth applied, the rate limit waited for, retried on the runtime's
//! retry helper, a new OAuth2 token once on a 401, and errors that show no secret.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;

use super::auth::{self, AuthKind};
use super::error::truncate;
use super::request::Body;
use super::{HttpError, Request, retry_after};
use crate::log_entry::Level;
use crate::platform::error_chain;
use crate::platform::retry::{Verdict, retry};

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
    pub(super) async fn send_retried(&self, shown: &str) -> Result<reqwest::Response, HttpError> {
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
