//! JSON Schemas in the Sekoia dialect: what pydantic writes for the Python SDK.
//!
//! schemars produces draft-07 with nested types inlined; one pass over its output then gives
//! every property a pydantic-style `title`, turns `"type": [T, "null"]` into `anyOf`, gives
//! optional nullable properties `"default": null`, drops Rust-only `format` values (`int64`,
//! `uint32`, `double`...) and hoists `Secret` fields into a root `"secrets"` list.

use std::fmt;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

/// The marker `Secret<T>` puts on its schema (hoisted into `"secrets"`); never left in a manifest.
pub const SECRET_MARKER: &str = "x-sekoia-secret";

/// The marker of a root schema to keep as schemars writes it, as hand-written manifests are:
/// no pydantic titles on the properties, no `"default": null`, `Option` as schemars says it.
/// Only Rust integer formats are dropped and `Secret` fields hoisted into `"secrets"`; a
/// `"$schema"` is kept when the type adds one. Put it on a type with
/// `#[schemars(extend("x-sekoia-as-written" = true))]` (for a module ported with its manifests).
pub const AS_WRITTEN_MARKER: &str = "x-sekoia-as-written";

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
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaError::NestedSecret { type_name, path } => write!(
                f,
                "`Secret` at `{path}` in `{type_name}` cannot be listed in \"secrets\": only the top-level fields of a configuration or of arguments can be secrets"
            ),
        }
    }
}

impl std::error::Error for SchemaError {}

/// The schema of `T` as a manifest holds it: the root title is the type name.
pub fn schema_for<T: JsonSchema>() -> Result<Value, SchemaError> {
    let mut settings = SchemaSettings::draft07();
    settings.inline_subschemas = true;
    // a "$schema" comes from the type itself, if at all (the dialect drops it otherwise)
    settings.meta_schema = None;
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let mut value = schema.to_value();
    to_sekoia_dialect(&mut value, std::any::type_name::<T>())?;
    Ok(value)
}

/// The `results` of an action or trigger: `()` gives `{}` (no results).
pub fn results<T: JsonSchema>() -> Result<Value, SchemaError> {
    let value = schema_for::<T>()?;
    if value.get("type") == Some(&Value::String("null".into())) {
        return Ok(Value::Object(Map::new()));
    }
    Ok(value)
}

/// Rewrites a root schema produced by schemars into the Sekoia dialect.
pub fn to_sekoia_dialect(root: &mut Value, type_name: &str) -> Result<(), SchemaError> {
    let Value::Object(map) = root else {
        return Ok(());
    };
    if map.remove(AS_WRITTEN_MARKER).is_some() {
        drop_rust_formats(map);
        hoist_secrets(map, type_name)?;
        order_root_keys(map);
        return Ok(());
    }
    map.remove("$schema");
    normalize(map);
    hoist_secrets(map, type_name)?;
    order_root_keys(map);
    Ok(())
}

/// Root keys in pydantic's order: `title`, `description`, `type`, `properties`, `required`,
/// the others as they came, `secrets` last.
fn order_root_keys(root: &mut Map<String, Value>) {
    const FIRST: [&str; 6] = [
        "$schema",
        "title",
        "description",
        "type",
        "properties",
        "required",
    ];
    let mut ordered = Map::with_capacity(root.len());
    for key in FIRST {
        if let Some(value) = root.remove(key) {
            ordered.insert(key.to_owned(), value);
        }
    }
    if ordered.get("type").and_then(Value::as_str) == Some("object")
        && !ordered.contains_key("properties")
        && !root.contains_key("additionalProperties")
    {
        // pydantic writes `"properties": {}` for a model without fields
        ordered.insert("properties".to_owned(), Value::Object(Map::new()));
    }
    let secrets = root.remove("secrets");
    ordered.append(root);
    if let Some(secrets) = secrets {
        ordered.insert("secrets".to_owned(), secrets);
    }
    *root = ordered;
}

