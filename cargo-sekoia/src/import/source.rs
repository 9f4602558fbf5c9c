//! A Python module as the importer reads it: `manifest.json`, the component manifests at its
//! root (a legacy trigger paired with the connector it duplicates), and its Python side.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::{Map, Value};

use sekoia_manifest::Kind;

use crate::import::python::Python;

/// One component manifest.
#[derive(Debug, Clone)]
pub(crate) struct ComponentFile {
    pub file_name: String,
    pub kind: Kind,
    pub document: Map<String, Value>,
}

impl ComponentFile {
    pub(crate) fn str(&self, key: &str) -> Option<&str> {
        self.document.get(key).and_then(Value::as_str)
    }

    /// Whether it is an asset connector (`"type": "asset"`).
    pub(crate) fn is_asset(&self) -> bool {
        self.kind == Kind::Connector && self.str("type") == Some("asset")
    }
}

/// A component to write in Rust: its manifest, and the legacy trigger manifest of a connector
/// that writes both.
#[derive(Debug, Clone)]
pub(crate) struct Component {
    pub file: ComponentFile,
    pub twin: Option<ComponentFile>,
}

/// What the importer reads of a Python module.
#[derive(Debug)]
pub(crate) struct Source {
    pub dir: PathBuf,
    /// The directory name (`HTTP`).
    pub dir_name: String,
    pub manifest: Map<String, Value>,
    pub components: Vec<Component>,
    pub python: Python,
    pub changelog: Option<PathBuf>,
    pub logo: Option<PathBuf>,
}

impl Source {
    /// Reads the module in `dir`; a module without component manifests has nothing to port.
    pub(crate) fn read(dir: &Path) -> anyhow::Result<Source> {
        let manifest_path = dir.join("manifest.json");
        let manifest = read_object(&manifest_path)?;
        let mut files = Vec::new();
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let Some(kind) = Kind::of_file(&file_name) else {
                continue;
            };
            let document = read_object(&entry.path())?;
            files.push(ComponentFile {
                file_name,
                kind,
                document,
            });
        }
        files.sort_by(|a, b| (a.kind, &a.file_name).cmp(&(b.kind, &b.file_name)));
        if files.is_empty() {
            bail!(
                "{} has no action_*.json, trigger_*.json or connector_*.json: it is a catalogue entry (a manifest, a CHANGELOG and a logo), there is no code to port",
                dir.display()
            );
        }
        for file in &files {
            for key in ["name", "uuid", "docker_parameters"] {
                if file.str(key).is_none() {
                    bail!(
                        "{}/{}: `{key}` is not a string",
                        dir.display(),
                        file.file_name
                    );
                }
            }
        }
        let components = pair_twins(files);
        let dir_name = dir
            .canonicalize()
            .unwrap_or_else(|_| dir.to_owned())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let existing = |name: &str| Some(dir.join(name)).filter(|p| p.is_file());
        Ok(Source {
            dir: dir.to_owned(),
            dir_name,
            manifest,
            components,
            python: Python::read(dir),
            changelog: existing("CHANGELOG.md"),
            logo: existing("logo.svg").or_else(|| existing("logo.png")),
        })
    }

    pub(crate) fn manifest_str(&self, key: &str) -> Option<&str> {
        self.manifest.get(key).and_then(Value::as_str)
    }
}

/// A trigger with the uuid and docker_parameters of a connector is that connector's legacy
/// twin: the platform starts the same program for both.
fn pair_twins(files: Vec<ComponentFile>) -> Vec<Component> {
    let (triggers, others): (Vec<ComponentFile>, Vec<ComponentFile>) =
        files.into_iter().partition(|f| f.kind == Kind::Trigger);
    let mut unpaired: Vec<Option<ComponentFile>> = triggers.into_iter().map(Some).collect();
    let mut components = Vec::new();
    let mut connectors = Vec::new();
    for file in others {
        if file.kind != Kind::Connector || file.is_asset() {
            components.push(Component { file, twin: None });
            continue;
        }
        let twin = unpaired
            .iter_mut()
            .find(|t| {
                t.as_ref().is_some_and(|t| {
                    t.str("uuid") == file.str("uuid")
                        && t.str("docker_parameters") == file.str("docker_parameters")
                })
            })
            .and_then(Option::take);
        connectors.push(Component { file, twin });
    }
    let triggers = unpaired
        .into_iter()
        .flatten()
        .map(|file| Component { file, twin: None });
    components.extend(triggers);
    components.extend(connectors);
    components
        .sort_by(|a, b| (a.file.kind, &a.file.file_name).cmp(&(b.file.kind, &b.file.file_name)));
    components
}

fn read_object(path: &Path) -> anyhow::Result<Map<String, Value>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => bail!("{} is not a JSON object", path.display()),
        Err(e) => bail!("{} is not JSON: {e}", path.display()),
    }
}
