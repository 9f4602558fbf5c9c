//! What the platform received: every request, in arrival order, with what the emulator answered.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use tokio::sync::watch;

/// One HTTP request received by the emulator.
///
/// Requests are recorded once their body is read, with the answer the emulator chose for them
/// (its default behaviour or a scripted [`Reply`](crate::Reply)), before any scripted delay.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// Position in the emulator's lifetime, from 0; never reset, not even by
    /// [`Emulator::clear`](crate::Emulator::clear).
    pub seq: u64,
    /// The HTTP method, upper-case (`"PATCH"`).
    pub method: String,
    /// The path, without the query string (`"/callback"`).
    pub path: String,
    /// The query string, when the URL had one.
    pub query: Option<String>,
    /// The headers in arrival order, names lower-case; non-UTF-8 values are converted lossily.
    pub headers: Vec<(String, String)>,
    /// The body as JSON, `None` when empty.
    ///
    /// A body that is not JSON is kept as a JSON string (invalid UTF-8 replaced) and
    /// [`non_json_body`](Self::non_json_body) is set. A `/batch` body received with
    /// [`keep_events(false)`](crate::EmulatorBuilder::keep_events) has its `jsons` array
    /// replaced by the number of events it held.
    pub body: Option<Value>,
    /// The body was not valid JSON.
    pub non_json_body: bool,
    /// The size of the body in bytes.
    pub body_len: usize,
    /// The status the emulator answered, `None` when it dropped the connection instead.
    pub status: Option<u16>,
    /// The request consumed a scripted [`Reply`](crate::Reply) (a [`Reply::delay`] or
    /// [`Reply::normal`] one still answers with the default behaviour).
    ///
    /// [`Reply::delay`]: crate::Reply::delay
    /// [`Reply::normal`]: crate::Reply::normal
    pub scripted: bool,
    /// When the request was read (monotonic clock, to measure gaps between retries).
    pub received_at: Instant,
    /// When the request was read (wall clock, for display).
    pub timestamp: SystemTime,
}

impl RecordedRequest {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The `Authorization` header, e.g. `Some("Bearer tok")`.
    pub fn authorization(&self) -> Option<&str> {
        self.header("authorization")
    }

    /// The `User-Agent` header.
    pub fn user_agent(&self) -> Option<&str> {
        self.header("user-agent")
    }

    /// The emulator answered with a 2xx status: the platform accepted the request.
    pub fn accepted(&self) -> bool {
        self.status
            .is_some_and(|status| (200..300).contains(&status))
    }

    /// `true` when this is `method` on `path`.
    pub fn is(&self, method: &str, path: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && self.path == path
    }
}

/// Longest body shown by the `Display` implementation.
const DISPLAY_BODY_CHARS: usize = 300;

impl fmt::Display for RecordedRequest {
    /// One line: `PATCH /callback -> 200 {"status":"running"}`, the body cut after 300 characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        match self.status {
            Some(status) => write!(f, " -> {status}")?,
            None => write!(f, " -> dropped")?,
        }
        if self.scripted {
            write!(f, " (scripted)")?;
        }
        if let Some(body) = &self.body {
            let text = body.to_string();
            match text.char_indices().nth(DISPLAY_BODY_CHARS) {
                Some((cut, _)) => write!(f, " {}... ({} bytes)", &text[..cut], self.body_len)?,
                None => write!(f, " {text}")?,
            }
        }
        Ok(())
    }
}

/// The request log shared by the server tasks and the inspection methods.
pub(crate) struct Recorder {
    log: Mutex<Log>,
    changed: Condvar,
    generation: watch::Sender<u64>,
    intake_events: AtomicU64,
    subscribers: Mutex<Vec<mpsc::Sender<RecordedRequest>>>,
}

struct Log {
    requests: Vec<RecordedRequest>,
    next_seq: u64,
}

impl Recorder {
    pub(crate) fn new() -> Self {
        Self {
            log: Mutex::new(Log {
                requests: Vec::new(),
                next_seq: 0,
            }),
            changed: Condvar::new(),
            generation: watch::Sender::new(0),
            intake_events: AtomicU64::new(0),
            subscribers: Mutex::new(Vec::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `request` (its `seq` is assigned here) and counts `accepted_events` intake events.
    pub(crate) fn record(&self, mut request: RecordedRequest, accepted_events: u64) {
        let mut log = self.lock();
        request.seq = log.next_seq;
        log.next_seq += 1;
        self.intake_events
            .fetch_add(accepted_events, Ordering::Relaxed);
        {
            // Sent under the log lock so that every subscriber sees the log order.
            let mut subscribers = self
                .subscribers
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if !subscribers.is_empty() {
                subscribers.retain(|tx| tx.send(request.clone()).is_ok());
            }
        }
        log.requests.push(request);
        let generation = log.next_seq;
        drop(log);
        self.changed.notify_all();
        self.generation.send_replace(generation);
    }

    /// Changes each time a request is recorded (its value: the next `seq`).
    pub(crate) fn generation(&self) -> watch::Receiver<u64> {
        self.generation.subscribe()
    }

    pub(crate) fn subscribe(&self) -> mpsc::Receiver<RecordedRequest> {
        let (tx, rx) = mpsc::channel();
        self.subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(tx);
        rx
    }

    /// Runs `f` on the recorded requests, under the lock.
    pub(crate) fn with_requests<T>(&self, f: impl FnOnce(&[RecordedRequest]) -> T) -> T {
        f(&self.lock().requests)
    }

    /// The `seq` the next recorded request will get.
    pub(crate) fn next_seq(&self) -> u64 {
        self.lock().next_seq
    }

    pub(crate) fn intake_event_count(&self) -> u64 {
        self.intake_events.load(Ordering::Relaxed)
    }

    pub(crate) fn clear(&self) {
        let mut log = self.lock();
        log.requests.clear();
        self.intake_events.store(0, Ordering::Relaxed);
        drop(log);
        self.changed.notify_all();
    }

    /// Blocks until `done` holds for the log or `timeout` passes; returns the last verdict.
    pub(crate) fn wait_until(
        &self,
        timeout: Duration,
        mut done: impl FnMut(&[RecordedRequest]) -> bool,
    ) -> bool {
        let deadline = Instant::now() + timeout;
        let mut log = self.lock();
        loop {
            if done(&log.requests) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            log = self
                .changed
                .wait_timeout(log, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Blocks until a request is recorded after `seen_seq` was the next seq, or `timeout` passes.
    pub(crate) fn wait_for_new(&self, seen_seq: u64, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let mut log = self.lock();
        while log.next_seq == seen_seq {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            log = self
                .changed
                .wait_timeout(log, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// The async form of [`wait_until`](Self::wait_until), for callers on a tokio runtime.
    pub(crate) async fn wait_until_async(
        &self,
        timeout: Duration,
        mut done: impl FnMut(&[RecordedRequest]) -> bool,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.generation.subscribe();
        loop {
            changes.borrow_and_update();
            if self.with_requests(&mut done) {
                return true;
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                // The timeout passed, or the emulator is gone: check one last time.
                _ => return self.with_requests(&mut done),
            }
        }
    }
}
