//! Escaping text for a JSON string, once (a raw line, the intake key) or twice over (a string
//! inside an event that is itself a string of the batch body), in one pass.
//!
//! Text is mostly bytes that need no escape: they are found sixteen at a time with word
//! arithmetic and copied in runs, a few times faster than serde_json's byte-by-byte loop.

/// Appends `raw` (UTF-8) as a JSON string literal.
///
/// Events are mostly bytes that need no escaping: they are skipped sixteen at a time
/// ([`next_escape`]) and copied in runs, which makes this pass several times faster than a
/// byte-by-byte loop (it was a third of the connector's CPU time in the push benchmark).
pub(crate) fn escape_json_string(out: &mut Vec<u8>, raw: &[u8]) {
    out.reserve(raw.len() + raw.len() / 8 + 2);
    out.push(b'"');
    escape::<false>(out, raw);
    out.push(b'"');
}

/// Appends `text` escaped for a JSON string, once or twice over, and returns how many bytes the
/// escaping added: the output's length less the input's (once), or less the once-escaped text's
/// (twice).
///
/// Text is copied 32 bytes at a time as it is tested (four words): a block goes to the output
/// whole, and is cut back to its first byte to escape if it has one. The bytes are read and
/// written once, with no separate copy of each run between two escapes, and the output's
/// capacity is checked once a block. The last bytes, fewer than 32, are found with
/// [`next_escape`].
pub(crate) fn escape<const TWICE: bool>(out: &mut Vec<u8>, text: &[u8]) -> usize {
    let escapes = if TWICE { &ESCAPED_TWICE } else { &ESCAPED_ONCE };
    out.reserve(text.len());
    let mut added = 0;
    let mut i = 0;
    loop {
        let mut found = None;
        while let Some(block) = text[i..].first_chunk::<32>() {
            let (words, _) = block.as_chunks::<8>();
            let mask: [u64; 4] = std::array::from_fn(|k| escape_mask(u64::from_le_bytes(words[k])));
            out.extend_from_slice(block);
            if mask != [0; 4] {
                let (word, bits) = mask
                    .iter()
                    .enumerate()
                    .find(|(_, m)| **m != 0)
                    .expect("a word has a flag");
                let first = word * 8 + (bits.trailing_zeros() / 8) as usize;
                out.truncate(out.len() - 32 + first);
                found = Some(i + first);
                break;
            }
            i += 32;
        }
        let at = match found {
            Some(at) => at,
            // the last bytes, fewer than 32
            None => match next_escape(text, i) {
                Some(at) => {
                    out.extend_from_slice(&text[i..at]);
                    at
                }
                None => {
                    out.extend_from_slice(&text[i..]);
                    return added;
                }
            },
        };
        let escape = &escapes[usize::from(text[at])];
        // eight bytes written, cut back to the escape's length: no copy loop, no branch
        let end = out.len() + usize::from(escape.len);
        out.extend_from_slice(&escape.bytes);
        out.truncate(end);
        added += usize::from(escape.added);
        i = at + 1;
    }
}

/// Where the first byte to escape of `text` is, from `from` on: sixteen bytes are tested at a
/// time, then eight, then the last few as a word padded with spaces (which need no escape).
#[inline(always)]
fn next_escape(text: &[u8], from: usize) -> Option<usize> {
    const SPACES: u64 = 0x2020_2020_2020_2020;
    let first = |mask: u64| (mask.trailing_zeros() / 8) as usize;
    let mut i = from;
    while let Some(block) = text[i..].first_chunk::<16>() {
        let block = u128::from_le_bytes(*block);
        let low = escape_mask(block as u64);
        let high = escape_mask((block >> 64) as u64);
        if low != 0 {
            return Some(i + first(low));
        }
        if high != 0 {
            return Some(i + 8 + first(high));
        }
        i += 16;
    }
    if let Some(word) = text[i..].first_chunk::<8>() {
        let mask = escape_mask(u64::from_le_bytes(*word));
        if mask != 0 {
            return Some(i + first(mask));
        }
        i += 8;
    }
    let tail = text.len() - i;
    if tail == 0 {
        return None;
    }
    let word = match text.last_chunk::<8>() {
        // the last eight bytes: those before the tail shifted out, spaces shifted in
        Some(last) => (u64::from_le_bytes(*last) >> (8 * (8 - tail))) | (SPACES << (8 * tail)),
        None => text[i..]
            .iter()
            .enumerate()
            .fold(SPACES, |word, (k, &byte)| {
                (word & !(0xff << (8 * k))) | (u64::from(byte) << (8 * k))
            }),
    };
    let mask = escape_mask(word);
    (mask != 0).then(|| i + first(mask))
}

