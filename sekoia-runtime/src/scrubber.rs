//! The secret values of one session, scrubbed from every message that leaves it: log entries,
//! errors, standard error.

use std::sync::RwLock;

use serde_json::Value;

/// What replaces a secret value.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// Values shorter than this are not scrubbed: they would blank out ordinary words.
const SHORTEST: usize = 4;

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
            if value.len() >= SHORTEST && !secrets.contains(&value) {
                secrets.push(value);
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
        let other = Scrubber::default();
        assert_eq!(
            other.scrub("hunter22"),
            "hunter22",
            "sessions do not share secrets"
        );
    }
}
