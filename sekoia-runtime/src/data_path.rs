//! Paths inside the data directory: a relative path that a playbook, the platform or a
//! component names (`<name>_path`, `sub_folder`, an event's directory) is resolved under the data
//! directory and may never leave it.
//!
//! The path is refused when it is absolute or climbs out with `..`, and so is a symbolic link on
//! the way whose target lies outside. Symbolic links are followed by reading them, not by
//! opening their targets: the error never tells whether a file outside the data directory
//! exists.

use std::io;
use std::path::{Component, Path, PathBuf};

/// Symbolic links followed on one path at most (Linux's own limit).
const LINKS_MAX: usize = 40;

/// Why a path cannot be used under the data directory.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Escape {
    /// Absolute, or climbing above the data directory with `..`.
    #[error("{} is not a path inside the data directory (absolute paths and `..` are refused)", .0.display())]
    Outside(PathBuf),
    /// A symbolic link on the way points outside the data directory.
    #[error("{} leads outside the data directory through the symbolic link {}", .path.display(), .link.display())]
    Link {
        /// The path asked for.
        path: PathBuf,
        /// The link, relative to the data directory.
        link: PathBuf,
    },
    /// A symbolic link on the way points to nothing.
    #[error("{} is a symbolic link to nothing (dangling)", .0.display())]
    Dangling(PathBuf),
    /// More links than Linux follows.
    #[error("{} has too many levels of symbolic links", .0.display())]
    Loop(PathBuf),
    /// A link or directory on the way cannot be read.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The path asked for.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// `relative` under `root`, with every symbolic link on the way resolved and kept inside
/// `root`. What the path names need not exist (a file about to be written); a link on the way
/// that points to nothing is an error.
pub(crate) fn contained(root: &Path, relative: &Path) -> Result<PathBuf, Escape> {
    let outside = || Escape::Outside(relative.to_owned());
    // the components still to walk, first at the end; `resolved` stays relative to the root
    let mut pending: Vec<PathBuf> = Vec::new();
    push_components(&mut pending, relative).ok_or_else(outside)?;
    let mut resolved = PathBuf::new();
    let mut links = 0;
    let mut last_is_link = false;
    while let Some(component) = pending.pop() {
        if component.as_os_str() == ".." {
            if !resolved.pop() {
                return Err(outside());
            }
            continue;
        }
        let candidate = resolved.join(&component);
        match std::fs::symlink_metadata(root.join(&candidate)) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                links += 1;
                if links > LINKS_MAX {
                    return Err(Escape::Loop(relative.to_owned()));
                }
                let target =
                    std::fs::read_link(root.join(&candidate)).map_err(|source| Escape::Io {
                        path: relative.to_owned(),
                        source,
                    })?;
                let escape = || Escape::Link {
                    path: relative.to_owned(),
                    link: candidate.clone(),
                };
                let target = match target.strip_prefix(root) {
                    // an absolute link into the data directory: walk it from the root
                    Ok(inside) if target.is_absolute() => {
                        resolved.clear();
                        inside.to_owned()
                    }
                    _ if target.is_absolute() => return Err(escape()),
                    _ => target,
                };
                // a relative target that climbs above the root leaves it through this link
                let mut depth = resolved.components().count();
                for part in target.components() {
                    match part {
                        Component::ParentDir if depth == 0 => return Err(escape()),
                        Component::ParentDir => depth -= 1,
                        Component::Normal(_) => depth += 1,
                        _ => {}
                    }
                }
                // the last component is a link: what it names must exist
                last_is_link = pending.is_empty();
                push_components(&mut pending, &target).ok_or_else(escape)?;
            }
            _ => resolved = candidate,
        }
    }
    let path = root.join(resolved);
    // every link on the way was resolved inside the root: this looks at nothing outside it
    if last_is_link && std::fs::symlink_metadata(&path).is_err() {
        return Err(Escape::Dangling(relative.to_owned()));
    }
    Ok(path)
}

/// Pushes the components of a relative path, first on top; `None` for an absolute path.
fn push_components(pending: &mut Vec<PathBuf>, path: &Path) -> Option<()> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(PathBuf::from(part)),
            Component::ParentDir => parts.push(PathBuf::from("..")),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    pending.extend(parts.into_iter().rev());
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn plain_paths_stay_and_escapes_are_refused_without_looking_outside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        assert_eq!(
            contained(root, Path::new("sub/a.json")).unwrap(),
            root.join("sub/a.json")
        );
        assert_eq!(
            contained(root, Path::new("sub/../b.json")).unwrap(),
            root.join("b.json")
        );
        for bad in ["../x", "/etc/passwd", "sub/../../etc/passwd", "/"] {
            let error = contained(root, Path::new(bad)).unwrap_err();
            assert!(matches!(error, Escape::Outside(_)), "{bad}: {error}");
        }
        // the same answer whether the outside file exists or not
        symlink("/etc/passwd", root.join("there")).unwrap();
        symlink("/etc/no-such-file-here", root.join("absent")).unwrap();
        symlink("../../etc", root.join("sub/up")).unwrap();
        for link in ["there", "absent", "sub/up/passwd"] {
            let error = contained(root, Path::new(link)).unwrap_err().to_string();
            assert!(
                error.contains("leads outside the data directory through the symbolic link"),
                "{link}: {error}"
            );
        }
    }

    #[test]
    fn links_inside_are_followed_and_dangling_ones_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("real")).unwrap();
        std::fs::write(root.join("real/a.json"), "[]").unwrap();
        symlink("real", root.join("alias")).unwrap();
        symlink(root.join("real/a.json"), root.join("absolute")).unwrap();
        symlink("nothing", root.join("dangling")).unwrap();
        symlink("loop", root.join("loop")).unwrap();
        assert_eq!(
            contained(root, Path::new("alias/a.json")).unwrap(),
            root.join("real/a.json")
        );
        assert_eq!(
            contained(root, Path::new("absolute")).unwrap(),
            root.join("real/a.json")
        );
        assert!(matches!(
            contained(root, Path::new("dangling")),
            Err(Escape::Dangling(_))
        ));
        assert!(matches!(
            contained(root, Path::new("loop")),
            Err(Escape::Loop(_))
        ));
    }
}
