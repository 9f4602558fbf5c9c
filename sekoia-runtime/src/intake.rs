//! Pushing events to a Sekoia intake: `POST <intake>/batch`.
//!
//! Events are serialized once, straight into the request bodies: a chunk holds at most
//! 9,437,184 bytes of events (90% of the intake's 10 MiB), an event over 250,000 bytes is
//! discarded, counted and logged (sizes in UTF-8 bytes). Chunks are sent a few at a time, ids come
//! back in input order, and a failed chunk is retried with an exponential wait (or the reply's
//! `Retry-After`) for up to an hour. A chunk that still fails is not lost: the error hands its
//! events back to the caller.

use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use serde::Serialize;

use crate::platform::error_chain;

mod event_ids;
mod event_json;

pub use event_ids::{EventId, EventIds, Iter as EventIdsIter};
use event_json::{escape_json_string, write_event};

/// The most event bytes in one request.
pub const CHUNK_BYTES_MAX: usize = 9_437_184;
/// The largest event accepted.
pub const EVENT_BYTES_MAX: usize = 250_000;
/// Room reserved for the events of one request body: the event bytes and an eighth more for
/// escapes, separators and the closing bytes (a body that needs more still grows).
const BODY_BYTES_RESERVED: usize = CHUNK_BYTES_MAX + CHUNK_BYTES_MAX / 8;
/// The most ids room is made for before the first chunk is answered (from the events' size
/// hint; a longer push still grows the vector).
const IDS_PRESIZED_MAX: usize = 1 << 22;
/// Chunks in flight at once.
pub(crate) const PARALLEL_CHUNKS: usize = 4;
/// How long a chunk is retried, in retry units (an hour at the default unit of one second).
pub(crate) const RETRY_BUDGET_UNITS: u32 = 3600;

/// Events that could not be delivered: nothing is dropped silently.
#[derive(Debug, thiserror::Error)]
#[error("{} event(s) could not be pushed to the intake ({} delivered): {reason}", .undelivered.len(), .delivered_ids.len())]
pub struct PushError {
    /// Ids of the events that were delivered, in input order.
    pub delivered_ids: EventIds,
    /// The events that were not delivered, as the JSON strings that were sent.
    pub undelivered: Vec<String>,
    /// The last failure.
    pub reason: String,
}

/// The outcome of a push: ids in input order, and how many events were too large.
pub(crate) struct Pushed {
    pub(crate) ids: EventIds,
    pub(crate) discarded: u64,
}

/// An intake endpoint.
pub(crate) struct Intake {
    http: reqwest::Client,
    batch_url: String,
    intake_key: String,
    retry_unit: Duration,
}

impl Intake {
    /// `<base>/batch`, with `User-Agent: sekoiaio-connector-<intake_key>` and no Authorization.
    pub(crate) fn new(base_url: &str, intake_key: &str, retry_unit: Duration) -> Intake {
        let http = reqwest::Client::builder()
            .user_agent(format!("sekoiaio-connector-{intake_key}"))
            .timeout(crate::platform::REQUEST_TIMEOUT)
            .build()
            .expect("a reqwest client with a user agent builds");
        Intake {
            http,
            batch_url: format!("{}/batch", base_url.trim_end_matches('/')),
            intake_key: intake_key.to_owned(),
            retry_unit,
        }
    }

    /// Pushes `events`; see the module documentation.
    pub(crate) async fn push<I, E>(&self, events: I) -> Result<Pushed, PushError>
    where
        I: IntoIterator<Item = E>,
        E: Serialize,
    {
        let events = events.into_iter();
        // one id an event: sized once rather than grown (and copied) chunk after chunk
        let mut ids = EventIds::with_capacity(events.size_hint().0.min(IDS_PRESIZED_MAX));
        let mut chunks = Chunks {
            events,
            chunker: Chunker::new(&self.intake_key),
            done: false,
        };
        let mut undelivered = Vec::new();
        let mut reason = None;
        {
            // chunks are built as the sends make room: memory stays at a few chunks; results come
            // in input order and each chunk's ids are moved out as soon as it is answered
            let mut sends = futures_util::stream::iter(&mut chunks)
                .map(|chunk| self.send(chunk))
                .buffered(PARALLEL_CHUNKS);
            while let Some(result) = sends.next().await {
                match result {
                    Ok(chunk_ids) => ids.append(chunk_ids),
                    Err((chunk, why)) => {
                        undelivered.extend(chunk.events());
                        reason = Some(why);
                    }
                }
            }
        }
        let discarded = chunks.chunker.discarded;
        match reason {
            None => Ok(Pushed { ids, discarded }),
            Some(reason) => Err(PushError {
                delivered_ids: ids,
                undelivered,
                reason,
            }),
        }
    }

