//! JSON Schemas of a Python module's manifests as the Rust types whose schemas, in the module's
//! dialect, are the same: a struct of properties, an enum of string values, a union for
//! `anyOf`, the free-form types; each setting the dialect does not give as `#[sekoia(...)]`.
//! What no type can say (a malformed schema, a `$ref`) is kept as written with `raw = "..."`,
//! counted as an escape hatch.

use serde_json::{Map, Value};

use sekoia_manifest::dialect::{Dialect, MetaSchema, Nullable, Optional, RootTitle, Titles};
use sekoia_manifest::schema::python_title;

use crate::import::items::{Doc, Enum, Field, Item, Newtype, Role, Struct, Union};
use crate::import::naming::{self, Taken, string_literal};

/// A root schema: what it is for, and the type name it gets when its title is not one.
pub(crate) struct Root<'a> {
    pub schema: &'a Value,
    pub role: Role,
    /// `Arguments`, `Results`, `Configuration`...
    pub name: &'a str,
    /// Whether `Secret` fields may be read (arguments and configurations).
    pub secrets: bool,
    /// Whether the type keeps `name` even when its title is a type name (the module's).
    pub fixed: bool,
}

/// Converts the schemas of one Rust file (a component, or the module configuration).
pub(crate) struct Converter<'a> {
    dialect: &'a Dialect,
    taken: Taken,
    /// The items, in the order they are written (a root first, then what it uses).
    pub items: Vec<Item>,
    /// Where `raw = "..."` was needed, and why.
    pub escapes: Vec<String>,
}

/// The Rust type of a schema, and what its field must say of it.
struct Core {
    ty: String,
    /// `#[sekoia(...)]` arguments of the field (`format`, `values`, `untyped`).
    sekoia: Vec<String>,
    /// Other attributes of the field (`#[schemars(range(...))]`).
    attrs: Vec<String>,
    /// What JSON a default of this type is.
    kind: Kind,
}

/// The JSON a value of a type is, to tell whether a default deserializes into it.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    /// One of these strings.
    Values(Vec<String>),
    /// Anything (a union, a free-form value).
    Any,
    /// A struct: its default is not checked here.
    Struct,
}

