//! The manifests Sekoia imports: `manifest.json` and one `<kind>_<name>.json` per component.
//!
//! Field order and file names follow the Python SDK's `generate-files-from-code`; the bytes are
//! Python's `json.dumps(obj, indent=2)` ([`crate::pyjson`]).

use std::fmt;

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::descriptor::{ComponentDescriptor, ModuleDescriptor};
use crate::names::{Kind, component_file_name};
use crate::registry::Registry;
use crate::schema::SchemaError;

/// One file to write at the module root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestFile {
    /// `manifest.json`, `action_request_url.json`, ...
    pub file_name: String,
    /// The document.
    pub document: Value,
    /// The exact bytes to write.
    pub contents: String,
}

/// A manifest that cannot be written.
#[derive(Debug)]
pub enum ManifestError {
    /// A schema the dialect cannot express.
    Schema {
        /// Which schema of which item.
        what: String,
        /// Why.
        source: SchemaError,
    },
    /// A connector whose configuration lacks `intake_key`.
    ConnectorWithoutIntakeKey {
        /// Which connector.
        origin: String,
    },
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManifestError::Schema { what, source } => write!(f, "{what}: {source}"),
            ManifestError::ConnectorWithoutIntakeKey { origin } => write!(
                f,
                "connector {origin}: its configuration has no `intake_key` property; flatten a `DefaultConnectorConfiguration` into it (`#[serde(flatten)] pub intake: DefaultConnectorConfiguration`) or use it as `type Configuration`"
            ),
        }
    }
}

impl std::error::Error for ManifestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ManifestError::Schema { source, .. } => Some(source),
            ManifestError::ConnectorWithoutIntakeKey { .. } => None,
        }
    }
}

/// The component's uuid: pinned, else `uuid5(module uuid, name)` as the Python generator does.
pub fn component_uuid(module: &ModuleDescriptor, component: &ComponentDescriptor) -> String {
    match component.identity.uuid {
        Some(pinned) => pinned.to_owned(),
        None => uuid5(module.uuid, component.identity.name),
    }
}

/// Python's `str(uuid.uuid5(uuid.UUID(namespace), name))`.
///
/// ```
/// assert_eq!(
///     sekoia_manifest::uuid5("7cf9ccf6-e20a-4e53-bd77-3c19cdc94154", "Sample Action"),
///     "99cd853b-c0f9-5385-90e8-5a6deb576c4c"
/// );
/// ```
pub fn uuid5(namespace: &str, name: &str) -> String {
    let namespace = Uuid::parse_str(namespace).expect("module uuids are checked by #[module]");
    Uuid::new_v5(&namespace, name.as_bytes()).to_string()
}

/// Every manifest of the module, `manifest.json` first, then components by kind and name.
pub fn render(registry: &Registry, version: &str) -> Result<Vec<ManifestFile>, Vec<ManifestError>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    match module_manifest(registry, version) {
        Ok(document) => files.push(file("manifest.json".to_owned(), document)),
        Err(e) => errors.push(e),
    }
    for component in &registry.components {
        match component_manifest(registry.module, component) {
            Ok(document) => files.push(file(
                component_file_name(component.kind, component.identity.name),
                document,
            )),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

fn file(file_name: String, document: Value) -> ManifestFile {
    let contents = crate::pyjson::dumps(&document);
    ManifestFile {
        file_name,
        document,
        contents,
    }
}

fn module_manifest(registry: &Registry, version: &str) -> Result<Value, ManifestError> {
    let module = registry.module;
    let mut configuration = (module.configuration)().map_err(|source| ManifestError::Schema {
        what: format!("module configuration {}", module.origin),
        source,
    })?;
    if let Value::Object(map) = &mut configuration {
        // the struct's doc comment describes the module, it is already the manifest description
        if map.get("description").and_then(Value::as_str) == Some(module.description) {
            map.remove("description");
        }
    }
    let mut doc = Map::new();
    doc.insert("name".into(), module.name.into());
    doc.insert("description".into(), module.description.into());
    doc.insert("uuid".into(), module.uuid.into());
    doc.insert("slug".into(), module.slug.into());
    doc.insert("configuration".into(), configuration);
    doc.insert("version".into(), version.into());
    doc.insert(
        "categories".into(),
        module.categories.iter().map(|c| Value::from(*c)).collect(),
    );
    if (module.validator)().is_some() {
        doc.insert("supports_validation".into(), Value::Bool(true));
    }
    Ok(Value::Object(doc))
}

fn component_manifest(
    module: &ModuleDescriptor,
    component: &ComponentDescriptor,
) -> Result<Value, ManifestError> {
    let identity = &component.identity;
    let schema_error = |which: &str| {
        let what = format!("{} {} {which}", component.kind, identity.origin);
        move |source| ManifestError::Schema { what, source }
    };
    let arguments = (component.arguments)().map_err(schema_error("arguments"))?;
    if component.kind == Kind::Connector
        && component.capability.is_none()
        && arguments.pointer("/properties/intake_key").is_none()
    {
        return Err(ManifestError::ConnectorWithoutIntakeKey {
            origin: identity.origin.to_string(),
        });
    }
    let mut doc = Map::new();
    doc.insert("name".into(), identity.name.into());
    doc.insert("description".into(), identity.description.into());
    doc.insert("uuid".into(), component_uuid(module, component).into());
    if let Some(slug) = identity.slug {
        doc.insert("slug".into(), slug.into());
    }
    doc.insert(
        "docker_parameters".into(),
        identity.docker_parameters.into(),
    );
    if let Some(capability) = component.capability {
        doc.insert("type".into(), "asset".into());
        doc.insert("capability".into(), capability.into());
    }
    doc.insert("arguments".into(), arguments);
    if let Some(results) = component.results {
        doc.insert(
            "results".into(),
            results().map_err(schema_error("results"))?,
        );
    }
    Ok(Value::Object(doc))
}
