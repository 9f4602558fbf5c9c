//! The component manifests at the module root, `action_*.json`, `connector_*.json` and
//! `trigger_*.json`: Sekoia's `ActionsJSONValidator`, `ConnectorsJSONValidator` and
//! `TriggersJSONValidator`. Each records its uuid and docker_parameters for the rules after it.

use std::path::Path;

use sekoia_manifest::Kind;
use serde_json::Value;

use super::format;
use super::module::Module;
use super::schema::is_valid_draft7;

/// The kinds in the order Sekoia's checker validates them.
const ORDER: [Kind; 3] = [Kind::Action, Kind::Connector, Kind::Trigger];

/// Checks every component JSON file of the module.
pub fn check(module: &mut Module) {
    for kind in ORDER {
        for file in files(&module.dir, kind) {
            check_file(module, kind, &file);
        }
    }
}

/// The file names of the module's `<kind>_*.json` files, sorted.
pub fn files(dir: &Path, kind: Kind) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| Kind::of_file(name) == Some(kind))
        .collect();
    files.sort();
    files
}

fn check_file(module: &mut Module, kind: Kind, file: &str) {
    let path = module.path(file);
    let Ok(Value::Object(component)) = format::load(&path) else {
        module.problem(file, "can't load JSON");
        module.unreadable.push(path);
        return;
    };
    let string = |key: &str| component.get(key).and_then(Value::as_str);

    if string("name").is_none() {
        module.problem(file, "`name` is not present");
    }
    match string("uuid") {
        Some(uuid) => module
            .component_uuids
            .push((file.to_owned(), uuid.to_owned())),
        None => module.fixable(file, "`uuid` is not present", "Generate random UUID"),
    }
    if string("description").is_none() {
        module.problem(file, "`description` is not present");
    }
    match string("docker_parameters") {
        Some(docker_parameters) => module
            .docker_parameters
            .push((file.to_owned(), docker_parameters.to_owned())),
        None => module.problem(file, "`docker_parameters` is not present"),
    }
    let schemas: &[&str] = if kind == Kind::Connector {
        &["arguments"]
    } else {
        &["arguments", "results"]
    };
    for key in schemas {
        match component.get(*key) {
            Some(schema @ Value::Object(_)) => {
                if !is_valid_draft7(schema) {
                    module.problem(file, format!("`{key}` is not valid JSON schema"));
                }
            }
            _ => module.problem(file, format!("`{key}` is not present")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_the_kind() {
        assert_eq!(Kind::of_file("action_request_url.json"), Some(Kind::Action));
        assert_eq!(Kind::of_file("trigger_.json"), Some(Kind::Trigger));
        assert_eq!(Kind::of_file("connector_x.json"), Some(Kind::Connector));
        assert_eq!(Kind::of_file("actions_x.json"), None);
        assert_eq!(Kind::of_file("action_x.jsonl"), None);
        assert_eq!(Kind::of_file("manifest.json"), None);
    }
}