/// Python's `name.title().replace("_", " ")`, as pydantic writes property titles.
///
/// `str.title` upper-cases a letter that follows a non-letter and lower-cases the others.
///
/// ```
/// use sekoia_manifest::schema::python_title;
/// assert_eq!(python_title("api_key"), "Api Key");
/// assert_eq!(python_title("http2xx_count"), "Http2Xx Count");
/// assert_eq!(python_title("URLValue"), "Urlvalue");
/// assert_eq!(python_title("camelCase"), "Camelcase");
/// ```
pub fn python_title(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut previous_is_cased = false;
    for c in name.chars() {
        if previous_is_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        previous_is_cased = c.is_lowercase() || c.is_uppercase();
    }
    out.replace('_', " ")
}

fn normalize(schema: &mut Map<String, Value>) {
    drop_rust_format(schema);
    nullable_type_to_any_of(schema);
    let required: Vec<String> = match schema.get("required") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            let Value::Object(property) = property else {
                continue;
            };
            normalize(property);
            if !required.contains(name)
                && !property.contains_key("default")
                && allows_null(property)
            {
                property.insert("default".into(), Value::Null);
            }
            if !property.contains_key("title") {
                let mut titled = Map::with_capacity(property.len() + 1);
                titled.insert("title".into(), Value::String(python_title(name)));
                titled.append(property);
                *property = titled;
            }
        }
    }
    for keyword in ["items", "additionalProperties", "not", "if", "then", "else"] {
        if let Some(Value::Object(sub)) = schema.get_mut(keyword) {
            normalize(sub);
        }
    }
    for keyword in ["anyOf", "oneOf", "allOf", "items"] {
        if let Some(Value::Array(subs)) = schema.get_mut(keyword) {
            for sub in subs {
                if let Value::Object(sub) = sub {
                    normalize(sub);
                }
            }
        }
    }
    for keyword in ["definitions", "$defs", "patternProperties"] {
        if let Some(Value::Object(defs)) = schema.get_mut(keyword) {
            for sub in defs.values_mut() {
                if let Value::Object(sub) = sub {
                    normalize(sub);
                }
            }
        }
    }
}

/// [`drop_rust_format`] everywhere in a schema.
fn drop_rust_formats(schema: &mut Map<String, Value>) {
    drop_rust_format(schema);
    for value in schema.values_mut() {
        match value {
            Value::Object(sub) => drop_rust_formats(sub),
            Value::Array(items) => {
                for item in items {
                    if let Value::Object(sub) = item {
                        drop_rust_formats(sub);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `format` values that only describe a Rust integer or float width.
fn drop_rust_format(schema: &mut Map<String, Value>) {
    let rust_only = match schema.get("format") {
        Some(Value::String(format)) => {
            matches!(format.as_str(), "float" | "double" | "int" | "uint")
                || format
                    .strip_prefix("uint")
                    .or_else(|| format.strip_prefix("int"))
                    .is_some_and(|bits| {
                        !bits.is_empty() && bits.bytes().all(|b| b.is_ascii_digit())
                    })
        }
        _ => false,
    };
    if rust_only {
        schema.remove("format");
    }
}

/// Keywords that describe the property itself, not the value's type: they stay outside `anyOf`.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    SECRET_MARKER,
];

/// `{"type": ["string", "null"], "format": "uri"}` becomes
/// `{"anyOf": [{"type": "string", "format": "uri"}, {"type": "null"}]}`, as pydantic writes `Optional`.
fn nullable_type_to_any_of(schema: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = schema.get("type") else {
        return;
    };
    if !types.iter().any(|t| t == "null") {
        return;
    }
    let others: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
    let mut inner = Map::new();
    let keys: Vec<String> = schema.keys().cloned().collect();
    let mut outer = Map::new();
    for key in keys {
        let value = schema.remove(&key).expect("key listed from this map");
        if key == "type" {
            continue;
        }
        if ANNOTATIONS.contains(&key.as_str()) {
            outer.insert(key, value);
        } else {
            inner.insert(key, value);
        }
    }
    let mut branches = Vec::new();
    match others.len() {
        0 => {}
        1 => {
            let mut typed = Map::new();
            typed.insert("type".into(), others.into_iter().next().expect("one type"));
            typed.append(&mut inner);
            branches.push(Value::Object(typed));
        }
        _ => {
            let mut typed = Map::new();
            typed.insert("type".into(), Value::Array(others));
            typed.append(&mut inner);
            branches.push(Value::Object(typed));
        }
    }
    branches.push(serde_json::json!({"type": "null"}));
    // keep annotations first (title, description), then anyOf, then default
    let default = outer.remove("default");
    *schema = outer;
    schema.insert("anyOf".into(), Value::Array(branches));
    if let Some(default) = default {
        schema.insert("default".into(), default);
    }
}

fn allows_null(schema: &Map<String, Value>) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) if t == "null" => return true,
        Some(Value::Array(types)) if types.iter().any(|t| t == "null") => return true,
        _ => {}
    }
    match schema.get("anyOf").or_else(|| schema.get("oneOf")) {
        Some(Value::Array(branches)) => branches
            .iter()
            .any(|b| b.as_object().is_some_and(allows_null)),
        _ => false,
    }
}

/// Moves the secret marker of top-level properties into a root `"secrets"` list.
fn hoist_secrets(root: &mut Map<String, Value>, type_name: &str) -> Result<(), SchemaError> {
    let mut secrets = Vec::new();
    if let Some(Value::Object(properties)) = root.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            if take_marker(property) {
                secrets.push(Value::String(name.clone()));
            }
        }
    }
    if let Some(path) = find_marker(&Value::Object(root.clone()), "") {
        return Err(SchemaError::NestedSecret {
            type_name: type_name.to_owned(),
            path,
        });
    }
    if !secrets.is_empty() {
        root.insert("secrets".into(), Value::Array(secrets));
    }
    Ok(())
}