    /// Sends one chunk, retrying within the budget.
    async fn send(&self, chunk: Chunk) -> Result<EventIds, (Chunk, String)> {
        let started = Instant::now();
        let budget = self.retry_unit * RETRY_BUDGET_UNITS;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let sent = self
                .http
                .post(&self.batch_url)
                .header("content-type", "application/json")
                .body(chunk.body.clone())
                .send()
                .await;
            let (why, retry_after, final_failure) = match sent {
                Ok(reply) if reply.status().is_success() => match reply.bytes().await {
                    Ok(body) => match ids(&body, chunk.count) {
                        Ok(ids) => return Ok(ids),
                        Err(why) => (why, None, false),
                    },
                    Err(e) => (
                        format!("the intake's reply cannot be read: {}", error_chain(&e)),
                        None,
                        false,
                    ),
                },
                Ok(reply) => {
                    let status = reply.status();
                    let retry_after = reply
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let body = reply.text().await.unwrap_or_default();
                    // a malformed or oversized request will never be accepted
                    let hopeless = matches!(status.as_u16(), 400 | 413 | 422);
                    (
                        format!(
                            "POST {} answered {status}: {}",
                            self.batch_url,
                            body.chars().take(300).collect::<String>()
                        ),
                        retry_after,
                        hopeless,
                    )
                }
                Err(e) => (
                    format!("POST {} failed: {}", self.batch_url, error_chain(&e)),
                    None,
                    false,
                ),
            };
            let wait = retry_after.unwrap_or_else(|| {
                (self.retry_unit * 2u32.saturating_pow(attempt.min(16))).min(self.retry_unit * 10)
            });
            if final_failure || started.elapsed() + wait > budget {
                return Err((chunk, format!("{why} (after {attempt} attempt(s))")));
            }
            tracing::warn!(
                "cannot push {} events, trying again in {:?}: {why}",
                chunk.count,
                wait
            );
            tokio::time::sleep(wait).await;
        }
    }
}

/// The ids of an intake reply `{"event_ids": [...]}` when there is one per event, read straight
/// into their compact form; else what is wrong with the reply.
fn ids(body: &[u8], expected: usize) -> Result<EventIds, String> {
    #[derive(serde::Deserialize)]
    struct Reply {
        event_ids: EventIds,
    }
    let shown = || String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
    match serde_json::from_slice::<Reply>(body) {
        Ok(reply) if reply.event_ids.len() == expected => Ok(reply.event_ids),
        Ok(reply) => Err(format!(
            "the intake's reply has {} `event_ids` for {expected} events: {}",
            reply.event_ids.len(),
            shown()
        )),
        Err(e) => Err(format!(
            "the intake's reply is not `{{\"event_ids\": [...]}}` ({e}): {}",
            shown()
        )),
    }
}

/// The chunks of a sequence of events, built lazily.
struct Chunks<I> {
    events: I,
    chunker: Chunker,
    done: bool,
}

impl<I: Iterator<Item = E>, E: Serialize> Iterator for Chunks<I> {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        if self.done {
            return None;
        }
        for event in &mut self.events {
            if let Some(chunk) = self.chunker.add(&event) {
                return Some(chunk);
            }
        }
        self.done = true;
        self.chunker.finish()
    }
}

/// A request body ready to send, and how many events it holds.
pub(crate) struct Chunk {
    body: Bytes,
    count: usize,
}

impl Chunk {
    /// The events of a chunk, for the caller to keep when it could not be delivered.
    fn events(&self) -> Vec<String> {
        #[derive(serde::Deserialize)]
        struct Body {
            jsons: Vec<String>,
        }
        serde_json::from_slice::<Body>(&self.body)
            .map(|b| b.jsons)
            .unwrap_or_default()
    }
}