impl Kind {
    fn accepts(&self, value: &Value) -> bool {
        match (self, value) {
            (Kind::Any, _) => true,
            (Kind::String, Value::String(_)) => true,
            (Kind::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (Kind::Number, Value::Number(_)) => true,
            (Kind::Boolean, Value::Bool(_)) => true,
            (Kind::Array, Value::Array(_)) => true,
            (Kind::Object, Value::Object(_)) => true,
            (Kind::Values(values), Value::String(s)) => values.contains(s),
            // a struct's default is only the schema's: it may lack required fields
            _ => false,
        }
    }
}

/// Keys a property carries for itself (the field), whatever its type.
const FIELD_KEYS: &[&str] = &[
    "description",
    "title",
    "default",
    "in",
    "example",
    "nullable",
    "x-nullable",
];

impl<'a> Converter<'a> {
    pub(crate) fn new(dialect: &'a Dialect, taken: &[&str]) -> Converter<'a> {
        Converter {
            dialect,
            taken: Taken::with(taken),
            items: Vec::new(),
            escapes: Vec::new(),
        }
    }

    /// The type of a root schema: `()` for `{}` results, else a struct named after its title
    /// or `root.name`.
    pub(crate) fn root(&mut self, root: &Root<'_>) -> String {
        let Some(map) = root.schema.as_object() else {
            return self.raw_root(root, "the schema is not an object");
        };
        if map.is_empty() && root.role == Role::Output {
            return "()".to_owned();
        }
        if map.get("type").and_then(Value::as_str) == Some("array") && !root.fixed {
            return match self.list_root(map, root) {
                Ok(name) => name,
                Err(reason) => self.raw_root(root, &reason),
            };
        }
        match self.object(map, root.name, root.role, Some(root)) {
            Ok(name) => name,
            Err(reason) => self.raw_root(root, &reason),
        }
    }

    /// A root that is a list: a struct around the `Vec`; nothing is left of it when it cannot
    /// be one (the caller keeps the schema as written).
    fn list_root(&mut self, map: &Map<String, Value>, root: &Root<'_>) -> Result<String, String> {
        let index = self.items.len();
        let listed = self.list_root_items(map, root, index);
        if listed.is_err() {
            self.items.truncate(index);
        }
        listed
    }

    fn list_root_items(
        &mut self,
        map: &Map<String, Value>,
        root: &Root<'_>,
        index: usize,
    ) -> Result<String, String> {
        const KEYS: &[&str] = &["$schema", "type", "title", "description", "items"];
        if let Some(key) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(format!("the keyword `{key}`"));
        }
        let name = self.taken.claim(root.name);
        self.items.push(Item::Newtype(Newtype {
            name: name.clone(),
            role: root.role,
            doc: Doc::None,
            sekoia: Vec::new(),
            ty: String::new(),
        }));
        let item = match map.get("items") {
            None => "AnyValue".to_owned(),
            Some(Value::Object(items)) => self.core(items, "item", root.role, false)?.ty,
            Some(_) => return Err("`items` that is not one schema".to_owned()),
        };
        let mut sekoia = Vec::new();
        match map.get("title").and_then(Value::as_str) {
            Some(title) if title == name && self.dialect.root_title == RootTitle::TypeName => {}
            Some(title) => sekoia.push(format!("title = {}", string_literal(title))),
            None if self.dialect.root_title == RootTitle::TypeName => {
                sekoia.push("no_title".to_owned());
            }
            None => {}
        }
        let schema = match map.get("$schema").and_then(Value::as_str) {
            None => MetaSchema::None,
            Some(uri) if Some(uri) == MetaSchema::Draft2020.uri() => MetaSchema::Draft2020,
            Some(uri) if Some(uri) == MetaSchema::Draft07.uri() => MetaSchema::Draft07,
            Some(uri) => return Err(format!("the `$schema` {uri}")),
        };
        if schema != self.dialect.schema {
            sekoia.push(format!("schema = \"{}\"", schema.word()));
        }
        if let Item::Newtype(n) = &mut self.items[index] {
            n.ty = format!("Vec<{item}>");
            n.sekoia = sekoia;
            n.doc = Doc::of(map.get("description").and_then(Value::as_str));
        }
        Ok(name)
    }

    fn raw_root(&mut self, root: &Root<'_>, reason: &str) -> String {
        self.escapes
            .push(format!("{} kept as written: {reason}", root.name));
        let name = self.taken.claim(root.name);
        self.items.push(Item::Struct(Struct {
            name: name.clone(),
            role: root.role,
            doc: Doc::None,
            sekoia: vec![format!("raw = {}", raw_literal(root.schema))],
            fields: Vec::new(),
        }));
        name
    }

