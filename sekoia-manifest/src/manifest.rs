//! The manifests Sekoia imports: `manifest.json` and one `<kind>_<name>.json` per component.
//!
//! Field order and file names follow the Python SDK's `generate-files-from-code`; the bytes are
//! Python's `json.dumps(obj, indent=2)` ([`crate::pyjson`]).

use std::fmt;

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::descriptor::{ComponentDescriptor, ModuleDescriptor, Twin};
use crate::dialect::Dialect;
use crate::names::Kind;
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

/// Every manifest of the module, `manifest.json` first, then components by kind and name (a
/// connector's legacy trigger twin right after it).
pub fn render(registry: &Registry, version: &str) -> Result<Vec<ManifestFile>, Vec<ManifestError>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    match module_manifest(registry, version) {
        Ok(document) => files.push(file("manifest.json".to_owned(), document)),
        Err(e) => errors.push(e),
    }
    let dialect = &registry.module.dialect;
    for component in &registry.components {
        match component_manifest(registry.module, component, dialect) {
            Ok(document) => files.push(file(component.file_name(), document)),
            Err(e) => errors.push(e),
        }
        if let (Some(twin), Some(file_name)) = (&component.extra.twin, component.twin_file_name()) {
            match twin_manifest(registry.module, component, twin, dialect) {
                Ok(document) => files.push(file(file_name, document)),
                Err(e) => errors.push(e),
            }
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// What the build should say without failing: the manifest would be refused by Sekoia's checker
/// (no categories).
pub fn warnings(registry: &Registry) -> Vec<String> {
    let module = registry.module;
    match module.categories {
        Some(categories) if !categories.is_empty() => Vec::new(),
        _ => vec![format!(
            "manifest.json has no categories: Sekoia's checker refuses it (`category` is non-existent or doesn't contain any category); add `categories = [...]` to #[module] {}",
            module.origin
        )],
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
    let mut configuration =
        (module.configuration)(&module.dialect).map_err(|source| ManifestError::Schema {
            what: format!("module configuration {}", module.origin),
            source,
        })?;
    if let Value::Object(map) = &mut configuration {
        // the struct's doc comment describes the module, it is already the manifest description
        if map.get("description").and_then(Value::as_str) == Some(module.description) {
            map.shift_remove("description");
            // `$schema` is for schemas with content
            if map.len() == 1 && map.contains_key("$schema") {
                map.shift_remove("$schema");
            }
        }
    }
    let mut doc = Map::new();
    doc.insert("name".into(), module.name.into());
    doc.insert("description".into(), module.description.into());
    doc.insert("uuid".into(), module.uuid.into());
    doc.insert("slug".into(), module.slug.into());
    doc.insert("configuration".into(), configuration);
    doc.insert("version".into(), version.into());
    if let Some(categories) = module.categories {
        doc.insert(
            "categories".into(),
            categories.iter().map(|c| Value::from(*c)).collect(),
        );
    }
    if (module.validator)().is_some() {
        doc.insert("supports_validation".into(), Value::Bool(true));
    }
    Ok(Value::Object(doc))
}

fn schema_error(
    component: &ComponentDescriptor,
    which: &str,
) -> impl FnOnce(SchemaError) -> ManifestError {
    let what = format!("{} {} {which}", component.kind, component.identity.origin);
    move |source| ManifestError::Schema { what, source }
}

fn component_manifest(
    module: &ModuleDescriptor,
    component: &ComponentDescriptor,
    dialect: &Dialect,
) -> Result<Value, ManifestError> {
    let identity = &component.identity;
    let arguments = (component.arguments)(dialect).map_err(schema_error(component, "arguments"))?;
    if component.kind == Kind::Connector && arguments.pointer("/properties/intake_key").is_none() {
        return Err(ManifestError::ConnectorWithoutIntakeKey {
            origin: identity.origin.to_string(),
        });
    }
    let results = match component.extra.results.or(component.results) {
        Some(results) => Some(results(dialect).map_err(schema_error(component, "results"))?),
        None => None,
    };
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
    doc.insert("arguments".into(), arguments);
    if let Some(results) = results {
        doc.insert("results".into(), results);
    }
    let extra = &component.extra;
    if !extra.outputs.is_empty() {
        let outputs: Map<String, Value> = extra
            .outputs
            .iter()
            .map(|(branch, description)| ((*branch).to_owned(), Value::from(*description)))
            .collect();
        doc.insert("outputs".into(), Value::Object(outputs));
    }
    if let Some(part) = extra.configuration_part {
        doc.insert("configuration_part".into(), part.into());
    }
    if let Some(required) = extra.required {
        doc.insert(
            "required".into(),
            required.iter().map(|r| Value::from(*r)).collect(),
        );
    }
    if extra.webhook {
        doc.insert("webhook".into(), Value::Bool(true));
    }
    Ok(Value::Object(doc))
}

/// The legacy trigger manifest a connector also writes: its uuid and docker_parameters.
fn twin_manifest(
    module: &ModuleDescriptor,
    component: &ComponentDescriptor,
    twin: &Twin,
    dialect: &Dialect,
) -> Result<Value, ManifestError> {
    let identity = &component.identity;
    let mut arguments = (twin.arguments.unwrap_or(component.arguments))(dialect)
        .map_err(schema_error(component, "trigger twin arguments"))?;
    if let (Some(title), Value::Object(map)) = (twin.arguments_title, &mut arguments) {
        map.insert("title".into(), title.into());
    }
    let results =
        (twin.results)(dialect).map_err(schema_error(component, "trigger twin results"))?;
    let mut doc = Map::new();
    doc.insert("name".into(), twin.name.unwrap_or(identity.name).into());
    doc.insert(
        "description".into(),
        twin.description.unwrap_or(identity.description).into(),
    );
    doc.insert("uuid".into(), component_uuid(module, component).into());
    if let Some(slug) = twin.slug {
        doc.insert("slug".into(), slug.into());
    }
    doc.insert(
        "docker_parameters".into(),
        identity.docker_parameters.into(),
    );
    doc.insert("arguments".into(), arguments);
    doc.insert("results".into(), results);
    Ok(Value::Object(doc))
}
