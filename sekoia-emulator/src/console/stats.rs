//! What the console shows at a glance, gathered as requests are recorded: counts, the status
//! timeline, the log levels, the intake's throughput second by second. Bounded whatever the run:
//! the timeline keeps its last entries, the throughput its last minutes.

use std::collections::VecDeque;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::intake::recorded_events;
use crate::logs::{LOG_LEVELS, recorded_entries};
use crate::recording::RecordedRequest;

/// Seconds of throughput kept for the chart.
const SECONDS_KEPT: usize = 300;
/// Status changes kept for the timeline.
const STATUSES_KEPT: usize = 200;
/// Requests shown as the latest.
const LATEST_KEPT: usize = 25;

/// One second of traffic.
#[derive(Debug, Clone, Copy, Default)]
struct Second {
    at: u64,
    requests: u64,
    intake_events: u64,
    intake_bytes: u64,
}

/// The aggregates of the console.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    /// The next `seq` to look at.
    next_seq: u64,
    requests: u64,
    failed: u64,
    dropped: u64,
    scripted: u64,
    events: u64,
    logs: [u64; 5],
    batches: u64,
    intake_events: u64,
    intake_bytes: u64,
    statuses: VecDeque<Value>,
    latest: VecDeque<Value>,
    seconds: VecDeque<Second>,
}

impl Stats {
    /// Takes the requests recorded since the last call into account.
    pub(crate) fn update(&mut self, requests: &[RecordedRequest]) {
        // the log is in seq order: skip what was seen without walking it
        let start = requests.partition_point(|request| request.seq < self.next_seq);
        for request in &requests[start..] {
            self.add(request);
            self.next_seq = request.seq + 1;
        }
    }

    fn add(&mut self, request: &RecordedRequest) {
        self.requests += 1;
        match request.status {
            None => self.dropped += 1,
            Some(status) if status >= 400 => self.failed += 1,
            Some(_) => {}
        }
        if request.scripted {
            self.scripted += 1;
        }
        let second = seconds_of(request.timestamp);
        let mut intake = (0, 0);
        if request.accepted()
            && let Some(body) = &request.body
        {
            match (request.method.as_str(), request.path.as_str()) {
                ("PATCH", "/callback") => {
                    if self.statuses.len() == STATUSES_KEPT {
                        self.statuses.pop_front();
                    }
                    self.statuses.push_back(json!({
                        "seq": request.seq,
                        "time": millis_of(request.timestamp),
                        "status": body.get("status").cloned().unwrap_or(Value::Null),
                        "error": body.get("error").cloned().unwrap_or(Value::Null),
                        "results": body.get("results").is_some(),
                    }));
                }
                ("POST", "/callback") => self.events += 1,
                ("POST", "/logs") => {
                    for entry in recorded_entries(body) {
                        if let Some(level) = LOG_LEVELS.iter().position(|l| *l == entry.level) {
                            self.logs[level] += 1;
                        }
                    }
                }
                ("POST", "/batch") => {
                    let count = batch_event_count(body);
                    self.batches += 1;
                    self.intake_events += count;
                    self.intake_bytes += request.body_len as u64;
                    intake = (count, request.body_len as u64);
                }
                _ => {}
            }
        }
        self.count_second(second, intake);
        if self.latest.len() == LATEST_KEPT {
            self.latest.pop_front();
        }
        self.latest.push_back(request_line(request));
    }

    fn count_second(&mut self, at: u64, (events, bytes): (u64, u64)) {
        let known = self.seconds.back().map(|second| second.at);
        match known {
            Some(last) if last == at => {}
            Some(last) if at < last => {
                // a request read a little before one recorded earlier: counted in its second
                if let Some(second) = self.seconds.iter_mut().rev().find(|s| s.at <= at) {
                    second.requests += 1;
                    second.intake_events += events;
                    second.intake_bytes += bytes;
                }
                return;
            }
            Some(last) => {
                // quiet seconds are zeros on the chart
                for gap in (last + 1)..at.min(last + SECONDS_KEPT as u64) {
                    self.push_second(Second {
                        at: gap,
                        ..Second::default()
                    });
                }
                self.push_second(Second {
                    at,
                    ..Second::default()
                });
            }
            None => self.push_second(Second {
                at,
                ..Second::default()
            }),
        }
        if let Some(second) = self.seconds.back_mut() {
            second.requests += 1;
            second.intake_events += events;
            second.intake_bytes += bytes;
        }
    }

    fn push_second(&mut self, second: Second) {
        if self.seconds.len() == SECONDS_KEPT {
            self.seconds.pop_front();
        }
        self.seconds.push_back(second);
    }

    /// The summary the page shows, with the requests scripted but not yet used.
    pub(crate) fn summary(&self, pending_faults: usize) -> Value {
        let logs: serde_json::Map<String, Value> = LOG_LEVELS
            .iter()
            .zip(self.logs)
            .map(|(level, count)| ((*level).to_owned(), count.into()))
            .collect();
        json!({
            "seq": self.next_seq,
            "requests": self.requests,
            "failed": self.failed,
            "dropped": self.dropped,
            "scripted": self.scripted,
            "pending_faults": pending_faults,
            "events": self.events,
            "logs": logs,
            "intake": {
                "batches": self.batches,
                "events": self.intake_events,
                "bytes": self.intake_bytes,
            },
            "statuses": self.statuses,
            "latest": self.latest,
            "seconds": self.seconds.iter().map(|s| json!([s.at, s.requests, s.intake_events, s.intake_bytes])).collect::<Vec<_>>(),
        })
    }
}

/// How many events a recorded `/batch` body held (kept, or only counted).
pub(crate) fn batch_event_count(body: &Value) -> u64 {
    match body.get("jsons") {
        Some(Value::Number(count)) => count.as_u64().unwrap_or(0),
        Some(Value::Array(_)) => recorded_events(body).count() as u64,
        _ => 0,
    }
}

/// A request as one line of the console's lists.
pub(crate) fn request_line(request: &RecordedRequest) -> Value {
    json!({
        "seq": request.seq,
        "time": millis_of(request.timestamp),
        "method": request.method,
        "path": request.path,
        "status": request.status,
        "scripted": request.scripted,
        "bytes": request.body_len,
    })
}

/// Milliseconds since the epoch, for the page's clock.
pub(crate) fn millis_of(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn seconds_of(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
