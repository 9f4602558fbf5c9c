//! JSON Schemas in the Sekoia dialect: by default what pydantic writes for the Python SDK.
//!
//! schemars produces draft-07 with nested types inlined; one pass over its output then writes it
//! in the module's [`Dialect`]: property titles (pydantic's by default), nullable values
//! (`anyOf [T, null]` with `"default": null` by default, or plain `T`, or a `type` list...),
//! Rust-only `format` values (`int64`, `uint32`, `double`...) dropped unless kept, `Secret`
//! fields hoisted into a root `"secrets"` list, and the settings that `#[sekoia(...)]` leaves on
//! a type or a field (see [`crate::dialect::marker`]) applied and removed.

mod marks;
mod node;
mod nullable;
mod secrets;
mod title;

use std::fmt;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use crate::dialect::{Dialect, RootTitle};

pub use title::python_title;

/// The marker `Secret<T>` puts on its schema (hoisted into `"secrets"`); never left in a manifest.
pub const SECRET_MARKER: &str = "x-sekoia-secret";

/// A schema the Sekoia dialect cannot express.
#[derive(Debug, PartialEq, Eq)]
pub enum SchemaError {
    /// A `Secret<T>` that is not a top-level field cannot be listed in `"secrets"`.
    NestedSecret {
        /// The Rust type whose schema it is.
        type_name: String,
        /// Where the secret is, as a dotted path of properties.
        path: String,
    },
    /// A setting of `#[sekoia(...)]` that cannot be applied (a default that is not a value of
    /// its field, a raw schema that is not JSON...).
    Invalid {
        /// The Rust type whose schema it is.
        type_name: String,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaError::NestedSecret { type_name, path } => write!(
                f,
                "`Secret` at `{path}` in `{type_name}` cannot be listed in \"secrets\": only the top-level fields of a configuration or of arguments can be secrets (or list them with `#[sekoia(secrets = [...])]` on the type that holds them)"
            ),
            SchemaError::Invalid { type_name, message } => {
                write!(f, "the schema of `{type_name}`: {message}")
            }
        }
    }
}

impl std::error::Error for SchemaError {}

/// The schema of `T` as a manifest holds it, in `dialect`.
pub fn schema_for<T: JsonSchema>(dialect: &Dialect) -> Result<Value, SchemaError> {
    let mut settings = SchemaSettings::draft07();
    settings.inline_subschemas = true;
    settings.meta_schema = None;
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let mut value = schema.to_value();
    rewrite(
        &mut value,
        std::any::type_name::<T>(),
        Some(&T::schema_name()),
        dialect,
    )?;
    Ok(value)
}

/// The `results` of an action or trigger: `()` gives `{}` (no results).
pub fn results<T: JsonSchema>(dialect: &Dialect) -> Result<Value, SchemaError> {
    let value = schema_for::<T>(dialect)?;
    if value.get("type") == Some(&Value::String("null".into())) {
        return Ok(Value::Object(Map::new()));
    }
    Ok(value)
}

/// Rewrites a root schema produced by schemars into the Sekoia dialect.
pub fn to_sekoia_dialect(
    root: &mut Value,
    type_name: &str,
    dialect: &Dialect,
) -> Result<(), SchemaError> {
    rewrite(root, type_name, None, dialect)
}

/// `default_title` is the title schemars gives the root when the type says none.
fn rewrite(
    root: &mut Value,
    type_name: &str,
    default_title: Option<&str>,
    dialect: &Dialect,
) -> Result<(), SchemaError> {
    let Value::Object(map) = root else {
        return Ok(());
    };
    map.shift_remove("$schema");
    let mut pass = node::Pass {
        type_name,
        definitions: Map::new(),
    };
    let marks = pass.node(map, node::Settings::of(dialect))?;
    if marks.raw.is_some() {
        return Ok(());
    }
    secrets::hoist(map, type_name)?;
    let explicit_title = marks.title.is_some() || marks.no_title;
    if !explicit_title
        && dialect.root_title == RootTitle::None
        && default_title.is_some_and(|t| map.get("title").and_then(Value::as_str) == Some(t))
    {
        map.shift_remove("title");
    }
    let is_object = marks.no_type || map.get("type").and_then(Value::as_str) == Some("object");
    if is_object
        && !marks.no_properties
        && !map.contains_key("properties")
        && !map.contains_key("additionalProperties")
    {
        // pydantic writes `"properties": {}` for a model without fields
        map.insert("properties".to_owned(), Value::Object(Map::new()));
    }
    if !pass.definitions.is_empty() {
        match map.get_mut("definitions") {
            Some(Value::Object(existing)) => existing.extend(pass.definitions),
            _ => {
                map.insert("definitions".into(), Value::Object(pass.definitions));
            }
        }
    }
    let meta_schema = marks.schema.unwrap_or(dialect.schema).uri();
    order_root_keys(map, meta_schema);
    Ok(())
}