/// The escape of a byte: its first `len` bytes, and how many bytes it adds (see [`escape`]).
struct Escape {
    bytes: [u8; 8],
    len: u8,
    added: u8,
}

/// The escapes of the bytes up to the backslash (0x5c), once and twice over; the bytes without
/// one have a length of 0. Once is serde_json's escape: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`,
/// else `\u00xx` in lowercase hex. Twice is that escape escaped again: `\\\"`, `\\\\`, `\\n`, ...
static ESCAPED_ONCE: [Escape; 0x5d] = escapes(false);
static ESCAPED_TWICE: [Escape; 0x5d] = escapes(true);

const fn escapes(twice: bool) -> [Escape; 0x5d] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut table = [const {
        Escape {
            bytes: [0; 8],
            len: 0,
            added: 0,
        }
    }; 0x5d];
    let mut byte = 0;
    while byte < table.len() {
        let b = byte as u8;
        let letter = match b {
            b'"' | b'\\' => b,
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0c => b'f',
            0x00..0x20 => b'u',
            _ => {
                byte += 1;
                continue;
            }
        };
        let once: &[u8] = if letter == b'u' {
            &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xf) as usize],
            ]
        } else {
            &[b'\\', letter]
        };
        let escape = &mut table[byte];
        let mut i = 0;
        while i < once.len() {
            if twice && (once[i] == b'\\' || once[i] == b'"') {
                escape.bytes[escape.len as usize] = b'\\';
                escape.len += 1;
            }
            escape.bytes[escape.len as usize] = once[i];
            escape.len += 1;
            i += 1;
        }
        escape.added = escape.len - if twice { once.len() as u8 } else { 1 };
        byte += 1;
    }
    table
}

/// The bytes of `word` that a JSON string escapes (a quote, a backslash or a control character
/// below 0x20), each flagged by its high bit (the classic "has a zero byte" and "has a byte less
/// than n" bit tricks). A flag can be wrong only above a right one (a borrow carries upwards),
/// so whether the word has one, and which byte is the first (the lowest flag, bytes read little
/// endian), are exact.
fn escape_mask(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let quote = has_zero(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
    control | quote | backslash
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
            for len in 0..72 {
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
        let escapable = |byte: u8| byte < 0x20 || byte == b'"' || byte == b'\\';
        for byte in 0..=255u8 {
            for at in 0..8 {
                let mut word = [b'a'; 8];
                word[at] = byte;
                assert_eq!(
                    escape_mask(u64::from_le_bytes(word)) != 0,
                    escapable(byte),
                    "{byte:#x} at {at}"
                );
            }
        }
        // the lowest flag is the first escapable byte, whatever follows it
        for first in (0..=255u8).filter(|&b| escapable(b)) {
            for other in 0..=255u8 {
                for at in 0..8 {
                    for after in at + 1..8 {
                        let mut word = [b'a'; 8];
                        word[at] = first;
                        word[after] = other;
                        let mask = escape_mask(u64::from_le_bytes(word));
                        assert_eq!(mask.trailing_zeros() / 8, at as u32, "{word:?}");
                    }
                }
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
