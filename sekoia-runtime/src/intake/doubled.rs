//! The event's JSON text as a string of the batch body, written by serde_json itself: its
//! `Serializer` with a `Formatter` that writes each quote and escape of the text escaped once
//! more, in the same pass. A candidate to replace `event_json`'s own `Serializer` (a tenth of
//! its size, and no reliance on serde_json's private token names), compiled for the tests only
//! until the push benchmark decides: it writes the same bytes (`the_two_serializers_write_the_
//! same_bytes`, and `event_json`'s tests pass through it), with the same instruction count
//! within 1% but some 15% more time in `serializers_side_by_side`.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};

use super::escape::escape;
use super::event_json::EventError;

/// [`write_event`](super::event_json::write_event), by serde_json's serializer.
pub(crate) fn write_event<E: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    event: &E,
) -> Result<usize, EventError> {
    let start = out.len();
    out.push(b'"');
    let mut doubled = Doubled::default();
    let written = {
        let mut serializer = serde_json::Serializer::with_formatter(&mut *out, &mut doubled);
        event.serialize(&mut serializer)
    };
    match written {
        Ok(()) => {
            out.push(b'"');
            Ok(match doubled.string_len {
                Some(len) if doubled.top_string => len,
                _ => out.len() - start - 2 - doubled.extra,
            })
        }
        Err(e) => {
            out.truncate(start);
            Err(serde::ser::Error::custom(e))
        }
    }
}

/// What the formatter knows of the event it writes.
#[derive(Default)]
struct Doubled {
    /// How many objects and arrays are open.
    depth: usize,
    /// The event is a string (a raw log line): written escaped once, without its quotes.
    top_string: bool,
    /// Inside a string at the top: its size, as it is before escaping.
    string_len: Option<usize>,
    /// Bytes written beyond the event's JSON text.
    extra: usize,
}

