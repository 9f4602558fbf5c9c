//! A module being checked: its directory, its language, the problems found in it, and the facts
//! that one rule records for the rules after it (the Python checker's `options` scratchpad).

use std::path::{Path, PathBuf};

use serde_json::Value;
use walkdir::WalkDir;

/// What kind of code a module holds, which decides the rules that apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// `Cargo.toml`: a sekoia-rs module. The component JSON rules apply, with the Rust
    /// counterparts of the Python-specific ones (Cargo.lock, tests, the binary's registrations).
    Rust,
    /// `pyproject.toml` and no `Cargo.toml`: a Python module. The language-neutral rules apply;
    /// the Python-specific ones (poetry.lock, `tests/test_*.py`, `main.py`) are left to Sekoia's
    /// checker.
    Python,
    /// Neither: a catalogue entry with only a manifest, a CHANGELOG and a logo.
    Metadata,
}

/// One error line: the file it is about and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, inside the module directory (it may not exist: `logo.png`, `Dockerfile`).
    pub file: PathBuf,
    /// The message, as the Python checker words it when it has the rule.
    pub message: String,
    /// The label of the automatic fix Sekoia's checker offers for it, if any.
    pub fix: Option<String>,
}

/// The newest release a CHANGELOG lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// Its first version heading with a SemVer.
    Version(String),
    /// None yet: only `## Unreleased`, or nothing.
    Unreleased,
}

/// A module directory and what the checks found in it.
#[derive(Debug)]
pub struct Module {
    /// The module directory (canonical).
    pub dir: PathBuf,
    /// The directory name: the first column of the report.
    pub name: String,
    /// Which rules apply.
    pub language: Language,
    /// The errors found, in the order the rules ran.
    pub problems: Vec<Problem>,
    /// Files already reported as unreadable JSON, which the format rule leaves alone.
    pub unreadable: Vec<PathBuf>,
    /// `uuid` of manifest.json, when truthy (for the uniqueness of module uuids).
    pub uuid: Option<String>,
    /// `slug` of manifest.json, when truthy (for the uniqueness of slugs).
    pub slug: Option<String>,
    /// `version` of manifest.json, when it is a valid SemVer.
    pub version: Option<String>,
    /// The newest released version of CHANGELOG.md, once it is read.
    pub changelog_release: Option<Release>,
    /// `(file name, uuid)` of each component JSON with a string uuid, in the order checked.
    pub component_uuids: Vec<(String, String)>,
    /// `(file name, docker_parameters)` of each component JSON, in the order checked.
    pub docker_parameters: Vec<(String, String)>,
    /// A Rust module's binary, built before its files are read (the build writes them), or why
    /// it could not be.
    pub built: Option<Result<PathBuf, String>>,
}

impl Module {
    /// A module to check; nothing is read yet but which manifest files of a project it has.
    pub fn new(dir: PathBuf) -> Module {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string());
        let language = if dir.join("Cargo.toml").is_file() {
            Language::Rust
        } else if dir.join("pyproject.toml").exists() {
            Language::Python
        } else {
            Language::Metadata
        };
        Module {
            dir,
            name,
            language,
            problems: Vec::new(),
            unreadable: Vec::new(),
            uuid: None,
            slug: None,
            version: None,
            changelog_release: None,
            component_uuids: Vec::new(),
            docker_parameters: Vec::new(),
            built: None,
        }
    }

    /// A path inside the module.
    pub fn path(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.dir.join(relative)
    }

    /// Records an error about `relative` (a path inside the module).
    pub fn problem(&mut self, relative: impl AsRef<Path>, message: impl Into<String>) {
        let file = self.path(relative);
        self.problems.push(Problem {
            file,
            message: message.into(),
            fix: None,
        });
    }

    /// Records an error for which Sekoia's checker offers an automatic fix, `fix` its label.
    pub fn fixable(
        &mut self,
        relative: impl AsRef<Path>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.problem(relative, message);
        if let Some(problem) = self.problems.last_mut() {
            problem.fix = Some(fix.into());
        }
    }

    /// Whether the module has code: the rules of component JSON files apply to it.
    pub fn has_code(&self) -> bool {
        self.language != Language::Metadata
    }
}

/// The files under `dir` whose name ends with `suffix`, sorted, leaving out hidden files and
/// folders and cargo's `target` folders (build output, not module sources).
pub fn files_under(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = WalkDir::new(dir)
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            let skipped = name.starts_with('.') || (entry.file_type().is_dir() && name == "target");
            entry.depth() == 0 || !skipped
        })
        .filter_map(Result::ok)
        .filter(|entry| {
            entry.file_type().is_file() && entry.file_name().to_string_lossy().ends_with(suffix)
        })
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    files
}

/// Python's truthiness of a JSON value: `None`, `False`, `0`, `""`, `[]` and `{}` are false.
pub fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(Value::Bool(true)) => true,
    }
}

/// How a value reads in a message: a string as it is, anything else as JSON.
pub fn display(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn truthiness_follows_python() {
        for falsy in [
            json!(null),
            json!(false),
            json!(0),
            json!(0.0),
            json!(""),
            json!([]),
            json!({}),
        ] {
            assert!(!truthy(Some(&falsy)), "{falsy}");
        }
        for true_ in [
            json!(true),
            json!(1),
            json!("x"),
            json!([0]),
            json!({"a": null}),
        ] {
            assert!(truthy(Some(&true_)), "{true_}");
        }
        assert!(!truthy(None));
    }
}