    /// A struct for an object schema; `root` when it is the root of a manifest schema.
    fn object(
        &mut self,
        map: &Map<String, Value>,
        name_hint: &str,
        role: Role,
        root: Option<&Root<'_>>,
    ) -> Result<String, String> {
        const KEYS: &[&str] = &[
            "$schema",
            "type",
            "title",
            "description",
            "properties",
            "required",
            "secrets",
            "oneOf",
            "anyOf",
            "not",
        ];
        if let Some(key) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(format!("the keyword `{key}`"));
        }
        if !map.get("type").is_none_or(|t| t == "object") {
            return Err("a schema that is not an object".to_owned());
        }
        let mut sekoia = Vec::new();
        // the position of the struct's name: claimed now, so nested types come after it
        let title = map.get("title").and_then(Value::as_str);
        let description = map.get("description").and_then(Value::as_str);
        if title == Some("") || description == Some("") {
            return Err("an empty title or description".to_owned());
        }
        let name = match (root, title) {
            (Some(root), Some(title))
                if !root.fixed
                    && naming::is_type_name(title)
                    && self.taken.is_free(title)
                    && self.dialect.root_title == RootTitle::TypeName =>
            {
                self.taken.claim(title)
            }
            _ => self.taken.claim(name_hint),
        };
        let index = self.items.len();
        self.items.push(Item::Struct(Struct {
            name: name.clone(),
            role,
            doc: Doc::None,
            sekoia: Vec::new(),
            fields: Vec::new(),
        }));
        match (root, title) {
            (Some(_), Some(title))
                if title != name || self.dialect.root_title == RootTitle::None =>
            {
                sekoia.push(format!("title = {}", string_literal(title)));
            }
            (Some(_), None) if self.dialect.root_title == RootTitle::TypeName => {
                sekoia.push("no_title".to_owned());
            }
            (None, Some(title)) => sekoia.push(format!("title = {}", string_literal(title))),
            _ => {}
        }
        if root.is_some() {
            let schema = match map.get("$schema") {
                None => MetaSchema::None,
                Some(Value::String(uri)) => {
                    match [MetaSchema::Draft07, MetaSchema::Draft2020]
                        .into_iter()
                        .find(|m| m.uri() == Some(uri.as_str()))
                    {
                        Some(meta) => meta,
                        None => return Err(format!("the `$schema` {uri}")),
                    }
                }
                Some(_) => return Err("a `$schema` that is not a string".to_owned()),
            };
            // `$schema` is written on roots with content only
            let has_content = map.keys().any(|k| k != "$schema");
            if schema != self.dialect.schema && has_content {
                sekoia.push(format!("schema = \"{}\"", schema.word()));
            }
            if !has_content && schema != MetaSchema::None {
                return Err("a root that is only `$schema`".to_owned());
            }
        } else if map.contains_key("$schema") {
            return Err("a nested `$schema`".to_owned());
        }
        if !map.contains_key("type") {
            sekoia.push("no_type".to_owned());
        }
        let properties = match map.get("properties") {
            Some(Value::Object(properties)) => Some(properties),
            None => None,
            Some(_) => return Err("`properties` that is not an object".to_owned()),
        };
        let is_root = root.is_some();
        if properties.is_none() && is_root {
            sekoia.push("no_properties".to_owned());
        } else if properties.is_some_and(Map::is_empty) && !is_root {
            return Err("a nested object with empty `properties`".to_owned());
        }
        let required: Vec<String> = match map.get("required") {
            None => Vec::new(),
            Some(Value::Array(names)) => names
                .iter()
                .map(|n| n.as_str().map(str::to_owned))
                .collect::<Option<_>>()
                .ok_or("a `required` list of non-strings")?,
            Some(_) => return Err("`required` that is not a list".to_owned()),
        };
        let secrets: Option<Vec<String>> = match map.get("secrets") {
            None => None,
            Some(Value::Array(names)) => Some(
                names
                    .iter()
                    .map(|n| n.as_str().map(str::to_owned))
                    .collect::<Option<_>>()
                    .ok_or("a `secrets` list of non-strings")?,
            ),
            Some(_) => return Err("`secrets` that is not a list".to_owned()),
        };
        let mut fields = Vec::new();
        let mut field_names = Taken::default();
        let mut schema_required = Vec::new();
        let mut hoisted = Vec::new();
        for (property, schema) in properties.into_iter().flatten() {
            let is_required = required.contains(property);
            let secret = root.is_some_and(|r| r.secrets)
                && secrets.as_ref().is_some_and(|s| s.contains(property));
            let field = self.property(
                property,
                schema,
                is_required,
                secret,
                role,
                &mut field_names,
            );
            if field.ty.starts_with("Secret<") || field.ty.starts_with("Option<Secret<") {
                hoisted.push(property.clone());
            }
            if is_required {
                schema_required.push(property.clone());
            }
            fields.push(field);
        }
        // `required` in property order is what the pass writes; any other list is said
        let written_required = schema_required;
        let exact_required = !(written_required == required
            && (!required.is_empty() || !map.contains_key("required")));
        if exact_required {
            sekoia.push(format!("required = {}", string_list(&required)));
        }
        if let Some(secrets) = &secrets
            && (*secrets != hoisted || secrets.is_empty() || !is_root)
        {
            sekoia.push(format!("secrets = {}", string_list(secrets)));
        }
        for (keyword, setting) in [("oneOf", "one_of_required"), ("anyOf", "any_of_required")] {
            if let Some(branches) = map.get(keyword) {
                let lists = required_branches(branches).ok_or(format!("a root `{keyword}`"))?;
                sekoia.push(format!("{setting} = {lists}"));
            }
        }
        if let Some(not) = map.get("not") {
            let branches = not
                .as_object()
                .filter(|n| n.len() == 1)
                .and_then(|n| n.get("anyOf"))
                .and_then(required_branches)
                .ok_or("a root `not`")?;
            sekoia.push(format!("not_any_of_required = {branches}"));
        }
        if let Item::Struct(s) = &mut self.items[index] {
            s.sekoia = sekoia;
            s.fields = fields;
            s.doc = Doc::of(description);
        }
        Ok(name)
    }

