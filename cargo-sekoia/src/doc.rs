//! `cargo sekoia doc`: the modules' pages of the Sekoia documentation, as the Python SDK's
//! `sekoia-automation generate-documentation` writes them (the page byte for byte, the logo and
//! set-up assets copied, the `mkdocs.yml` menus by category). See `docs/doc.md`.

mod nav;
mod page;
mod python;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use serde_json::Value;

use crate::check::discover;

/// Where the pages go in the documentation repository.
const PAGES_DIR: &str = "_shared_content/automate/library";
/// Where the logos go.
const LOGOS_DIR: &str = "docs/assets/playbooks/library";
/// Where the set-up images go, under a folder per module.
const SETUP_DIR: &str = "assets/playbooks/library/setup";

/// Arguments of `cargo sekoia doc`.
#[derive(clap::Args)]
pub struct DocArgs {
    /// Module directories, or directories holding modules (a directory of modules rebuilds the
    /// menus from its modules)
    #[arg(value_name = "MODULE", default_value = ".")]
    pub modules: Vec<PathBuf>,
    /// The documentation repository (SEKOIA-IO/documentation): it holds mkdocs.yml
    #[arg(long, value_name = "DIR")]
    pub docs: PathBuf,
}

/// A page written.
struct Written {
    listed: nav::Listed,
}

/// Runs `cargo sekoia doc`.
pub fn run(args: DocArgs) -> anyhow::Result<ExitCode> {
    let mkdocs = args.docs.join("mkdocs.yml");
    if !args.docs.is_dir() || !mkdocs.is_file() {
        bail!(
            "{} is not a documentation repository: it has no mkdocs.yml",
            args.docs.display()
        );
    }
    // a directory of modules is the whole catalogue: its menus are made anew
    let mut mode = nav::Mode::Merge;
    for path in &args.modules {
        let selection = discover::select(std::slice::from_ref(path))?;
        if selection.modules.len() != 1 || selection.modules[0] != path.canonicalize()? {
            mode = nav::Mode::Rebuild;
        }
    }
    let selection = discover::select(&args.modules)?;
    println!("Generating documentation for modules:");
    let mut written = Vec::new();
    for module in &selection.modules {
        if let Some(done) = generate(module, &args.docs)? {
            println!("[+] {}: Success", dir_name(module));
            written.push(done);
        }
    }
    println!("Updating documentation menus:");
    let text = std::fs::read_to_string(&mkdocs)
        .with_context(|| format!("cannot read {}", mkdocs.display()))?;
    let listed: Vec<nav::Listed> = written.into_iter().map(|w| w.listed).collect();
    let (updated, found) = nav::update_file(&text, &listed, mode)
        .with_context(|| format!("in {}", mkdocs.display()))?;
    for (menu, _) in nav::MENUS {
        if found.contains(&menu) {
            println!("[+] {menu} updated");
        } else {
            println!("[-] {menu} is not in the nav of mkdocs.yml: skipped");
        }
    }
    if updated != text {
        std::fs::write(&mkdocs, updated)
            .with_context(|| format!("cannot write {}", mkdocs.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn dir_name(module: &Path) -> String {
    module
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| module.display().to_string())
}

fn read_json(path: &Path) -> anyhow::Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))
}

