//! Where the platform puts a module's configuration: files under `/symphony`, else environment
//! variables.
//!
//! Each value `<name>` is read from the file `<config root>/<name>`; when there is no such file,
//! from the environment variable `<NAME>` (upper-cased; an empty value counts as missing). A JSON
//! value in an environment variable may be plain JSON or base64-encoded JSON.
//!
//! Both roots can be moved for tests and local runs:
//! - `SEKOIA_CONFIG_ROOT` replaces `/symphony` (the configuration files);
//! - `SEKOIA_DATA_ROOT` replaces `/symphony_data` (files exchanged with playbooks).
//!
//! Reading the environment is the entry point's business: [`Sources::from_env`] is called once,
//! there; everything else receives the sources.

use std::io;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::de::DeserializeOwned;
use serde_json::Value;

use sekoia_manifest::environment::{
    CONFIG_ROOT_VAR, DATA_ROOT_VAR, DEFAULT_CONFIG_ROOT, DEFAULT_DATA_ROOT,
};

/// A configuration value that is missing or cannot be used. The message says which value,
/// where it was looked for and why it was refused; it never quotes the value itself.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Neither the file nor the environment variable is there.
    #[error("configuration value `{name}` is missing: no file {} and no environment variable {}", .file.display(), .name.to_uppercase())]
    Missing {
        /// The value's name.
        name: String,
        /// The file looked for.
        file: PathBuf,
    },
    /// The file exists but cannot be read.
    #[error("configuration value `{name}`: cannot read {}: {source}", .file.display())]
    Unreadable {
        /// The value's name.
        name: String,
        /// The file.
        file: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The value is not the JSON it should be.
    #[error("configuration value `{name}` (from {origin}) is not valid JSON: {reason}")]
    NotJson {
        /// The value's name.
        name: String,
        /// `file /symphony/arguments` or `environment variable ARGUMENTS`.
        origin: String,
        /// The parser's message (line and column).
        reason: String,
    },
    /// The JSON does not fit the type the component declares.
    #[error(
        "configuration value `{name}` (from {origin}) does not fit `{type_name}`{}: {reason}", at(.path)
    )]
    Invalid {
        /// The value's name.
        name: String,
        /// Where it came from.
        origin: String,
        /// The Rust type expected.
        type_name: String,
        /// The field path inside the value (`headers.accept`, `.` for the root).
        path: String,
        /// serde's message.
        reason: String,
    },
    /// The value is there but cannot be used (it is not quoted: it may be a secret).
    #[error("configuration value `{name}` (from {origin}) {reason}")]
    Refused {
        /// The value's name.
        name: String,
        /// Where it came from.
        origin: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A number such as a port is not a number.
    #[error("configuration value `{name}` (from {origin}) must be {expected}, found {found:?}")]
    NotA {
        /// The value's name.
        name: String,
        /// Where it came from.
        origin: String,
        /// What it should be.
        expected: &'static str,
        /// What it is.
        found: String,
    },
}

/// Why `text` is not an http(s) URL a request can be sent to, if it is not.
pub(crate) fn check_url(text: &str) -> Result<(), String> {
    match reqwest::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(()),
        Ok(url) => Err(format!(
            "must be an http or https URL with a host, not a `{}:` URL",
            url.scheme()
        )),
        Err(e) => Err(format!("is not a URL ({e})")),
    }
}

fn at(path: &str) -> String {
    if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

/// The configuration sources of one run.
#[derive(Debug, Clone)]
pub(crate) struct Sources {
    root: PathBuf,
    data_root: PathBuf,
}

/// A raw value and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    /// The text.
    pub(crate) text: String,
    /// `file /symphony/token` or `environment variable TOKEN`.
    pub(crate) origin: String,
    from_env: bool,
}