impl Formatter for &mut Doubled {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        writer.write_all(b"]")
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        writer.write_all(b"}")
    }

    fn begin_string<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if self.depth == 0 {
            self.top_string = true;
            self.string_len = Some(0);
            return Ok(());
        }
        self.extra += 1;
        writer.write_all(b"\\\"")
    }

    fn end_string<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if self.depth == 0 {
            return Ok(());
        }
        self.extra += 1;
        writer.write_all(b"\\\"")
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // what serde_json leaves in a fragment needs no escape, once or twice
        if let Some(len) = &mut self.string_len {
            *len += fragment.len();
        }
        writer.write_all(fragment.as_bytes())
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        char_escape: CharEscape,
    ) -> io::Result<()> {
        let once: &[u8] = match char_escape {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::Solidus => b"\\/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let code = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(byte >> 4)],
                    HEX[usize::from(byte & 0xf)],
                ];
                return if self.top_string && self.depth == 0 {
                    *self.string_len.as_mut().expect("in a string") += 1;
                    writer.write_all(&code)
                } else {
                    self.extra += 1;
                    writer.write_all(b"\\")?;
                    writer.write_all(&code)
                };
            }
        };
        if self.top_string && self.depth == 0 {
            *self.string_len.as_mut().expect("in a string") += 1;
            return writer.write_all(once);
        }
        // the escape's own characters, escaped once more: `\"` is `\\\"`, `\n` is `\\n`
        let mut twice = [0u8; 4];
        let mut len = 0;
        for &b in once {
            if b == b'\\' || b == b'"' {
                twice[len] = b'\\';
                len += 1;
            }
            twice[len] = b;
            len += 1;
        }
        self.extra += len - once.len();
        writer.write_all(&twice[..len])
    }

    fn write_raw_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // raw JSON text (a `RawValue`): its quotes and escapes need the second escape
        let mut escaped = Vec::with_capacity(fragment.len() + 8);
        self.extra += escape::<false>(&mut escaped, fragment.as_bytes());
        writer.write_all(&escaped)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use serde_json::{Value, json};

    use super::*;

    fn both(event: &Value) -> (Vec<u8>, Vec<u8>, usize, usize) {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let a = super::super::event_json::write_event(&mut ours, event).unwrap();
        let b = write_event(&mut theirs, event).unwrap();
        (ours, theirs, a, b)
    }

    #[test]
    fn the_two_serializers_write_the_same_bytes() {
        let events = [
            json!({"message": "a \"quoted\" word\nand a \\ backslash\t\u{1}", "n": 1.5, "ok": true, "none": null}),
            json!(["x", {"nested": ["y", 2, {"z": "\u{1f}é"}]}]),
            json!("a raw \"line\"\n"),
            json!(12),
            json!({"": "", "k": []}),
        ];
        for event in &events {
            let (ours, theirs, a, b) = both(event);
            assert_eq!(
                String::from_utf8_lossy(&theirs),
                String::from_utf8_lossy(&ours),
                "{event}"
            );
            assert_eq!(a, b, "{event}");
            // the body's string holds the event's text
            let text: String = serde_json::from_slice(&theirs).unwrap();
            match event {
                Value::String(s) => assert_eq!(&text, s),
                other => assert_eq!(text, serde_json::to_string(other).unwrap()),
            }
        }
    }

    /// Not a timed test: run it to compare the two serializers,
    /// `cargo test --release -p sekoia-runtime --lib serializers_side_by_side -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a test"]
    fn serializers_side_by_side() {
        #[derive(Serialize)]
        struct Event<'a> {
            timestamp: &'a str,
            uuid: &'a str,
            action: &'a str,
            user: &'a str,
            source_ip: &'a str,
            message: &'a str,
            count: u64,
            success: bool,
            tags: [&'a str; 3],
        }
        let event = Event {
            timestamp: "2026-11-28T10:15:30.123456Z",
            uuid: "9b2c7a1e-4d3f-4a6b-8c2d-1e0f9a8b7c6d",
            action: "Logon",
            user: "alice@example.com",
            source_ip: "192.0.2.10",
            message: "User \"alice\" logged on from 192.0.2.10 using the \"Web\" application\twith MFA",
            count: 42,
            success: true,
            tags: ["audit", "identity", "sso"],
        };
        /// The push benchmark's event: a number and 329 bytes of padding.
        #[derive(Serialize)]
        struct Padded<'a> {
            n: usize,
            pad: &'a str,
        }
        let pad = "x".repeat(329);
        side_by_side("an audit event", &event);
        side_by_side(
            "the push benchmark's event",
            &Padded {
                n: 123_456,
                pad: &pad,
            },
        );
    }

    fn side_by_side<E: Serialize>(label: &str, event: &E) {
        const EVENTS: usize = 1_000_000;
        let mut out = Vec::with_capacity(1 << 20);
        type Write<E> = fn(&mut Vec<u8>, &E) -> Result<usize, EventError>;
        let serializers: [(&str, Write<E>); 2] = [
            (
                "hand-written Serializer",
                super::super::event_json::write_event,
            ),
            ("serde_json + Formatter", write_event),
        ];
        // `SEKOIA_SERIALIZER=hand` or `=formatter` runs one, for an instruction count
        // (`valgrind --tool=callgrind <test binary> --ignored serializers_side_by_side`)
        let only = std::env::var("SEKOIA_SERIALIZER").ok();
        let events = only.as_ref().map_or(EVENTS, |_| EVENTS / 10);
        for (name, write) in serializers {
            if only
                .as_deref()
                .is_some_and(|o| !name.to_lowercase().contains(o))
            {
                continue;
            }
            let started = Instant::now();
            let mut bytes = 0;
            for _ in 0..events {
                out.clear();
                bytes += write(&mut out, event).unwrap();
            }
            let spent = started.elapsed();
            println!(
                "{label}, {name}: {:.3} s per million events of {} bytes",
                spent.as_secs_f64() * 1e6 / events as f64,
                bytes / events
            );
        }
    }
}
