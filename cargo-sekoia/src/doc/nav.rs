//! The navigation of the documentation site: the `nav:` of its `mkdocs.yml`, where each module
//! page is listed under its categories, below two menus.
//!
//! Only the `nav:` block of the file is read and written back (in PyYAML's block layout, as the
//! Python generator dumps it); the rest of the file is kept byte for byte, so tags such as
//! `!!python/name:` elsewhere in it, which the Python generator cannot load, do not matter.

use anyhow::{Context as _, bail};
use yaml_rust2::{Yaml, YamlLoader};

/// The menus module pages are listed under, and the folder their links point into.
pub const MENUS: [(&str, &str); 2] = [
    (
        "Sekoia.io TIP/Features/Automate/Actions Library",
        "tip/features/automate/library",
    ),
    (
        "Integrations/List of Playbooks Actions",
        "integration/action_library",
    ),
];

/// A module page to list.
pub struct Listed {
    /// The module name: the entry's title.
    pub name: String,
    /// `<slug>.md`.
    pub file_name: String,
    /// The module's categories: one entry under each.
    pub categories: Vec<String>,
}

/// How the menus change.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The menus are made anew from the modules (`Overview`, then one entry per category):
    /// the Python generator's run over a whole directory of modules.
    Rebuild,
    /// The modules' entries are added or replaced, the others kept: the Python generator's
    /// `--module` run, without its duplicates (an entry is listed once) and with `Overview`
    /// kept first.
    Merge,
}

/// The `nav:` block of a `mkdocs.yml`: where it is, and its value.
pub struct NavBlock {
    start: usize,
    end: usize,
    /// The entries of `nav`.
    pub entries: Vec<Yaml>,
}

/// Finds and parses the top-level `nav:` block.
pub fn find(text: &str) -> anyhow::Result<NavBlock> {
    let mut offset = 0;
    let mut start = None;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "nav:" || bare.starts_with("nav: ") || bare.starts_with("nav:#") {
            start = Some(offset);
            break;
        }
        offset += line.len();
    }
    let Some(start) = start else {
        bail!("mkdocs.yml has no top-level `nav:`");
    };
    // the block: the `nav:` line, then the lines of its value (indented, `- ` items at column
    // 0 as PyYAML writes them, blank lines and comments); trailing blanks and comments stay out
    let mut end = start;
    let mut cursor = start;
    for (i, line) in text[start..].split_inclusive('\n').enumerate() {
        let content = line.trim_end();
        let part_of_value = i == 0
            || content.starts_with([' ', '\t', '-'])
            || content.is_empty()
            || content.starts_with('#');
        if !part_of_value {
            break;
        }
        cursor += line.len();
        if !content.trim_start().is_empty() && !content.trim_start().starts_with('#') {
            end = cursor;
        }
    }
    let documents = YamlLoader::load_from_str(&text[start..end]).map_err(|error| {
        let marker = error.marker();
        let line = text[..start].matches('\n').count() + marker.line();
        anyhow::anyhow!(
            "the nav of mkdocs.yml is not valid YAML at line {line}, column {}: {}",
            marker.col() + 1,
            error.info()
        )
    })?;
    let entries = match documents.into_iter().next() {
        Some(Yaml::Hash(mut map)) => match map.remove(&Yaml::String("nav".into())) {
            Some(Yaml::Array(entries)) => entries,
            _ => bail!("the nav of mkdocs.yml is not a list"),
        },
        _ => bail!("the nav of mkdocs.yml is not a list"),
    };
    Ok(NavBlock {
        start,
        end,
        entries,
    })
}

impl NavBlock {
    /// The file with this block's entries written in place of the old ones.
    pub fn splice(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 256);
        out.push_str(&text[..self.start]);
        out.push_str(&emit_nav(&self.entries));
        out.push_str(&text[self.end..]);
        out
    }
}

/// The title of a one-key entry (`- Title: ...`).
fn title(entry: &Yaml) -> Option<&str> {
    match entry {
        Yaml::Hash(map) if map.len() == 1 => map.keys().next().and_then(Yaml::as_str),
        _ => None,
    }
}

fn entry(title: &str, value: Yaml) -> Yaml {
    let mut map = yaml_rust2::yaml::Hash::new();
    map.insert(Yaml::String(title.to_owned()), value);
    Yaml::Hash(map)
}

fn value_mut(entry: &mut Yaml) -> Option<&mut Yaml> {
    match entry {
        Yaml::Hash(map) if map.len() == 1 => map.values_mut().next(),
        _ => None,
    }
}

