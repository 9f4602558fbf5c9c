//! The secret values of one session, scrubbed from every message that leaves it: log entries,
//! errors, standard error, panics.
//!
//! A secret is scrubbed as it is and in every form it takes when a message renders it: escaped
//! by `{:?}` (`CAN\"ARY`), escaped as a JSON string (once, and twice for JSON inside JSON) and
//! percent-encoded (as a URL path, query, user or form writes it, in upper- and lower-case hex).
//! Values shorter than 4 bytes are not scrubbed: they would blank out ordinary words.

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};

use std::sync::RwLock;

use serde_json::Value;

/// What replaces a secret value.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// Values shorter than this are not scrubbed: they would blank out ordinary words.
pub(crate) const SHORTEST: usize = 4;

/// What the URL standard percent-encodes in a query, a path and a user name.
const QUERY: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>');
const PATH: &AsciiSet = &QUERY.add(b'?').add(b'`').add(b'{').add(b'}');
const USERINFO: &AsciiSet = &PATH
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'=')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'|');
/// `application/x-www-form-urlencoded`, before spaces become `+`.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// The forms a secret takes in rendered text, itself first.
fn renderings(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned()];
    let debug = format!("{secret:?}");
    forms.push(debug[1..debug.len() - 1].to_owned());
    let json = serde_json::to_string(secret).unwrap_or_default();
    let twice = serde_json::to_string(&json).unwrap_or_default();
    forms.push(json[1..json.len() - 1].to_owned());
    // JSON inside JSON: the outer quotes of the inner string are escaped too
    forms.push(twice[3..twice.len() - 3].to_owned());
    for set in [NON_ALPHANUMERIC, QUERY, PATH, USERINFO] {
        let encoded = utf8_percent_encode(secret, set).to_string();
        forms.push(lower_hex(&encoded));
        forms.push(encoded);
    }
    // an http(s) URL's path turns backslashes into slashes
    if secret.contains('\\') {
        let slashed = secret.replace('\\', "/");
        forms.push(utf8_percent_encode(&slashed, PATH).to_string());
        forms.push(slashed);
    }
    forms.push(
        utf8_percent_encode(secret, FORM)
            .to_string()
            .replace("%20", "+"),
    );
    forms
}

/// `%2F` as `%2f`.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut hex_left = 0;
    for c in encoded.chars() {
        if c == '%' {
            hex_left = 2;
            out.push(c);
        } else if hex_left > 0 {
            hex_left -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The secret values known so far, longest first.
#[derive(Default)]
pub(crate) struct Scrubber {
    secrets: RwLock<Vec<String>>,
}

impl Scrubber {
    /// Scrubs these values too from now on.
    pub(crate) fn add(&self, values: impl IntoIterator<Item = String>) {
        let mut secrets = self
            .secrets
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for value in values {
            if value.len() < SHORTEST {
                continue;
            }
            for form in renderings(&value) {
                if form.len() >= SHORTEST && !secrets.contains(&form) {
                    secrets.push(form);
                }
            }
        }
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    /// The secret values of a configuration object's `names` (strings as they are, other JSON
    /// values as their text).
    pub(crate) fn add_from(&self, configuration: &Value, names: &[String]) {
        self.add(
            names
                .iter()
                .filter_map(|name| configuration.get(name))
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Null => None,
                    other => Some(other.to_string()),
                }),
        );
    }

    /// `text` with every known secret value replaced by `[REDACTED]`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let secrets = self
            .secrets
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut text = text.to_owned();
        for secret in secrets.iter() {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), REDACTED);
            }
        }
        text
    }

    /// A JSON value with every string scrubbed.
    pub(crate) fn scrub_value(&self, value: Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.scrub(&s)),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|v| self.scrub_value(v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k, self.scrub_value(v)))
                    .collect(),
            ),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_scrubbed_and_short_values_left() {
        let scrubber = Scrubber::default();
        scrubber.add(["hunter22".to_owned(), "abc".to_owned()]);
        assert_eq!(
            scrubber.scrub("token hunter22 and abc"),
            "token [REDACTED] and abc"
        );
        // every rendering of a secret is scrubbed
        scrubber.add([r#"CAN"ARY with space/é"#.to_owned()]);
        let secret = r#"CAN"ARY with space/é"#;
        let json = serde_json::to_string(secret).unwrap();
        let renderings = [
            format!("{secret:?}"),
            json.clone(),
            serde_json::to_string(&json).unwrap(),
            "http://h/CAN%22ARY%20with%20space/%C3%A9".to_owned(),
            "http://h/?q=CAN%22ARY%20with%20space/%c3%a9".to_owned(),
            "CAN%22ARY+with+space%2F%C3%A9".to_owned(),
        ];
        for rendered in renderings {
            let scrubbed = scrubber.scrub(&rendered);
            assert!(
                !scrubbed.contains("ARY") && scrubbed.contains(REDACTED),
                "{rendered} -> {scrubbed}"
            );
        }
        let other = Scrubber::default();
        assert_eq!(
            other.scrub("hunter22"),
            "hunter22",
            "sessions do not share secrets"
        );
    }
}
