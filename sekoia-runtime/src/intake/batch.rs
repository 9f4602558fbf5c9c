//! The bodies of `POST /batch` requests, built while the events are serialized.
//!
//! A body is `{"intake_key":"<key>","jsons":["<event>",...]}` holding at most 9,437,184 bytes
//! of events. Bodies are built one after the other as the sends make room, each event written
//! once, straight into its place ([`write_event`]). A body the intake has accepted is recycled
//! for the next chunk of the same push: its pages are already mapped, so a push of a million
//! events faults in a few bodies' worth of memory rather than one per chunk.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use serde::Serialize;

use super::escape::escape_json_string;
use super::event_json::write_event;
use super::{CHUNK_BYTES_MAX, EVENT_BYTES_MAX};

/// Room reserved for the events of one request body: the event bytes and an eighth more for
/// escapes, separators and the closing bytes (a body that needs more still grows).
const BODY_BYTES_RESERVED: usize = CHUNK_BYTES_MAX + CHUNK_BYTES_MAX / 8;

/// The chunks of a sequence of events, built lazily.
pub(crate) struct Chunks<I> {
    pub(crate) events: I,
    pub(crate) chunker: Chunker,
    pub(crate) done: bool,
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
    pub(crate) body: Bytes,
    pub(crate) count: usize,
}

impl Chunk {
    /// The events of a chunk, for the caller to keep when it could not be delivered.
    pub(crate) fn events(&self) -> Vec<String> {
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
///
/// A body is taken (a recycled one, else a new one) only when its first event comes: the event
/// that does not fit in a full chunk waits, escaped, until the next chunk is asked for, which
/// happens when a send has made room. So a push holds no more bodies than it has chunks in
/// flight.
pub(crate) struct Chunker {
    spares: Arc<Spares>,
    prefix: Vec<u8>,
    /// The body being filled: empty, without its prefix, until its first event.
    body: Vec<u8>,
    event_bytes: usize,
    count: usize,
    /// The event that opens the next chunk, escaped, and its size.
    pending: Vec<u8>,
    pending_size: Option<usize>,
    pub(crate) discarded: u64,
}

impl Chunker {
    pub(crate) fn new(intake_key: &str, spares: Arc<Spares>) -> Chunker {
        let mut prefix = b"{\"intake_key\":".to_vec();
        escape_json_string(&mut prefix, intake_key.as_bytes());
        prefix.extend_from_slice(b",\"jsons\":[");
        Chunker {
            spares,
            prefix,
            body: Vec::new(),
            event_bytes: 0,
            count: 0,
            pending: Vec::new(),
            pending_size: None,
            discarded: 0,
        }
    }

    /// Adds an event; returns the chunk filled so far when this event does not fit in it.
    ///
    /// The event is serialized once, straight into the body ([`write_event`]); one that turns
    /// out too large, or that cannot be serialized, is cut off again and counted as discarded.
    pub(crate) fn add<E: Serialize + ?Sized>(&mut self, event: &E) -> Option<Chunk> {
        if self.body.is_empty() {
            self.start();
        }
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
            // the event opens the next chunk (one event a chunk is copied)
            self.pending.clear();
            self.pending.extend_from_slice(&self.body[start..]);
            self.pending_size = Some(size);
            self.body.truncate(mark);
            return self.take();
        }
        self.event_bytes += size;
        self.count += 1;
        None
    }

    /// The last, partial chunk.
    pub(crate) fn finish(&mut self) -> Option<Chunk> {
        if self.body.is_empty() && self.pending_size.is_some() {
            self.start();
        }
        self.take()
    }

    /// Takes a body, a recycled one or a new one with room for a full chunk of events and their
    /// escapes (so that it is not reallocated, and copied, while it fills up), and puts the
    /// prefix and the pending event in it.
    fn start(&mut self) {
        if self.body.capacity() == 0 {
            self.body = self
                .spares
                .take()
                .unwrap_or_else(|| Vec::with_capacity(self.prefix.len() + BODY_BYTES_RESERVED));
        }
        self.body.extend_from_slice(&self.prefix);
        if let Some(size) = self.pending_size.take() {
            self.body.extend_from_slice(&self.pending);
            self.event_bytes = size;
            self.count = 1;
        }
    }

    /// The chunk filled so far, if it holds events.
    fn take(&mut self) -> Option<Chunk> {
        if self.count == 0 {
            return None;
        }
        let mut body = std::mem::take(&mut self.body);
        body.extend_from_slice(b"]}");
        let chunk = Chunk {
            body: Bytes::from(body),
            count: self.count,
        };
        self.count = 0;
        self.event_bytes = 0;
        Some(chunk)
    }
}

/// Bodies the intake has accepted, ready to be filled again.
pub(crate) struct Spares {
    bodies: Mutex<Vec<Vec<u8>>>,
    most: usize,
}

impl Spares {
    /// Keeps at most `most` bodies.
    pub(crate) fn new(most: usize) -> Spares {
        Spares {
            bodies: Mutex::new(Vec::new()),
            most,
        }
    }

    /// Takes back a body that was sent, when nothing else holds it any more (else it is simply
    /// freed when the last holder lets it go).
    pub(crate) fn put(&self, body: Bytes) {
        let Ok(body) = body.try_into_mut() else {
            return;
        };
        let mut body = Vec::from(body);
        body.clear();
        let mut bodies = self
            .bodies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if bodies.len() < self.most {
            bodies.push(body);
        }
    }

    fn take(&self) -> Option<Vec<u8>> {
        self.bodies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop()
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
        let mut chunker = Chunker::new("ik", Arc::new(Spares::new(0)));
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
        let mut chunker = Chunker::new("ik", Arc::new(Spares::new(0)));
        let mut chunks = Vec::new();
        for _ in 0..per_chunk * 2 + 1 {
            if let Some(chunk) = chunker.add(event.as_str()) {
                // the event that did not fit waits: no body is held until the next chunk starts
                assert_eq!(chunker.body.capacity(), 0);
                chunks.push(chunk);
            }
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
        let mut chunker = Chunker::new("ik", Arc::new(Spares::new(0)));
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
        let mut chunker = Chunker::new("ik", Arc::new(Spares::new(0)));
        chunker.add("x".repeat(EVENT_BYTES_MAX).as_str());
        chunker.add("x".repeat(EVENT_BYTES_MAX + 1).as_str());
        assert_eq!(chunker.discarded, 1);
        assert_eq!(chunker.finish().unwrap().count, 1);
    }

    #[test]
    fn an_accepted_body_is_filled_again_without_a_new_allocation() {
        let spares = Arc::new(Spares::new(1));
        let mut chunker = Chunker::new("ik", spares.clone());
        chunker.add("first");
        let first = chunker.finish().unwrap();
        let address = first.body.as_ptr();
        let held = first.body.clone();
        spares.put(first.body);
        assert!(
            spares.take().is_none(),
            "a body still held elsewhere is not recycled"
        );
        spares.put(held);
        // the spare body is the chunker's next one
        let mut chunker = Chunker::new("ik", spares.clone());
        chunker.add("second");
        let second = chunker.finish().unwrap();
        assert_eq!(second.body.as_ptr(), address);
        assert_eq!(
            parse(&second),
            json!({"intake_key": "ik", "jsons": ["second"]})
        );
        // no more than `most` are kept
        spares.put(second.body);
        spares.put(Bytes::from(Vec::with_capacity(16)));
        assert!(spares.take().is_some() && spares.take().is_none());
    }
}