/// The sub-menu of `menu` under `modules`, by category.
fn categories(modules: &[Listed], folder: &str) -> Vec<(String, Vec<Yaml>)> {
    let mut by_category: std::collections::BTreeMap<String, Vec<Yaml>> = Default::default();
    for module in modules {
        for category in &module.categories {
            by_category.entry(category.clone()).or_default().push(entry(
                &module.name,
                Yaml::String(format!("{folder}/{}", module.file_name)),
            ));
        }
    }
    by_category
        .into_iter()
        .map(|(category, mut pages)| {
            pages.sort_by(|a, b| title(a).cmp(&title(b)));
            (category, pages)
        })
        .collect()
}

/// Updates the menu at `path` (`A/B/C`) of the entries; returns whether it was found.
pub fn update(
    entries: &mut [Yaml],
    path: &str,
    folder: &str,
    modules: &[Listed],
    mode: Mode,
) -> bool {
    let (head, rest) = match path.split_once('/') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    };
    let mut found = false;
    for item in entries.iter_mut() {
        if title(item) != Some(head) {
            continue;
        }
        let Some(value) = value_mut(item) else {
            continue;
        };
        match rest {
            Some(rest) => {
                if let Yaml::Array(children) = value {
                    found |= update(children, rest, folder, modules, mode);
                }
            }
            None => {
                found = true;
                let menu = categories(modules, folder);
                match mode {
                    Mode::Rebuild => {
                        let mut items = vec![entry(
                            "Overview",
                            Yaml::String(format!("{folder}/overview.md")),
                        )];
                        items.extend(
                            menu.into_iter()
                                .map(|(category, pages)| entry(&category, Yaml::Array(pages))),
                        );
                        *value = Yaml::Array(items);
                    }
                    Mode::Merge => {
                        if !matches!(value, Yaml::Array(_)) {
                            *value = Yaml::Array(Vec::new());
                        }
                        if let Yaml::Array(items) = value {
                            merge(items, menu, modules, folder);
                        }
                    }
                }
            }
        }
    }
    found
}

/// Adds the modules' pages, replacing earlier entries of the same pages wherever they were.
fn merge(items: &mut Vec<Yaml>, menu: Vec<(String, Vec<Yaml>)>, modules: &[Listed], folder: &str) {
    let links: Vec<String> = modules
        .iter()
        .map(|m| format!("{folder}/{}", m.file_name))
        .collect();
    for item in items.iter_mut() {
        if title(item) == Some("Overview") {
            continue;
        }
        if let Some(Yaml::Array(pages)) = value_mut(item) {
            pages.retain(|page| match page {
                Yaml::Hash(map) => !map
                    .values()
                    .any(|link| link.as_str().is_some_and(|l| links.iter().any(|x| x == l))),
                _ => true,
            });
        }
    }
    for (category, pages) in menu {
        let existing = items.iter_mut().find(|item| title(item) == Some(&category));
        match existing.and_then(value_mut) {
            Some(Yaml::Array(listed)) => {
                listed.extend(pages);
                listed.sort_by(|a, b| title(a).cmp(&title(b)));
            }
            _ => items.push(entry(&category, Yaml::Array(pages))),
        }
    }
    items.retain(
        |item| !matches!(value_mut_ref(item), Some(Yaml::Array(pages)) if pages.is_empty()),
    );
    items.sort_by(|a, b| {
        let key = |item: &Yaml| {
            (
                title(item) != Some("Overview"),
                title(item).map(str::to_owned),
            )
        };
        key(a).cmp(&key(b))
    });
}

fn value_mut_ref(entry: &Yaml) -> Option<&Yaml> {
    match entry {
        Yaml::Hash(map) if map.len() == 1 => map.values().next(),
        _ => None,
    }
}

/// `nav:` and its entries, in PyYAML's `yaml.dump` block layout: sequences at the column of
/// their key, mappings two columns in.
pub fn emit_nav(entries: &[Yaml]) -> String {
    let mut out = String::from("nav:");
    if entries.is_empty() {
        out.push_str(" []\n");
        return out;
    }
    out.push('\n');
    emit_sequence(entries, 0, &mut out);
    out
}

fn emit_sequence(items: &[Yaml], column: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(column));
        out.push_str("- ");
        match item {
            Yaml::Hash(map) if !map.is_empty() => emit_mapping(map, column + 2, true, out),
            Yaml::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_sequence(inner, column + 2, out);
            }
            scalar => {
                out.push_str(&scalar_text(scalar));
                out.push('\n');
            }
        }
    }
}

