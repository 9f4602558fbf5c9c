//! Fault scripting: replies queued per endpoint, used in order before the default behaviour.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

/// An HTTP method, to name the endpoint a script applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET` (`/secrets`).
    Get,
    /// `POST` (`/callback` events, `/logs`, `/batch`).
    Post,
    /// `PUT`.
    Put,
    /// `PATCH` (`/callback` status updates).
    Patch,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method as it appears on the wire: `"PATCH"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One scripted answer to one request. Build it with a constructor, then adjust it with
/// [`retry_after`](Self::retry_after), [`header`](Self::header) or [`delayed`](Self::delayed).
///
/// ```
/// use std::time::Duration;
/// use sekoia_emulator::Reply;
/// use serde_json::json;
///
/// let replies = [
///     Reply::status(503).retry_after(1),                // 503, `Retry-After: 1`, body `{}`
///     Reply::delay(Duration::from_millis(200)),         // the default answer, 200 ms late
///     Reply::drop_connection(),                         // no HTTP answer at all
///     Reply::json(200, json!({"event_ids": []})),       // any status and JSON body
/// ];
/// # let _ = replies;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub(crate) action: ReplyAction,
    pub(crate) delay: Duration,
    pub(crate) headers: Vec<(String, String)>,
}

/// What a [`Reply`] does once its delay has passed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ReplyAction {
    /// The emulator's default behaviour for the endpoint.
    Default,
    /// This status and body.
    Respond {
        status: u16,
        content_type: &'static str,
        body: Bytes,
    },
    /// Close the TCP connection without any HTTP response.
    Drop,
}

impl Reply {
    fn new(action: ReplyAction) -> Self {
        Self {
            action,
            delay: Duration::ZERO,
            headers: Vec::new(),
        }
    }

    /// Answer `status` with the JSON body `{}`. A code outside 100..=999 is answered as 500.
    pub fn status(status: u16) -> Self {
        Self::new(ReplyAction::Respond {
            status,
            content_type: "application/json",
            body: Bytes::from_static(b"{}"),
        })
    }

    /// Answer `status` with `body` as JSON.
    pub fn json(status: u16, body: Value) -> Self {
        Self::new(ReplyAction::Respond {
            status,
            content_type: "application/json",
            body: Bytes::from(body.to_string()),
        })
    }

    /// Answer `status` with `body` as `text/plain`, e.g. to send a client something that is not
    /// JSON where it expects JSON.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::new(ReplyAction::Respond {
            status,
            content_type: "text/plain; charset=utf-8",
            body: Bytes::from(body.into()),
        })
    }

    /// The default behaviour of the endpoint, after `delay`.
    pub fn delay(delay: Duration) -> Self {
        Self::new(ReplyAction::Default).delayed(delay)
    }

    /// The default behaviour of the endpoint, at once: a placeholder to let one request through
    /// between faults.
    pub fn normal() -> Self {
        Self::new(ReplyAction::Default)
    }

    /// Close the TCP connection after reading the request, without any HTTP response: the
    /// client sees a connection error. The request is still recorded, with `status: None`.
    pub fn drop_connection() -> Self {
        Self::new(ReplyAction::Drop)
    }

    /// Adds a `Retry-After: <seconds>` header.
    pub fn retry_after(self, seconds: u64) -> Self {
        self.header("retry-after", seconds.to_string())
    }

    /// Adds a response header. A name or value that HTTP does not allow is left out.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The reply in a few words: `503 (Retry-After: 1)`, `dropped connection after 200ms`.
    pub(crate) fn describe(&self) -> String {
        let mut text = match &self.action {
            ReplyAction::Default => "the default answer".to_owned(),
            ReplyAction::Respond { status, .. } => status.to_string(),
            ReplyAction::Drop => "dropped connection".to_owned(),
        };
        for (name, value) in &self.headers {
            text.push_str(&format!(" ({name}: {value})"));
        }
        if !self.delay.is_zero() {
            text.push_str(&format!(" after {:?}", self.delay));
        }
        text
    }

    /// This reply's action with the delay and headers of `other` (for text scripts).
    pub(crate) fn with_timing_of(mut self, other: &Reply) -> Self {
        self.delay = other.delay;
        self.headers.clone_from(&other.headers);
        self
    }

    /// Waits `delay` before answering (or dropping the connection). Delays add up.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = self.delay.saturating_add(delay);
        self
    }
}

/// The queues of scripted replies, one per method and path.
pub(crate) struct Scripts {
    queues: Mutex<Vec<Queue>>,
}

struct Queue {
    method: Method,
    path: String,
    replies: VecDeque<Reply>,
}

impl Scripts {
    pub(crate) fn new() -> Self {
        Self {
            queues: Mutex::new(Vec::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Queue>> {
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn push(
        &self,
        method: Method,
        path: &str,
        replies: impl IntoIterator<Item = Reply>,
    ) {
        let mut queues = self.lock();
        let position = queues
            .iter()
            .position(|queue| queue.method == method && queue.path == path);
        let index = match position {
            Some(index) => index,
            None => {
                queues.push(Queue {
                    method,
                    path: path.to_owned(),
                    replies: VecDeque::new(),
                });
                queues.len() - 1
            }
        };
        queues[index].replies.extend(replies);
    }

    /// The next scripted reply for `method` (as on the wire) on `path`, if any is left.
    pub(crate) fn next(&self, method: &str, path: &str) -> Option<Reply> {
        let mut queues = self.lock();
        queues
            .iter_mut()
            .find(|queue| queue.method.as_str() == method && queue.path == path)
            .and_then(|queue| queue.replies.pop_front())
    }

    pub(crate) fn pending(&self, method: Method, path: &str) -> usize {
        self.lock()
            .iter()
            .find(|queue| queue.method == method && queue.path == path)
            .map_or(0, |queue| queue.replies.len())
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    /// Every queue that still holds replies: method, path, and each reply in words.
    pub(crate) fn describe(&self) -> Vec<(&'static str, String, Vec<String>)> {
        self.lock()
            .iter()
            .filter(|queue| !queue.replies.is_empty())
            .map(|queue| {
                let replies = queue.replies.iter().map(Reply::describe).collect();
                (queue.method.as_str(), queue.path.clone(), replies)
            })
            .collect()
    }

    /// How many replies wait, over every queue.
    pub(crate) fn pending_total(&self) -> usize {
        self.lock().iter().map(|queue| queue.replies.len()).sum()
    }
}
