//! `Secret<T>`: a configuration value that never shows up in logs, errors or results.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};

use sekoia_manifest::schema::SECRET_MARKER;

/// A secret configuration value, such as an API key.
///
/// - It deserializes as `T`;
/// - `Debug` and `Display` print `[REDACTED]`, so `tracing`, `{:?}` and error messages never leak it;
/// - it is deliberately not `Serialize`: it cannot end up in action results or trigger events;
/// - as a top-level field of the `#[module]` configuration (or of arguments) it is listed in the
///   manifest's `"secrets"`, so the platform hands it over only at run time.
///
/// ```
/// use sekoia_runtime::Secret;
///
/// let key: Secret<String> = serde_json::from_str("\"s3cr3t\"").unwrap();
/// assert_eq!(key.expose(), "s3cr3t");
/// assert_eq!(format!("{key:?} {key}"), "[REDACTED] [REDACTED]");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The value itself: use it where it is needed (an `Authorization` header), nowhere else.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// Implemented by nothing: it makes `Secret` refuse serialization with a message of ours
/// (results, events and logs never carry a secret; use `expose()` where the value is needed).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "a `Secret` is never serialized: it cannot go into results, events or logs",
    label = "this `Secret` would be serialized here",
    note = "send what the playbook needs instead; to store a new secret value, use `ctx.update_secrets(...)`"
)]
pub trait NeverSerialized {}

impl<T: NeverSerialized> serde::Serialize for Secret<T> {
    fn serialize<S: serde::Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
        unreachable!("no type implements NeverSerialized")
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}

impl<T: JsonSchema> JsonSchema for Secret<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut schema = T::json_schema(generator);
        schema.insert(SECRET_MARKER.into(), true.into());
        schema
    }
}
