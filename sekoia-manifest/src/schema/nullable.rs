//! Values that may be `null`: schemars writes `Option<T>` as `"type": [T, "null"]` (or
//! `anyOf [T, {"type": "null"}]` when `T` has no `type`); the dialect writes them in the style
//! it is asked for, or as `T` alone for a plain optional field.

use serde_json::{Map, Value, json};

use crate::dialect::Nullable;
use crate::schema::SECRET_MARKER;

/// Keywords that describe the property itself, not the value's type: they stay outside `anyOf`.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "examples",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "in",
    SECRET_MARKER,
];

/// Writes a schemars nullable value (`"type": [T, "null"]`) in `style`.
pub(crate) fn write(schema: &mut Map<String, Value>, style: Nullable) {
    if !type_has_null(schema) {
        return;
    }
    match style {
        Nullable::AnyOf => type_array_to_any_of(schema),
        Nullable::TypeArray => {}
        Nullable::Nullable | Nullable::XNullable => {
            remove_null(schema);
            let flag = if style == Nullable::Nullable {
                "nullable"
            } else {
                "x-nullable"
            };
            schema.insert(flag.into(), Value::Bool(true));
        }
    }
}

/// Makes a nullable value plain `T`: `null` leaves its `type` list and its `enum`, or the
/// `{"type": "null"}` branch of an `anyOf` goes, the other branch taking its place.
pub(crate) fn strip(schema: &mut Map<String, Value>) {
    if type_has_null(schema) {
        remove_null(schema);
        return;
    }
    let Some(Value::Array(branches)) = schema.get("anyOf") else {
        return;
    };
    let is_null = |b: &Value| b.get("type").and_then(Value::as_str) == Some("null");
    if !branches.iter().any(is_null) {
        return;
    }
    let mut others: Vec<Value> = branches.iter().filter(|b| !is_null(b)).cloned().collect();
    if others.len() != 1 {
        schema.insert("anyOf".into(), Value::Array(others));
        return;
    }
    let Some(Value::Object(inner)) = others.pop() else {
        return;
    };
    // the branch's keywords take the place of `anyOf`, the annotations staying where they were
    let mut merged = Map::with_capacity(schema.len() + inner.len());
    for (key, value) in std::mem::take(schema) {
        if key == "anyOf" {
            for (inner_key, inner_value) in &inner {
                if !merged.contains_key(inner_key) {
                    merged.insert(inner_key.clone(), inner_value.clone());
                }
            }
        } else {
            merged.insert(key, value);
        }
    }
    *schema = merged;
}

/// `anyOf [{"type": T}, {"type": "null"}]` (an `Option` of a union of plain types) as
/// `"type": [T..., "null"]`, for the `type_array` style.
pub(crate) fn collapse_to_type_array(schema: &mut Map<String, Value>) {
    let Some(Value::Array(branches)) = schema.get("anyOf") else {
        return;
    };
    let [first, second] = branches.as_slice() else {
        return;
    };
    let is_null = |b: &Value| {
        b.get("type") == Some(&Value::from("null")) && b.as_object().is_some_and(|b| b.len() == 1)
    };
    let typed = match (is_null(first), is_null(second)) {
        (false, true) => first,
        (true, false) => second,
        _ => return,
    };
    let Some(typed) = typed.as_object().filter(|t| t.len() == 1) else {
        return;
    };
    let mut types = match typed.get("type") {
        Some(Value::String(t)) => vec![Value::String(t.clone())],
        Some(Value::Array(ts)) => ts.clone(),
        _ => return,
    };
    types.push(Value::from("null"));
    let mut rewritten = Map::with_capacity(schema.len());
    for (key, value) in std::mem::take(schema) {
        if key == "anyOf" {
            rewritten.insert("type".into(), Value::Array(types.clone()));
        } else {
            rewritten.insert(key, value);
        }
    }
    *schema = rewritten;
}

/// Whether the value may be `null`, in any style.
pub(crate) fn allows(schema: &Map<String, Value>) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) if t == "null" => return true,
        Some(Value::Array(types)) if types.iter().any(|t| t == "null") => return true,
        _ => {}
    }
    match schema.get("anyOf").or_else(|| schema.get("oneOf")) {
        Some(Value::Array(branches)) => branches.iter().any(|b| b.as_object().is_some_and(allows)),
        _ => false,
    }
}

fn type_has_null(schema: &Map<String, Value>) -> bool {
    matches!(schema.get("type"), Some(Value::Array(types)) if types.iter().any(|t| t == "null"))
}

/// `null` out of `type` (a single remaining type becomes a string) and out of `enum`.
fn remove_null(schema: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = schema.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.pop().expect("one type");
            schema.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
}

/// `{"type": ["string", "null"], "format": "uri"}` becomes
/// `{"anyOf": [{"type": "string", "format": "uri"}, {"type": "null"}]}`, as pydantic writes `Optional`.
fn type_array_to_any_of(schema: &mut Map<String, Value>) {
    let mut inner = Map::new();
    let mut outer = Map::new();
    let mut types = Vec::new();
    for (key, value) in std::mem::take(schema) {
        if key == "type" {
            if let Value::Array(list) = value {
                types = list.into_iter().filter(|t| t != "null").collect();
            }
        } else if ANNOTATIONS.contains(&key.as_str()) {
            outer.insert(key, value);
        } else {
            inner.insert(key, value);
        }
    }
    if let Some(Value::Array(values)) = inner.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    let mut branches = Vec::new();
    if !types.is_empty() {
        let mut typed = Map::new();
        typed.insert(
            "type".into(),
            if types.len() == 1 {
                types.pop().expect("one type")
            } else {
                Value::Array(types)
            },
        );
        typed.append(&mut inner);
        branches.push(Value::Object(typed));
    }
    branches.push(json!({"type": "null"}));
    // annotations first (title, description), then anyOf, then default
    let default = outer.shift_remove("default");
    *schema = outer;
    schema.insert("anyOf".into(), Value::Array(branches));
    if let Some(default) = default {
        schema.insert("default".into(), default);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn each_style_of_a_nullable_value() {
        let nullable =
            || object(json!({"description": "d", "type": ["string", "null"], "enum": ["a", null]}));
        let mut any_of = nullable();
        write(&mut any_of, Nullable::AnyOf);
        assert_eq!(
            Value::Object(any_of),
            json!({"description": "d", "anyOf": [{"type": "string", "enum": ["a"]}, {"type": "null"}]})
        );
        let mut array = nullable();
        write(&mut array, Nullable::TypeArray);
        assert_eq!(Value::Object(array), Value::Object(nullable()));
        let mut flag = nullable();
        write(&mut flag, Nullable::XNullable);
        assert_eq!(
            Value::Object(flag),
            json!({"description": "d", "type": "string", "enum": ["a"], "x-nullable": true})
        );
    }

    #[test]
    fn a_plain_optional_loses_its_null() {
        let mut typed = object(json!({"type": ["integer", "null"], "minimum": 1}));
        strip(&mut typed);
        assert_eq!(
            Value::Object(typed),
            json!({"type": "integer", "minimum": 1})
        );
        let mut union = object(json!({"description": "p", "anyOf": [
            {"anyOf": [{"type": "object"}, {"type": "string"}]}, {"type": "null"}
        ]}));
        strip(&mut union);
        assert_eq!(
            Value::Object(union),
            json!({"description": "p", "anyOf": [{"type": "object"}, {"type": "string"}]})
        );
    }
}
