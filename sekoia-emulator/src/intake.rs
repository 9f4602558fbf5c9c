//! The intake: `POST /batch` bodies, parsed in one pass, and the event ids it returns.
//!
//! A body is `{"intake_key": string, "jsons": [string, ...]}`. It is parsed with a streaming
//! visitor: when events are kept, each string is decoded once and moved into the recorded body;
//! when they are not, the strings are only scanned for their end and counted, without decoding
//! or allocating.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// Most bytes a `/batch` body may have by default: the platform's 10 MiB payload limit.
pub const DEFAULT_MAX_BATCH_BYTES: usize = 10 * 1024 * 1024;

/// A well-formed `/batch` body.
#[derive(Debug)]
pub(crate) struct Batch {
    pub(crate) intake_key: String,
    pub(crate) event_count: u64,
    /// The body to record: the events themselves, or their count.
    pub(crate) recorded: Value,
}

/// Parses a `/batch` body; the error is a message for the client.
pub(crate) fn parse_batch(body: &[u8], keep_events: bool) -> Result<Batch, String> {
    if body.is_empty() {
        return Err(
            "empty body; expected {\"intake_key\": string, \"jsons\": [string, ...]}".into(),
        );
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let batch = BatchSeed { keep_events }
        .deserialize(&mut deserializer)
        .and_then(|batch| deserializer.end().map(|()| batch))
        .map_err(|error| format!("ill-formed /batch body: {error}"))?;
    Ok(batch)
}

struct BatchSeed {
    keep_events: bool,
}

impl<'de> DeserializeSeed<'de> for BatchSeed {
    type Value = Batch;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Batch, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BatchSeed {
    type Value = Batch;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object {\"intake_key\": string, \"jsons\": [string, ...]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Batch, A::Error> {
        let mut recorded = Map::new();
        let mut intake_key = None;
        let mut event_count = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "intake_key" => {
                    let value: String = map.next_value()?;
                    recorded.insert(key, Value::String(value.clone()));
                    intake_key = Some(value);
                }
                "jsons" => {
                    let events = map.next_value_seed(Jsons {
                        keep_events: self.keep_events,
                    })?;
                    event_count = Some(events.count);
                    let value = match events.kept {
                        Some(kept) => Value::Array(kept),
                        None => Value::from(events.count),
                    };
                    recorded.insert(key, value);
                }
                _ => {
                    let value: Value = map.next_value()?;
                    recorded.insert(key, value);
                }
            }
        }
        Ok(Batch {
            intake_key: intake_key.ok_or_else(|| de::Error::missing_field("intake_key"))?,
            event_count: event_count.ok_or_else(|| de::Error::missing_field("jsons"))?,
            recorded: Value::Object(recorded),
        })
    }
}

/// The `jsons` array: its strings are counted, and kept as JSON strings when events are kept.
struct Jsons {
    keep_events: bool,
}

struct JsonsValue {
    count: u64,
    kept: Option<Vec<Value>>,
}

impl<'de> DeserializeSeed<'de> for Jsons {
    type Value = JsonsValue;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<JsonsValue, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Jsons {
    type Value = JsonsValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings (one serialized event each)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonsValue, A::Error> {
        let mut count = 0;
        if self.keep_events {
            let mut kept = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(event) = seq.next_element::<String>()? {
                kept.push(Value::String(event));
                count += 1;
            }
            return Ok(JsonsValue {
                count,
                kept: Some(kept),
            });
        }
        while seq.next_element_seed(AnyString)?.is_some() {
            count += 1;
        }
        Ok(JsonsValue { count, kept: None })
    }
}

/// Accepts one string and drops it, without decoding it: the string is scanned for its end
/// (escapes and control characters checked), never unescaped into a buffer.
struct AnyString;

impl<'de> DeserializeSeed<'de> for AnyString {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let raw = <&RawValue>::deserialize(deserializer)?;
        let found = match raw.get().as_bytes().first() {
            Some(b'"') => return Ok(()),
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            _ => "a number",
        };
        Err(de::Error::invalid_type(
            de::Unexpected::Other(found),
            &"a string (one serialized event)",
        ))
    }
}

/// The JSON strings of a recorded `/batch` body, when its events were kept.
pub(crate) fn recorded_events(body: &Value) -> impl Iterator<Item = &str> {
    body.get("jsons")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// Makes the event ids `/batch` returns: version-4 UUIDs from one random prefix per emulator and
/// a counter, unique per emulator and cheap enough for a million events.
pub(crate) struct EventIds {
    prefix: [u8; 8],
    next: AtomicU64,
}

impl EventIds {
    pub(crate) fn new() -> Self {
        let random = uuid::Uuid::new_v4();
        let mut prefix = [0; 8];
        prefix.copy_from_slice(&random.as_bytes()[..8]);
        Self {
            prefix,
            next: AtomicU64::new(0),
        }
    }

    /// The body `{"event_ids": [...]}` with `count` fresh ids.
    pub(crate) fn answer_body(&self, count: u64) -> Bytes {
        let first = self.next.fetch_add(count, Ordering::Relaxed);
        const ID_LEN: usize = uuid::fmt::Hyphenated::LENGTH;
        let capacity = usize::try_from(count)
            .unwrap_or(0)
            .saturating_mul(ID_LEN + 3);
        let mut out = String::with_capacity(capacity.saturating_add(20));
        out.push_str("{\"event_ids\":[");
        let mut buffer = [0u8; ID_LEN];
        for index in 0..count {
            if index > 0 {
                out.push(',');
            }
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&self.prefix);
            bytes[8..].copy_from_slice(&first.wrapping_add(index).to_be_bytes());
            let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
            out.push('"');
            out.push_str(id.hyphenated().encode_lower(&mut buffer));
            out.push('"');
        }
        out.push_str("]}");
        Bytes::from(out)
    }
}