    /// A field of a struct, for one property.
    fn property(
        &mut self,
        property: &str,
        schema: &Value,
        required: bool,
        secret: bool,
        role: Role,
        names: &mut Taken,
    ) -> Field {
        let name = names.claim(&naming::field(property));
        let mut attrs = Vec::new();
        if naming::serde_name(&name) != property {
            attrs.push(format!("#[serde(rename = {})]", string_literal(property)));
        }
        match self.typed_property(property, schema, required, secret, role) {
            Ok(mut field) => {
                field.name = name;
                attrs.append(&mut field.attrs);
                field.attrs = attrs;
                field
            }
            Err(reason) => {
                self.escapes
                    .push(format!("property `{property}` kept as written: {reason}"));
                let ty = if required {
                    "AnyValue"
                } else {
                    "Option<AnyValue>"
                };
                let mut sekoia = vec![format!("raw = {}", raw_literal(schema))];
                if required {
                    // a free-form value is required, as the schema said
                } else if self.dialect.optional != Optional::Plain {
                    sekoia.push("optional = \"plain\"".to_owned());
                }
                Field {
                    doc: Doc::None,
                    sekoia,
                    attrs,
                    name,
                    ty: ty.to_owned(),
                }
            }
        }
    }

    fn typed_property(
        &mut self,
        property: &str,
        schema: &Value,
        required: bool,
        secret: bool,
        role: Role,
    ) -> Result<Field, String> {
        let Some(map) = schema.as_object() else {
            return Err("a schema that is not an object".to_owned());
        };
        let (style, core_map) = split_null(map)?;
        let mut sekoia = Vec::new();
        let description = map.get("description");
        let title = map.get("title");
        for (key, value) in [("description", description), ("title", title)] {
            match value {
                None | Some(Value::String(_)) => {}
                Some(_) => return Err(format!("a `{key}` that is not a string")),
            }
        }
        let core = self.core(&core_map, property, role, true)?;
        let mut ty = core.ty.clone();
        if secret && ty == "String" {
            ty = "Secret<String>".to_owned();
        }
        let default = map.get("default");
        // a default the type cannot hold is only the schema's: the field is then left out
        // empty (`Option`, or the type's `Default`)
        // a default of a type sent to the platform is only the schema's: serde never reads it
        let foreign_default = default
            .is_some_and(|d| !d.is_null() && (role == Role::Output || !core.kind.accepts(d)));
        let defaultable = role == Role::Input
            && matches!(
                core.kind,
                Kind::String
                    | Kind::Integer
                    | Kind::Number
                    | Kind::Boolean
                    | Kind::Array
                    | Kind::Object
            );
        let optional = style.is_some()
            || (!required && default.is_none())
            || default == Some(&Value::Null)
            || (foreign_default && !defaultable && !required);
        if optional {
            ty = format!("Option<{ty}>");
        }
        sekoia.extend(core.sekoia);
        // the title
        match (title.and_then(Value::as_str), self.dialect.titles) {
            (Some(t), Titles::Pydantic) if t == python_title(property) => {}
            (Some(t), _) => sekoia.insert(0, format!("title = {}", string_literal(t))),
            (None, Titles::Pydantic) => sekoia.insert(0, "no_title".to_owned()),
            (None, Titles::None) => {}
        }
        if required && (default.is_some() || optional) {
            sekoia.push("required".to_owned());
        }
        let mut serde_default = false;
        match (default, style) {
            (None, _) => {}
            // the styles that write `"default": null` themselves
            (Some(Value::Null), Some(Nullable::AnyOf | Nullable::TypeArray)) if !required => {}
            (Some(value), _) => {
                let json = json_literal(value);
                if foreign_default {
                    sekoia.push(format!("schema_default = {json}"));
                    // left out, the field is its type's `Default`, as serde reads it
                    serde_default = !optional && !required && role == Role::Input;
                } else {
                    sekoia.push(format!("default = {json}"));
                }
            }
        }
        if let Some(style) = style {
            if !required && self.dialect.optional != Optional::Nullable {
                sekoia.push("optional = \"nullable\"".to_owned());
            }
            if style != self.dialect.nullable {
                sekoia.push(format!("nullable = \"{}\"", style.word()));
            }
            let writes_null = matches!(style, Nullable::AnyOf | Nullable::TypeArray);
            if writes_null && !required && default.is_none() {
                sekoia.push("no_default".to_owned());
            }
        } else if optional && !required && self.dialect.optional != Optional::Plain {
            sekoia.push("optional = \"plain\"".to_owned());
        }
        if let Some(location) = map.get("in") {
            let location = location.as_str().ok_or("an `in` that is not a string")?;
            if !["path", "query", "body", "header", "formData"].contains(&location) {
                return Err(format!("the location `in: {location}`"));
            }
            sekoia.push(format!("location = \"{location}\""));
        }
        if let Some(example) = map.get("example") {
            sekoia.push(format!("example = {}", json_literal(example)));
        }
        let mut attrs = core.attrs;
        if serde_default {
            attrs.push("#[serde(default)]".to_owned());
        }
        Ok(Field {
            doc: Doc::of(description.and_then(Value::as_str)),
            sekoia,
            attrs,
            name: String::new(),
            ty,
        })
    }