/// Builds chunk bodies while serializing the events.
pub(crate) struct Chunker {
    prefix: Vec<u8>,
    body: Vec<u8>,
    event_bytes: usize,
    count: usize,
    pub(crate) discarded: u64,
}

impl Chunker {
    pub(crate) fn new(intake_key: &str) -> Chunker {
        let mut prefix = b"{\"intake_key\":".to_vec();
        escape_json_string(&mut prefix, intake_key.as_bytes());
        prefix.extend_from_slice(b",\"jsons\":[");
        Chunker {
            body: Chunker::empty_body(&prefix),
            prefix,
            event_bytes: 0,
            count: 0,
            discarded: 0,
        }
    }

    /// A body holding only `prefix`, with room for a full chunk of events and their escapes, so
    /// that it is not reallocated (and copied) while it fills up. Pages not written to take no
    /// memory.
    fn empty_body(prefix: &[u8]) -> Vec<u8> {
        let mut body = Vec::with_capacity(prefix.len() + BODY_BYTES_RESERVED);
        body.extend_from_slice(prefix);
        body
    }

    /// Adds an event; returns the previous chunk when this event does not fit in it.
    ///
    /// The event is serialized once, straight into the body ([`write_event`]); one that turns
    /// out too large, or that cannot be serialized, is cut off again and counted as discarded.
    pub(crate) fn add<E: Serialize + ?Sized>(&mut self, event: &E) -> Option<Chunk> {
        let mark = self.body.len();
        if self.count > 0 {
            self.body.push(b',');
        }
        let start = self.body.len();
        let size = match write_event(&mut self.body, event) {
            Ok(size) => size,
            Err(e) => {
                tracing::error!("an event cannot be serialized and is discarded: {e}");
                self.body.truncate(mark);
                self.discarded += 1;
                return None;
            }
        };
        if size > EVENT_BYTES_MAX {
            self.body.truncate(mark);
            self.discarded += 1;
            return None;
        }
        if self.count > 0 && self.event_bytes + size > CHUNK_BYTES_MAX {
            // the event opens the next chunk: its bytes move there (one event a chunk is copied)
            let mut next = Chunker::empty_body(&self.prefix);
            next.extend_from_slice(&self.body[start..]);
            self.body.truncate(mark);
            let full = self.take_into(next);
            self.event_bytes = size;
            self.count = 1;
            return full;
        }
        self.event_bytes += size;
        self.count += 1;
        None
    }

    /// The chunk filled so far, with `next` as the body that follows it.
    fn take_into(&mut self, next: Vec<u8>) -> Option<Chunk> {
        if self.count == 0 {
            return None;
        }
        let mut body = std::mem::replace(&mut self.body, next);
        body.extend_from_slice(b"]}");
        let chunk = Chunk {
            body: Bytes::from(body),
            count: self.count,
        };
        self.count = 0;
        self.event_bytes = 0;
        Some(chunk)
    }

