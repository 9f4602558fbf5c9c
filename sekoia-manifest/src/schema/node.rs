//! The pass over every schema node: properties titled, nullable values written in the dialect's
//! style, Rust-only formats dropped, and the settings of `#[sekoia(...)]` applied and removed.

use serde_json::{Map, Value};

use crate::dialect::{Dialect, Nullable, Optional, Titles};
use crate::schema::marks::{self, FieldMarks, TypeMarks};
use crate::schema::{SchemaError, nullable, python_title, secrets};

/// The settings in force at a node: the module's dialect, overridden by the types above it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub titles: Titles,
    pub optional: Optional,
    pub nullable: Nullable,
    pub keep_formats: bool,
}

impl Settings {
    pub(crate) fn of(dialect: &Dialect) -> Settings {
        Settings {
            titles: dialect.titles,
            optional: dialect.optional,
            nullable: dialect.nullable,
            keep_formats: dialect.keep_formats,
        }
    }

    fn under(mut self, marks: &TypeMarks) -> Settings {
        if let Some(titles) = marks.titles {
            self.titles = titles;
        }
        if let Some(optional) = marks.optional {
            self.optional = optional;
        }
        if let Some(nullable) = marks.nullable {
            self.nullable = nullable;
        }
        self
    }
}

/// What the pass of a schema gathers for its root.
pub(crate) struct Pass<'a> {
    /// The Rust type whose schema it is, for error messages.
    pub type_name: &'a str,
    /// Types kept as `definitions`, in the order first met.
    pub definitions: Map<String, Value>,
}

impl Pass<'_> {
    fn invalid(&self, message: String) -> SchemaError {
        SchemaError::Invalid {
            type_name: self.type_name.to_owned(),
            message,
        }
    }

    /// Rewrites `schema` and everything under it; returns the marks of its type.
    pub(crate) fn node(
        &mut self,
        schema: &mut Map<String, Value>,
        settings: Settings,
    ) -> Result<TypeMarks, SchemaError> {
        let marks = marks::take_type(schema).map_err(|m| self.invalid(m))?;
        if let Some(error) = &marks.error {
            return Err(self.invalid(error.clone()));
        }
        if let Some(raw) = &marks.raw {
            *schema = as_object(marks::parse_raw(raw).map_err(|m| self.invalid(m))?);
            return Ok(marks);
        }
        let settings = settings.under(&marks);
        if !settings.keep_formats {
            drop_rust_format(schema);
        }
        self.properties(schema, settings, &marks)?;
        for keyword in ["items", "additionalProperties", "not", "if", "then", "else"] {
            if let Some(Value::Object(sub)) = schema.get_mut(keyword) {
                self.child(sub, settings)?;
            }
        }
        for keyword in ["anyOf", "oneOf", "allOf", "items"] {
            if let Some(Value::Array(subs)) = schema.get_mut(keyword) {
                for sub in subs {
                    if let Value::Object(sub) = sub {
                        self.child(sub, settings)?;
                    }
                }
            }
        }
        for keyword in ["definitions", "$defs", "patternProperties"] {
            if let Some(Value::Object(defs)) = schema.get_mut(keyword) {
                for sub in defs.values_mut() {
                    if let Value::Object(sub) = sub {
                        self.child(sub, settings)?;
                    }
                }
            }
        }
        self.apply(schema, &marks);
        if let Some(name) = &marks.definition {
            let content = std::mem::take(schema);
            schema.insert(
                "$ref".into(),
                Value::String(format!("#/definitions/{name}")),
            );
            self.definitions
                .entry(name.clone())
                .or_insert(Value::Object(content));
        }
        Ok(marks)
    }

    /// A schema under another (items, branches...): nullable in the style in force.
    fn child(
        &mut self,
        schema: &mut Map<String, Value>,
        settings: Settings,
    ) -> Result<TypeMarks, SchemaError> {
        nullable::write(schema, settings.nullable);
        self.node(schema, settings)
    }

    fn properties(
        &mut self,
        schema: &mut Map<String, Value>,
        settings: Settings,
        type_marks: &TypeMarks,
    ) -> Result<(), SchemaError> {
        let required: Vec<String> = match schema.get("required") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let mut also_required = Vec::new();
        if let Some(Value::Object(properties)) = schema.get_mut("properties") {
            for (name, property) in properties.iter_mut() {
                let Value::Object(property) = property else {
                    continue;
                };
                let field = marks::take_field(property).map_err(|m| self.invalid(m))?;
                if let Some(raw) = &field.raw {
                    *property = as_object(marks::parse_raw(raw).map_err(|m| self.invalid(m))?);
                    continue;
                }
                let is_required = required.contains(name) || field.required;
                if field.required && !required.contains(name) {
                    also_required.push(name.clone());
                }
                self.property(name, property, is_required, settings, &field)?;
                if type_marks.secrets.is_some() {
                    // the type lists its secrets itself, wherever it is
                    secrets::take_marker(property);
                }
            }
        }
        if !also_required.is_empty() {
            let names: Vec<Value> = match schema.get("properties") {
                Some(Value::Object(properties)) => properties
                    .keys()
                    .filter(|n| required.contains(n) || also_required.contains(n))
                    .map(|n| Value::String(n.clone()))
                    .collect(),
                _ => Vec::new(),
            };
            schema.insert("required".into(), Value::Array(names));
        }
        Ok(())
    }

    fn property(
        &mut self,
        name: &str,
        property: &mut Map<String, Value>,
        required: bool,
        settings: Settings,
        field: &FieldMarks,
    ) -> Result<(), SchemaError> {
        let optional = field.optional.unwrap_or(settings.optional);
        let style = field.nullable.unwrap_or(settings.nullable);
        if !required && optional == Optional::Plain {
            nullable::strip(property);
        }
        nullable::write(property, style);
        self.node(property, settings)?;
        if style == Nullable::TypeArray {
            nullable::collapse_to_type_array(property);
        }
        if let Some(format) = &field.format {
            set_format(property, format);
        }
        if let Some(keywords) = &field.items {
            set_items(property, keywords);
        }
        if field.untyped {
            property.shift_remove("type");
        }
        let defaults_null = matches!(style, Nullable::AnyOf | Nullable::TypeArray);
        if !required
            && defaults_null
            && !field.no_default
            && !property.contains_key("default")
            && nullable::allows(property)
        {
            property.insert("default".into(), Value::Null);
        }
        if !field.no_title && settings.titles == Titles::Pydantic && !property.contains_key("title")
        {
            let mut titled = Map::with_capacity(property.len() + 1);
            titled.insert("title".into(), Value::String(python_title(name)));
            titled.append(property);
            *property = titled;
        }
        Ok(())
    }

    /// The settings of a type that shape its own node, once its content is rewritten.
    fn apply(&self, schema: &mut Map<String, Value>, marks: &TypeMarks) {
        if let Some(title) = &marks.title {
            let mut titled = Map::with_capacity(schema.len() + 1);
            titled.insert("title".into(), Value::String(title.clone()));
            schema.shift_remove("title");
            titled.append(schema);
            *schema = titled;
        }
        if marks.no_title {
            schema.shift_remove("title");
        }
        if marks.type_array {
            union_to_type_array(schema);
        }
        if let Some(required) = &marks.required {
            schema.insert("required".into(), Value::Array(required.clone()));
        }
        for (keyword, branches) in [
            ("oneOf", &marks.one_of_required),
            ("anyOf", &marks.any_of_required),
        ] {
            if let Some(Value::Array(lists)) = branches {
                schema.insert(keyword.into(), required_branches(lists));
            }
        }
        if let Some(Value::Array(lists)) = &marks.not_any_of_required {
            let mut not = Map::new();
            not.insert("anyOf".into(), required_branches(lists));
            schema.insert("not".into(), Value::Object(not));
        }
        if let Some(secrets) = &marks.secrets {
            schema.insert("secrets".into(), Value::Array(secrets.clone()));
        }
        if marks.no_type {
            schema.shift_remove("type");
        }
    }
}