/// `<prefix>*.json` files of the module, sorted by name.
fn component_files(module: &Path, prefix: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in
        std::fs::read_dir(module).with_context(|| format!("cannot list {}", module.display()))?
    {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if name.is_some_and(|n| n.starts_with(prefix) && n.ends_with(".json")) && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Writes the page of one module, its logo and set-up assets; `None` (with the reason printed)
/// when the module has no page.
fn generate(module: &Path, docs: &Path) -> anyhow::Result<Option<Written>> {
    let name = dir_name(module);
    let manifest_path = module.join("manifest.json");
    if !manifest_path.is_file() {
        println!("[!] {name}: No manifest found");
        return Ok(None);
    }
    let manifest = read_json(&manifest_path)?;
    let mut connector_uuids = Vec::new();
    for file in component_files(module, "connector_")? {
        if let Some(uuid) = read_json(&file)?.get("uuid").cloned() {
            connector_uuids.push(uuid);
        }
    }
    let actions = component_files(module, "action_")?
        .iter()
        .map(|f| read_json(f))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut triggers = Vec::new();
    for file in component_files(module, "trigger_")? {
        let trigger = read_json(&file)?;
        if trigger
            .get("uuid")
            .is_some_and(|u| connector_uuids.contains(u))
        {
            println!(
                "[!] {name}: Trigger {} ignored because it is a connector",
                page::display(trigger.get("name"))
            );
            continue;
        }
        triggers.push(trigger);
    }
    if actions.is_empty() && triggers.is_empty() {
        println!("[!] {name}: No actions/triggers found");
        return Ok(None);
    }
    let module_name = page::display(manifest.get("name"));
    let slug = python::slugify(&module_name);
    if slug.is_empty() {
        bail!(
            "{}: the module name {module_name:?} makes an empty slug",
            manifest_path.display()
        );
    }
    let logo = copy_logo(module, docs, &slug)?;
    let assets = copy_assets(module, docs, &slug)?;
    let setup = read_setup(module, assets.as_deref())?;
    let text = page::render(&page::PageInput {
        manifest: &manifest,
        actions: &actions,
        triggers: &triggers,
        logo: logo.as_deref(),
        setup: setup.as_deref(),
    });
    let pages = docs.join(PAGES_DIR);
    std::fs::create_dir_all(&pages)
        .with_context(|| format!("cannot create {}", pages.display()))?;
    let file_name = format!("{slug}.md");
    let path = pages.join(&file_name);
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    let categories = manifest
        .get("categories")
        .and_then(Value::as_array)
        .map(|c| {
            c.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(Written {
        listed: nav::Listed {
            name: module_name,
            file_name,
            categories,
        },
    }))
}

/// Copies `logo.png` (else `logo.svg`) to `<docs>/docs/assets/playbooks/library/<slug>.<ext>`.
fn copy_logo(module: &Path, docs: &Path, slug: &str) -> anyhow::Result<Option<String>> {
    for extension in ["png", "svg"] {
        let logo = module.join(format!("logo.{extension}"));
        if logo.is_file() {
            let dir = docs.join(LOGOS_DIR);
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let file_name = format!("{slug}.{extension}");
            std::fs::copy(&logo, dir.join(&file_name))
                .with_context(|| format!("cannot copy {}", logo.display()))?;
            return Ok(Some(file_name));
        }
    }
    Ok(None)
}

/// Copies `docs/assets/` of the module to `<docs>/docs/assets/playbooks/library/setup/<slug>/`;
/// returns that location as the site serves it.
fn copy_assets(module: &Path, docs: &Path, slug: &str) -> anyhow::Result<Option<String>> {
    let source = module.join("docs/assets");
    if !source.is_dir() {
        return Ok(None);
    }
    let location = format!("{SETUP_DIR}/{slug}");
    let target = docs.join("docs").join(&location);
    copy_tree(&source, &target)?;
    Ok(Some(location))
}

fn copy_tree(source: &Path, target: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(target)
        .with_context(|| format!("cannot create {}", target.display()))?;
    for entry in
        std::fs::read_dir(source).with_context(|| format!("cannot list {}", source.display()))?
    {
        let path = entry?.path();
        let into = target.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_tree(&path, &into)?;
        } else {
            std::fs::copy(&path, &into)
                .with_context(|| format!("cannot copy {}", path.display()))?;
        }
    }
    Ok(())
}

/// `CONFIGURE.md`, its `docs/assets` links pointing at the copied assets.
fn read_setup(module: &Path, assets: Option<&str>) -> anyhow::Result<Option<String>> {
    let path = module.join("CONFIGURE.md");
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    // read as Python reads text: universal newlines
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    Ok(Some(match assets {
        Some(location) => text.replace("docs/assets", &format!("/{location}")),
        None => text,
    }))
}
