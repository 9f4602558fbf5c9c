//! Pushing events to a Sekoia intake: `POST <intake>/batch`.
//!
//! Events are serialized once, straight into the request bodies: a chunk holds at most
//! 9,437,184 bytes of events (90% of the intake's 10 MiB), an event over 250,000 bytes is
//! discarded, counted and logged (sizes in UTF-8 bytes). Chunks are sent a few at a time, ids come
//! back in input order, and a failed chunk is retried with an exponential wait (or the reply's
//! `Retry-After`) for up to an hour. A chunk that still fails is not lost: the error hands its
//! events back to the caller.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::watch;

use crate::platform::IntakeApi;
use crate::platform::retry::{Policy, Verdict, retry};

mod batch;
mod escape;
mod event_ids;
mod event_json;
#[cfg(test)]
mod properties;

use batch::{Chunk, Chunker, Chunks, Spares};
pub use event_ids::{EventId, EventIds, Iter as EventIdsIter};

/// The most event bytes in one request.
pub(crate) const CHUNK_BYTES_MAX: usize = 9_437_184;
/// The largest event accepted.
pub(crate) const EVENT_BYTES_MAX: usize = 250_000;
/// The most ids room is made for before the first chunk is answered (from the events' size
/// hint; a longer push still grows the vector).
const IDS_PRESIZED_MAX: usize = 1 << 22;
/// Chunks in flight at once. Each holds up to 10 MB until the intake accepts it (it may have to
/// be sent again), so this bounds a push's memory: two keep both the intake and the serializer
/// busy (three were about 10% faster in the push benchmark, for 10 MB more).
pub(crate) const PARALLEL_CHUNKS: usize = 2;
/// How long a chunk is retried, in retry units (an hour at the default unit of one second).
pub(crate) const RETRY_BUDGET_UNITS: u32 = 3600;
/// Once the component is asked to stop, how long a request already sent may still take; no new
/// attempt starts after the stop.
pub(crate) const STOP_GRACE: Duration = Duration::from_secs(5);

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
    api: Arc<dyn IntakeApi>,
    intake_key: String,
    retry_unit: Duration,
    /// Turns true when the component is asked to stop: retries end.
    stop: watch::Receiver<bool>,
    /// Events of the pushes under way not delivered yet.
    unsent: Arc<AtomicU64>,
}

/// What a push needs from its session: the retry unit, the stop signal, and where to count the
/// events not delivered yet.
pub(crate) struct PushSettings {
    pub(crate) retry_unit: Duration,
    pub(crate) stop: watch::Receiver<bool>,
    pub(crate) unsent: Arc<AtomicU64>,
}

impl Intake {
    /// The intake behind `api`, pushed to with `intake_key`.
    pub(crate) fn new(api: Arc<dyn IntakeApi>, intake_key: &str, settings: PushSettings) -> Intake {
        Intake {
            api,
            intake_key: intake_key.to_owned(),
            retry_unit: settings.retry_unit,
            stop: settings.stop,
            unsent: settings.unsent,
        }
    }

    fn is_stopped(&self) -> bool {
        *self.stop.borrow()
    }