fn emit_mapping(map: &yaml_rust2::yaml::Hash, column: usize, inline_first: bool, out: &mut String) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !inline_first {
            out.push_str(&" ".repeat(column));
        }
        out.push_str(&scalar_text(key));
        out.push(':');
        match value {
            Yaml::Array(items) if !items.is_empty() => {
                out.push('\n');
                emit_sequence(items, column, out);
            }
            Yaml::Hash(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_mapping(inner, column + 2, false, out);
            }
            scalar => {
                out.push(' ');
                out.push_str(&scalar_text(scalar));
                out.push('\n');
            }
        }
    }
}

/// A scalar as PyYAML writes it: plain when it reads back as the same string, else single
/// quoted.
fn scalar_text(value: &Yaml) -> String {
    match value {
        Yaml::String(text) => {
            if plain_is_safe(text) {
                text.clone()
            } else {
                format!("'{}'", text.replace('\'', "''"))
            }
        }
        Yaml::Integer(n) => n.to_string(),
        Yaml::Real(text) => text.clone(),
        Yaml::Boolean(true) => "true".into(),
        Yaml::Boolean(false) => "false".into(),
        Yaml::Array(_) => "[]".into(),
        Yaml::Hash(_) => "{}".into(),
        _ => "null".into(),
    }
}

fn plain_is_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if text.trim() != text || text.contains(['\n', '\r', '\t']) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return false;
    }
    // what YAML would read as another type than a string
    let lower = text.to_ascii_lowercase();
    let typed = matches!(
        lower.as_str(),
        "null" | "~" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) || text.parse::<f64>().is_ok()
        || text.parse::<i64>().is_ok()
        || lower.starts_with("0x")
        || lower.starts_with("0o");
    !typed && text.chars().all(|c| !c.is_control())
}

/// The nav of `text` updated for the modules under both menus, with the menus found.
pub fn update_file(
    text: &str,
    modules: &[Listed],
    mode: Mode,
) -> anyhow::Result<(String, Vec<&'static str>)> {
    let mut block = find(text).context("cannot update the documentation menus")?;
    let mut found = Vec::new();
    for (path, folder) in MENUS {
        if update(&mut block.entries, path, folder, modules, mode) {
            found.push(path);
        }
    }
    Ok((block.splice(text), found))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "site_name: Docs\nnav:\n  - Home: index.md\n  - Integrations:\n      - List of Playbooks Actions:\n          - Overview: integration/action_library/overview.md\n# end\ntheme: material\n";

    fn http() -> Listed {
        Listed {
            name: "HTTP".into(),
            file_name: "http.md".into(),
            categories: vec!["Generic".into()],
        }
    }

    #[test]
    fn only_the_nav_block_is_rewritten() {
        let (after, found) = update_file(BEFORE, &[http()], Mode::Merge).unwrap();
        assert_eq!(found, ["Integrations/List of Playbooks Actions"]);
        assert_eq!(
            after,
            "site_name: Docs\nnav:\n- Home: index.md\n- Integrations:\n  - List of Playbooks Actions:\n    - Overview: integration/action_library/overview.md\n    - Generic:\n      - HTTP: integration/action_library/http.md\n# end\ntheme: material\n"
        );
        let (again, _) = update_file(&after, &[http()], Mode::Merge).unwrap();
        assert_eq!(again, after, "a second run lists the module once");
    }

    #[test]
    fn scalars_are_quoted_when_plain_would_read_otherwise() {
        assert_eq!(scalar_text(&Yaml::String("HTTP".into())), "HTTP");
        assert_eq!(
            scalar_text(&Yaml::String("BinaryEdge's API".into())),
            "BinaryEdge's API"
        );
        assert_eq!(scalar_text(&Yaml::String("a: b".into())), "'a: b'");
        assert_eq!(scalar_text(&Yaml::String("yes".into())), "'yes'");
        assert_eq!(scalar_text(&Yaml::String("1.0".into())), "'1.0'");
        assert_eq!(scalar_text(&Yaml::String("'q'".into())), "'''q'''");
    }

    #[test]
    fn a_broken_nav_names_its_line() {
        let error = update_file("a: 1\nnav:\n  - [oops\n", &[], Mode::Merge).unwrap_err();
        assert!(format!("{error:#}").contains("line"), "{error:#}");
        let missing = update_file("site_name: x\n", &[], Mode::Merge).unwrap_err();
        assert!(format!("{missing:#}").contains("no top-level `nav:`"));
    }
}
