//! Which modules the PATH arguments name, and which files `.complianceignore` exempts.
//!
//! A PATH is a directory of modules (like the automation-library root) when one of its
//! subdirectories holds a `manifest.json`; its modules are then every subdirectory whose name
//! starts with neither `_` nor `.` and is not `docs`, as Sekoia's checker finds them, and its
//! `.complianceignore` applies. Any other PATH is a module directory.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// The modules to check and the files whose errors are not reported.
#[derive(Debug, Default)]
pub struct Selection {
    /// Module directories, canonical, sorted and without duplicates.
    pub modules: Vec<PathBuf>,
    /// Files listed in the `.complianceignore` of a directory of modules.
    pub ignored: HashSet<PathBuf>,
}

/// Resolves the PATH arguments.
pub fn select(paths: &[PathBuf]) -> anyhow::Result<Selection> {
    let mut selection = Selection::default();
    for path in paths {
        let dir = path
            .canonicalize()
            .with_context(|| format!("cannot read {}", path.display()))?;
        if !dir.is_dir() {
            bail!(
                "{} is not a directory: give a module directory or a directory of modules",
                path.display()
            );
        }
        let children = module_children(&dir)?;
        if children
            .iter()
            .any(|child| child.join("manifest.json").is_file())
        {
            selection.modules.extend(children);
            selection.ignored.extend(compliance_ignore(&dir)?);
        } else {
            selection.modules.push(dir);
        }
    }
    selection.modules.sort();
    selection.modules.dedup();
    Ok(selection)
}

/// The subdirectories Sekoia's checker takes for modules.
fn module_children(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    let mut children = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('_') || name.starts_with('.') || name == "docs" {
            continue;
        }
        if entry.path().is_dir() {
            children.push(entry.path());
        }
    }
    Ok(children)
}

/// The files named by `<dir>/.complianceignore`: one path a line, relative to `dir`; empty lines
/// and lines starting with `#` are skipped.
fn compliance_ignore(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let path = dir.join(".complianceignore");
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| dir.join(line))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_of_modules_is_recognised_by_its_manifests() {
        let root = tempfile::tempdir().unwrap();
        for module in ["B", "A", "_utils", ".git", "docs"] {
            std::fs::create_dir(root.path().join(module)).unwrap();
            std::fs::write(root.path().join(module).join("manifest.json"), "{}").unwrap();
        }
        std::fs::create_dir(root.path().join("NoManifestYet")).unwrap();
        std::fs::write(
            root.path().join(".complianceignore"),
            "# comment\n\nA/main.py\n",
        )
        .unwrap();
        let selection = select(&[root.path().to_owned()]).unwrap();
        let base = root.path().canonicalize().unwrap();
        assert_eq!(
            selection.modules,
            [base.join("A"), base.join("B"), base.join("NoManifestYet")]
        );
        assert_eq!(selection.ignored, HashSet::from([base.join("A/main.py")]));

        let single = select(&[root.path().join("A")]).unwrap();
        assert_eq!(single.modules, [base.join("A")]);
        assert!(single.ignored.is_empty());
        assert!(select(&[root.path().join("missing")]).is_err());
    }
}
