//! Ships trigger and connector logs to the platform's logs API.
//!
//! Entries are batched: sent when 50 are waiting, every 5 seconds, and at once for `error` and
//! `critical`. The same level and message is sent at most once a minute (critical excepted); a
//! critical is sent once, later ones become errors. A failed send keeps the entries for the next
//! one, in order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::stop::Stop;
use crate::log_entry::{Level, LogEntry, python_isoformat};
use crate::platform::{PlatformApi, PlatformError};

/// Entries that trigger a send.
pub(crate) const BATCH_SIZE: usize = 50;
/// The longest an entry waits.
pub(crate) const FLUSH_PERIOD: Duration = Duration::from_secs(5);
/// How long the same level and message is not sent again.
pub(crate) const DEDUP_WINDOW: Duration = Duration::from_secs(60);

pub(crate) struct LogShipper {
    state: Mutex<State>,
    wake: Notify,
    platform: Arc<dyn PlatformApi>,
    /// One send at a time: the final flush waits for the one in flight.
    sending: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    buffer: Vec<LogEntry>,
    last_sent: HashMap<(Level, String), Instant>,
    critical_sent: bool,
}

impl LogShipper {
    pub(crate) fn new(platform: Arc<dyn PlatformApi>) -> Arc<LogShipper> {
        Arc::new(LogShipper {
            state: Mutex::new(State::default()),
            wake: Notify::new(),
            platform,
            sending: tokio::sync::Mutex::new(()),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues an entry, applying the rate limit and the single-critical rule.
    pub(crate) fn push(&self, mut entry: LogEntry) {
        let urgent;
        {
            let mut state = self.state();
            if entry.level == Level::Critical {
                if state.critical_sent {
                    entry.level = Level::Error;
                } else {
                    state.critical_sent = true;
                }
            }
            if entry.level != Level::Critical {
                let now = Instant::now();
                let key = (entry.level, entry.message.clone());
                if state
                    .last_sent
                    .get(&key)
                    .is_some_and(|at| now.duration_since(*at) < DEDUP_WINDOW)
                {
                    return;
                }
                if state.last_sent.len() >= 4096 {
                    state
                        .last_sent
                        .retain(|_, at| now.duration_since(*at) < DEDUP_WINDOW);
                }
                state.last_sent.insert(key, now);
            }
            urgent = entry.level >= Level::Error;
            state.buffer.push(entry);
            if !(urgent || state.buffer.len() >= BATCH_SIZE) {
                return;
            }
        }
        self.wake.notify_one();
    }

    /// The entries waiting to be sent, as they will be.
    pub(crate) fn pending(&self) -> Vec<Value> {
        self.state().buffer.iter().map(as_json).collect()
    }

    /// Whether a critical entry was queued.
    pub(crate) fn critical_sent(&self) -> bool {
        self.state().critical_sent
    }

    /// Sends what is waiting; on failure the entries stay queued, before newer ones.
    pub(crate) async fn flush(&self) -> Result<(), PlatformError> {
        let _sending = self.sending.lock().await;
        loop {
            // at most a batch a request, however many came in meanwhile
            let batch: Vec<LogEntry> = {
                let mut state = self.state();
                let count = state.buffer.len().min(BATCH_SIZE);
                state.buffer.drain(..count).collect()
            };
            if batch.is_empty() {
                return Ok(());
            }
            let logs: Vec<Value> = batch.iter().map(as_json).collect();
            if let Err(e) = self.platform.send_logs(&json!({ "logs": logs })).await {
                let mut state = self.state();
                let newer = std::mem::replace(&mut state.buffer, batch);
                state.buffer.extend(newer);
                return Err(e);
            }
        }
    }

    /// Flushes on size, urgency or period until `stop` is set.
    pub(crate) fn spawn(self: &Arc<Self>, stop: Stop) -> tokio::task::JoinHandle<()> {
        let shipper = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = shipper.wake.notified() => {}
                    _ = tokio::time::sleep(FLUSH_PERIOD) => {}
                    _ = stop.stopped() => return,
                }
                if let Err(e) = shipper.flush().await {
                    eprintln!("warning: cannot send logs, keeping them for the next attempt: {e}");
                }
            }
        })
    }

    /// The last flush at shutdown: a few attempts, then what is left goes to standard error.
    pub(crate) async fn final_flush(&self) {
        for attempt in 0..3u32 {
            match self.flush().await {
                Ok(()) => return,
                Err(e) => {
                    eprintln!("warning: cannot send logs at shutdown: {e}");
                    tokio::time::sleep(self.platform.retry_unit() * 2u32.pow(attempt)).await;
                }
            }
        }
        for entry in std::mem::take(&mut self.state().buffer) {
            eprintln!(
                "unsent log: {}: {}: {}",
                python_isoformat(&entry.date),
                entry.level,
                entry.message
            );
        }
    }
}

/// An entry as the logs API receives it.
fn as_json(entry: &LogEntry) -> Value {
    json!({"date": python_isoformat(&entry.date), "level": entry.level.as_str(), "message": entry.message})
}
