//! The manifests `cargo build` writes for the examples: conformance with the Python SDK's output,
//! with the tutorial's module, and byte format.

use sekoia_tests::{example, golden, read_json, repo_root, same_json};
use serde_json::Value;

/// The component manifests of a module root, by file name.
fn json_files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

#[test]
fn sample_module_equals_what_the_python_sdk_generates() {
    let ours = example("sample");
    let expected_files: Vec<String> = json_files(&golden("sdk-sample-module"))
        .into_iter()
        .filter(|n| n != "manifest.input.json")
        .collect();
    assert_eq!(json_files(&ours), expected_files);
    for file in expected_files {
        let mut actual = read_json(&ours.join(&file));
        let mut expected = read_json(&golden("sdk-sample-module").join(&file));
        if file == "manifest.json" {
            // Cargo versions are SemVer; the Python sample's "0.1" is not
            assert_eq!(actual["version"], "0.1.0");
            actual.as_object_mut().unwrap().remove("version");
            expected.as_object_mut().unwrap().remove("version");
        }
        assert_eq!(actual, expected, "{file} differs from the Python SDK's");
    }
}

/// The JSON type of a property, seeing through `anyOf [T, null]`.
fn property_type(property: &Value) -> Value {
    if let Some(t) = property.get("type") {
        return t.clone();
    }
    let branches = property["anyOf"]
        .as_array()
        .expect("a property has a type or anyOf");
    let non_null: Vec<&Value> = branches.iter().filter(|b| b["type"] != "null").collect();
    assert_eq!(non_null.len(), 1, "{property}");
    non_null[0]["type"].clone()
}

fn assert_same_schema(ours: &Value, seed: &Value, what: &str) {
    let names = |schema: &Value| -> Vec<String> {
        schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(names(ours), names(seed), "{what}: property names");
    assert_eq!(
        ours.get("required"),
        seed.get("required"),
        "{what}: required"
    );
    for (name, seed_property) in seed["properties"].as_object().unwrap() {
        let our_property = &ours["properties"][name];
        assert_eq!(
            property_type(our_property),
            property_type(seed_property),
            "{what}.{name}: type"
        );
        if let Some(default) = seed_property.get("default") {
            assert_eq!(
                our_property.get("default"),
                Some(default),
                "{what}.{name}: default"
            );
        }
    }
}

/// Every manifest `cargo build` wrote in `examples/<example>` is the catalogue's, as parsed
/// JSON, and there is no other (`tests/data/catalogue/`, whose README says where they come
/// from).
fn assert_is_the_catalogues(example_dir: &str, module: &str) {
    let ours = example(example_dir);
    let theirs = repo_root().join("tests/data/catalogue").join(module);
    let files = json_files(&theirs);
    assert_eq!(json_files(&ours), files, "examples/{example_dir}");
    for file in files {
        let (written, original) = (read_json(&ours.join(&file)), read_json(&theirs.join(&file)));
        assert!(
            same_json(&written, &original),
            "examples/{example_dir}/{file} differs from the catalogue's:\nwritten  {written}\noriginal {original}"
        );
    }
}

#[test]
fn the_http_example_writes_the_catalogues_manifests() {
    assert_is_the_catalogues("http", "HTTP");
}

#[test]
fn the_rss_example_writes_the_catalogues_manifests() {
    assert_is_the_catalogues("rss", "RSS");
}

#[test]
fn testhttp_matches_the_tutorial_module() {
    let ours = example("testhttp");
    let pairs = [
        ("action_request_url.json", "action_request.json"),
        (
            "connector_testhttpconnector.json",
            "connector_testhttpconnector.json",
        ),
        (
            "trigger_newentriestrigger.json",
            "trigger_newentriestrigger.json",
        ),
    ];
    for (our_file, seed_file) in pairs {
        let ours = read_json(&ours.join(our_file));
        let seed = read_json(&golden("seed-testhttp").join(seed_file));
        for key in ["name", "description", "uuid", "docker_parameters"] {
            assert_eq!(ours[key], seed[key], "{our_file}: {key}");
        }
        assert_same_schema(
            &ours["arguments"],
            &seed["arguments"],
            &format!("{our_file} arguments"),
        );
        if let Some(results) = seed.get("results") {
            assert_same_schema(&ours["results"], results, &format!("{our_file} results"));
        }
    }
    // the trigger's entries: the seed has them behind a $ref, ours are inlined
    let trigger = read_json(&ours.join("trigger_newentriestrigger.json"));
    let seed = read_json(&golden("seed-testhttp").join("trigger_newentriestrigger.json"));
    assert_same_schema(
        &trigger["results"]["properties"]["entries"]["items"],
        &seed["results"]["definitions"]["Entry"],
        "Entry",
    );
    // the module configuration is the tutorial's, its secret listed; the base URL of offline
    // runs is not in it
    let manifest = read_json(&ours.join("manifest.json"));
    assert_eq!(
        manifest["configuration"]["secrets"],
        serde_json::json!(["api_key"])
    );
    let properties: Vec<&String> = manifest["configuration"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(properties, ["api_key"]);
    assert_eq!(
        manifest["configuration"]["required"],
        serde_json::json!(["api_key"])
    );
    assert_eq!(
        manifest["version"], "1.0.0",
        "the version comes from Cargo.toml"
    );
}

#[test]
fn component_uuids_are_uuid5_of_the_module_uuid_and_name() {
    let golden_dir = golden("sdk-sample-module");
    let module_uuid = read_json(&golden_dir.join("manifest.json"))["uuid"]
        .as_str()
        .unwrap()
        .to_owned();
    for file in [
        "action_sample_action.json",
        "trigger_sample_trigger.json",
        "connector_sample_connector.json",
    ] {
        let expected = read_json(&golden_dir.join(file));
        let name = expected["name"].as_str().unwrap();
        assert_eq!(
            sekoia_manifest::uuid5(&module_uuid, name),
            expected["uuid"].as_str().unwrap(),
            "{file}"
        );
    }
}

#[test]
fn python_json_dumps_bytes_are_reproduced() {
    let input = std::fs::read_to_string(repo_root().join("tests/data/pyjson_input.json")).unwrap();
    let expected =
        std::fs::read_to_string(repo_root().join("tests/data/pyjson_expected.json")).unwrap();
    let value: Value = serde_json::from_str(&input).unwrap();
    assert_eq!(sekoia_manifest::pyjson::dumps(&value), expected);
}

/// Every committed manifest of the examples is exactly what Python's `json.dumps(obj, indent=2)`
/// writes for it (python3 is the oracle).
#[test]
fn committed_manifests_are_python_formatted() {
    for module in ["sample", "testhttp", "conformance", "http", "rss"] {
        let dir = example(module);
        for file in json_files(&dir) {
            let path = dir.join(&file);
            let output = std::process::Command::new("python3")
                .args(["-c", "import json,sys; sys.stdout.write(json.dumps(json.load(open(sys.argv[1])), indent=2))"])
                .arg(&path)
                .output()
                .expect("python3 runs");
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let ours = std::fs::read(&path).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&output.stdout),
                "{module}/{file}"
            );
        }
    }
}
