//! Writes manifest files at the module root without needless rewrites, and removes stale ones.

use std::path::Path;

use sekoia_manifest::manifest::ManifestFile;

use crate::BuildError;

/// What a generation did, file names relative to the module root.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Files written because their content changed (or they were missing).
    pub written: Vec<String>,
    /// Files already up to date, left untouched.
    pub unchanged: Vec<String>,
    /// Component manifests no registration produces any more.
    pub removed: Vec<String>,
    /// What Sekoia's checker would refuse in the manifests written (no categories...).
    pub warnings: Vec<String>,
}

/// Brings `module_root` in line with `files`.
pub(crate) fn sync(module_root: &Path, files: &[ManifestFile]) -> Result<Report, BuildError> {
    let mut report = Report::default();
    for file in files {
        let path = module_root.join(&file.file_name);
        if write_if_changed(&path, &file.contents)? {
            report.written.push(file.file_name.clone());
        } else {
            report.unchanged.push(file.file_name.clone());
        }
    }
    let entries = std::fs::read_dir(module_root).map_err(|source| BuildError::Io {
        action: "cannot list",
        path: module_root.to_owned(),
        source,
    })?;
    let mut stale = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_component_manifest = ["action_", "trigger_", "connector_"]
            .iter()
            .any(|p| name.starts_with(p))
            && name.ends_with(".json");
        if is_component_manifest && !files.iter().any(|f| f.file_name == name) {
            stale.push(name);
        }
    }
    stale.sort();
    for name in stale {
        let path = module_root.join(&name);
        std::fs::remove_file(&path).map_err(|source| BuildError::Io {
            action: "cannot remove",
            path,
            source,
        })?;
        report.removed.push(name);
    }
    Ok(report)
}

/// Writes `contents` to `path` unless it already holds exactly that; returns whether it wrote.
pub(crate) fn write_if_changed(path: &Path, contents: &str) -> Result<bool, BuildError> {
    match std::fs::read(path) {
        Ok(existing) if existing == contents.as_bytes() => return Ok(false),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => {
            return Err(BuildError::Io {
                action: "cannot read",
                path: path.to_owned(),
                source,
            });
        }
    }
    std::fs::write(path, contents).map_err(|source| BuildError::Io {
        action: "cannot write",
        path: path.to_owned(),
        source,
    })?;
    Ok(true)
}
