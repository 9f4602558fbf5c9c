//! The callback endpoint: action status updates (`PATCH /callback`) and trigger events
//! (`POST /callback`), checked against the platform contract.

use serde_json::{Map, Value};

/// Checks a status update: `{"status": string, "need_secrets"?: bool}`, and for
/// `"finished"` the optional `results`, `error` (string), `logs` (one string), `outputs`
/// (`{branch: bool}`) and `secrets` (object). `null` counts as absent.
pub(crate) fn check_status_update(body: &Value) -> Result<(), String> {
    let object = as_object(body, "a status update")?;
    match object.get("status") {
        Some(Value::String(_)) => {}
        Some(other) => return Err(wrong_type("status", "a string", other)),
        None => return Err("missing field `status` (\"running\" or \"finished\")".into()),
    }
    optional(object, "need_secrets", "a boolean", Value::is_boolean)?;
    optional(object, "error", "a string", Value::is_string)?;
    optional(
        object,
        "logs",
        "one string, a line per entry (`<date>: <level>: <message>`)",
        Value::is_string,
    )?;
    optional(object, "outputs", "an object of booleans", |value| {
        value
            .as_object()
            .is_some_and(|outputs| outputs.values().all(Value::is_boolean))
    })?;
    optional(object, "secrets", "an object", Value::is_object)?;
    Ok(())
}

/// Whether a status update asks for the module secrets.
pub(crate) fn needs_secrets(body: &Value) -> bool {
    body.get("need_secrets").and_then(Value::as_bool) == Some(true)
}

/// The secrets an action sends back to be stored, when it updated them.
pub(crate) fn updated_secrets(body: &Value) -> Option<&Map<String, Value>> {
    body.get("secrets").and_then(Value::as_object)
}

/// Checks a trigger event: `{"name": string, "event": object, "request_id": uuid string,
/// "directory"?: string}`.
pub(crate) fn check_event(body: &Value) -> Result<(), String> {
    let object = as_object(body, "an event")?;
    required(object, "name", "a string", Value::is_string)?;
    required(object, "event", "an object", Value::is_object)?;
    required(object, "request_id", "a UUID string", |value| {
        value
            .as_str()
            .is_some_and(|id| uuid::Uuid::parse_str(id).is_ok())
    })?;
    optional(
        object,
        "directory",
        "a string (relative to the data directory)",
        Value::is_string,
    )?;
    Ok(())
}

/// `body` as an object, or a message naming what was expected.
pub(crate) fn as_object<'a>(body: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    body.as_object()
        .ok_or_else(|| format!("expected {what} as a JSON object, got {}", kind(body)))
}

fn required(
    object: &Map<String, Value>,
    field: &str,
    expected: &str,
    valid: impl Fn(&Value) -> bool,
) -> Result<(), String> {
    match object.get(field) {
        Some(value) if valid(value) => Ok(()),
        Some(value) => Err(wrong_type(field, expected, value)),
        None => Err(format!("missing field `{field}` ({expected})")),
    }
}

fn optional(
    object: &Map<String, Value>,
    field: &str,
    expected: &str,
    valid: impl Fn(&Value) -> bool,
) -> Result<(), String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(()),
        Some(value) if valid(value) => Ok(()),
        Some(value) => Err(wrong_type(field, expected, value)),
    }
}

fn wrong_type(field: &str, expected: &str, got: &Value) -> String {
    format!("field `{field}` must be {expected}, got {}", kind(got))
}

/// A short description of a JSON value for error messages.
pub(crate) fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() <= 40 => format!("the string {s:?}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}
