//! The dialect of an imported module: for each setting, what most of its schemas say, so that
//! the fewest types and fields need to say otherwise.

use serde_json::{Map, Value};

use sekoia_manifest::dialect::{Dialect, MetaSchema, Nullable, Optional, RootTitle, Titles};
use sekoia_manifest::schema::python_title;

/// How many of the module's schemas say each thing.
#[derive(Debug, Default)]
struct Votes {
    pydantic_titles: usize,
    no_titles: usize,
    titled_roots: usize,
    titled_roots_not_type_names: usize,
    untitled_roots: usize,
    draft07: usize,
    draft2020: usize,
    no_schema: usize,
    plain_optionals: usize,
    nullable_optionals: usize,
    styles: [usize; 4],
}

/// The dialect that fits `roots` (configuration, arguments, results) best.
pub(crate) fn dialect<'a>(roots: impl IntoIterator<Item = &'a Value>) -> Dialect {
    let mut votes = Votes::default();
    for root in roots {
        let Some(map) = root.as_object() else {
            continue;
        };
        if map.is_empty() {
            continue;
        }
        match map.get("title").and_then(Value::as_str) {
            Some(title) => {
                votes.titled_roots += 1;
                if !crate::import::naming::is_type_name(title) {
                    votes.titled_roots_not_type_names += 1;
                }
            }
            None => votes.untitled_roots += 1,
        }
        match map.get("$schema").and_then(Value::as_str) {
            Some(uri) if Some(uri) == MetaSchema::Draft2020.uri() => votes.draft2020 += 1,
            Some(_) => votes.draft07 += 1,
            None => votes.no_schema += 1,
        }
        node(map, &mut votes);
    }
    let titles = if votes.pydantic_titles > votes.no_titles {
        Titles::Pydantic
    } else {
        Titles::None
    };
    // the titles each choice has to write: untitled roots say `no_title` under the first
    let root_title =
        if votes.untitled_roots + votes.titled_roots_not_type_names < votes.titled_roots {
            RootTitle::TypeName
        } else {
            RootTitle::None
        };
    let schema = if votes.draft07 >= votes.no_schema && votes.draft07 >= votes.draft2020 {
        MetaSchema::Draft07
    } else if votes.draft2020 > votes.no_schema {
        MetaSchema::Draft2020
    } else {
        MetaSchema::None
    };
    let optional = if votes.nullable_optionals > votes.plain_optionals {
        Optional::Nullable
    } else {
        Optional::Plain
    };
    let styles = [
        Nullable::AnyOf,
        Nullable::TypeArray,
        Nullable::Nullable,
        Nullable::XNullable,
    ];
    let most = votes.styles.iter().copied().max().unwrap_or(0);
    let nullable = if most == 0 {
        Nullable::AnyOf
    } else {
        styles[votes.styles.iter().position(|n| *n == most).unwrap_or(0)]
    };
    Dialect::PYDANTIC
        .with_titles(titles)
        .with_root_title(root_title)
        .with_schema(schema)
        .with_optional(optional)
        .with_nullable(nullable)
}

fn node(map: &Map<String, Value>, votes: &mut Votes) {
    let required: Vec<&str> = map
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(Value::Object(properties)) = map.get("properties") {
        for (name, property) in properties {
            let Some(property) = property.as_object() else {
                continue;
            };
            match property.get("title").and_then(Value::as_str) {
                Some(title) if title == python_title(name) => votes.pydantic_titles += 1,
                Some(_) => {}
                None => votes.no_titles += 1,
            }
            if !required.contains(&name.as_str()) && !property.contains_key("default") {
                match style(property) {
                    Some(style) => {
                        votes.nullable_optionals += 1;
                        votes.styles[style] += 1;
                    }
                    None => votes.plain_optionals += 1,
                }
            } else if let Some(style) = style(property) {
                votes.styles[style] += 1;
                if property.get("default") == Some(&Value::Null) {
                    votes.nullable_optionals += 1;
                }
            }
            node(property, votes);
        }
    }
    for keyword in ["items", "additionalProperties"] {
        if let Some(Value::Object(sub)) = map.get(keyword) {
            node(sub, votes);
        }
    }
    for keyword in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(subs)) = map.get(keyword) {
            for sub in subs.iter().filter_map(Value::as_object) {
                node(sub, votes);
            }
        }
    }
}

/// The index of a property's null style among `any_of`, `type_array`, `nullable`, `x-nullable`.
fn style(property: &Map<String, Value>) -> Option<usize> {
    if matches!(property.get("type"), Some(Value::Array(t)) if t.iter().any(|t| t == "null")) {
        return Some(1);
    }
    if let Some(Value::Array(branches)) = property.get("anyOf")
        && branches
            .iter()
            .any(|b| b.get("type") == Some(&Value::from("null")))
    {
        return Some(0);
    }
    if property.get("nullable") == Some(&Value::Bool(true)) {
        return Some(2);
    }
    if property.get("x-nullable") == Some(&Value::Bool(true)) {
        return Some(3);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_dialect_most_schemas_say() {
        let roots = [
            json!({"$schema": "http://json-schema.org/draft-07/schema#", "title": "Arguments", "type": "object",
                   "properties": {"url": {"type": "string"}, "limit": {"type": "integer"}}, "required": ["url"]}),
            json!({"type": "object", "properties": {"id": {"type": "string"}}}),
            json!({}),
        ];
        let chosen = dialect(&roots);
        assert_eq!(chosen.titles, Titles::None);
        assert_eq!(chosen.schema, MetaSchema::Draft07);
        assert_eq!(chosen.optional, Optional::Plain);
        assert_eq!(chosen.root_title, RootTitle::None);
        let pydantic = [json!({"title": "Args", "type": "object", "properties": {
            "api_key": {"title": "Api Key", "anyOf": [{"type": "string"}, {"type": "null"}], "default": null}
        }})];
        let chosen = dialect(&pydantic);
        assert_eq!(chosen.titles, Titles::Pydantic);
        assert_eq!(chosen.optional, Optional::Nullable);
        assert_eq!(chosen.nullable, Nullable::AnyOf);
        assert_eq!(chosen.root_title, RootTitle::TypeName);
        assert_eq!(chosen.schema, MetaSchema::None);
    }
}
