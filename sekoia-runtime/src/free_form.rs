//! Free-form JSON values with the plain schemas Sekoia's manifests give them: any object
//! (`{"type": "object"}`), any array (`{"type": "array"}`), any value (`{}`).
//!
//! `serde_json`'s own types would write `"additionalProperties": true`, `"items": true` and
//! `true`, which say the same to a validator but not to a reviewer diffing a manifest.

use std::borrow::Cow;
use std::ops::{Deref, DerefMut};

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

macro_rules! free_form {
    ($(#[$meta:meta])* $name:ident($inner:ty), $schema_name:literal, $schema:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl Deref for $name {
            type Target = $inner;

            fn deref(&self) -> &$inner {
                &self.0
            }
        }

        impl DerefMut for $name {
            fn deref_mut(&mut self) -> &mut $inner {
                &mut self.0
            }
        }

        impl From<$inner> for $name {
            fn from(value: $inner) -> Self {
                $name(value)
            }
        }

        impl From<$name> for $inner {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed($schema_name)
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                let mut schema = Map::new();
                if let Some(json_type) = $schema {
                    schema.insert("type".into(), Value::String(String::from(json_type)));
                }
                Schema::from(schema)
            }
        }
    };
}

free_form! {
    /// Any JSON object: `{"type": "object"}` in a manifest.
    ///
    /// ```
    /// use sekoia_runtime::AnyObject;
    ///
    /// let headers: AnyObject = serde_json::from_str(r#"{"Accept": "text/html"}"#).unwrap();
    /// assert_eq!(headers["Accept"], "text/html");
    /// let schema = sekoia_manifest::schema::schema_for::<AnyObject>(&Default::default()).unwrap();
    /// assert_eq!(schema["type"], "object");
    /// ```
    AnyObject(Map<String, Value>), "AnyObject", Some("object")
}

free_form! {
    /// Any JSON array: `{"type": "array"}` in a manifest.
    ///
    /// ```
    /// use sekoia_runtime::AnyArray;
    ///
    /// let records: AnyArray = serde_json::from_str("[1, \"two\"]").unwrap();
    /// assert_eq!(records.len(), 2);
    /// ```
    AnyArray(Vec<Value>), "AnyArray", Some("array")
}

free_form! {
    /// Any JSON value: `{}` in a manifest.
    ///
    /// ```
    /// use sekoia_runtime::AnyValue;
    ///
    /// let value: AnyValue = serde_json::from_str("42").unwrap();
    /// assert_eq!(*value, serde_json::json!(42));
    /// ```
    AnyValue(Value), "AnyValue", None::<&str>
}
