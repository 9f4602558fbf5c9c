//! Events made on the fly from their index, for load tests: a million events cost nothing until
//! a page asks for them, and a cursor page is written straight as JSON text.
//!
//! Event `i` is the audit event of [`cyberark::event`](super::cyberark::event) with a uuid
//! derived from `i` and the timestamp `origin + 7 * i` (milliseconds): the same shape, field
//! order and bytes as a stored event with those values.

use std::io::Write;
use std::sync::OnceLock;

use bytes::Bytes;
use serde_json::Value;
use uuid::Uuid;

use super::cyberark;

/// Milliseconds between two events, as [`VendorApi::add_events`](super::VendorApi::add_events).
pub(super) const STEP_MS: i64 = 7;

/// `total` events, the first at `origin_ms`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Generated {
    pub(super) total: usize,
    pub(super) origin_ms: i64,
}

impl Generated {
    /// The timestamp of event `index`.
    pub(super) fn timestamp(&self, index: usize) -> i64 {
        self.origin_ms + STEP_MS * index as i64
    }

    /// Event `index` as a value (the endpoints other than the cursor one, `events()`).
    pub(super) fn value(&self, index: usize) -> Value {
        cyberark::event(uuid(index as u64), self.timestamp(index))
    }

    /// Events `[start, start + size)` that exist, as values.
    pub(super) fn slice(&self, start: usize, size: usize) -> Vec<Value> {
        let end = start.saturating_add(size).min(self.total);
        (start.min(end)..end).map(|i| self.value(i)).collect()
    }

    /// The first event whose timestamp is at least `from_ms`.
    pub(super) fn first_from(&self, from_ms: i64) -> usize {
        let ahead = from_ms.saturating_sub(self.origin_ms);
        if ahead <= 0 {
            return 0;
        }
        let index = ahead / STEP_MS + i64::from(ahead % STEP_MS != 0);
        usize::try_from(index).map_or(self.total, |i| i.min(self.total))
    }

    /// `{"data": [events start..start + size], "next": "c<end>" | null}` as JSON text, and the
    /// number of events in it: the bytes `json!({"data": data, "next": next})` would give.
    pub(super) fn cursor_page(&self, start: usize, size: usize) -> (Bytes, usize) {
        let end = start.saturating_add(size).min(self.total);
        let start = start.min(end);
        let count = end - start;
        let template = template();
        let mut out = Vec::with_capacity(count * (template.len() + 52) + 48);
        out.extend_from_slice(b"{\"data\":[");
        for index in start..end {
            if index > start {
                out.push(b',');
            }
            template.write(&mut out, uuid(index as u64), self.timestamp(index));
        }
        out.extend_from_slice(b"],\"next\":");
        if end < self.total {
            let _ = write!(out, "\"c{end}\"");
        } else {
            out.extend_from_slice(b"null");
        }
        out.push(b'}');
        (Bytes::from(out), count)
    }
}

/// The uuid of event `index`: a version 4 uuid whose last 48 bits are a bijection of the index
/// (so that the first 2^48 events have distinct uuids) and the rest drawn from it.
pub(super) fn uuid(index: u64) -> Uuid {
    let high = splitmix64(index);
    let low = scramble48(index);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&high.to_be_bytes());
    bytes[8..10].copy_from_slice(&(splitmix64(high) as u16).to_be_bytes());
    bytes[10..].copy_from_slice(&low.to_be_bytes()[2..]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// SplitMix64's output function of `x`.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A bijection of the 48-bit integers (odd multiplications and xor-shifts, modulo 2^48).
fn scramble48(x: u64) -> u64 {
    const MASK: u64 = (1 << 48) - 1;
    let mut x = x & MASK;
    x = x.wrapping_mul(0x5851_F42D_4C95) & MASK;
    x ^= x >> 21;
    x = x.wrapping_mul(0x2545_F491_4F6D) & MASK;
    x ^ (x >> 17)
}

/// The JSON text of an event around its two variable fields, taken once from
/// `cyberark::event`, so that the text and the value never drift apart.
struct Template {
    /// Up to the uuid's opening quote included.
    head: String,
    /// From the uuid's closing quote to `"timestamp":`.
    middle: String,
    /// After the timestamp.
    tail: String,
}

impl Template {
    fn len(&self) -> usize {
        self.head.len() + self.middle.len() + self.tail.len()
    }

    fn write(&self, out: &mut Vec<u8>, uuid: Uuid, timestamp: i64) {
        out.extend_from_slice(self.head.as_bytes());
        let mut buffer = Uuid::encode_buffer();
        out.extend_from_slice(uuid.hyphenated().encode_lower(&mut buffer).as_bytes());
        out.extend_from_slice(self.middle.as_bytes());
        let _ = write!(out, "{timestamp}");
        out.extend_from_slice(self.tail.as_bytes());
    }
}

fn template() -> &'static Template {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let text = cyberark::event(Uuid::nil(), 0).to_string();
        let nil = Uuid::nil().to_string();
        let (head, rest) = text
            .split_once(&nil)
            .expect("an audit event starts with its uuid");
        let marker = "\"timestamp\":0";
        let (middle, tail) = rest
            .split_once(marker)
            .expect("an audit event has a timestamp after its uuid");
        Template {
            head: head.to_owned(),
            middle: format!("{middle}\"timestamp\":"),
            tail: tail.to_owned(),
        }
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use serde_json::json;

    use super::*;

    #[test]
    fn a_page_is_the_text_of_the_stored_events_values() {
        let events = Generated {
            total: 25,
            origin_ms: 1_764_000_000_000,
        };
        for (start, size) in [(0, 10), (20, 10), (25, 10), (30, 5), (3, 0)] {
            let (body, count) = events.cursor_page(start, size);
            let data = events.slice(start, size);
            let end = start + data.len();
            let next = (end < events.total).then(|| format!("c{end}"));
            let expected = json!({"data": data, "next": next}).to_string();
            assert_eq!(
                std::str::from_utf8(&body).unwrap(),
                expected,
                "{start} {size}"
            );
            assert_eq!(count, data.len());
        }
        let first = events.value(2);
        assert_eq!(first["timestamp"], 1_764_000_000_014_i64);
        assert_eq!(first["uuid"], uuid(2).to_string());
    }

    #[test]
    fn uuids_are_distinct_version_4_and_the_same_every_time() {
        let uuids: HashSet<Uuid> = (0..100_000).map(uuid).collect();
        assert_eq!(uuids.len(), 100_000);
        assert!(uuids.iter().all(|u| u.get_version_num() == 4));
        assert_eq!(uuid(12_345), uuid(12_345));
        let values: HashSet<u64> = (0..100_000).map(scramble48).collect();
        assert_eq!(values.len(), 100_000);
    }

    #[test]
    fn the_first_event_from_a_date_is_found_by_arithmetic() {
        let events = Generated {
            total: 10,
            origin_ms: 1000,
        };
        assert_eq!(events.first_from(0), 0);
        assert_eq!(events.first_from(1000), 0);
        assert_eq!(events.first_from(1001), 1);
        assert_eq!(events.first_from(1007), 1);
        assert_eq!(events.first_from(1008), 2);
        assert_eq!(events.first_from(i64::MAX), 10);
    }
}
