//! The JSON values given on the command line (`--arguments`, `--configuration`,
//! `--module-configuration`): inline JSON or `@file`, always a JSON object; the `{emulator}`
//! placeholder; the secret fields the platform keeps for itself.

use std::path::Path;

use anyhow::{Context as _, bail};
use serde_json::{Map, Value};

/// The placeholder replaced by the emulator's URL in every string value.
pub const EMULATOR_PLACEHOLDER: &str = "{emulator}";

/// A JSON object given with a flag, and the flag, for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonInput {
    /// `--arguments`, `--configuration`...
    pub flag: &'static str,
    /// The object.
    pub value: Map<String, Value>,
}

impl JsonInput {
    /// Parses `raw`, the value of `flag`: inline JSON, or `@<path>` for a file holding JSON.
    /// The value must be a JSON object; the error says which flag and why not.
    pub fn parse(flag: &'static str, raw: &str) -> anyhow::Result<JsonInput> {
        let (text, subject) = match raw.strip_prefix('@') {
            Some(path) => {
                if path.is_empty() {
                    bail!("{flag} @: a file name must follow `@` (e.g. {flag} @arguments.json)");
                }
                let text = std::fs::read_to_string(Path::new(path))
                    .with_context(|| format!("{flag}: cannot read the file {path}"))?;
                (text, format!("{flag} @{path}"))
            }
            None => (raw.to_owned(), flag.to_owned()),
        };
        let value: Value = serde_json::from_str(&text).map_err(|error| {
            let hint = match raw.starts_with('@') {
                true => String::new(),
                false => format!(
                    "\n  (give a JSON object in single quotes, e.g. {flag} '{{\"key\": \"value\"}}', \
                     or @<file> to read it from a file)"
                ),
            };
            anyhow::anyhow!("{subject} is not valid JSON: {error}{hint}")
        })?;
        match value {
            Value::Object(value) => Ok(JsonInput { flag, value }),
            other => bail!(
                "{subject} must be a JSON object ({{\"key\": value, ...}}), not {}",
                kind(&other)
            ),
        }
    }

    /// Parses an optional flag; an absent one is the empty object.
    pub fn parse_or_empty(flag: &'static str, raw: Option<&str>) -> anyhow::Result<JsonInput> {
        match raw {
            Some(raw) => Self::parse(flag, raw),
            None => Ok(JsonInput {
                flag,
                value: Map::new(),
            }),
        }
    }

    /// Replaces [`EMULATOR_PLACEHOLDER`] with `url` in every string value, at any depth.
    pub fn substitute_emulator(&mut self, url: &str) {
        for value in self.value.values_mut() {
            substitute(value, url);
        }
    }

    /// Removes the fields named in `secrets` and returns them: the platform holds them and
    /// hands them to the module on request, they are not in its configuration file.
    pub fn take_secrets(&mut self, secrets: &[String]) -> Map<String, Value> {
        secrets
            .iter()
            .filter_map(|name| self.value.remove(name).map(|value| (name.clone(), value)))
            .collect()
    }
}

fn substitute(value: &mut Value, url: &str) {
    match value {
        Value::String(text) if text.contains(EMULATOR_PLACEHOLDER) => {
            *text = text.replace(EMULATOR_PLACEHOLDER, url);
        }
        Value::Array(items) => items.iter_mut().for_each(|item| substitute(item, url)),
        Value::Object(fields) => fields.values_mut().for_each(|item| substitute(item, url)),
        _ => {}
    }
}

/// "an array", "a string"...: the kind of a JSON value, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn inline_objects_are_read() {
        let input = JsonInput::parse("--arguments", r#"{"url": "x", "n": 1}"#).unwrap();
        assert_eq!(input.value, object(json!({"url": "x", "n": 1})));
    }

    #[test]
    fn bad_json_names_the_flag_and_the_parse_error() {
        let error = JsonInput::parse("--arguments", "{url: x}").unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.starts_with("--arguments is not valid JSON: "),
            "{message}"
        );
        assert!(message.contains("line 1 column 2"), "{message}");
    }

    #[test]
    fn non_objects_are_refused_with_their_kind() {
        let error = JsonInput::parse("--configuration", "[1, 2]").unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("--configuration"), "{message}");
        assert!(message.contains("must be a JSON object"), "{message}");
        assert!(message.contains("not an array"), "{message}");
    }

    #[test]
    fn files_are_read_after_an_at_sign() {
        let dir = std::env::temp_dir().join(format!("cargo-sekoia-inputs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("arguments.json");
        std::fs::write(&file, r#"{"method": "get"}"#).unwrap();

        let input = JsonInput::parse("--arguments", &format!("@{}", file.display()));
        let missing = JsonInput::parse("--arguments", &format!("@{}", dir.join("nope").display()));
        let _ = std::fs::remove_dir_all(&dir);

        assert_eq!(input.unwrap().value, object(json!({"method": "get"})));
        let message = format!("{:#}", missing.unwrap_err());
        assert!(
            message.starts_with("--arguments: cannot read the file"),
            "{message}"
        );
        let empty = format!("{:#}", JsonInput::parse("--arguments", "@").unwrap_err());
        assert!(empty.contains("a file name must follow"), "{empty}");
    }

    #[test]
    fn the_placeholder_is_replaced_at_any_depth() {
        let mut input = JsonInput::parse(
            "--arguments",
            r#"{"url": "{emulator}/pages/hello", "list": ["{emulator}"], "n": {"u": "a{emulator}"}, "k": 1}"#,
        )
        .unwrap();
        input.substitute_emulator("http://127.0.0.1:1");
        assert_eq!(
            input.value,
            object(json!({
                "url": "http://127.0.0.1:1/pages/hello",
                "list": ["http://127.0.0.1:1"],
                "n": {"u": "ahttp://127.0.0.1:1"},
                "k": 1,
            }))
        );
    }

    #[test]
    fn secrets_are_taken_out() {
        let mut input = JsonInput::parse(
            "--module-configuration",
            r#"{"api_key": "k", "base_url": "u"}"#,
        )
        .unwrap();
        let secrets = input.take_secrets(&["api_key".to_owned(), "absent".to_owned()]);
        assert_eq!(secrets, object(json!({"api_key": "k"})));
        assert_eq!(input.value, object(json!({"base_url": "u"})));
    }
}
