//! The module's manifests: which sekoia-rs crates they use, their dependencies by version, and
//! the `[patch.crates-io]` table that points those versions at `vendor/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

use super::{Checkout, LIBRARY_CRATES, VENDOR_DIR};

/// The comment above the patch table.
pub const PATCH_COMMENT: &str = "\
# The sekoia-rs crates are not on crates.io yet: these versions come from vendor/, a copy of
# exactly the crates this module uses (`cargo sekoia vendor` refreshes it). Once they are
# published, delete this table and vendor/ (`cargo sekoia vendor --published`).
";

/// The dependency tables of a manifest, as paths of keys.
const DEPENDENCY_TABLES: [&str; 3] = ["dependencies", "build-dependencies", "dev-dependencies"];

/// Reads a manifest for editing.
pub fn read(path: &Path) -> anyhow::Result<DocumentMut> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.parse::<DocumentMut>()
        .with_context(|| format!("{} is not valid TOML", path.display()))
}

fn write_document(path: &Path, document: &DocumentMut) -> anyhow::Result<()> {
    std::fs::write(path, document.to_string())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The root manifest and those of the workspace members it lists (literal paths).
pub fn member_manifests(module: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let root = module.join("Cargo.toml");
    let document = read(&root)?;
    let mut manifests = vec![root];
    if let Some(members) = document
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(Item::as_array)
    {
        for member in members.iter().filter_map(Value::as_str) {
            if member == "." || member.contains('*') {
                continue;
            }
            let manifest = module.join(member).join("Cargo.toml");
            if manifest.is_file() {
                manifests.push(manifest);
            }
        }
    }
    Ok(manifests)
}

/// Every dependency table of a document: the three kinds, plain and under `[target.<cfg>]`.
fn dependency_tables(document: &mut DocumentMut) -> Vec<&mut Table> {
    let mut tables = Vec::new();
    let root = document.as_table_mut();
    let mut targets = Vec::new();
    for (key, item) in root.iter_mut() {
        if DEPENDENCY_TABLES.contains(&key.get()) {
            if let Some(table) = item.as_table_mut() {
                tables.push(table);
            }
        } else if key.get() == "target"
            && let Some(target) = item.as_table_mut()
        {
            targets.push(target);
        }
    }
    for target in targets {
        for (_, platform) in target.iter_mut() {
            if let Some(platform) = platform.as_table_mut() {
                for (key, item) in platform.iter_mut() {
                    if DEPENDENCY_TABLES.contains(&key.get())
                        && let Some(table) = item.as_table_mut()
                    {
                        tables.push(table);
                    }
                }
            }
        }
    }
    tables
}

/// The crates of `known` that the manifests depend on.
pub fn used_crates(manifests: &[PathBuf], known: &[&str]) -> anyhow::Result<BTreeSet<String>> {
    let mut used = BTreeSet::new();
    for manifest in manifests {
        let mut document = read(manifest)?;
        for table in dependency_tables(&mut document) {
            for (name, _) in table.iter() {
                if known.contains(&name) {
                    used.insert(name.to_owned());
                }
            }
        }
    }
    Ok(used)
}

/// Turns the manifest's dependencies on sekoia-rs crates by `path` into dependencies by
/// version (the checkout's), keeping their other keys.
pub fn depend_by_version(manifest: &Path, checkout: &Checkout) -> anyhow::Result<()> {
    let mut document = read(manifest)?;
    let mut changed = false;
    for table in dependency_tables(&mut document) {
        for name in LIBRARY_CRATES {
            let Some(item) = table.get_mut(name) else {
                continue;
            };
            let Some(version) = checkout.version(name) else {
                continue;
            };
            let has_path = item.get("path").is_some();
            if !has_path {
                continue;
            }
            if let Some(inline) = item.as_inline_table_mut() {
                inline.remove("path");
                if inline.is_empty() {
                    *item = toml_edit::value(version);
                } else {
                    inline.insert("version", version.into());
                }
            } else if let Some(dotted) = item.as_table_mut() {
                dotted.remove("path");
                dotted.insert("version", toml_edit::value(version));
            }
            changed = true;
        }
    }
    if changed {
        write_document(manifest, &document)?;
    }
    Ok(())
}

/// Points `[patch.crates-io]` of the root manifest at `vendor/<crate>` for each crate, and
/// drops the entries of sekoia-rs crates no longer vendored.
pub fn write(root: &Path, crates: &BTreeSet<String>) -> anyhow::Result<()> {
    let mut document = read(root)?;
    let patch = document
        .entry("patch")
        .or_insert_with(|| {
            let mut table = Table::new();
            table.set_implicit(true);
            Item::Table(table)
        })
        .as_table_mut()
        .with_context(|| format!("{}: `patch` is not a table", root.display()))?;
    let crates_io = patch
        .entry("crates-io")
        .or_insert_with(|| {
            let mut table = Table::new();
            table.decor_mut().set_prefix(format!("\n{PATCH_COMMENT}"));
            Item::Table(table)
        })
        .as_table_mut()
        .with_context(|| format!("{}: `patch.crates-io` is not a table", root.display()))?;
    for name in LIBRARY_CRATES {
        if !crates.contains(name) {
            crates_io.remove(name);
        }
    }
    for name in crates {
        let mut entry = InlineTable::new();
        entry.insert("path", format!("{VENDOR_DIR}/{name}").into());
        crates_io.insert(name, toml_edit::value(entry));
    }
    crates_io.sort_values();
    write_document(root, &document)
}

/// Removes the sekoia-rs entries of `[patch.crates-io]` (and the table when nothing else is
/// left in it). Returns the crates that were patched.
pub fn remove(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut document = read(root)?;
    let mut removed = Vec::new();
    let Some(patch) = document.get_mut("patch").and_then(Item::as_table_mut) else {
        return Ok(removed);
    };
    let Some(crates_io) = patch.get_mut("crates-io").and_then(Item::as_table_mut) else {
        return Ok(removed);
    };
    for name in LIBRARY_CRATES {
        if crates_io.remove(name).is_some() {
            removed.push(name.to_owned());
        }
    }
    if crates_io.is_empty() {
        patch.remove("crates-io");
    }
    if patch.is_empty() {
        document.remove("patch");
    }
    if removed.is_empty() {
        return Ok(removed);
    }
    write_document(root, &document)?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patch_table_is_written_sorted_then_removed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("Cargo.toml");
        std::fs::write(
            &root,
            "[package]\nname = \"m\"\n\n[dependencies]\nsekoia-runtime = \"0.1.0\"\n",
        )
        .unwrap();
        let crates: BTreeSet<String> = ["sekoia-runtime", "sekoia-macros", "sekoia-manifest"]
            .map(String::from)
            .into();
        write(&root, &crates).unwrap();
        let text = std::fs::read_to_string(&root).unwrap();
        assert!(text.contains(PATCH_COMMENT), "{text}");
        assert!(
            text.ends_with(
                "[patch.crates-io]\n\
                 sekoia-macros = { path = \"vendor/sekoia-macros\" }\n\
                 sekoia-manifest = { path = \"vendor/sekoia-manifest\" }\n\
                 sekoia-runtime = { path = \"vendor/sekoia-runtime\" }\n"
            ),
            "{text}"
        );
        assert_eq!(
            remove(&root).unwrap(),
            ["sekoia-manifest", "sekoia-macros", "sekoia-runtime"]
        );
        assert_eq!(
            std::fs::read_to_string(&root).unwrap(),
            "[package]\nname = \"m\"\n\n[dependencies]\nsekoia-runtime = \"0.1.0\"\n"
        );
    }
}
