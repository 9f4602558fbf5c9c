//! The manifests `cargo build` writes say what the automation library's say (the copies in
//! tests/data/automation-library, with their provenance).
//!
//! "Say the same" is JSON equality, with the two lists of names (`required`, `secrets`)
//! compared as the sets JSON Schema reads them as. The files have the library's names: the
//! connector's (`file = "connector_audit_logs.json"`) and its legacy trigger twin's
//! (`trigger_audit_logs.json`, the same connector as a trigger of older platforms).

use serde_json::Value;

fn read(path: &str) -> Value {
    let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `required` and `secrets` as sorted lists, everywhere.
fn as_sets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if let ("required" | "secrets", Value::Array(names)) = (key.as_str(), &mut *item) {
                    names.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                } else {
                    as_sets(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(as_sets),
        _ => {}
    }
}

fn same(ours: &str, theirs: &str) {
    let (mut ours_value, mut theirs_value) = (read(ours), read(theirs));
    as_sets(&mut ours_value);
    as_sets(&mut theirs_value);
    assert_eq!(
        ours_value, theirs_value,
        "{ours} does not say what the automation library's {theirs} says"
    );
}

#[test]
fn the_module_manifest_is_the_automation_librarys() {
    same(
        "manifest.json",
        "tests/data/automation-library/manifest.json",
    );
}

#[test]
fn the_connector_manifest_is_the_automation_librarys() {
    same(
        "connector_audit_logs.json",
        "tests/data/automation-library/connector_audit_logs.json",
    );
}

#[test]
fn the_legacy_trigger_manifest_is_the_automation_librarys() {
    same(
        "trigger_audit_logs.json",
        "tests/data/automation-library/trigger_audit_logs.json",
    );
}
