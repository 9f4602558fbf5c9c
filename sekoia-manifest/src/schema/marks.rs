//! The settings `#[sekoia(...)]` leaves in a schema (see [`crate::dialect::marker`]), read into
//! typed values and removed from the schema.

use serde_json::{Map, Value};

use crate::dialect::{MetaSchema, Nullable, Optional, Titles, marker};

/// What `#[sekoia(...)]` on a type says.
#[derive(Debug, Default)]
pub(crate) struct TypeMarks {
    pub title: Option<String>,
    pub no_title: bool,
    pub schema: Option<MetaSchema>,
    pub no_type: bool,
    pub no_properties: bool,
    pub required: Option<Vec<Value>>,
    pub secrets: Option<Vec<Value>>,
    pub one_of_required: Option<Value>,
    pub any_of_required: Option<Value>,
    pub not_any_of_required: Option<Value>,
    pub type_array: bool,
    pub titles: Option<Titles>,
    pub optional: Option<Optional>,
    pub nullable: Option<Nullable>,
    pub definition: Option<String>,
    pub raw: Option<String>,
    pub error: Option<String>,
}

/// What `#[sekoia(...)]` on a field says.
#[derive(Debug, Default)]
pub(crate) struct FieldMarks {
    pub no_title: bool,
    pub required: bool,
    pub optional: Option<Optional>,
    pub nullable: Option<Nullable>,
    pub format: Option<String>,
    pub no_default: bool,
    pub untyped: bool,
    pub items: Option<Map<String, Value>>,
    pub raw: Option<String>,
}

/// Takes the marks of a type off `schema`; an unknown word is an error message.
pub(crate) fn take_type(schema: &mut Map<String, Value>) -> Result<TypeMarks, String> {
    let Some(Value::Object(mut marks)) = schema.shift_remove(marker::TYPE) else {
        return Ok(TypeMarks::default());
    };
    Ok(TypeMarks {
        title: string(&mut marks, marker::TITLE),
        no_title: flag(&mut marks, marker::NO_TITLE),
        schema: word(
            &mut marks,
            marker::SCHEMA,
            MetaSchema::from_word,
            MetaSchema::expected,
        )?,
        no_type: flag(&mut marks, marker::NO_TYPE),
        no_properties: flag(&mut marks, marker::NO_PROPERTIES),
        required: list(&mut marks, marker::REQUIRED_LIST),
        secrets: list(&mut marks, marker::SECRETS),
        one_of_required: marks.shift_remove(marker::ONE_OF_REQUIRED),
        any_of_required: marks.shift_remove(marker::ANY_OF_REQUIRED),
        not_any_of_required: marks.shift_remove(marker::NOT_ANY_OF_REQUIRED),
        type_array: flag(&mut marks, marker::TYPE_ARRAY),
        titles: word(
            &mut marks,
            marker::TITLES,
            Titles::from_word,
            Titles::expected,
        )?,
        optional: word(
            &mut marks,
            marker::OPTIONAL,
            Optional::from_word,
            Optional::expected,
        )?,
        nullable: word(
            &mut marks,
            marker::NULLABLE,
            Nullable::from_word,
            Nullable::expected,
        )?,
        definition: string(&mut marks, marker::DEFINITION),
        raw: string(&mut marks, marker::RAW),
        error: string(&mut marks, marker::ERROR),
    })
}

/// Takes the marks of a field off its property schema.
pub(crate) fn take_field(schema: &mut Map<String, Value>) -> Result<FieldMarks, String> {
    let Some(Value::Object(mut marks)) = schema.shift_remove(marker::FIELD) else {
        return Ok(FieldMarks::default());
    };
    Ok(FieldMarks {
        no_title: flag(&mut marks, marker::NO_TITLE),
        required: flag(&mut marks, marker::REQUIRED),
        optional: word(
            &mut marks,
            marker::OPTIONAL,
            Optional::from_word,
            Optional::expected,
        )?,
        nullable: word(
            &mut marks,
            marker::NULLABLE,
            Nullable::from_word,
            Nullable::expected,
        )?,
        format: string(&mut marks, marker::FORMAT),
        no_default: flag(&mut marks, marker::NO_DEFAULT),
        untyped: flag(&mut marks, marker::UNTYPED),
        items: match marks.shift_remove(marker::ITEMS) {
            Some(Value::Object(items)) => Some(items),
            _ => None,
        },
        raw: string(&mut marks, marker::RAW),
    })
}

fn flag(marks: &mut Map<String, Value>, key: &str) -> bool {
    marks.shift_remove(key) == Some(Value::Bool(true))
}

fn string(marks: &mut Map<String, Value>, key: &str) -> Option<String> {
    match marks.shift_remove(key) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn list(marks: &mut Map<String, Value>, key: &str) -> Option<Vec<Value>> {
    match marks.shift_remove(key) {
        Some(Value::Array(items)) => Some(items),
        _ => None,
    }
}

fn word<T>(
    marks: &mut Map<String, Value>,
    key: &str,
    from_word: fn(&str) -> Option<T>,
    expected: fn() -> String,
) -> Result<Option<T>, String> {
    match string(marks, key) {
        None => Ok(None),
        Some(w) => from_word(&w).map(Some).ok_or_else(|| {
            format!(
                "`{key} = \"{w}\"` is not a setting of the dialect; expected one of {}",
                expected()
            )
        }),
    }
}

/// A schema written as JSON text in `raw = "..."`.
pub(crate) fn parse_raw(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("`raw` is not JSON ({e}): {text}"))
}
