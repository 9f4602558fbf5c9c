//! Liveness of a trigger or connector: what `GET /health` on `liveness_port` answers.
//!
//! Alive (200) unless events are overdue (`seconds_without_events` since the last event, when
//! that threshold is set) or the heartbeat is overdue (`last_heartbeat_threshold`, when set);
//! 500 otherwise. The body says why: the last event and heartbeat times, both thresholds and the
//! count of successive errors.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio::time::Instant;

use crate::clock::Clock;

/// Health thresholds of a component, in seconds (0: not checked).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Thresholds {
    pub(crate) seconds_without_events: u64,
    pub(crate) heartbeat: u64,
}

/// What the health endpoint reports.
pub(crate) struct Liveness {
    clock: Clock,
    started: Instant,
    last_event: Mutex<Instant>,
    last_heartbeat: Mutex<Instant>,
    error_count: AtomicU32,
    seconds_without_events: AtomicU64,
    heartbeat_threshold: AtomicU64,
}

/// An answer of the health endpoint: its status and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HealthAnswer {
    pub(crate) status: u16,
    pub(crate) body: Value,
}

impl Liveness {
    /// Liveness from now, without thresholds.
    pub(crate) fn new(clock: Clock) -> Liveness {
        let now = clock.instant();
        Liveness {
            clock,
            started: now,
            last_event: Mutex::new(now),
            last_heartbeat: Mutex::new(now),
            error_count: AtomicU32::new(0),
            seconds_without_events: AtomicU64::new(0),
            heartbeat_threshold: AtomicU64::new(0),
        }
    }

    /// The thresholds of the component (its trait's constants).
    pub(crate) fn set_thresholds(&self, thresholds: Thresholds) {
        self.seconds_without_events
            .store(thresholds.seconds_without_events, Ordering::Relaxed);
        self.heartbeat_threshold
            .store(thresholds.heartbeat, Ordering::Relaxed);
    }

    fn thresholds(&self) -> Thresholds {
        Thresholds {
            seconds_without_events: self.seconds_without_events.load(Ordering::Relaxed),
            heartbeat: self.heartbeat_threshold.load(Ordering::Relaxed),
        }
    }

    /// An event was sent: resets the error count.
    pub(crate) fn event_sent(&self) {
        *self
            .last_event
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = self.clock.instant();
        self.error_count.store(0, Ordering::Relaxed);
    }

    /// The component is working (long work without events).
    pub(crate) fn heartbeat(&self) {
        *self
            .last_heartbeat
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = self.clock.instant();
    }

    /// One more successive error; returns the count.
    pub(crate) fn error(&self) -> u32 {
        self.error_count.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// How long the component has been running.
    pub(crate) fn uptime(&self) -> Duration {
        self.clock.instant().duration_since(self.started)
    }

    /// How long since the last event (or the start).
    pub(crate) fn since_last_event(&self) -> Duration {
        self.clock.instant().duration_since(self.last_event())
    }

    fn last_event(&self) -> Instant {
        *self
            .last_event
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn last_heartbeat(&self) -> Instant {
        *self
            .last_heartbeat
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether both checks pass.
    pub(crate) fn is_alive(&self) -> bool {
        let now = self.clock.instant();
        let overdue = |since: Instant, threshold: u64| {
            threshold > 0 && now.duration_since(since).as_secs() > threshold
        };
        let thresholds = self.thresholds();
        !overdue(self.last_event(), thresholds.seconds_without_events)
            && !overdue(self.last_heartbeat(), thresholds.heartbeat)
    }

    /// The answer to `GET /health`.
    pub(crate) fn health(&self) -> HealthAnswer {
        let thresholds = self.thresholds();
        let body = json!({
            "last_events_time": seconds(self.clock.wall(self.last_event())),
            "last_heartbeat": seconds(self.clock.wall(self.last_heartbeat())),
            "seconds_without_events_threshold": thresholds.seconds_without_events,
            "last_heartbeat_threshold": thresholds.heartbeat,
            "error_count": self.error_count.load(Ordering::Relaxed),
        });
        HealthAnswer {
            status: if self.is_alive() { 200 } else { 500 },
            body,
        }
    }
}

fn seconds(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn overdue_events_make_it_unhealthy() {
        let liveness = Liveness::new(Clock::system());
        liveness.set_thresholds(Thresholds {
            seconds_without_events: 10,
            heartbeat: 0,
        });
        assert!(liveness.is_alive());
        tokio::time::sleep(Duration::from_secs(11)).await;
        assert!(!liveness.is_alive());
        liveness.event_sent();
        assert!(liveness.is_alive());
    }

    #[tokio::test(start_paused = true)]
    async fn overdue_heartbeat_makes_it_unhealthy() {
        let liveness = Liveness::new(Clock::system());
        liveness.set_thresholds(Thresholds {
            seconds_without_events: 0,
            heartbeat: 5,
        });
        tokio::time::sleep(Duration::from_secs(6)).await;
        assert_eq!(liveness.health().status, 500);
        liveness.heartbeat();
        assert_eq!(liveness.health().status, 200);
    }
}