    /// The last, partial chunk.
    pub(crate) fn finish(&mut self) -> Option<Chunk> {
        self.take_into(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn parse(chunk: &Chunk) -> Value {
        serde_json::from_slice(&chunk.body).unwrap()
    }

    #[test]
    fn bodies_hold_the_events_as_json_strings() {
        let mut chunker = Chunker::new("ik");
        assert!(
            chunker
                .add(&json!({"id": 0, "msg": "a \"quoted\"\nline é"}))
                .is_none()
        );
        assert!(chunker.add("raw syslog line").is_none());
        let chunk = chunker.finish().unwrap();
        assert_eq!(chunk.count, 2);
        assert_eq!(
            parse(&chunk),
            json!({"intake_key": "ik", "jsons": [r#"{"id":0,"msg":"a \"quoted\"\nline é"}"#, "raw syslog line"]})
        );
        assert_eq!(
            chunk.events(),
            vec![
                r#"{"id":0,"msg":"a \"quoted\"\nline é"}"#.to_owned(),
                "raw syslog line".to_owned()
            ]
        );
    }

    #[test]
    fn chunks_stop_at_the_byte_limit_counting_utf8_bytes() {
        // 'é' is two bytes: 1000 of them weigh 2000 bytes, not 1000 characters
        let event = "é".repeat(1000);
        let per_chunk = CHUNK_BYTES_MAX / 2000;
        let mut chunker = Chunker::new("ik");
        let mut chunks = Vec::new();
        for _ in 0..per_chunk * 2 + 1 {
            chunks.extend(chunker.add(event.as_str()));
        }
        chunks.extend(chunker.finish());
        let counts: Vec<usize> = chunks.iter().map(|c| c.count).collect();
        assert_eq!(counts, vec![per_chunk, per_chunk, 1]);
        // the event that opened each chunk moved there whole
        for chunk in &chunks {
            let events = chunk.events();
            assert_eq!(events.len(), chunk.count);
            assert!(events.iter().all(|e| *e == event));
        }
    }

    #[test]
    fn an_event_that_cannot_be_serialized_is_discarded_and_the_body_stays_valid() {
        let mut chunker = Chunker::new("ik");
        chunker.add(&json!({"n": 1}));
        let bad: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        chunker.add(&bad);
        chunker.add(&json!({"n": 2}));
        assert_eq!(chunker.discarded, 1);
        let chunk = chunker.finish().unwrap();
        assert_eq!(
            parse(&chunk),
            json!({"intake_key": "ik", "jsons": [r#"{"n":1}"#, r#"{"n":2}"#]})
        );
    }

    #[test]
    fn oversized_events_are_discarded_and_counted() {
        let mut chunker = Chunker::new("ik");
        chunker.add("x".repeat(EVENT_BYTES_MAX).as_str());
        chunker.add("x".repeat(EVENT_BYTES_MAX + 1).as_str());
        assert_eq!(chunker.discarded, 1);
        assert_eq!(chunker.finish().unwrap().count, 1);
    }

    /// A stand-in intake that answers `id-<n>` for each event `{"n": <n>, ...}`, and answers the
    /// chunk holding event 0 last.
    async fn ordering_intake() -> String {
        use http_body_util::BodyExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        |request: hyper::Request<hyper::body::Incoming>| async move {
                            let body = request.into_body().collect().await.unwrap().to_bytes();
                            let body: Value = serde_json::from_slice(&body).unwrap();
                            let ids: Vec<String> = body["jsons"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(|e| {
                                    format!(
                                        "id-{}",
                                        serde_json::from_str::<Value>(e.as_str().unwrap()).unwrap()
                                            ["n"]
                                    )
                                })
                                .collect();
                            if ids[0] == "id-0" {
                                tokio::time::sleep(Duration::from_millis(400)).await;
                            }
                            let reply = serde_json::to_vec(&json!({ "event_ids": ids })).unwrap();
                            Ok::<_, std::convert::Infallible>(hyper::Response::new(
                                http_body_util::Full::new(Bytes::from(reply)),
                            ))
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        url
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ids_come_back_in_input_order_when_chunks_finish_out_of_order() {
        let url = ordering_intake().await;
        let intake = Intake::new(&url, "ik", Duration::from_millis(1));
        // 200 kB events: 47 a chunk, so 141 events make 3 chunks, the first answered last
        let events: Vec<Value> = (0..141)
            .map(|n| json!({"n": n, "pad": "x".repeat(200_000)}))
            .collect();
        let pushed = intake.push(&events).await.unwrap();
        let expected: Vec<String> = (0..141).map(|n| format!("id-{n}")).collect();
        assert_eq!(pushed.ids.to_strings(), expected);
        assert_eq!(pushed.discarded, 0);
    }

    #[test]
    fn reply_ids_are_taken_in_order_when_there_is_one_per_event() {
        let id = "0f8e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
        let body = format!(r#"{{"event_ids": ["{id}", "b", 3], "other": 1}}"#);
        assert_eq!(
            ids(body.as_bytes(), 3).unwrap().to_strings(),
            vec![id, "b", "3"]
        );
        let short = ids(br#"{"event_ids": ["a"]}"#, 2).unwrap_err();
        assert_eq!(
            short,
            r#"the intake's reply has 1 `event_ids` for 2 events: {"event_ids": ["a"]}"#
        );
        for wrong in [&b"{}"[..], b"[]", b"not json", br#"{"event_ids": [true]}"#] {
            let why = ids(wrong, 0).unwrap_err();
            assert!(
                why.starts_with(r#"the intake's reply is not `{"event_ids": [...]}`"#),
                "{why}"
            );
        }
    }
}
