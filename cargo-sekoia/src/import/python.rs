//! What the Python source of a module says that its manifests do not: which class each
//! docker_parameters starts (`module.register(Class, "name")` in `main.py`), where that class is
//! defined, and the account validator.

use std::path::Path;

use regex::Regex;

/// A `module.register(...)` of `main.py`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Registration {
    /// The class registered.
    pub class: String,
    /// The name it is registered under: the docker_parameters of its manifest.
    pub docker_parameters: String,
}

/// Where a class is defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Definition {
    /// The Python file, relative to the module directory (`http_module/request_action.py`).
    pub file: String,
}

/// The Python side of a module.
#[derive(Debug, Default)]
pub(crate) struct Python {
    /// The registrations, in `main.py` order.
    pub registrations: Vec<Registration>,
    /// `module.register_account_validator(Class)`.
    pub validator: Option<String>,
    /// Every `*.py` file of the module but its tests, relative, with its text.
    sources: Vec<(String, String)>,
    /// Classes declared without Python (by `cargo sekoia openapi`), with the file that says so.
    declared: Vec<(String, super::generic_api::ApiClass)>,
    declared_in: String,
}

impl Python {
    /// Reads `main.py` and the module's Python files; a module without `main.py` has none.
    pub(crate) fn read(dir: &Path) -> Python {
        let Ok(main) = std::fs::read_to_string(dir.join("main.py")) else {
            return Python::default();
        };
        let register = Regex::new(
            r#"module\.register\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,\s*(?:name\s*=\s*)?["']([^"']+)["']"#,
        )
        .expect("a valid regular expression");
        let validator =
            Regex::new(r"module\.register_account_validator\(\s*([A-Za-z_][A-Za-z0-9_]*)")
                .expect("a valid regular expression");
        let registrations = register
            .captures_iter(&main)
            .map(|c| Registration {
                class: c[1].to_owned(),
                docker_parameters: c[2].to_owned(),
            })
            .collect();
        let validator = validator.captures(&main).map(|c| c[1].to_owned());
        let mut sources = Vec::new();
        for entry in walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                e.depth() == 0 || !(name.starts_with('.') || name == "tests" || name == "target")
            })
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "py")
                && let Ok(text) = std::fs::read_to_string(path)
                && let Ok(relative) = path.strip_prefix(dir)
            {
                sources.push((relative.to_string_lossy().replace('\\', "/"), text));
            }
        }
        sources.sort();
        Python {
            registrations,
            validator,
            sources,
            ..Python::default()
        }
    }

    /// The classes of a module described elsewhere (an OpenAPI document, `origin`): each
    /// registered under its docker_parameters, with its declaration.
    pub(crate) fn declared(
        declared: Vec<(Registration, super::generic_api::ApiClass)>,
        origin: &str,
    ) -> Python {
        let (registrations, declared) = declared
            .into_iter()
            .map(|(registration, api)| {
                let class = registration.class.clone();
                (registration, (class, api))
            })
            .unzip();
        Python {
            registrations,
            declared,
            declared_in: origin.to_owned(),
            ..Python::default()
        }
    }

    /// What `class` declares when it is a `GenericAPIAction`.
    pub(crate) fn api_class(&self, class: &str) -> Option<super::generic_api::ApiClass> {
        if let Some((_, api)) = self.declared.iter().find(|(name, _)| name == class) {
            return Some(api.clone());
        }
        super::generic_api::api_class(&self.sources, class)
    }

    /// The document the classes were declared from, when not from Python.
    pub(crate) fn generated_from(&self) -> Option<&str> {
        (!self.declared.is_empty()).then_some(self.declared_in.as_str())
    }

    /// Whether the module has a `main.py`.
    pub(crate) fn has_main(&self) -> bool {
        !self.sources.is_empty() || !self.registrations.is_empty()
    }

    /// The class registered under `docker_parameters`.
    pub(crate) fn class_of(&self, docker_parameters: &str) -> Option<&str> {
        self.registrations
            .iter()
            .find(|r| r.docker_parameters == docker_parameters)
            .map(|r| r.class.as_str())
    }

    /// Where `class` is defined: `class X(...)`, or `X = type(...)` for the classes built
    /// from `GenericAPIAction`.
    pub(crate) fn definition(&self, class: &str) -> Option<Definition> {
        if self.declared.iter().any(|(name, _)| name == class) {
            return Some(Definition {
                file: self.declared_in.clone(),
            });
        }
        let escaped = regex::escape(class);
        let pattern = Regex::new(&format!(
            r"(?m)^\s*(?:class\s+{escaped}\b|{escaped}\s*=\s*type\()"
        ))
        .expect("a valid regular expression");
        self.sources
            .iter()
            .find(|(_, text)| pattern.is_match(text))
            .map(|(file, _)| Definition { file: file.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrations_and_definitions_are_found() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("main.py"),
            "from x.actions import Ping\n\nif __name__ == \"__main__\":\n    module = Module()\n    module.register(Ping, \"ping\")\n    module.register(ImpervaLogsConnector, name='imperva_logs')\n    module.register_account_validator(Check)\n    module.run()\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("x")).unwrap();
        std::fs::write(
            dir.path().join("x/actions.py"),
            "class Ping(Action):\n    pass\n\nPatch = type(\"Patch\", (GenericAPIAction,), {})\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("tests")).unwrap();
        std::fs::write(dir.path().join("tests/test_x.py"), "class Check: pass\n").unwrap();
        let python = Python::read(dir.path());
        assert_eq!(python.class_of("ping"), Some("Ping"));
        assert_eq!(
            python.class_of("imperva_logs"),
            Some("ImpervaLogsConnector")
        );
        assert_eq!(python.validator.as_deref(), Some("Check"));
        assert_eq!(python.definition("Ping").unwrap().file, "x/actions.py");
        assert_eq!(python.definition("Patch").unwrap().file, "x/actions.py");
        assert_eq!(python.definition("Check"), None, "tests are not the module");
    }
}