    /// Resolves once the component is asked to stop.
    async fn stopped(&self) {
        let mut stop = self.stop.clone();
        if stop.wait_for(|stopped| *stopped).await.is_err() {
            // no one can ask any more
            std::future::pending::<()>().await;
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
        // the bodies of this push, recycled once accepted (and freed when it ends); a body is
        // taken only when a send has made room, so there are never more than the chunks in flight
        let spares = Arc::new(Spares::new(PARALLEL_CHUNKS));
        let mut chunks = Chunks {
            events,
            chunker: Chunker::new(&self.intake_key, spares.clone()),
            done: false,
        };
        let mut undelivered = Vec::new();
        let mut reason = None;
        {
            // chunks are built as the sends make room: memory stays at a few chunks; results come
            // in input order and each chunk's ids are moved out as soon as it is answered
            let mut sends = futures_util::stream::iter(&mut chunks)
                .map(|chunk| self.send(chunk, &spares))
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

    /// Sends one chunk, retrying within the budget; its body goes back to `spares` once accepted.
    ///
    /// Once the component is asked to stop, no new attempt starts: a request already sent has
    /// [`STOP_GRACE`] to be answered, and the chunk is handed back.
    async fn send(&self, chunk: Chunk, spares: &Spares) -> Result<EventIds, (Chunk, String)> {
        let count = chunk.count as u64;
        self.unsent.fetch_add(count, Ordering::Relaxed);
        let outcome = self.send_retrying(&chunk).await;
        self.unsent.fetch_sub(count, Ordering::Relaxed);
        match outcome {
            Ok(ids) => {
                spares.put(chunk.body);
                Ok(ids)
            }
            Err(why) => Err((chunk, why)),
        }
    }

    async fn send_retrying(&self, chunk: &Chunk) -> Result<EventIds, String> {
        const STOPPED: &str = "the connector was asked to stop";
        if self.is_stopped() {
            return Err(format!("{STOPPED} before this chunk was sent"));
        }
        let policy = Policy {
            first_wait: self.retry_unit * 2,
            factor: 2.0,
            max_wait: self.retry_unit * 10,
            attempts: usize::MAX,
            budget: Some(self.retry_unit * RETRY_BUDGET_UNITS),
            // `Retry-After: 0` does not make a busy loop of the retries
            floor: self.retry_unit,
        };
        let attempts = std::sync::atomic::AtomicU32::new(0);
        let in_flight = AtomicBool::new(false);
        let retrying = retry(
            policy,
            || {
                attempts.fetch_add(1, Ordering::Relaxed);
                let in_flight = &in_flight;
                async move {
                    in_flight.store(true, Ordering::Relaxed);
                    let outcome = self.attempt(chunk).await;
                    in_flight.store(false, Ordering::Relaxed);
                    outcome
                }
            },
            |failure: &Failure| match failure.retry {
                _ if self.is_stopped() => Verdict::GiveUp,
                Some(after) => Verdict::Again(after),
                None => Verdict::GiveUp,
            },
            |failure, wait| {
                tracing::warn!(
                    "cannot push {} events, trying again in {:?}: {}",
                    chunk.count,
                    wait,
                    failure.why
                );
            },
        );
        tokio::pin!(retrying);
        let outcome = tokio::select! {
            outcome = &mut retrying => outcome.map_err(Some),
            () = self.stopped() => {
                // a request under way may still be answered; a wait is cut short
                if in_flight.load(Ordering::Relaxed) {
                    match tokio::time::timeout(STOP_GRACE, &mut retrying).await {
                        Ok(outcome) => outcome.map_err(Some),
                        Err(_) => Err(None),
                    }
                } else {
                    Err(None)
                }
            }
        };
        let attempts = attempts.load(Ordering::Relaxed);
        outcome.map_err(|failure| match failure {
            Some(failure) => format!("{} (after {attempts} attempt(s))", failure.why),
            None => format!("{STOPPED} (after {attempts} attempt(s))"),
        })
    }

    /// One attempt at a chunk.
    async fn attempt(&self, chunk: &Chunk) -> Result<EventIds, Failure> {
        let reply = self
            .api
            .post_batch(chunk.body.clone())
            .await
            .map_err(|why| Failure {
                why,
                retry: Some(None),
            })?;
        if reply.status.is_success() {
            // the intake took the events: sending them again would only duplicate them
            return Ok(ids(&reply.body, chunk.count).unwrap_or_else(|why| {
                tracing::warn!(
                    "POST {} answered {}, the {} events are delivered, but {why}",
                    self.api.batch_url(),
                    reply.status,
                    chunk.count
                );
                padded_ids(&reply.body, chunk.count)
            }));
        }
        let shown = String::from_utf8_lossy(&reply.body[..reply.body.len().min(300)]).into_owned();
        // a malformed or oversized request will never be accepted
        let hopeless = matches!(reply.status.as_u16(), 400 | 413 | 422);
        Err(Failure {
            why: format!(
                "POST {} answered {}: {shown}",
                self.api.batch_url(),
                reply.status
            ),
            retry: (!hopeless).then_some(reply.retry_after),
        })
    }
}

/// A failed attempt: why, and whether (and when) to try again.
struct Failure {
    why: String,
    /// `None`: never; `Some(None)`: after the policy's wait; `Some(Some(d))`: after `d`.
    retry: Option<Option<Duration>>,
}

/// The ids of an intake reply `{"event_ids": [...]}` when there is one per event, read straight
/// into their compact form (the usual reply without a JSON parser); else what is wrong with the
/// reply.
fn ids(body: &[u8], expected: usize) -> Result<EventIds, String> {
    #[derive(serde::Deserialize)]
    struct Reply {
        event_ids: EventIds,
    }
    let shown = || String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
    let read = match EventIds::from_usual_reply(body) {
        Some(event_ids) => Ok(Reply { event_ids }),
        None => serde_json::from_slice::<Reply>(body),
    };
    match read {
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

/// One id an event from an odd reply: the ids it has, in order, then empty ones.
fn padded_ids(body: &[u8], count: usize) -> EventIds {
    let given: Vec<String> = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|reply| {
            reply
                .get("event_ids")
                .and_then(|ids| ids.as_array())
                .map(|ids| {
                    ids.iter()
                        .map(|id| match id {
                            serde_json::Value::String(text) => text.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
        })
        .unwrap_or_default();
    let mut ids = EventIds::with_capacity(count);
    for index in 0..count {
        ids.push(given.get(index).map_or("", String::as_str));
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

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
                                http_body_util::Full::new(bytes::Bytes::from(reply)),
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
        let platform = crate::platform::http::HttpPlatform::new(
            crate::platform::http::Endpoints::beside_callback(
                "t".into(),
                format!("{url}/callback"),
            ),
            Duration::from_millis(1),
        );
        let intake = Intake::new(
            crate::platform::PlatformApi::intake(&platform, &url, "ik").unwrap(),
            "ik",
            PushSettings {
                retry_unit: Duration::from_millis(1),
                stop: watch::channel(false).1,
                unsent: Arc::default(),
            },
        );
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
