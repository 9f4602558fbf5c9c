//! The build helper on a module of its own: non-ASCII text, idempotence, renamed components.

use std::time::SystemTime;

use sekoia_manifest::Registry;
use sekoia_manifest::descriptor::{ComponentDescriptor, ModuleDescriptor};
use sekoia_runtime::prelude::*;

/// Module café: its description is not ASCII
#[module(name = "Café", slug = "cafe", uuid = "5f0c1c5e-33a4-4b8e-9a55-2d2f3bb1c0aa", categories = ["Generic"])]
#[derive(Deserialize, JsonSchema)]
pub struct Cafe {
    /// Clé d'API
    pub api_key: Secret<String>,
}

#[derive(Deserialize, JsonSchema)]
pub struct Order {
    /// Boisson désirée
    pub drink: String,
}

/// Sert un café
#[action(name = "Serve Coffee")]
pub struct Serve;

impl Action for Serve {
    type Module = Cafe;
    type Arguments = Order;
    type Results = ();

    async fn run(&self, _ctx: &ActionContext<Self>, _args: Order) -> Result<(), ActionError> {
        Ok(())
    }
}

/// Brews
#[action(name = "Brew Tea")]
pub struct Brew;

impl Action for Brew {
    type Module = Cafe;
    type Arguments = Order;
    type Results = ();

    async fn run(&self, _ctx: &ActionContext<Self>, _args: Order) -> Result<(), ActionError> {
        Ok(())
    }
}

fn module() -> &'static ModuleDescriptor {
    sekoia_manifest::__private::inventory::iter::<ModuleDescriptor>
        .into_iter()
        .next()
        .unwrap()
}

fn component(name: &str) -> &'static ComponentDescriptor {
    sekoia_manifest::__private::inventory::iter::<ComponentDescriptor>
        .into_iter()
        .find(|c| c.identity.name == name)
        .unwrap()
}

fn mtimes(dir: &std::path::Path) -> Vec<(String, SystemTime)> {
    let mut files: Vec<(String, SystemTime)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn non_ascii_text_is_escaped_like_python() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::from_inventory().unwrap();
    sekoia_build::generate(&registry, dir.path(), "1.2.3").unwrap();
    let manifest = std::fs::read_to_string(dir.path().join("manifest.json")).unwrap();
    assert!(manifest.contains(r#""name": "Caf\u00e9""#), "{manifest}");
    assert!(
        manifest.contains(r#""description": "Module caf\u00e9: its description is not ASCII""#),
        "{manifest}"
    );
    assert!(
        manifest.contains(r#""description": "Cl\u00e9 d'API""#),
        "{manifest}"
    );
    assert!(manifest.is_ascii());
    assert!(
        !manifest.ends_with('\n'),
        "python's json.dumps writes no trailing newline"
    );
    let action = std::fs::read_to_string(dir.path().join("action_serve_coffee.json")).unwrap();
    assert!(
        action.contains(r#""description": "Boisson d\u00e9sir\u00e9e""#),
        "{action}"
    );
    assert!(
        action.contains(r#""results": {}"#),
        "an action without results has empty results: {action}"
    );
}

#[test]
fn a_second_generation_rewrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::from_inventory().unwrap();
    let first = sekoia_build::generate(&registry, dir.path(), "1.0.0").unwrap();
    assert_eq!(
        first.written,
        vec![
            "manifest.json",
            "action_brew_tea.json",
            "action_serve_coffee.json"
        ]
    );
    let before = mtimes(dir.path());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = sekoia_build::generate(&registry, dir.path(), "1.0.0").unwrap();
    assert!(second.written.is_empty(), "{second:?}");
    assert_eq!(second.unchanged.len(), 3);
    assert_eq!(mtimes(dir.path()), before, "no file was touched");
    // a new version rewrites the module manifest only
    let third = sekoia_build::generate(&registry, dir.path(), "1.0.1").unwrap();
    assert_eq!(third.written, vec!["manifest.json"]);
}

#[test]
fn a_renamed_component_leaves_no_stale_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let both = Registry::from_parts(
        vec![module()],
        vec![component("Serve Coffee"), component("Brew Tea")],
    )
    .unwrap();
    sekoia_build::generate(&both, dir.path(), "1.0.0").unwrap();
    assert!(dir.path().join("action_brew_tea.json").exists());
    // "Brew Tea" is gone (renamed or deleted): its manifest goes, and the report says so
    std::fs::write(dir.path().join("notes.json"), "{}").unwrap();
    let one = Registry::from_parts(vec![module()], vec![component("Serve Coffee")]).unwrap();
    let report = sekoia_build::generate(&one, dir.path(), "1.0.0").unwrap();
    assert_eq!(report.removed, vec!["action_brew_tea.json"]);
    assert!(!dir.path().join("action_brew_tea.json").exists());
    assert!(
        dir.path().join("notes.json").exists(),
        "other JSON files are left alone"
    );
}

#[test]
fn no_component_is_a_loud_error_with_the_fix() {
    let error = Registry::from_parts(vec![module()], vec![])
        .err()
        .expect("refused");
    let message = error.to_string();
    assert!(
        message.contains("no #[action], #[trigger] or #[connector] is registered"),
        "{message}"
    );
    assert!(message.contains("sekoia_build::main!("), "{message}");
}
