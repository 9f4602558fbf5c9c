//! `Secret<T>` fields: the marker their schema carries becomes the root's `"secrets"` list.

use serde_json::{Map, Value};

use crate::schema::{SECRET_MARKER, SchemaError};

/// Moves the secret marker of top-level properties into a root `"secrets"` list; a marker left
/// deeper is an error, since the platform could not hand that value over.
pub(crate) fn hoist(root: &mut Map<String, Value>, type_name: &str) -> Result<(), SchemaError> {
    let mut secrets = Vec::new();
    if let Some(Value::Object(properties)) = root.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            if let Value::Object(property) = property
                && take_marker(property)
            {
                secrets.push(Value::String(name.clone()));
            }
        }
    }
    if let Some(path) = find_marker(root, "") {
        return Err(SchemaError::NestedSecret {
            type_name: type_name.to_owned(),
            path,
        });
    }
    if !secrets.is_empty() && !root.contains_key("secrets") {
        root.insert("secrets".into(), Value::Array(secrets));
    }
    Ok(())
}

/// Removes the marker from a property schema (also inside `anyOf` for `Option<Secret<T>>`).
pub(crate) fn take_marker(property: &mut Map<String, Value>) -> bool {
    let mut found = property.shift_remove(SECRET_MARKER).is_some();
    for keyword in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(branches)) = property.get_mut(keyword) {
            for branch in branches {
                if let Value::Object(branch) = branch {
                    found |= take_marker(branch);
                }
            }
        }
    }
    found
}

fn find_marker(map: &Map<String, Value>, path: &str) -> Option<String> {
    if map.contains_key(SECRET_MARKER) {
        return Some(if path.is_empty() {
            "(root)".into()
        } else {
            path.to_owned()
        });
    }
    for (key, sub) in map {
        let sub_path = match (key.as_str(), path.is_empty()) {
            ("properties" | "anyOf" | "oneOf" | "allOf" | "items" | "definitions" | "$defs", _) => {
                path.to_owned()
            }
            (_, true) => key.clone(),
            (_, false) => format!("{path}.{key}"),
        };
        let found = match sub {
            Value::Object(sub) => find_marker(sub, &sub_path),
            Value::Array(items) => items.iter().find_map(|item| match item {
                Value::Object(item) => find_marker(item, &sub_path),
                _ => None,
            }),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}