    /// The Rust type of a schema without its `null`. `field` tells whether the schema is a
    /// property's (whose field can carry settings) or nested (array items, union branches).
    fn core(
        &mut self,
        map: &Map<String, Value>,
        hint: &str,
        role: Role,
        field: bool,
    ) -> Result<Core, String> {
        let own: Vec<&str> = map
            .keys()
            .map(String::as_str)
            .filter(|k| !field || !FIELD_KEYS.contains(k))
            .collect();
        let has = |key: &str| own.contains(&key);
        for combinator in ["$ref", "allOf", "oneOf", "not", "definitions"] {
            if has(combinator) {
                return Err(format!("the keyword `{combinator}`"));
            }
        }
        let plain = |ty: &str, kind: Kind| Core {
            ty: ty.to_owned(),
            sekoia: Vec::new(),
            attrs: Vec::new(),
            kind,
        };
        let only = |allowed: &[&str]| -> Result<(), String> {
            match own.iter().find(|k| !allowed.contains(k)) {
                Some(k) => Err(format!("the keyword `{k}`")),
                None => Ok(()),
            }
        };
        let settings_allowed = |core: &Core| -> Result<(), String> {
            if !field && (!core.sekoia.is_empty() || !core.attrs.is_empty()) {
                Err("settings on a nested schema".to_owned())
            } else {
                Ok(())
            }
        };
        if let Some(values) = map.get("enum") {
            let values = values.as_array().ok_or("an `enum` that is not a list")?;
            let type_word = map.get("type").and_then(Value::as_str);
            if values.iter().all(Value::is_string) && matches!(type_word, Some("string") | None) {
                only(&["enum", "type", "title", "description", "format"])?;
                let strings: Vec<String> = values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect();
                let name = self.values_enum(hint, &strings, map, field);
                let mut core = plain(&name, Kind::Values(strings));
                if let Some(format) = map.get("format").and_then(Value::as_str) {
                    core.sekoia
                        .push(format!("format = {}", string_literal(format)));
                }
                if type_word.is_none() {
                    core.sekoia.push("untyped".to_owned());
                }
                settings_allowed(&core)?;
                return Ok(core);
            }
            let integers = values.iter().all(|v| v.is_i64() || v.is_u64());
            if !field || !integers || !matches!(type_word, Some("integer") | None) {
                return Err("an `enum` of other values than strings or integers".to_owned());
            }
            only(&["enum", "type", "format", "minimum", "maximum"])?;
            let mut core = self.number("i64", Kind::Integer, map)?;
            core.sekoia.push(format!(
                "values = {}",
                json_literal(&Value::Array(values.clone()))
            ));
            if type_word.is_none() {
                core.sekoia.push("untyped".to_owned());
            }
            return Ok(core);
        }
        let core = match map.get("type") {
            Some(Value::String(t)) => match t.as_str() {
                "string" => {
                    only(&["type", "format", "minLength", "maxLength", "pattern"])?;
                    let mut core = plain("String", Kind::String);
                    if let Some(format) = map.get("format") {
                        let format = format.as_str().ok_or("a `format` that is not a string")?;
                        core.sekoia
                            .push(format!("format = {}", string_literal(format)));
                    }
                    if let Some(attr) = bounds("length", map, "minLength", "maxLength") {
                        core.attrs.push(attr);
                    }
                    if let Some(pattern) = map.get("pattern") {
                        let pattern = pattern.as_str().ok_or("a `pattern` that is not a string")?;
                        core.attrs.push(format!(
                            "#[schemars(regex(pattern = {}))]",
                            string_literal(pattern)
                        ));
                    }
                    core
                }
                "integer" => {
                    only(&["type", "format", "minimum", "maximum"])?;
                    self.number("i64", Kind::Integer, map)?
                }
                "number" => {
                    only(&["type", "format", "minimum", "maximum"])?;
                    self.number("f64", Kind::Number, map)?
                }
                "boolean" => {
                    only(&["type"])?;
                    plain("bool", Kind::Boolean)
                }
                "array" => {
                    only(&["type", "items", "minItems", "maxItems"])?;
                    let mut core = match map.get("items") {
                        None => plain("AnyArray", Kind::Array),
                        Some(Value::Object(items)) => match item_settings(items) {
                            // a list of plain values with keywords of their own: the field says them
                            Some((ty, settings)) if field => {
                                let mut core = plain(&format!("Vec<{ty}>"), Kind::Array);
                                core.sekoia.push(format!("items({})", settings.join(", ")));
                                core
                            }
                            _ => {
                                let item = self.core(items, &singular(hint), role, false)?;
                                plain(&format!("Vec<{}>", item.ty), Kind::Array)
                            }
                        },
                        Some(_) => return Err("`items` that is not one schema".to_owned()),
                    };
                    if let Some(attr) = bounds("length", map, "minItems", "maxItems") {
                        core.attrs.push(attr);
                    }
                    core
                }
                "object" => self.object_core(map, hint, role, field)?,
                other => return Err(format!("the type `{other}`")),
            },
            Some(Value::Array(types)) => {
                // a union of plain types (a `null` was split off before)
                only(&["type"])?;
                let mut variants = Vec::new();
                for t in types {
                    let t = t.as_str().ok_or("a type list of non-strings")?;
                    let ty = match t {
                        "string" => "String",
                        "integer" => "i64",
                        "number" => "f64",
                        "boolean" => "bool",
                        "object" => "AnyObject",
                        "array" => "AnyArray",
                        other => return Err(format!("the type `{other}` in a list")),
                    };
                    variants.push((naming::camel(t, "Value"), ty.to_owned()));
                }
                let name = self.taken.claim(&naming::camel(hint, "Value"));
                self.items.push(Item::Union(Union {
                    name: name.clone(),
                    role,
                    doc: Doc::None,
                    sekoia: vec!["type_array".to_owned()],
                    variants,
                }));
                plain(&name, Kind::Any)
            }
            Some(_) => return Err("a `type` that is neither a string nor a list".to_owned()),
            None if has("properties") => self.object_core(map, hint, role, field)?,
            None if has("anyOf") => {
                only(&["anyOf"])?;
                let branches = map["anyOf"]
                    .as_array()
                    .ok_or("an `anyOf` that is not a list")?;
                let mut variants = Vec::new();
                let mut variant_names = Taken::default();
                for (i, branch) in branches.iter().enumerate() {
                    let branch = branch
                        .as_object()
                        .ok_or("an `anyOf` branch that is not a schema")?;
                    let item = self.core(branch, &format!("{hint}_{}", i + 1), role, false)?;
                    let word = branch
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("value");
                    let variant = match word {
                        "string" => "Text",
                        other => &naming::camel(other, "Value"),
                    };
                    variants.push((variant_names.claim(variant), item.ty));
                }
                let name = self.taken.claim(&naming::camel(hint, "Value"));
                self.items.push(Item::Union(Union {
                    name: name.clone(),
                    role,
                    doc: Doc::None,
                    sekoia: Vec::new(),
                    variants,
                }));
                plain(&name, Kind::Any)
            }
            None => {
                only(&[])?;
                plain("AnyValue", Kind::Any)
            }
        };
        settings_allowed(&core)?;
        Ok(core)
    }

