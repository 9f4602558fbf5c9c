//! The module's manifests, as its build script wrote them: `manifest.json` (the module, its
//! secret fields) and one `action_*.json`, `trigger_*.json` or `connector_*.json` per component
//! (its `docker_parameters`, hence its kind).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::Deserialize;

pub use sekoia_manifest::Kind;

/// One component manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub kind: Kind,
    pub name: String,
    pub docker_parameters: String,
    pub file: PathBuf,
}

/// The manifests of a module directory.
#[derive(Debug, Clone)]
pub struct Manifests {
    pub module_name: String,
    /// `configuration.secrets` of `manifest.json`.
    pub secrets: Vec<String>,
    /// Sorted by manifest file name.
    pub components: Vec<Component>,
}

#[derive(Deserialize)]
struct ModuleManifest {
    #[serde(default)]
    name: String,
    #[serde(default)]
    configuration: Option<ModuleConfiguration>,
}

#[derive(Deserialize)]
struct ModuleConfiguration {
    #[serde(default)]
    secrets: Vec<String>,
}

#[derive(Deserialize)]
struct ComponentManifest {
    #[serde(default)]
    name: String,
    docker_parameters: Option<String>,
}

impl Manifests {
    /// Reads `manifest.json` and the component manifests of `dir`.
    pub fn read(dir: &Path) -> anyhow::Result<Manifests> {
        let path = dir.join("manifest.json");
        if !path.is_file() {
            bail!(
                "no manifest.json in {}: a sekoia-rs module's build script writes it \
                 (`sekoia_build::main!` in build.rs); is this the module's root package?",
                dir.display()
            );
        }
        let module: ModuleManifest = read_json(&path)?;
        let mut files: Vec<(String, Kind, PathBuf)> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot list {}", dir.display()))?
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name().to_str()?.to_owned();
                let kind = Kind::of_file(&name)?;
                Some((name, kind, entry.path()))
            })
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut components = Vec::new();
        for (file_name, kind, file) in files {
            let manifest: ComponentManifest = read_json(&file)?;
            let Some(docker_parameters) = manifest.docker_parameters else {
                crate::output::warning(&format!(
                    "{file_name} has no `docker_parameters`: it cannot be run, skipped"
                ));
                continue;
            };
            components.push(Component {
                kind,
                name: manifest.name,
                docker_parameters,
                file,
            });
        }
        Ok(Manifests {
            module_name: module.name,
            secrets: module.configuration.map(|c| c.secrets).unwrap_or_default(),
            components,
        })
    }

    /// The components, one a line: `  <docker_parameters> (<kind> "<name>")`.
    pub fn known(&self) -> String {
        self.components
            .iter()
            .map(|c| format!("  {} ({} \"{}\")", c.docker_parameters, c.kind, c.name))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The component with these `docker_parameters`; the error lists the known ones.
    pub fn component(&self, docker_parameters: &str) -> anyhow::Result<&Component> {
        if let Some(component) = self
            .components
            .iter()
            .find(|c| c.docker_parameters == docker_parameters)
        {
            return Ok(component);
        }
        if self.components.is_empty() {
            bail!(
                "unknown docker_parameters `{docker_parameters}`: module {} has no component \
                 manifest (action_*.json, trigger_*.json, connector_*.json)",
                self.module_name
            );
        }
        let known = self.known();
        // the same letters in another case, else one edit in three away (`Requets`)
        let limit = (docker_parameters.chars().count() / 3).max(1);
        let near = self
            .components
            .iter()
            .find(|c| c.docker_parameters.eq_ignore_ascii_case(docker_parameters))
            .or_else(|| {
                self.components
                    .iter()
                    .map(|c| {
                        (
                            strsim::osa_distance(&c.docker_parameters, docker_parameters),
                            c,
                        )
                    })
                    .filter(|(distance, _)| *distance <= limit)
                    .min_by_key(|(distance, _)| *distance)
                    .map(|(_, c)| c)
            })
            .map(|c| format!("\ndid you mean `{}`?", c.docker_parameters))
            .unwrap_or_default();
        bail!(
            "unknown docker_parameters `{docker_parameters}` for module {}; the known ones are:\n{}{near}",
            self.module_name,
            known
        )
    }
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid manifest", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_file_names() {
        assert_eq!(Kind::of_file("action_request.json"), Some(Kind::Action));
        assert_eq!(Kind::of_file("trigger_x.json"), Some(Kind::Trigger));
        assert_eq!(Kind::of_file("connector_x.json"), Some(Kind::Connector));
        assert_eq!(Kind::of_file("manifest.json"), None);
        assert_eq!(Kind::of_file("action_x.json.bak"), None);
    }

    fn manifests() -> Manifests {
        let component = |kind, name: &str, dp: &str| Component {
            kind,
            name: name.into(),
            docker_parameters: dp.into(),
            file: PathBuf::new(),
        };
        Manifests {
            module_name: "TestHTTP".into(),
            secrets: vec!["api_key".into()],
            components: vec![
                component(Kind::Action, "Request URL", "Request"),
                component(Kind::Connector, "TesthttpConnector", "TesthttpConnector"),
            ],
        }
    }

    #[test]
    fn a_known_component_is_found() {
        let manifests = manifests();
        let component = manifests.component("TesthttpConnector").unwrap();
        assert_eq!(component.kind, Kind::Connector);
    }

    #[test]
    fn an_unknown_component_lists_the_known_ones() {
        let message = format!("{:#}", manifests().component("request").unwrap_err());
        assert!(
            message.contains("unknown docker_parameters `request`"),
            "{message}"
        );
        assert!(
            message.contains("Request (action \"Request URL\")"),
            "{message}"
        );
        assert!(
            message.contains("TesthttpConnector (connector"),
            "{message}"
        );
        assert!(message.contains("did you mean `Request`?"), "{message}");
    }
}