impl Sources {
    /// The roots given by `SEKOIA_CONFIG_ROOT` and `SEKOIA_DATA_ROOT`, else the platform's.
    pub(crate) fn from_env() -> Sources {
        let var = |name: &str, default: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(default))
        };
        Sources {
            root: var(CONFIG_ROOT_VAR, DEFAULT_CONFIG_ROOT),
            data_root: var(DATA_ROOT_VAR, DEFAULT_DATA_ROOT),
        }
    }

    /// Explicit roots.
    #[cfg(test)]
    pub(crate) fn new(root: impl Into<PathBuf>, data_root: impl Into<PathBuf>) -> Sources {
        Sources {
            root: root.into(),
            data_root: data_root.into(),
        }
    }

    /// The data directory shared with playbooks.
    pub(crate) fn data_root(&self) -> &Path {
        &self.data_root
    }

    /// The raw text of `name`, or `None` when neither source has it.
    pub(crate) fn raw(&self, name: &str) -> Result<Option<Raw>, ConfigError> {
        let file = self.root.join(name);
        match std::fs::read_to_string(&file) {
            Ok(text) => {
                return Ok(Some(Raw {
                    text,
                    origin: format!("file {}", file.display()),
                    from_env: false,
                }));
            }
            // a link to nothing is not a missing value: say so
            Err(e) if e.kind() == io::ErrorKind::NotFound && file.is_symlink() => {
                return Err(ConfigError::Unreadable {
                    name: name.to_owned(),
                    source: io::Error::new(
                        io::ErrorKind::NotFound,
                        "it is a symbolic link to nothing (dangling)",
                    ),
                    file,
                });
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(ConfigError::Unreadable {
                    name: name.to_owned(),
                    file,
                    source,
                });
            }
        }
        let var = name.to_uppercase();
        match std::env::var(&var) {
            Ok(text) if !text.is_empty() => Ok(Some(Raw {
                text,
                origin: format!("environment variable {var}"),
                from_env: true,
            })),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::Refused {
                name: name.to_owned(),
                origin: format!("environment variable {var}"),
                reason: "is not UTF-8 text".into(),
            }),
        }
    }

    /// A text value (token, URLs), trimmed of surrounding white space; `None` when absent.
    pub(crate) fn text(&self, name: &str) -> Result<Option<String>, ConfigError> {
        Ok(self.raw(name)?.map(|raw| raw.text.trim().to_owned()))
    }

    /// A text value that must be there.
    #[cfg(test)]
    pub(crate) fn require_text(&self, name: &str) -> Result<String, ConfigError> {
        self.text(name)?.ok_or_else(|| self.missing(name))
    }

    /// An http(s) URL; `None` when absent.
    pub(crate) fn url(&self, name: &str) -> Result<Option<String>, ConfigError> {
        let Some(raw) = self.raw(name)? else {
            return Ok(None);
        };
        let text = raw.text.trim();
        check_url(text).map_err(|reason| ConfigError::Refused {
            name: name.to_owned(),
            origin: raw.origin.clone(),
            reason,
        })?;
        Ok(Some(text.to_owned()))
    }

    /// The platform token: text that fits an `Authorization` header.
    pub(crate) fn token(&self) -> Result<String, ConfigError> {
        let Some(raw) = self.raw("token")? else {
            return Err(self.missing("token"));
        };
        let token = raw.text.trim();
        if token.is_empty()
            || !token
                .bytes()
                .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
        {
            return Err(ConfigError::Refused {
                name: "token".into(),
                origin: raw.origin,
                reason: "must be printable ASCII text (it goes into an HTTP header)".into(),
            });
        }
        Ok(token.to_owned())
    }

    /// A port number; `default` when absent.
    pub(crate) fn port(&self, name: &str, default: u16) -> Result<u16, ConfigError> {
        match self.raw(name)? {
            None => Ok(default),
            Some(raw) => raw.text.trim().parse().map_err(|_| ConfigError::NotA {
                name: name.to_owned(),
                origin: raw.origin.clone(),
                expected: "a port number (0 to 65535)",
                found: raw.text.trim().to_owned(),
            }),
        }
    }

    /// A JSON value; `None` when absent. Environment variables may hold base64-encoded JSON.
    pub(crate) fn json(&self, name: &str) -> Result<Option<(Value, String)>, ConfigError> {
        let Some(raw) = self.raw(name)? else {
            return Ok(None);
        };
        match serde_json::from_str::<Value>(&raw.text) {
            Ok(value) => Ok(Some((value, raw.origin))),
            Err(json_error) => {
                let mut reason = json_error.to_string();
                if raw.from_env
                    && let Ok(bytes) =
                        base64::engine::general_purpose::STANDARD.decode(raw.text.trim())
                {
                    // base64 it is: what is wrong is the decoded text
                    match serde_json::from_slice::<Value>(&bytes) {
                        Ok(value) => return Ok(Some((value, format!("{} (base64)", raw.origin)))),
                        Err(e) => {
                            reason = format!("it is base64, and the decoded text is not: {e}");
                        }
                    }
                }
                Err(ConfigError::NotJson {
                    name: name.to_owned(),
                    origin: raw.origin,
                    reason,
                })
            }
        }
    }

    /// A JSON value deserialized into `T`; errors name the field path.
    #[cfg(test)]
    pub(crate) fn typed<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ConfigError> {
        match self.json(name)? {
            None => Ok(None),
            Some((value, origin)) => decode(name, &origin, value).map(Some),
        }
    }

    pub(crate) fn missing(&self, name: &str) -> ConfigError {
        ConfigError::Missing {
            name: name.to_owned(),
            file: self.root.join(name),
        }
    }
}

