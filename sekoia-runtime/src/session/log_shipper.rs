//! Ships trigger and connector logs to the platform's logs API.
//!
//! Entries are batched: sent when 50 are waiting, every 5 seconds, and at once for `error` and
//! `critical`. The same level and message is sent at most once a minute (critical excepted,
//! [`super::log_dedup`]); a critical is sent once, later ones become errors. A failed send keeps
//! the entries for the next one, in order; a batch the logs API refuses (a 4xx: it will never
//! take it) is written to standard error and the queue moves on.
//!
//! The queue holds at most [`QUEUE_MAX`] entries while the logs API is unreachable or slower
//! than the component; past that, new entries are dropped (every entry is also on standard
//! error, the container log) and counted, and the count is sent as a warning once the queue
//! drains. Errors and criticals have [`URGENT_RESERVE`] more places.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::log_dedup::Dedup;
use super::stop::Stop;
use crate::log_entry::{Level, LogEntry, python_isoformat};
use crate::platform::{PlatformApi, PlatformError};

/// Entries that trigger a send.
pub(crate) const BATCH_SIZE: usize = 50;
/// The longest an entry waits.
pub(crate) const FLUSH_PERIOD: Duration = Duration::from_secs(5);
/// The most entries waiting to be sent (about 10 MB of messages of 1 kB).
pub(crate) const QUEUE_MAX: usize = 10_000;
/// Places beyond [`QUEUE_MAX`] kept for errors and criticals.
pub(crate) const URGENT_RESERVE: usize = 1_000;
/// The longest the last flush at shutdown takes before what is left goes to standard error.
pub(crate) const FINAL_FLUSH_MAX: Duration = Duration::from_secs(10);

pub(crate) struct LogShipper {
    state: Mutex<State>,
    wake: Notify,
    platform: Arc<dyn PlatformApi>,
    /// One send at a time: the final flush waits for the one in flight.
    sending: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    buffer: VecDeque<LogEntry>,
    dedup: Dedup,
    critical_sent: bool,
    /// Entries dropped because the queue was full, not yet told to the platform.
    dropped: u64,
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
            if entry.level != Level::Critical
                && !state
                    .dedup
                    .admit(entry.level, &entry.message, Instant::now())
            {
                return;
            }
            urgent = entry.level >= Level::Error;
            let room = if urgent {
                QUEUE_MAX + URGENT_RESERVE
            } else {
                QUEUE_MAX
            };
            if state.buffer.len() >= room {
                state.dropped += 1;
                return;
            }
            state.buffer.push_back(entry);
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

    /// Sends what is waiting; on failure the entries stay queued, before newer ones. The entries
    /// leave the queue only once sent, so a flush cut short (the shutdown's bound) loses none.
    pub(crate) async fn flush(&self) -> Result<(), PlatformError> {
        let _sending = self.sending.lock().await;
        loop {
            // at most a batch a request, however many came in meanwhile
            let logs: Vec<Value> = {
                let mut state = self.state();
                if state.buffer.is_empty() && state.dropped > 0 {
                    let dropped = std::mem::take(&mut state.dropped);
                    let date = chrono::Utc::now();
                    state.buffer.push_back(LogEntry {
                        date,
                        level: Level::Warning,
                        message: format!(
                            "{dropped} log entries were dropped while the logs API could not be reached (they are in the container's standard error)"
                        ),
                        context: serde_json::Map::new(),
                    });
                }
                state.buffer.iter().take(BATCH_SIZE).map(as_json).collect()
            };
            if logs.is_empty() {
                return Ok(());
            }
            let count = logs.len();
            match self.platform.send_logs(&json!({ "logs": logs })).await {
                Ok(()) => {
                    self.state().buffer.drain(..count);
                }
                Err(e) if e.status().is_some_and(|s| s.is_client_error()) => {
                    // refused for good: keeping the batch would block every later entry
                    eprintln!("warning: the logs API refused {count} entries, written here: {e}");
                    for entry in self.state().buffer.drain(..count) {
                        unsent(&entry);
                    }
                }
                Err(e) => return Err(e),
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

    /// The last flush at shutdown: a few attempts within [`FINAL_FLUSH_MAX`], then what is left
    /// goes to standard error.
    pub(crate) async fn final_flush(&self) {
        let deadline = Instant::now() + FINAL_FLUSH_MAX;
        for attempt in 0..3u32 {
            match tokio::time::timeout_at(deadline, self.flush()).await {
                Ok(Ok(())) => return,
                Ok(Err(e)) => {
                    eprintln!("warning: cannot send logs at shutdown: {e}");
                    let pause = self.platform.retry_unit() * 2u32.pow(attempt);
                    if tokio::time::timeout_at(deadline, tokio::time::sleep(pause))
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
                Err(_) => {
                    eprintln!(
                        "warning: the logs API did not answer within {FINAL_FLUSH_MAX:?} at shutdown"
                    );
                    break;
                }
            }
        }
        let (left, dropped) = {
            let mut state = self.state();
            (
                std::mem::take(&mut state.buffer),
                std::mem::take(&mut state.dropped),
            )
        };
        for entry in &left {
            unsent(entry);
        }
        if dropped > 0 {
            eprintln!("warning: {dropped} log entries were dropped: the queue was full");
        }
    }
}

/// An entry that will not reach the logs API, on standard error.
fn unsent(entry: &LogEntry) {
    eprintln!(
        "unsent log: {}: {}: {}",
        python_isoformat(&entry.date),
        entry.level,
        entry.message
    );
}

/// An entry as the logs API receives it.
fn as_json(entry: &LogEntry) -> Value {
    json!({"date": python_isoformat(&entry.date), "level": entry.level.as_str(), "message": entry.message})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::memory::MemoryPlatform;
    use serde_json::Map;

    fn entry(level: Level, message: String) -> LogEntry {
        LogEntry {
            date: chrono::Utc::now(),
            level,
            message,
            context: Map::new(),
        }
    }

    #[tokio::test]
    async fn distinct_lines_cost_the_same_whatever_their_number() {
        let platform = Arc::new(MemoryPlatform::new(Map::new(), None));
        let shipper = LogShipper::new(Arc::new(platform));
        let started = std::time::Instant::now();
        for n in 0..32_000u32 {
            shipper.push(entry(Level::Debug, format!("distinct line {n}")));
        }
        let spent = started.elapsed();
        // quadratic pruning past 4,096 lines took tens of seconds here
        assert!(spent < Duration::from_secs(3), "{spent:?}");
    }

    #[tokio::test]
    async fn the_queue_is_bounded_and_the_drops_are_told() {
        let platform = Arc::new(MemoryPlatform::new(Map::new(), None));
        let shipper = LogShipper::new(Arc::new(Arc::clone(&platform)));
        for n in 0..QUEUE_MAX + 7 {
            shipper.push(entry(Level::Info, format!("line {n}")));
        }
        assert_eq!(shipper.pending().len(), QUEUE_MAX);
        shipper.flush().await.unwrap();
        let logs = platform.with_received(|r| r.logs.clone());
        assert_eq!(logs.len(), QUEUE_MAX + 1);
        assert_eq!(
            logs.last().unwrap()["message"],
            "7 log entries were dropped while the logs API could not be reached (they are in the container's standard error)"
        );
    }
}