/// Root keys in pydantic's order: `$schema` (when the dialect writes one), `title`,
/// `description`, `type`, `properties`, `required`, the others as they came, `secrets` and
/// `definitions` last. Keys keep their relative order (`shift_remove`, never a swap).
fn order_root_keys(root: &mut Map<String, Value>, meta_schema: Option<&str>) {
    const FIRST: [&str; 5] = ["title", "description", "type", "properties", "required"];
    const LAST: [&str; 2] = ["secrets", "definitions"];
    let mut ordered = Map::with_capacity(root.len() + 1);
    if let Some(uri) = meta_schema
        && !root.is_empty()
    {
        ordered.insert("$schema".to_owned(), Value::String(uri.to_owned()));
    }
    for key in FIRST {
        if let Some(value) = root.shift_remove(key) {
            ordered.insert(key.to_owned(), value);
        }
    }
    let last: Vec<(String, Value)> = LAST
        .iter()
        .filter_map(|key| root.shift_remove(*key).map(|v| ((*key).to_owned(), v)))
        .collect();
    ordered.append(root);
    ordered.extend(last);
    *root = ordered;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recursive_types_refer_back_with_ref() {
        #[derive(schemars::JsonSchema)]
        #[allow(dead_code)]
        struct Node {
            name: String,
            children: Vec<Node>,
        }
        let schema = schema_for::<Node>(&Dialect::PYDANTIC).unwrap();
        assert_eq!(
            schema["properties"]["children"]["items"],
            serde_json::json!({"$ref": "#"})
        );
        assert_eq!(schema["properties"]["name"]["title"], "Name");

        #[derive(schemars::JsonSchema)]
        #[allow(dead_code)]
        struct Tree {
            root: Node,
        }
        let schema = schema_for::<Tree>(&Dialect::PYDANTIC).unwrap();
        // inlined where it is used, the recursion going through `definitions`
        assert_eq!(
            schema["properties"]["root"]["properties"]["children"]["items"]["$ref"],
            "#/definitions/Node",
            "{schema}"
        );
        assert_eq!(
            schema["definitions"]["Node"]["properties"]["children"]["items"]["$ref"],
            "#/definitions/Node"
        );
        assert_eq!(
            schema["definitions"]["Node"]["properties"]["name"]["title"],
            "Name"
        );
    }

    #[test]
    fn nullable_type_becomes_any_of_with_default() {
        let mut schema = json!({
            "title": "T", "type": "object",
            "properties": {"url": {"type": ["string", "null"], "format": "uri", "description": "where"}},
        });
        to_sekoia_dialect(&mut schema, "T", &Dialect::PYDANTIC).unwrap();
        assert_eq!(
            schema["properties"]["url"],
            json!({"title": "Url", "description": "where", "anyOf": [{"type": "string", "format": "uri"}, {"type": "null"}], "default": null})
        );
    }

    #[test]
    fn rust_formats_are_dropped_and_standard_ones_kept() {
        let mut schema = json!({"type": "object", "properties": {
            "a": {"type": "integer", "format": "int64"},
            "b": {"type": "integer", "format": "uint8", "minimum": 0},
            "c": {"type": "number", "format": "double"},
            "d": {"type": "string", "format": "date-time"},
            "e": {"type": "string", "format": "uint-ish"},
        }, "required": ["a", "b", "c", "d", "e"]});
        to_sekoia_dialect(&mut schema, "T", &Dialect::PYDANTIC).unwrap();
        assert_eq!(
            schema["properties"]["a"],
            json!({"title": "A", "type": "integer"})
        );
        assert_eq!(
            schema["properties"]["b"],
            json!({"title": "B", "type": "integer", "minimum": 0})
        );
        assert_eq!(
            schema["properties"]["c"],
            json!({"title": "C", "type": "number"})
        );
        assert_eq!(schema["properties"]["d"]["format"], "date-time");
        assert_eq!(schema["properties"]["e"]["format"], "uint-ish");
    }

    #[test]
    fn top_level_secrets_are_hoisted_and_nested_ones_refused() {
        let mut schema = json!({"type": "object", "properties": {
            "api_key": {"type": "string", SECRET_MARKER: true},
            "token": {"anyOf": [{"type": "string", SECRET_MARKER: true}, {"type": "null"}]},
        }});
        to_sekoia_dialect(&mut schema, "T", &Dialect::PYDANTIC).unwrap();
        assert_eq!(schema["secrets"], json!(["api_key", "token"]));
        assert!(!schema.to_string().contains(SECRET_MARKER));

        let mut nested = json!({"type": "object", "properties": {
            "auth": {"type": "object", "properties": {"password": {"type": "string", SECRET_MARKER: true}}},
        }});
        let err = to_sekoia_dialect(&mut nested, "my::Args", &Dialect::PYDANTIC).unwrap_err();
        assert_eq!(
            err,
            SchemaError::NestedSecret {
                type_name: "my::Args".into(),
                path: "auth.password".into()
            }
        );
    }
}
