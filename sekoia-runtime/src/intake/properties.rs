//! Property tests of the push path: the event serializer against serde_json, and the chunker's
//! byte accounting.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::Value;

use super::batch::{Chunker, Spares};
use super::event_json::write_event;
use super::{CHUNK_BYTES_MAX, EVENT_BYTES_MAX};

/// Any JSON value, a few levels deep, with strings of any characters.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn an_event_is_written_as_the_string_of_its_serde_json_text(event in json()) {
        let mut out = b"prefix".to_vec();
        let size = write_event(&mut out, &event).unwrap();
        let literal = std::str::from_utf8(&out[b"prefix".len()..]).unwrap();
        let text: String = serde_json::from_str(literal).unwrap();
        let expected = match &event {
            Value::String(s) => s.clone(),
            other => serde_json::to_string(other).unwrap(),
        };
        prop_assert_eq!(&text, &expected);
        prop_assert_eq!(size, expected.len());
    }

    #[test]
    fn a_raw_line_is_sent_as_it_is(line in any::<String>()) {
        let mut out = Vec::new();
        let size = write_event(&mut out, line.as_str()).unwrap();
        prop_assert_eq!(serde_json::from_slice::<String>(&out).unwrap(), line.clone());
        prop_assert_eq!(size, line.len());
    }
}

proptest! {
    // events up to a chunk's size each: a few cases are enough to cross many chunk boundaries
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn chunks_hold_every_event_once_in_order_within_the_byte_limit(
        sizes in prop::collection::vec(
            prop_oneof![0usize..2_000, 200_000usize..260_000],
            0..90,
        )
    ) {
        let events: Vec<String> = sizes
            .iter()
            .enumerate()
            .map(|(n, size)| format!("{n}:{}", "é".repeat(size / 2)))
            .collect();
        let mut chunker = Chunker::new("ik", Arc::new(Spares::new(2)));
        let mut chunks = Vec::new();
        for event in &events {
            chunks.extend(chunker.add(event.as_str()));
        }
        chunks.extend(chunker.finish());
        let kept: Vec<&String> = events.iter().filter(|e| e.len() <= EVENT_BYTES_MAX).collect();
        prop_assert_eq!(chunker.discarded as usize, events.len() - kept.len());
        let mut sent = Vec::new();
        let mut previous_next: Option<usize> = None;
        for chunk in &chunks {
            let body: Value = serde_json::from_slice(&chunk.body).unwrap();
            prop_assert_eq!(&body["intake_key"], "ik");
            let jsons = chunk.events();
            prop_assert_eq!(jsons.len(), chunk.count);
            prop_assert!(chunk.count > 0);
            let bytes: usize = jsons.iter().map(String::len).sum();
            prop_assert!(bytes <= CHUNK_BYTES_MAX, "{} bytes", bytes);
            // a chunk is closed only when the next event would not fit
            if let Some(last_bytes) = previous_next {
                prop_assert!(last_bytes + jsons[0].len() > CHUNK_BYTES_MAX);
            }
            previous_next = Some(bytes);
            sent.extend(jsons);
        }
        let kept: Vec<String> = kept.into_iter().cloned().collect();
        prop_assert_eq!(sent, kept);
    }
}