    fn number(&self, ty: &str, kind: Kind, map: &Map<String, Value>) -> Result<Core, String> {
        let mut core = Core {
            ty: ty.to_owned(),
            sekoia: Vec::new(),
            attrs: Vec::new(),
            kind,
        };
        if let Some(format) = map.get("format") {
            let format = format.as_str().ok_or("a `format` that is not a string")?;
            core.sekoia
                .push(format!("format = {}", string_literal(format)));
        }
        for key in ["minimum", "maximum"] {
            if map.get(key).is_some_and(|v| !v.is_number()) {
                return Err(format!("a `{key}` that is not a number"));
            }
        }
        if let Some(attr) = bounds("range", map, "minimum", "maximum") {
            core.attrs.push(attr);
        }
        Ok(core)
    }

    fn object_core(
        &mut self,
        map: &Map<String, Value>,
        hint: &str,
        role: Role,
        field: bool,
    ) -> Result<Core, String> {
        let kind = Kind::Struct;
        if map.contains_key("properties") {
            let mut inner = map.clone();
            if field {
                // the field carries these for the property
                for key in FIELD_KEYS {
                    inner.shift_remove(*key);
                }
            }
            let name = self.object(&inner, &naming::camel(hint, "Object"), role, None)?;
            return Ok(Core {
                ty: name,
                sekoia: Vec::new(),
                attrs: Vec::new(),
                kind,
            });
        }
        let own: Vec<&String> = map
            .keys()
            .filter(|k| !field || !FIELD_KEYS.contains(&k.as_str()))
            .collect();
        match map.get("additionalProperties") {
            None if own.iter().all(|k| *k == "type") => Ok(Core {
                ty: "AnyObject".to_owned(),
                sekoia: Vec::new(),
                attrs: Vec::new(),
                kind: Kind::Object,
            }),
            Some(Value::Object(values))
                if own
                    .iter()
                    .all(|k| *k == "type" || *k == "additionalProperties") =>
            {
                let value = self.core(values, &singular(hint), role, false)?;
                Ok(Core {
                    ty: format!("std::collections::BTreeMap<String, {}>", value.ty),
                    sekoia: Vec::new(),
                    attrs: Vec::new(),
                    kind: Kind::Object,
                })
            }
            _ => Err(
                "an object with other keywords than `properties` or `additionalProperties`"
                    .to_owned(),
            ),
        }
    }