/// Deserializes `value` into `T`, naming the failing field path.
pub(crate) fn decode<T: DeserializeOwned>(
    name: &str,
    origin: &str,
    value: Value,
) -> Result<T, ConfigError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        ConfigError::Invalid {
            name: name.to_owned(),
            origin: origin.to_owned(),
            type_name: std::any::type_name::<T>().to_owned(),
            path,
            reason: e.into_inner().to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Sources) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let config = Sources::new(dir.path(), dir.path());
        (dir, config)
    }

    #[test]
    fn file_is_read_before_environment() {
        let (_dir, config) = config_with(&[("arguments", r#"{"a": 1}"#)]);
        let (value, origin) = config.json("arguments").unwrap().unwrap();
        assert_eq!(value["a"], 1);
        assert!(origin.starts_with("file "), "{origin}");
    }

    #[test]
    fn malformed_json_names_the_value_and_place() {
        let (_dir, config) = config_with(&[("arguments", "{oops")]);
        let message = config.json("arguments").unwrap_err().to_string();
        assert!(
            message.contains("`arguments`") && message.contains("not valid JSON"),
            "{message}"
        );
    }

    #[test]
    fn typed_errors_name_the_field_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Args {
            inner: Inner,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            count: u32,
        }
        let (_dir, config) = config_with(&[("arguments", r#"{"inner": {"count": "three"}}"#)]);
        let message = config.typed::<Args>("arguments").unwrap_err().to_string();
        assert!(message.contains("at `inner.count`"), "{message}");
    }

    #[test]
    fn missing_value_says_where_it_was_looked_for() {
        let (_dir, config) = config_with(&[]);
        let message = config
            .require_text("sekoia_test_absent_value")
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("SEKOIA_TEST_ABSENT_VALUE") && message.contains("no file"),
            "{message}"
        );
    }

    #[test]
    fn bad_port_is_refused() {
        let (_dir, config) = config_with(&[("liveness_port", "eighty")]);
        assert!(
            config
                .port("liveness_port", 8000)
                .unwrap_err()
                .to_string()
                .contains("a port number")
        );
        let (_dir, config) = config_with(&[]);
        assert_eq!(config.port("liveness_port", 8000).unwrap(), 8000);
    }
}
