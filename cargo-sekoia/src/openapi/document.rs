//! An OpenAPI document as `cargo sekoia openapi` reads it: a Swagger 2 or OpenAPI 3 document,
//! JSON or YAML, from a file or a URL, its local `$ref`s resolvable.

use anyhow::{Context, bail};
use serde_json::{Map, Number, Value};
use yaml_rust2::{Yaml, YamlLoader};

/// Reads the document at `location` (a path, or an `http(s)://` URL).
pub(crate) fn read(location: &str) -> anyhow::Result<Value> {
    let text = if location.starts_with("http://") || location.starts_with("https://") {
        ureq::get(location)
            .call()
            .with_context(|| format!("cannot fetch {location}"))?
            .body_mut()
            .read_to_string()
            .with_context(|| format!("cannot read the document at {location}"))?
    } else {
        std::fs::read_to_string(location).with_context(|| format!("cannot read {location}"))?
    };
    let document =
        parse(&text).with_context(|| format!("{location} is not an OpenAPI document"))?;
    if document.get("swagger").is_none() && document.get("openapi").is_none() {
        bail!("{location} has neither `openapi` nor `swagger`: it is not an OpenAPI document");
    }
    if document
        .pointer("/info/title")
        .and_then(Value::as_str)
        .is_none()
    {
        bail!("{location} has no `info.title`, which names the module");
    }
    Ok(document)
}

/// JSON, else YAML.
fn parse(text: &str) -> anyhow::Result<Value> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).context("invalid JSON");
    }
    let mut documents = YamlLoader::load_from_str(text).context("invalid YAML")?;
    if documents.is_empty() {
        bail!("the YAML is empty");
    }
    json(documents.swap_remove(0))
}

fn json(yaml: Yaml) -> anyhow::Result<Value> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Integer(i) => Value::from(i),
        Yaml::Real(text) => match text.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(number) => Value::Number(number),
            None => Value::String(text),
        },
        Yaml::String(s) => Value::String(s),
        Yaml::Array(items) => Value::Array(items.into_iter().map(json).collect::<Result<_, _>>()?),
        Yaml::Hash(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let key = match key {
                    Yaml::String(s) => s,
                    Yaml::Integer(i) => i.to_string(),
                    Yaml::Boolean(b) => b.to_string(),
                    Yaml::Real(r) => r,
                    other => bail!("a mapping key that is not a scalar: {other:?}"),
                };
                map.insert(key, json(value)?);
            }
            Value::Object(map)
        }
        Yaml::Alias(_) => bail!("YAML aliases are not supported"),
        Yaml::BadValue => bail!("a YAML value that cannot be read"),
    })
}

/// `schema` with its local `$ref`s (`#/definitions/X`, `#/components/schemas/X`) replaced by
/// what they point at; a reference to itself (a recursive schema) becomes a free-form object.
pub(crate) fn resolved(document: &Value, schema: &Value) -> Value {
    resolve(document, schema, &mut Vec::new())
}

fn resolve(document: &Value, schema: &Value, seen: &mut Vec<String>) -> Value {
    match schema {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                let pointer = reference.strip_prefix('#').unwrap_or(reference);
                if seen.iter().any(|s| s == pointer) {
                    return serde_json::json!({"type": "object"});
                }
                return match document.pointer(pointer) {
                    Some(target) => {
                        seen.push(pointer.to_owned());
                        let value = resolve(document, target, seen);
                        seen.pop();
                        value
                    }
                    None => serde_json::json!({"type": "object"}),
                };
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), resolve(document, v, seen)))
                    .collect(),
            )
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| resolve(document, v, seen)).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_becomes_the_json_it_says() {
        let value = parse("openapi: 3.0.3\ninfo:\n  title: T\n  version: '2.0'\npaths:\n  /a:\n    get:\n      parameters:\n        - name: n\n          in: query\n          required: true\n          schema: {type: integer, maximum: 1.5}\n").unwrap();
        assert_eq!(value["info"], json!({"title": "T", "version": "2.0"}));
        assert_eq!(
            value.pointer("/paths/~1a/get/parameters/0").unwrap(),
            &json!({"name": "n", "in": "query", "required": true, "schema": {"type": "integer", "maximum": 1.5}})
        );
    }

    #[test]
    fn references_are_resolved_and_cycles_cut() {
        let document = json!({"components": {"schemas": {
            "Pet": {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/Owner"}}},
            "Owner": {"type": "object", "properties": {"pet": {"$ref": "#/components/schemas/Pet"}}},
        }}});
        let pet = resolved(&document, &json!({"$ref": "#/components/schemas/Pet"}));
        assert_eq!(
            pet,
            json!({"type": "object", "properties": {"owner": {"type": "object", "properties": {"pet": {"type": "object"}}}}})
        );
    }
}
