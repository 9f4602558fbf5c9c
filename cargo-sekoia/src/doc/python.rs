//! What the Python generator's template engine prints of JSON values (`str()` and `repr()`),
//! and python-slugify's slugs.

use serde_json::Value;

/// `str(value)` in Python, as Jinja prints `{{ value }}`: strings as they are, `None`, `True`,
/// `False`, lists and dicts as their `repr`.
pub fn str(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => repr(other),
    }
}

/// `repr(value)` in Python of the value `json.load` makes.
pub fn repr(value: &Value) -> String {
    let mut out = String::new();
    write_repr(value, &mut out);
    out
}

fn write_repr(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => write_string_repr(text, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string_repr(key, out);
                out.push_str(": ");
                write_repr(item, out);
            }
            out.push('}');
        }
    }
}

/// A Python string literal: single quotes, unless the text holds one and no double quote.
fn write_string_repr(text: &str, out: &mut String) {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// python-slugify's `slugify(text)` with its defaults: quotes become separators, the text is
/// transliterated to ASCII and lower-cased, every run of other characters than `a-z0-9` becomes
/// one `-`, and `-` is trimmed at both ends (`"BinaryEdge's API"` -> `binaryedge-s-api`).
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(&text.replace('\'', "-")).to_lowercase();
    let chars: Vec<char> = ascii.chars().collect();
    let mut slug = String::with_capacity(chars.len());
    let mut dash = false;
    for (i, &c) in chars.iter().enumerate() {
        // "1,000" -> "1000": a comma between digits is dropped
        if c == ','
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
        {
            continue;
        }
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c);
        } else if c != '\'' {
            dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_print_as_python_prints_them() {
        assert_eq!(str(&json!("text")), "text");
        assert_eq!(str(&json!(["string", "null"])), "['string', 'null']");
        assert_eq!(
            repr(
                &json!({"description": "it's", "type": "string", "in": "body", "n": null, "b": true})
            ),
            r#"{'description': "it's", 'type': 'string', 'in': 'body', 'n': None, 'b': True}"#
        );
        assert_eq!(repr(&json!("a\nb\\ 'c\" é")), r#"'a\nb\\ \'c" é'"#);
        assert_eq!(repr(&json!(1000)), "1000");
    }

    #[test]
    fn slugs_are_python_slugify_ones() {
        assert_eq!(slugify("Stormshield SES"), "stormshield-ses");
        assert_eq!(slugify("BinaryEdge's API"), "binaryedge-s-api");
        assert_eq!(slugify("Sekoia.io"), "sekoia-io");
        assert_eq!(slugify("HTTP"), "http");
        assert_eq!(slugify("  Acmé Cloud -- 1,000 "), "acme-cloud-1000");
    }
}
