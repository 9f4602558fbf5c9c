//! The module an OpenAPI document describes: its manifest (the API's URL and credentials as
//! configuration), one action a operation with its arguments (`in` kept) and results, and the
//! declaration of each action's request, as the Python SDK's `openapi-to-module` makes them,
//! with stable uuids.

use anyhow::bail;
use serde_json::{Map, Value, json};

use super::document::resolved;
use crate::import::generic_api::{ApiClass, Headers};

/// The namespace of the module uuids: `uuid5(NAMESPACE, title)`.
const NAMESPACE: &str = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
const VERBS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
const SCHEMA: &str = "http://json-schema.org/draft-07/schema#";

/// One action: its manifest file, its manifest, the class name it stands for and its request.
pub(crate) struct Operation {
    pub file: String,
    pub manifest: Value,
    pub class: String,
    pub api: ApiClass,
}

/// The module.
pub(crate) struct Generated {
    pub manifest: Value,
    pub operations: Vec<Operation>,
    /// What the command says it left out (a duplicate name, an unsupported security scheme).
    pub skipped: Vec<String>,
}

/// How the API authenticates, from its security schemes.
#[derive(Debug, Clone, PartialEq)]
enum Security {
    None,
    Basic,
    Bearer,
    HeaderKey(String),
    QueryKey(String),
}

pub(crate) fn generate(document: &Value, use_tags: bool) -> anyhow::Result<Generated> {
    let info = document.get("info").cloned().unwrap_or_default();
    let title = info
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let module_uuid = sekoia_manifest::uuid5(NAMESPACE, title);
    let mut skipped = Vec::new();
    let security = security(document, &mut skipped);
    let base_path = document
        .get("basePath")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim_matches('/')
        .to_owned();
    let mut properties = Map::new();
    properties.insert(
        "base_url".into(),
        json!({"type": "string", "description": "The API's URL", "default": base_url(document)}),
    );
    let (required, secrets): (Vec<&str>, Vec<&str>) = match &security {
        Security::None => (vec![], vec![]),
        Security::Basic => {
            properties.insert(
                "username".into(),
                json!({"type": "string", "description": "The user name"}),
            );
            properties.insert(
                "password".into(),
                json!({"type": "string", "description": "The password"}),
            );
            (vec!["username", "password"], vec!["password"])
        }
        Security::Bearer | Security::HeaderKey(_) | Security::QueryKey(_) => {
            properties.insert(
                "api_key".into(),
                json!({"type": "string", "description": "The API key"}),
            );
            (vec!["api_key"], vec!["api_key"])
        }
    };
    let mut configuration = json!({
        "$schema": SCHEMA,
        "title": format!("{title} configuration"),
        "type": "object",
        "properties": properties,
        "required": required,
    });
    if !secrets.is_empty() {
        configuration["secrets"] = json!(secrets);
    }
    let mut manifest = json!({
        "uuid": module_uuid,
        "name": title,
        "slug": slug(title),
        "version": "1.0.0",
        "categories": ["Generic"],
        "configuration": configuration,
    });
    let description = info
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or(title);
    manifest["description"] = Value::from(description.trim());

    let headers = match &security {
        Security::None | Security::Bearer => None,
        Security::Basic => Some(Headers::Basic {
            user: "username".into(),
            password: "password".into(),
        }),
        Security::HeaderKey(name) => Some(Headers::Key {
            header: name.clone(),
            field: "api_key".into(),
        }),
        Security::QueryKey(name) => Some(Headers::Query {
            param: name.clone(),
            field: "api_key".into(),
        }),
    };
    let mut operations: Vec<Operation> = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        bail!("the document has no `paths`");
    };
    for (path, item) in paths {
        let endpoint = path.trim_start_matches('/');
        let path_parameters = item.get("parameters").and_then(Value::as_array);
        for verb in VERBS {
            let Some(operation) = item.get(verb) else {
                continue;
            };
            let docker_parameters = operation
                .get("operationId")
                .and_then(Value::as_str)
                .map_or_else(|| format!("{verb}-{endpoint}"), str::to_owned);
            let name = action_name(operation, &docker_parameters, use_tags);
            let file = format!("action_{name}.json");
            if operations.iter().any(|o| o.file == file) {
                skipped.push(format!(
                    "{} {path}: the action name `{name}` is taken already",
                    verb.to_uppercase()
                ));
                continue;
            }
            let (arguments, query) = arguments(document, &name, path_parameters, operation);
            let mut action = json!({
                "uuid": sekoia_manifest::uuid5(&module_uuid, &docker_parameters),
                "name": name,
                "description": operation
                    .get("description")
                    .or_else(|| operation.get("summary"))
                    .and_then(Value::as_str)
                    .unwrap_or(&name)
                    .trim(),
                "docker_parameters": docker_parameters,
                "arguments": arguments,
            });
            action["results"] = results(document, operation);
            let endpoint = if base_path.is_empty() {
                endpoint.to_owned()
            } else {
                format!("{base_path}/{endpoint}")
            };
            operations.push(Operation {
                file,
                manifest: action,
                class: class_name(&name),
                api: ApiClass {
                    verb: verb.to_owned(),
                    endpoint,
                    query,
                    timeout: None,
                    base_url: None,
                    overrides: Vec::new(),
                    headers: headers.clone(),
                },
            });
        }
    }
    if operations.is_empty() {
        bail!("the document has no operation (get, post, put, patch or delete) under `paths`");
    }
    Ok(Generated {
        manifest,
        operations,
        skipped,
    })
}