/// Removes the marker from a property schema (also inside `anyOf` for `Option<Secret<T>>`).
fn take_marker(property: &mut Value) -> bool {
    let Value::Object(map) = property else {
        return false;
    };
    let mut found = map.remove(SECRET_MARKER).is_some();
    for keyword in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(branches)) = map.get_mut(keyword) {
            for branch in branches {
                found |= take_marker(branch);
            }
        }
    }
    found
}

fn find_marker(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::Object(map) => {
            if map.contains_key(SECRET_MARKER) {
                return Some(if path.is_empty() {
                    "(root)".into()
                } else {
                    path.to_owned()
                });
            }
            for (key, sub) in map {
                let sub_path = match (key.as_str(), path.is_empty()) {
                    (
                        "properties" | "anyOf" | "oneOf" | "allOf" | "items" | "definitions"
                        | "$defs",
                        _,
                    ) => path.to_owned(),
                    (_, true) => key.clone(),
                    (_, false) => format!("{path}.{key}"),
                };
                if let Some(found) = find_marker(sub, &sub_path) {
                    return Some(found);
                }
            }
            None
        }
        Value::Array(items) => items.iter().find_map(|item| find_marker(item, path)),
        _ => None,
    }
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
        let schema = schema_for::<Node>().unwrap();
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
        let schema = schema_for::<Tree>().unwrap();
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
    fn titles_follow_python_str_title() {
        assert_eq!(python_title("trigger_field"), "Trigger Field");
        assert_eq!(python_title("a1b"), "A1B");
        assert_eq!(python_title("éte_x"), "Éte X");
        assert_eq!(python_title("__x"), "  X");
    }

    #[test]
    fn nullable_type_becomes_any_of_with_default() {
        let mut schema = json!({
            "title": "T", "type": "object",
            "properties": {"url": {"type": ["string", "null"], "format": "uri", "description": "where"}},
        });
        to_sekoia_dialect(&mut schema, "T").unwrap();
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
        to_sekoia_dialect(&mut schema, "T").unwrap();
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
        to_sekoia_dialect(&mut schema, "T").unwrap();
        assert_eq!(schema["secrets"], json!(["api_key", "token"]));
        assert!(!schema.to_string().contains(SECRET_MARKER));

        let mut nested = json!({"type": "object", "properties": {
            "auth": {"type": "object", "properties": {"password": {"type": "string", SECRET_MARKER: true}}},
        }});
        let err = to_sekoia_dialect(&mut nested, "my::Args").unwrap_err();
        assert_eq!(
            err,
            SchemaError::NestedSecret {
                type_name: "my::Args".into(),
                path: "auth.password".into()
            }
        );
    }
}
