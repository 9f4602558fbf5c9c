//! Inspecting what the platform received: the request log, its views, waiting, live feed.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::emulator::Emulator;
use crate::intake::recorded_events;
use crate::logs::{LogEntry, recorded_entries};
use crate::recording::RecordedRequest;

/// Longest pause between two checks of a [`Emulator::wait_until`] predicate.
const POLL: Duration = Duration::from_millis(10);

impl Emulator {
    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.platform.recorder.with_requests(<[_]>::to_vec)
    }

    /// The requests received on `path` (any method), in arrival order.
    pub fn requests_to(&self, path: &str) -> Vec<RecordedRequest> {
        self.platform.recorder.with_requests(|requests| {
            requests
                .iter()
                .filter(|request| request.path == path)
                .cloned()
                .collect()
        })
    }

    /// The requests numbered `seq` or later ([`RecordedRequest::seq`]): those received since
    /// a mark taken with [`next_seq`](Self::next_seq).
    pub fn requests_since(&self, seq: u64) -> Vec<RecordedRequest> {
        self.platform.recorder.with_requests(|requests| {
            requests
                .iter()
                .filter(|request| request.seq >= seq)
                .cloned()
                .collect()
        })
    }

    /// The `seq` the next request will get: a mark for [`requests_since`](Self::requests_since).
    pub fn next_seq(&self) -> u64 {
        self.platform.recorder.next_seq()
    }

    /// The assets the asset-management API accepted (`POST /api/v2/asset-management/...`
    /// answered 2xx), every batch's `items` in order.
    pub fn assets(&self) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.starts_with(crate::ASSET_PUSH_PREFIX) && r.accepted())
            .filter_map(|r| r.body)
            .flat_map(|body| match body.get("items") {
                Some(Value::Array(items)) => items.clone(),
                _ => Vec::new(),
            })
            .collect()
    }

    /// The events the intake accepted (`/batch` requests answered 2xx), as the JSON strings
    /// received, in order. Empty when events are not kept
    /// ([`EmulatorBuilder::keep_events`](crate::EmulatorBuilder::keep_events)).
    pub fn intake_events(&self) -> Vec<String> {
        self.accepted_bodies("POST", "/batch", |body, out: &mut Vec<String>| {
            out.extend(recorded_events(body).map(str::to_owned));
        })
    }

    /// How many events the intake accepted, kept or not.
    pub fn intake_event_count(&self) -> u64 {
        self.platform.recorder.intake_event_count()
    }

    /// The trigger events the platform accepted: bodies of `POST /callback` answered 2xx
    /// (`{"name", "event", "request_id", "directory"?}`). A retried event appears once per
    /// accepted attempt.
    pub fn events(&self) -> Vec<Value> {
        self.accepted_bodies("POST", "/callback", |body, out| out.push(body.clone()))
    }

    /// The status updates the platform accepted: bodies of `PATCH /callback` answered 2xx
    /// (`{"status": "running"}` ... `{"status": "finished", ...}`).
    pub fn status_updates(&self) -> Vec<Value> {
        self.accepted_bodies("PATCH", "/callback", |body, out| out.push(body.clone()))
    }

    /// The log entries the platform accepted, flattened over every `POST /logs` answered 2xx.
    pub fn logs(&self) -> Vec<LogEntry> {
        self.accepted_bodies("POST", "/logs", |body, out| {
            out.extend(recorded_entries(body));
        })
    }

    fn accepted_bodies<T>(
        &self,
        method: &str,
        path: &str,
        mut collect: impl FnMut(&Value, &mut Vec<T>),
    ) -> Vec<T> {
        self.platform.recorder.with_requests(|requests| {
            let mut out = Vec::new();
            let accepted = requests
                .iter()
                .filter(|request| request.is(method, path) && request.accepted());
            for body in accepted.filter_map(|request| request.body.as_ref()) {
                collect(body, &mut out);
            }
            out
        })
    }

    /// Blocks until `predicate` holds for the recorded requests, or `timeout` passes; returns
    /// whether it holds. The predicate runs at once, then after each new request.
    ///
    /// The predicate runs while the request log is locked: it must look at the slice it gets,
    /// not call this emulator (that would deadlock). To test the emulator's views
    /// ([`events`](Self::events), [`logs`](Self::logs)...), use [`wait_until`](Self::wait_until).
    ///
    /// ```
    /// use std::time::Duration;
    /// use sekoia_emulator::Emulator;
    ///
    /// let emulator = Emulator::start();
    /// let finished = emulator.wait_for(
    ///     |requests| requests.iter().any(|r| r.is("PATCH", "/callback")),
    ///     Duration::from_millis(10),
    /// );
    /// assert!(!finished); // nobody called
    /// ```
    pub fn wait_for(
        &self,
        predicate: impl FnMut(&[RecordedRequest]) -> bool,
        timeout: Duration,
    ) -> bool {
        self.platform.recorder.wait_until(timeout, predicate)
    }

    /// Blocks until `predicate` holds for the emulator, or `timeout` passes; returns whether it
    /// holds. The predicate runs at once, after each new request, and every 10 ms; it may call
    /// any method of the emulator.
    ///
    /// ```
    /// use std::time::Duration;
    /// use sekoia_emulator::Emulator;
    ///
    /// let emulator = Emulator::start();
    /// let logged = emulator.wait_until(|e| e.logs().len() >= 2, Duration::from_millis(10));
    /// assert!(!logged);
    /// ```
    pub fn wait_until(
        &self,
        mut predicate: impl FnMut(&Emulator) -> bool,
        timeout: Duration,
    ) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let seen = self.next_seq();
            if predicate(self) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            self.wait_for_new_request(seen, POLL.min(deadline - now));
        }
    }

    /// Blocks until the intake has accepted at least `count` events, or `timeout` passes.
    pub fn wait_for_intake_events(&self, count: u64, timeout: Duration) -> bool {
        let recorder = &self.platform.recorder;
        recorder.wait_until(timeout, |_| recorder.intake_event_count() >= count)
    }

    /// [`wait_for`](Self::wait_for) for async code on a tokio runtime (with the `time` driver).
    pub async fn wait_for_async(
        &self,
        predicate: impl FnMut(&[RecordedRequest]) -> bool,
        timeout: Duration,
    ) -> bool {
        self.platform
            .recorder
            .wait_until_async(timeout, predicate)
            .await
    }

    /// Blocks until a request arrives after `seen_seq` was the next `seq`, or `timeout` passes.
    pub(crate) fn wait_for_new_request(&self, seen_seq: u64, timeout: Duration) {
        self.platform.recorder.wait_for_new(seen_seq, timeout);
    }

    /// Forgets the recorded requests and resets the intake event count and the vendor API's
    /// count of events served. Scripts, secrets, the vendor API's events and `seq` numbers are
    /// kept.
    pub fn clear(&self) {
        self.platform.recorder.clear();
        self.platform.vendor.reset_served();
    }

    /// A live feed of the requests recorded from now on, in arrival order (each one is cloned
    /// into every subscriber). Drop the receiver to unsubscribe; the channel ends when the
    /// emulator is dropped.
    ///
    /// ```
    /// use std::time::Duration;
    /// use sekoia_emulator::Emulator;
    ///
    /// let emulator = Emulator::start();
    /// let feed = emulator.subscribe();
    /// // ... run a module, then, e.g. in a CLI thread:
    /// while let Ok(request) = feed.recv_timeout(Duration::from_millis(10)) {
    ///     println!("{request}");
    /// }
    /// ```
    pub fn subscribe(&self) -> mpsc::Receiver<RecordedRequest> {
        self.platform.recorder.subscribe()
    }
}
