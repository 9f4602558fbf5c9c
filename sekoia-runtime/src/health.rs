//! Liveness of a trigger or connector: `GET /health` on `liveness_port`.
//!
//! Alive (200) unless events are overdue (`seconds_without_events` since the last event, when
//! that threshold is set) or the heartbeat is overdue (`last_heartbeat_threshold`, when set);
//! 500 otherwise. The body says why: the last event and heartbeat times, both thresholds and the
//! count of successive errors.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use serde_json::json;

use crate::monitoring::response;

/// What the health endpoint reports.
pub(crate) struct Liveness {
    started: SystemTime,
    last_event: Mutex<SystemTime>,
    last_heartbeat: Mutex<SystemTime>,
    error_count: AtomicU32,
    seconds_without_events: u64,
    heartbeat_threshold: u64,
}

impl Liveness {
    pub(crate) fn new(seconds_without_events: u64, heartbeat_threshold: u64) -> Liveness {
        let now = SystemTime::now();
        Liveness {
            started: now,
            last_event: Mutex::new(now),
            last_heartbeat: Mutex::new(now),
            error_count: AtomicU32::new(0),
            seconds_without_events,
            heartbeat_threshold,
        }
    }

    /// An event was sent: resets the error count.
    pub(crate) fn event_sent(&self) {
        *self.last_event.lock().unwrap_or_else(|e| e.into_inner()) = SystemTime::now();
        self.error_count.store(0, Ordering::Relaxed);
    }

    /// The component is working (long work without events).
    pub(crate) fn heartbeat(&self) {
        *self
            .last_heartbeat
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = SystemTime::now();
    }

    /// One more successive error; returns the count.
    pub(crate) fn error(&self) -> u32 {
        self.error_count.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub(crate) fn started(&self) -> SystemTime {
        self.started
    }

    pub(crate) fn last_event(&self) -> SystemTime {
        *self.last_event.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn last_heartbeat(&self) -> SystemTime {
        *self
            .last_heartbeat
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Whether both checks pass.
    pub(crate) fn is_alive(&self) -> bool {
        let overdue = |since: SystemTime, threshold: u64| {
            threshold > 0
                && SystemTime::now()
                    .duration_since(since)
                    .map(|d| d.as_secs() > threshold)
                    .unwrap_or(false)
        };
        !overdue(self.last_event(), self.seconds_without_events)
            && !overdue(self.last_heartbeat(), self.heartbeat_threshold)
    }

    /// The answer to a request.
    pub(crate) fn respond(&self, method: &hyper::Method, path: &str) -> Response<Full<Bytes>> {
        if method != hyper::Method::GET || path != "/health" {
            let body = json!({"status_code": 404, "reason": "Endpoint doesn't exist"});
            return response(404, "application/json", body.to_string());
        }
        let body = json!({
            "last_events_time": seconds(self.last_event()),
            "last_heartbeat": seconds(self.last_heartbeat()),
            "seconds_without_events_threshold": self.seconds_without_events,
            "last_heartbeat_threshold": self.heartbeat_threshold,
            "error_count": self.error_count.load(Ordering::Relaxed),
        });
        response(
            if self.is_alive() { 200 } else { 500 },
            "application/json",
            body.to_string(),
        )
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
    use std::time::Duration;

    #[test]
    fn overdue_events_make_it_unhealthy() {
        let liveness = Liveness::new(10, 0);
        assert!(liveness.is_alive());
        *liveness.last_event.lock().unwrap() = SystemTime::now() - Duration::from_secs(11);
        assert!(!liveness.is_alive());
        liveness.event_sent();
        assert!(liveness.is_alive());
    }

    #[test]
    fn overdue_heartbeat_makes_it_unhealthy() {
        let liveness = Liveness::new(0, 5);
        *liveness.last_heartbeat.lock().unwrap() = SystemTime::now() - Duration::from_secs(6);
        assert_eq!(
            liveness.respond(&hyper::Method::GET, "/health").status(),
            500
        );
        liveness.heartbeat();
        assert_eq!(
            liveness.respond(&hyper::Method::GET, "/health").status(),
            200
        );
        assert_eq!(
            liveness.respond(&hyper::Method::GET, "/other").status(),
            404
        );
    }
}
