//! The files of an imported module workspace, as `cargo sekoia new` lays them out: the module
//! package (Cargo.toml, build.rs, src/main.rs, a test, Dockerfile, CHANGELOG, logo) and the
//! components crate (lib.rs with the module configuration, one file a component).

use std::fmt::Write;
use std::path::PathBuf;

use crate::import::dependencies::Dependencies;
use crate::import::naming::string_literal;

/// The names of the workspace's packages and of the module type.
pub(crate) struct Names {
    /// The module package: the binary Sekoia starts (`http`).
    pub package: String,
    /// The components crate (`http_modules`).
    pub components: String,
    /// The `#[module]` struct (`HttpModule`).
    pub module_type: String,
}

impl Names {
    pub(crate) fn of(slug: &str, name: &str) -> Names {
        let package = slug.replace('.', "_");
        let components = format!("{}_modules", package.replace('-', "_"));
        let module_type = format!("{}Module", crate::import::naming::camel(name, "Imported"));
        Names {
            package,
            components,
            module_type,
        }
    }
}

/// What the files need besides the names.
pub(crate) struct Files<'a> {
    pub names: &'a Names,
    pub description: &'a str,
    pub version: &'a str,
    pub dependencies: &'a Dependencies,
    /// The text of the components crate's `lib.rs`.
    pub lib: String,
    /// `(module name, text)` of each component file.
    pub components: Vec<(String, String)>,
    /// The docker_parameters the binary answers, for its test.
    pub commands: Vec<String>,
    /// The CHANGELOG to carry over, or none.
    pub changelog: Option<String>,
    /// The README: what is left to port.
    pub readme: String,
}

/// Every file of the workspace, relative to its root (the logo is copied apart).
pub(crate) fn files(files: &Files<'_>) -> Vec<(PathBuf, String)> {
    let names = files.names;
    let components = PathBuf::from(&names.components);
    let mut out = vec![
        (PathBuf::from("Cargo.toml"), cargo_toml(files)),
        (
            PathBuf::from("build.rs"),
            format!("sekoia_build::main!({});\n", names.components),
        ),
        (
            PathBuf::from("src/main.rs"),
            "sekoia_runtime::run!();\n".to_owned(),
        ),
        (PathBuf::from("tests/module.rs"), test(files)),
        (
            PathBuf::from("Dockerfile"),
            crate::template!("Dockerfile.tmpl").replace("{{package}}", &names.package),
        ),
        (
            PathBuf::from(".gitignore"),
            crate::template!("gitignore.tmpl").to_owned(),
        ),
        (
            PathBuf::from(".dockerignore"),
            crate::template!("dockerignore.tmpl").to_owned(),
        ),
        (PathBuf::from("README.md"), files.readme.clone()),
        (components.join("Cargo.toml"), components_toml(files)),
        (components.join("src/lib.rs"), files.lib.clone()),
    ];
    out.push((
        PathBuf::from("CHANGELOG.md"),
        files
            .changelog
            .clone()
            .unwrap_or_else(|| changelog(files.version)),
    ));
    for (module, text) in &files.components {
        out.push((components.join(format!("src/{module}.rs")), text.clone()));
    }
    out
}

fn cargo_toml(files: &Files<'_>) -> String {
    let names = files.names;
    let deps = files.dependencies;
    let description = files.description.lines().next().unwrap_or_default();
    format!(
        "[workspace]\nmembers = [\".\", \"{c}\"]\ndefault-members = [\".\", \"{c}\"]\nresolver = \"3\"\n\n[package]\nname = \"{p}\"\ndescription = {d}\nversion = \"{v}\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nsekoia-runtime = {r}\n{c} = {{ path = \"{c}\" }}\n\n[build-dependencies]\nsekoia-build = {b}\n{c} = {{ path = \"{c}\" }}\n",
        c = names.components,
        p = names.package,
        d = toml_string(description),
        v = files.version,
        r = deps.runtime,
        b = deps.build,
    )
}

fn components_toml(files: &Files<'_>) -> String {
    format!(
        "[package]\nname = \"{}\"\nversion = \"{}\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nsekoia-runtime = {}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nschemars = \"1.2\"\n",
        files.names.components, files.version, files.dependencies.runtime
    )
}

fn test(files: &Files<'_>) -> String {
    let commands: Vec<String> = files.commands.iter().map(|c| string_literal(c)).collect();
    format!(
        "//! The module binary lists every component its manifests describe.\n\nuse std::process::Command;\n\n#[test]\nfn the_binary_answers_every_component() {{\n    let output = Command::new(env!(\"CARGO_BIN_EXE_{}\"))\n        .output()\n        .expect(\"the module binary runs\");\n    let listing = String::from_utf8_lossy(&output.stdout);\n    for command in [{}] {{\n        assert!(listing.contains(command), \"{{command}} is not in:\\n{{listing}}\");\n    }}\n}}\n",
        files.names.package,
        commands.join(", ")
    )
}

fn changelog(version: &str) -> String {
    let today = chrono::Utc::now().format("%Y-%m-%d");
    format!(
        "# Changelog\n\nAll notable changes to this project will be documented in this file.\n\nThe format is based on [Keep a Changelog](https://keepachangelog.com/en/1.0.0/), and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n\n## Unreleased\n\n## {today} - {version}\n\n### Added\n\n- The module, imported from its Python implementation\n"
    )
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => write!(out, "\\u{:04X}", u32::from(c)).expect("a String"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
