//! The once-a-minute rule of the log shipper: the same level and message is sent at most once
//! in [`DEDUP_WINDOW`].
//!
//! The messages seen in the window are kept in a map and, in the order they were first seen, in
//! a queue: each entry prunes the expired ones from the front of the queue, so the cost of an
//! entry does not grow with the number of distinct messages. At most [`DEDUP_KEYS_MAX`]
//! messages are remembered; past that the oldest is forgotten early (it may then be sent again
//! within the minute), so the memory stays bounded.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::log_entry::Level;

/// How long the same level and message is not sent again.
pub(crate) const DEDUP_WINDOW: Duration = Duration::from_secs(60);
/// The most distinct messages remembered at once.
pub(crate) const DEDUP_KEYS_MAX: usize = 16_384;

/// The messages sent in the last minute, one map a level (looked up by `&str`, without a copy
/// of the message), and the order they came in.
#[derive(Default)]
pub(crate) struct Dedup {
    seen: [HashMap<Arc<str>, Instant>; 5],
    order: VecDeque<(Instant, Level, Arc<str>)>,
    count: usize,
}

fn slot(level: Level) -> usize {
    match level {
        Level::Debug => 0,
        Level::Info => 1,
        Level::Warning => 2,
        Level::Error => 3,
        Level::Critical => 4,
    }
}

impl Dedup {
    /// Whether `message` at `level` may be sent at `now`; when it may, it is remembered.
    pub(crate) fn admit(&mut self, level: Level, message: &str, now: Instant) -> bool {
        while let Some((at, _, _)) = self.order.front() {
            if now.duration_since(*at) < DEDUP_WINDOW {
                break;
            }
            self.forget_oldest();
        }
        if self.seen[slot(level)].contains_key(message) {
            return false;
        }
        if self.count >= DEDUP_KEYS_MAX {
            self.forget_oldest();
        }
        let message: Arc<str> = Arc::from(message);
        self.seen[slot(level)].insert(Arc::clone(&message), now);
        self.order.push_back((now, level, message));
        self.count += 1;
        true
    }

    fn forget_oldest(&mut self) {
        if let Some((_, level, message)) = self.order.pop_front() {
            // each message is in the queue once: it is re-admitted only after it left
            self.seen[slot(level)].remove(&message);
            self.count -= 1;
        }
    }

    /// How many messages are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_message_comes_once_a_minute_and_memory_is_bounded() {
        let mut dedup = Dedup::default();
        let start = Instant::now();
        assert!(dedup.admit(Level::Info, "a", start));
        assert!(!dedup.admit(Level::Info, "a", start + Duration::from_secs(59)));
        assert!(dedup.admit(Level::Warning, "a", start), "levels differ");
        assert!(dedup.admit(Level::Info, "a", start + DEDUP_WINDOW));
        for n in 0..DEDUP_KEYS_MAX * 2 {
            dedup.admit(Level::Info, &n.to_string(), start + DEDUP_WINDOW);
        }
        assert_eq!(dedup.len(), DEDUP_KEYS_MAX);
    }

    #[test]
    fn the_cost_of_a_line_does_not_grow_with_distinct_lines() {
        // 64,000 distinct lines in one minute: quadratic pruning took minutes here, the queue
        // takes well under a second even in a debug build
        let mut dedup = Dedup::default();
        let now = Instant::now();
        let started = std::time::Instant::now();
        for n in 0..64_000u32 {
            assert!(dedup.admit(Level::Info, &format!("distinct line {n}"), now));
        }
        let spent = started.elapsed();
        assert!(spent < Duration::from_secs(5), "{spent:?}");
    }
}