    /// An enum of string values, for a property `hint`.
    fn values_enum(
        &mut self,
        hint: &str,
        values: &[String],
        map: &Map<String, Value>,
        field: bool,
    ) -> String {
        let name = self.taken.claim(&naming::camel(hint, "Value"));
        let mut variants = Vec::new();
        let mut variant_names = Taken::default();
        for value in values {
            let variant = variant_names.claim(&naming::camel(value, "Value"));
            let rename = (variant != *value).then(|| value.clone());
            variants.push((variant, rename));
        }
        let mut sekoia = Vec::new();
        let doc = if field {
            Doc::None
        } else {
            if let Some(title) = map.get("title").and_then(Value::as_str) {
                sekoia.push(format!("title = {}", string_literal(title)));
            }
            Doc::of(map.get("description").and_then(Value::as_str))
        };
        self.items.push(Item::Enum(Enum {
            name: name.clone(),
            doc,
            sekoia,
            variants,
        }));
        name
    }
}

/// Splits off the `null` a schema allows: its style, and the schema without it.
fn split_null(map: &Map<String, Value>) -> Result<(Option<Nullable>, Map<String, Value>), String> {
    let mut core = map.clone();
    if let Some(Value::Array(types)) = map.get("type")
        && types.iter().any(|t| t == "null")
    {
        let others: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        match others.len() {
            0 => return Err("a type that is only `null`".to_owned()),
            1 => core.insert("type".into(), others[0].clone()),
            _ => core.insert("type".into(), Value::Array(others)),
        };
        if let Some(Value::Array(values)) = core.get_mut("enum") {
            values.retain(|v| !v.is_null());
        }
        return Ok((Some(Nullable::TypeArray), core));
    }
    if let Some(Value::Array(branches)) = map.get("anyOf") {
        let is_null = |b: &Value| {
            b.as_object()
                .is_some_and(|b| b.len() == 1 && b.get("type") == Some(&Value::from("null")))
        };
        if branches.iter().any(is_null) {
            let others: Vec<Value> = branches.iter().filter(|b| !is_null(b)).cloned().collect();
            core.shift_remove("anyOf");
            match others.as_slice() {
                [Value::Object(one)] => {
                    for (key, value) in one {
                        if core.contains_key(key) {
                            return Err(format!("`{key}` both beside and inside `anyOf`"));
                        }
                        core.insert(key.clone(), value.clone());
                    }
                }
                [] => return Err("an `anyOf` of `null` alone".to_owned()),
                _ => {
                    core.insert("anyOf".into(), Value::Array(others));
                }
            }
            return Ok((Some(Nullable::AnyOf), core));
        }
    }
    for (flag, style) in [
        ("nullable", Nullable::Nullable),
        ("x-nullable", Nullable::XNullable),
    ] {
        match map.get(flag) {
            None => {}
            Some(Value::Bool(true)) => {
                core.shift_remove(flag);
                return Ok((Some(style), core));
            }
            Some(_) => return Err(format!("a `{flag}` other than `true`")),
        }
    }
    Ok((None, core))
}

