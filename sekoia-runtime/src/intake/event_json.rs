//! An event as it travels in a batch body: a JSON string literal holding the event's JSON text.

/// Appends `raw` (UTF-8) as a JSON string literal.
///
/// Events are mostly bytes that need no escaping: they are skipped eight at a time
/// ([`needs_escape`]) and copied in runs, which makes this pass several times faster than a
/// byte-by-byte loop (it was a third of the connector's CPU time in the push benchmark).
pub(crate) fn escape_json_string(out: &mut Vec<u8>, raw: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(raw.len() + raw.len() / 8 + 2);
    out.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < raw.len() {
        while let Some(word) = raw.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().expect("a slice of 8 bytes"));
            if needs_escape(word) {
                break;
            }
            i += 8;
        }
        let Some(&byte) = raw.get(i) else { break };
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&raw[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(byte >> 4) as usize],
                HEX[(byte & 0xf) as usize],
            ]);
        } else {
            out.extend_from_slice(escape);
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&raw[start..]);
    out.push(b'"');
}

/// Whether one of the eight bytes of `word` is a quote, a backslash or a control character (below 0x20),
/// the bytes a JSON string escapes. Exact for the word as a whole (the classic "has a zero byte"
/// and "has a byte less than n" bit tricks); which byte it is, the caller finds byte by byte.
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let quote = has_zero(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
    control | quote | backslash != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_equals_serde_json_at_every_position() {
        // each escapable byte (and a 2-byte UTF-8 character) at every offset of a long run, so
        // that it falls at each position of the eight-byte words and at the tails
        let specials = [
            "\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{c}", "\u{0}", "\u{1f}", "é", "\u{7f}",
        ];
        for special in specials {
            for len in 0..24 {
                for at in 0..=len {
                    let text = format!("{}{special}{}", "x".repeat(at), "y".repeat(len - at));
                    let mut out = Vec::new();
                    escape_json_string(&mut out, text.as_bytes());
                    assert_eq!(
                        String::from_utf8(out).unwrap(),
                        serde_json::to_string(&text).unwrap(),
                        "{text:?}"
                    );
                }
            }
        }
        let every_byte: String = (0u8..0x80).map(char::from).collect::<String>().repeat(3);
        let mut out = Vec::new();
        escape_json_string(&mut out, every_byte.as_bytes());
        assert_eq!(out, serde_json::to_vec(&every_byte).unwrap());
    }

    #[test]
    fn the_word_test_finds_exactly_the_escapable_bytes() {
        for byte in 0..=255u8 {
            let escapable = byte < 0x20 || byte == b'"' || byte == b'\\';
            for at in 0..8 {
                let mut word = [b'a'; 8];
                word[at] = byte;
                assert_eq!(
                    needs_escape(u64::from_le_bytes(word)),
                    escapable,
                    "{byte:#x} at {at}"
                );
            }
        }
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut out = Vec::new();
        escape_json_string(&mut out, "a\u{1}b\u{1f}".as_bytes());
        assert_eq!(out, br#""a\u0001b\u001f""#);
    }
}