fn as_object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        // `true` (anything) as the schema `{}`; other values cannot be schemas of a property
        _ => Map::new(),
    }
}

fn required_branches(lists: &[Value]) -> Value {
    Value::Array(
        lists
            .iter()
            .map(|names| {
                let mut branch = Map::new();
                branch.insert("required".into(), names.clone());
                Value::Object(branch)
            })
            .collect(),
    )
}

/// `anyOf` of plain types (`{"type": "integer"}`, `{"type": "string"}`) as one `type` list.
fn union_to_type_array(schema: &mut Map<String, Value>) {
    let Some(Value::Array(branches)) = schema.get("anyOf") else {
        return;
    };
    let types: Option<Vec<Value>> = branches
        .iter()
        .map(|b| match b.as_object() {
            Some(branch) if branch.len() == 1 => branch.get("type").cloned(),
            _ => None,
        })
        .collect();
    if let Some(types) = types {
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
}

/// The `format` of a field, beside its `type` (inside the typed branch of an `anyOf`).
fn set_format(property: &mut Map<String, Value>, format: &str) {
    if !property.contains_key("type")
        && let Some(Value::Array(branches)) = property.get_mut("anyOf")
        && let Some(Value::Object(typed)) = branches
            .iter_mut()
            .find(|b| b.get("type").is_some_and(|t| t != "null"))
    {
        typed.insert("format".into(), Value::String(format.to_owned()));
        return;
    }
    property.insert("format".into(), Value::String(format.to_owned()));
}

/// Keywords of a list's items, in its `items` (inside the typed branch of an `anyOf`).
fn set_items(property: &mut Map<String, Value>, keywords: &Map<String, Value>) {
    let target = if property.contains_key("items") {
        property.get_mut("items")
    } else {
        match property.get_mut("anyOf") {
            Some(Value::Array(branches)) => branches
                .iter_mut()
                .find(|b| b.get("items").is_some())
                .and_then(|b| b.get_mut("items")),
            _ => None,
        }
    };
    if let Some(Value::Object(items)) = target {
        for (key, value) in keywords {
            items.insert(key.clone(), value.clone());
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
        schema.shift_remove("format");
    }
}