/// The Rust type of a list's plain items and the `items(...)` settings of their other keywords,
/// when they have some.
fn item_settings(items: &Map<String, Value>) -> Option<(&'static str, Vec<String>)> {
    let ty = match items.get("type")?.as_str()? {
        "string" => "String",
        "integer" => "i64",
        "number" => "f64",
        "boolean" => "bool",
        _ => return None,
    };
    let mut settings = Vec::new();
    for (key, value) in items {
        let setting = match key.as_str() {
            "type" => continue,
            "title" | "description" | "format" | "pattern" => {
                format!("{key} = {}", string_literal(value.as_str()?))
            }
            "minimum" | "maximum" if value.is_number() => format!("{key} = {value}"),
            "minLength" if value.is_u64() => format!("min_length = {value}"),
            "maxLength" if value.is_u64() => format!("max_length = {value}"),
            _ => return None,
        };
        settings.push(setting);
    }
    (!settings.is_empty()).then_some((ty, settings))
}

/// `[["a"], ["b", "c"]]` of branches that are `{"required": [...]}` alone.
fn required_branches(branches: &Value) -> Option<String> {
    let lists: Option<Vec<String>> = branches
        .as_array()?
        .iter()
        .map(|b| {
            let b = b.as_object().filter(|b| b.len() == 1)?;
            let names: Option<Vec<String>> = b
                .get("required")?
                .as_array()?
                .iter()
                .map(|n| n.as_str().map(str::to_owned))
                .collect();
            Some(string_list(&names?))
        })
        .collect();
    Some(format!("[{}]", lists?.join(", ")))
}

/// `#[schemars(range(min = 1, max = 10))]`, `#[schemars(length(...))]`, if either is there.
fn bounds(attribute: &str, map: &Map<String, Value>, min: &str, max: &str) -> Option<String> {
    let parts: Vec<String> = [("min", min), ("max", max)]
        .into_iter()
        .filter_map(|(word, key)| map.get(key).map(|v| format!("{word} = {v}")))
        .collect();
    (!parts.is_empty()).then(|| format!("#[schemars({attribute}({}))]", parts.join(", ")))
}

/// The name of one item of a list named `name`: `feeds` -> `feed`.
fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if name.ends_with("ss") {
        format!("{name}_item")
    } else if let Some(stem) = name.strip_suffix('s') {
        stem.to_owned()
    } else {
        format!("{name}_item")
    }
}

fn string_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| string_literal(n)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A JSON value as `#[sekoia(default = ...)]` takes it.
fn json_literal(value: &Value) -> String {
    serde_json::to_string(value).expect("a JSON value prints")
}

/// A schema kept as written, as the literal of `raw = ...`.
fn raw_literal(value: &Value) -> String {
    string_literal(&json_literal(value))
}