/// The first server's URL (OpenAPI 3), or `https://<host><basePath>` (Swagger 2).
fn base_url(document: &Value) -> String {
    if let Some(url) = document.pointer("/servers/0/url").and_then(Value::as_str) {
        return url.to_owned();
    }
    match document.get("host").and_then(Value::as_str) {
        Some(host) => {
            let scheme = document
                .pointer("/schemes/0")
                .and_then(Value::as_str)
                .unwrap_or("https");
            format!("{scheme}://{host}")
        }
        None => String::new(),
    }
}

fn slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_owned()
}

/// The name as the Python tool makes it: the summary (after the tags, with `use_tags`), or the
/// docker_parameters, with every character but letters and digits as `_`, lower-case.
fn action_name(operation: &Value, docker_parameters: &str, use_tags: bool) -> String {
    let mut name = String::new();
    match operation.get("summary").and_then(Value::as_str) {
        Some(summary) if !summary.is_empty() => {
            if use_tags && let Some(Value::Array(tags)) = operation.get("tags") {
                let tags: Vec<&str> = tags.iter().filter_map(Value::as_str).collect();
                if !tags.is_empty() {
                    name.push_str(&tags.join("-"));
                    name.push('_');
                }
            }
            name.push_str(summary);
        }
        _ => name.push_str(docker_parameters),
    }
    let name: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    name.to_lowercase().trim_matches('_').to_owned()
}

/// The class a name stands for, as the Python tool names it: `list_all_the_pets` is
/// `ListAllPets`.
fn class_name(name: &str) -> String {
    name.split('_')
        .filter(|w| !w.is_empty() && !matches!(*w, "a" | "an" | "the"))
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The arguments schema (each property with its `in`) and the query parameters.
fn arguments(
    document: &Value,
    title: &str,
    path_parameters: Option<&Vec<Value>>,
    operation: &Value,
) -> (Value, Vec<String>) {
    let mut properties = Map::new();
    let mut required: Vec<String> = Vec::new();
    let parameters = path_parameters.into_iter().flatten().chain(
        operation
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    for parameter in parameters {
        let parameter = resolved(document, parameter);
        let (Some(name), Some(location)) = (
            parameter.get("name").and_then(Value::as_str),
            parameter.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        if location == "header" || location == "cookie" {
            continue;
        }
        if parameter.get("required") == Some(&Value::Bool(true)) || location == "path" {
            push_unique(&mut required, name);
        }
        if matches!(location, "body" | "formData")
            && let Some(schema) = parameter.get("schema")
        {
            body_properties(schema, location, &mut properties, &mut required);
            continue;
        }
        let mut property = Map::new();
        property.insert("in".into(), Value::from(location));
        if let Some(Value::Object(schema)) = parameter.get("schema") {
            property.extend(schema.clone());
        }
        for (key, value) in parameter.as_object().into_iter().flatten() {
            if !matches!(
                key.as_str(),
                "name"
                    | "in"
                    | "required"
                    | "schema"
                    | "format"
                    | "allowEmptyValue"
                    | "style"
                    | "explode"
                    | "example"
                    | "examples"
                    | "deprecated"
                    | "collectionFormat"
            ) {
                property.insert(key.clone(), value.clone());
            }
        }
        properties.insert(name.to_owned(), Value::Object(property));
    }
    if let Some(content) = operation
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
        && let Some(schema) = content.values().next().and_then(|c| c.get("schema"))
    {
        body_properties(
            &resolved(document, schema),
            "body",
            &mut properties,
            &mut required,
        );
    }
    let query = properties
        .iter()
        .filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("query"))
        .map(|(name, _)| name.clone())
        .collect();
    let mut arguments = json!({
        "$schema": SCHEMA,
        "title": title,
        "type": "object",
        "properties": properties,
    });
    if !required.is_empty() {
        arguments["required"] = json!(required);
    }
    (arguments, query)
}

fn body_properties(
    schema: &Value,
    location: &str,
    properties: &mut Map<String, Value>,
    required: &mut Vec<String>,
) {
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let mut property = property.clone();
        if let Value::Object(map) = &mut property {
            map.insert("in".into(), Value::from(location));
        }
        properties.insert(name.clone(), property);
    }
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        push_unique(required, name);
    }
}

fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(name.to_owned());
    }
}

/// The schema of the first success reply that has one, else `{}`.
fn results(document: &Value, operation: &Value) -> Value {
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
        return json!({});
    };
    let mut codes: Vec<&String> = responses.keys().collect();
    codes.sort_by_key(|code| !code.starts_with('2'));
    for code in codes {
        let response = resolved(document, &responses[code]);
        let schema = response.get("schema").or_else(|| {
            response
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().find_map(|m| m.get("schema")))
        });
        if let Some(schema @ Value::Object(_)) = schema {
            let mut schema = schema.clone();
            schema["$schema"] = Value::from(SCHEMA);
            return schema;
        }
    }
    json!({})
}

/// The scheme of the document's `security`, as the Python tool reads it (the first one it
/// supports), for OpenAPI 3 including API keys.
fn security(document: &Value, skipped: &mut Vec<String>) -> Security {
    let names = |security: Option<&Value>| -> Vec<String> {
        security
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|s| s.keys().cloned())
            .collect()
    };
    let mut used = names(document.get("security"));
    if used.is_empty() {
        // no default: the schemes the operations name (the Python tool reads the default only)
        for item in document
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(_, i)| i)
        {
            for verb in VERBS {
                for name in names(item.get(verb).and_then(|o| o.get("security"))) {
                    if !used.contains(&name) {
                        used.push(name);
                    }
                }
            }
        }
    }
    let schemes = document
        .get("securityDefinitions")
        .or_else(|| document.pointer("/components/securitySchemes"))
        .and_then(Value::as_object);
    let mut oauth = false;
    for (name, scheme) in schemes.into_iter().flatten() {
        if !used.contains(name) {
            continue;
        }
        let kind = scheme
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let key_name = scheme
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("api_key");
        match (
            kind,
            scheme.get("scheme").and_then(Value::as_str),
            scheme.get("in").and_then(Value::as_str),
        ) {
            ("basic", ..) | ("http", Some("basic"), _) => return Security::Basic,
            ("http", Some("bearer"), _) => return Security::Bearer,
            ("oauth2" | "openIdConnect", ..) => oauth = true,
            ("apiKey", _, Some("header")) => return Security::HeaderKey(key_name.to_owned()),
            ("apiKey", _, Some("query")) => return Security::QueryKey(key_name.to_owned()),
            _ => skipped.push(format!(
                "the security scheme `{name}` ({kind}): not supported, no authentication written"
            )),
        }
    }
    if oauth {
        // a token the user gets elsewhere, sent as a bearer token
        return Security::Bearer;
    }
    Security::None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_python_tools() {
        let operation = json!({"summary": "Returns a host's details", "tags": ["hosts"]});
        assert_eq!(
            action_name(&operation, "x", false),
            "returns_a_host_s_details"
        );
        assert_eq!(
            action_name(&operation, "x", true),
            "hosts_returns_a_host_s_details"
        );
        assert_eq!(
            action_name(&json!({}), "get-v2/hosts/{ip}", false),
            "get_v2_hosts__ip"
        );
        assert_eq!(
            class_name("returns_a_host_s_details"),
            "ReturnsHostSDetails"
        );
    }

    #[test]
    fn uuids_are_stable_and_derived() {
        let document = json!({"openapi": "3.0.0", "info": {"title": "Pets"}, "paths": {"/pets": {"get": {"operationId": "listPets"}}}});
        let (a, b) = (
            generate(&document, false).unwrap(),
            generate(&document, false).unwrap(),
        );
        assert_eq!(a.manifest["uuid"], b.manifest["uuid"]);
        let module = a.manifest["uuid"].as_str().unwrap();
        assert_eq!(
            a.operations[0].manifest["uuid"],
            sekoia_manifest::uuid5(module, "listPets")
        );
    }
}
