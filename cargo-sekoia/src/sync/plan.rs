//! What to publish: the module's objects as the Playbook API holds them, and, against what it
//! holds now, what to create or which keys to update.

use std::path::Path;

use anyhow::Context as _;
use base64::Engine as _;
use serde_json::{Map, Value};

/// One object to publish: a module or one of its components.
pub struct Object {
    /// `module`, `action`, `trigger` or `connector`.
    pub kind: &'static str,
    /// Its name, for messages.
    pub name: String,
    /// Its uuid.
    pub uuid: String,
    /// The body as published (the JSON file, plus `docker`, and for a module `image` and
    /// `changelog`).
    pub body: Map<String, Value>,
}

/// What to do with one object.
#[derive(Debug, PartialEq)]
pub enum Change {
    /// It is not published yet: POST the whole body.
    Create,
    /// These keys differ from what is published: PATCH them.
    Update(Vec<String>),
    /// Nothing differs.
    UpToDate,
}

/// The component files, in the order they are published (as the Python SDK: triggers,
/// actions, connectors), each kind sorted by file name.
pub const COMPONENT_KINDS: [(&str, &str); 3] = [
    ("trigger", "trigger_"),
    ("action", "action_"),
    ("connector", "connector_"),
];

fn read_object(path: &Path) -> anyhow::Result<Map<String, Value>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    match serde_json::from_str(&text)
        .with_context(|| format!("{} is not valid JSON", path.display()))?
    {
        Value::Object(map) => Ok(map),
        _ => anyhow::bail!("{} is not a JSON object", path.display()),
    }
}

fn string(map: &Map<String, Value>, key: &str, path: &Path) -> anyhow::Result<String> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("{}: `{key}` is missing or not a string", path.display()))
}

/// The image name Sekoia pulls: `<registry>/<namespace>/automation-module-<slug>:<version>`.
pub fn docker_image(
    manifest: &Map<String, Value>,
    registry: &str,
    namespace: &str,
    path: &Path,
) -> anyhow::Result<String> {
    let slug = string(manifest, "slug", path)?;
    let version = string(manifest, "version", path)?;
    Ok(format!(
        "{registry}/{namespace}/automation-module-{slug}:{version}"
    ))
}

/// The module and its components, read from the module directory.
pub fn objects(module: &Path, registry: &str, namespace: &str) -> anyhow::Result<Vec<Object>> {
    let manifest_path = module.join("manifest.json");
    let mut manifest = read_object(&manifest_path)?;
    let image = docker_image(&manifest, registry, namespace, &manifest_path)?;
    let module_name = string(&manifest, "name", &manifest_path)?;
    let module_uuid = string(&manifest, "uuid", &manifest_path)?;
    manifest.insert("docker".into(), Value::String(image.clone()));
    if let Some(logo) = logo_data_uri(module)? {
        manifest.insert("image".into(), Value::String(logo));
    }
    let changelog = module.join("CHANGELOG.md");
    if changelog.is_file() {
        let text = std::fs::read_to_string(&changelog)
            .with_context(|| format!("cannot read {}", changelog.display()))?;
        manifest.insert("changelog".into(), Value::String(text));
    }
    let mut objects = vec![Object {
        kind: "module",
        name: module_name,
        uuid: module_uuid,
        body: manifest,
    }];
    for (kind, prefix) in COMPONENT_KINDS {
        let mut files: Vec<_> = std::fs::read_dir(module)
            .with_context(|| format!("cannot list {}", module.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".json"))
            })
            .collect();
        files.sort();
        for file in files {
            let mut body = read_object(&file)?;
            body.insert("docker".into(), Value::String(image.clone()));
            objects.push(Object {
                kind,
                name: string(&body, "name", &file)?,
                uuid: string(&body, "uuid", &file)?,
                body,
            });
        }
    }
    Ok(objects)
}

/// `logo.svg` (else `logo.png`) as a `data:` URI.
fn logo_data_uri(module: &Path) -> anyhow::Result<Option<String>> {
    for (file, mime) in [("logo.svg", "image/svg+xml"), ("logo.png", "image/png")] {
        let path = module.join(file);
        if path.is_file() {
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
            return Ok(Some(format!("data:{mime};base64,{encoded}")));
        }
    }
    Ok(None)
}

/// What to change, given what the API holds (`None`: not published). A key is sent when the
/// API does not hold it or holds another value; keys only the API holds are left alone.
/// Components are compared with an `outputs` of `{}` when either side has none, as the API
/// answers.
pub fn change(object: &Object, published: Option<&Value>) -> Change {
    let Some(published) = published else {
        return Change::Create;
    };
    let empty = Value::Object(Map::new());
    let differing: Vec<String> = object
        .body
        .iter()
        .filter(|(key, value)| published.get(key.as_str()) != Some(value))
        .filter(|(key, value)| {
            // `outputs: {}` and no `outputs` are the same
            !(object.kind != "module"
                && key.as_str() == "outputs"
                && **value == empty
                && published.get("outputs").is_none())
        })
        .map(|(key, _)| key.clone())
        .collect();
    let missing_outputs = object.kind != "module"
        && !object.body.contains_key("outputs")
        && published.get("outputs").is_some_and(|o| *o != empty);
    let mut keys = differing;
    if missing_outputs {
        keys.push("outputs".into());
    }
    if keys.is_empty() {
        Change::UpToDate
    } else {
        Change::Update(keys)
    }
}

/// The PATCH body of `keys` (an `outputs` the object lacks is sent as `{}`).
pub fn patch_body(object: &Object, keys: &[String]) -> Value {
    let mut body = Map::new();
    for key in keys {
        let value = object
            .body
            .get(key)
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()));
        body.insert(key.clone(), value);
    }
    Value::Object(body)
}

/// The POST body: the object, and for a component the uuid of its module.
pub fn create_body(object: &Object, module_uuid: &str) -> Value {
    let mut body = object.body.clone();
    if object.kind != "module" {
        body.insert("module_uuid".into(), Value::String(module_uuid.to_owned()));
    }
    Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn action(body: Value) -> Object {
        Object {
            kind: "action",
            name: "Request URL".into(),
            uuid: "u".into(),
            body: body.as_object().unwrap().clone(),
        }
    }

    #[test]
    fn only_differing_keys_are_sent() {
        let local = action(
            json!({"uuid": "u", "name": "Request URL", "description": "new", "docker": "img:2"}),
        );
        assert_eq!(change(&local, None), Change::Create);
        let published = json!({"uuid": "u", "name": "Request URL", "description": "old", "outputs": {}, "extra": 1});
        assert_eq!(
            change(&local, Some(&published)),
            Change::Update(vec!["description".into(), "docker".into()])
        );
        assert_eq!(
            patch_body(&local, &["description".into()]),
            json!({"description": "new"})
        );
        let same =
            json!({"uuid": "u", "name": "Request URL", "description": "new", "docker": "img:2"});
        assert_eq!(change(&local, Some(&same)), Change::UpToDate);
        let outputs = json!({"uuid": "u", "name": "Request URL", "description": "new", "docker": "img:2", "outputs": {"ok": {}}});
        assert_eq!(
            change(&local, Some(&outputs)),
            Change::Update(vec!["outputs".into()])
        );
        assert_eq!(create_body(&local, "m")["module_uuid"], "m");
    }
}
