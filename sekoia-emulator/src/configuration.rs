//! The configuration values a module run gets, and how they reach the module: one file per
//! value under the configuration root, or one upper-cased environment variable per value.

use std::path::{Component, Path};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::error::RunError;

/// Environment variable that moves the configuration root away from `/symphony`.
pub const CONFIG_ROOT_ENV: &str = sekoia_manifest::environment::CONFIG_ROOT_VAR;
/// Environment variable that moves the data directory away from `/symphony_data`.
pub const DATA_ROOT_ENV: &str = sekoia_manifest::environment::DATA_ROOT_VAR;

/// One configuration value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ConfigValue {
    /// Written as is (`token`, `url_callback`, ports...).
    Text(String),
    /// Written as compact JSON, or base64 of it in the env-base64 mode.
    Json(Value),
}

/// How the values reach the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// `<config root>/<name>` files.
    Files,
    /// `<NAME>` environment variables, JSON as plain text.
    Env,
    /// `<NAME>` environment variables, JSON base64-encoded.
    EnvBase64,
}

/// The named values of one run, in the order they were first set.
#[derive(Debug, Clone, Default)]
pub(crate) struct Configuration {
    values: Vec<(String, ConfigValue)>,
    /// Names the caller removed: no default is filled in for them.
    unset: Vec<String>,
}

impl Configuration {
    pub(crate) fn set(&mut self, name: String, value: ConfigValue) {
        self.unset.retain(|unset| *unset != name);
        match self.values.iter_mut().find(|(known, _)| *known == name) {
            Some((_, slot)) => *slot = value,
            None => self.values.push((name, value)),
        }
    }

    pub(crate) fn unset(&mut self, name: String) {
        self.values.retain(|(known, _)| *known != name);
        if !self.unset.contains(&name) {
            self.unset.push(name);
        }
    }

    /// Sets `name` unless the caller set or removed it.
    pub(crate) fn set_default(&mut self, name: &str, value: impl FnOnce() -> ConfigValue) {
        if !self.is_decided(name) {
            self.values.push((name.to_owned(), value()));
        }
    }

    /// Whether the caller set or removed `name`.
    pub(crate) fn is_decided(&self, name: &str) -> bool {
        self.unset.iter().any(|unset| unset == name)
            || self.values.iter().any(|(known, _)| known == name)
    }

    /// The value of `name` as the module reads it, when it is text.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        self.values.iter().find_map(|(known, value)| match value {
            ConfigValue::Text(text) if known == name => Some(text.as_str()),
            _ => None,
        })
    }

    /// Writes one file per value into `root`.
    pub(crate) fn write_files(&self, root: &Path) -> Result<(), RunError> {
        for (name, value) in &self.values {
            check_name(name)?;
            let path = root.join(name);
            let contents = match value {
                ConfigValue::Text(text) => text.clone(),
                ConfigValue::Json(json) => json.to_string(),
            };
            std::fs::write(&path, contents)
                .map_err(|source| RunError::WriteConfig { path, source })?;
        }
        Ok(())
    }

    /// One `(NAME, value)` environment variable per value.
    pub(crate) fn env_vars(&self, base64: bool) -> Result<Vec<(String, String)>, RunError> {
        self.values
            .iter()
            .map(|(name, value)| {
                check_name(name)?;
                let text = match value {
                    ConfigValue::Text(text) => text.clone(),
                    ConfigValue::Json(json) if base64 => STANDARD.encode(json.to_string()),
                    ConfigValue::Json(json) => json.to_string(),
                };
                Ok((name.to_uppercase(), text))
            })
            .collect()
    }
}

/// A name must be one plain file name (it becomes `<root>/<name>` or `<NAME>`).
fn check_name(name: &str) -> Result<(), RunError> {
    let mut components = Path::new(name).components();
    let plain = matches!(components.next(), Some(Component::Normal(_)))
        && components.next().is_none()
        && !name.contains(['/', '\\', '=', '\0']);
    if plain {
        Ok(())
    } else {
        Err(RunError::ConfigName {
            name: name.to_owned(),
        })
    }
}
