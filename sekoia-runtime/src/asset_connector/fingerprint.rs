//! The fingerprint of a field mapping, as SDK 1.27 computes it:
//! `sha256(json.dumps(sorted(fields.items())))`, Python's `json.dumps` with its default
//! separators (`", "`, `": "`) and `ensure_ascii=True`.

use std::collections::BTreeMap;
use std::fmt::Write;

/// The hex SHA-256 of the mapping's Python JSON.
pub(crate) fn fingerprint(fields: &BTreeMap<String, String>) -> String {
    let mut text = String::from("[");
    // a BTreeMap iterates by key: Python's sorted() of (key, value) pairs (keys are unique)
    for (index, (key, value)) in fields.iter().enumerate() {
        if index > 0 {
            text.push_str(", ");
        }
        text.push('[');
        python_string(&mut text, key);
        text.push_str(", ");
        python_string(&mut text, value);
        text.push(']');
    }
    text.push(']');
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    digest.as_ref().iter().fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

/// A JSON string as Python's `json.dumps(ensure_ascii=True)` writes it.
fn python_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdks_test_vectors() {
        let one = BTreeMap::from([("id".to_owned(), "user.uid".to_owned())]);
        assert_eq!(
            fingerprint(&one),
            "dcb945c4b0c9aaeefb92470ecb9c41572b8ea7e8d416889c395a7ff2c1f8e4b0"
        );
        let three = BTreeMap::from([
            ("profile.email".to_owned(), "user.email_addr".to_owned()),
            ("id".to_owned(), "user.uid".to_owned()),
            ("é".to_owned(), "x".to_owned()),
        ]);
        assert_eq!(
            fingerprint(&three),
            "06ffee9d1bb18af1373e0265646519c58e7c6c361967d4bfc8b95c187da1a34e"
        );
    }
}
