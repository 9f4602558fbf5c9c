//! `cargo sekoia check`: each rule fires on its fixture, a minimal broken module in
//! `tests/fixtures/check/<rule>/` that breaks that rule alone, with the exact line and exit
//! status 1; the example modules pass.
//!
//! A fixture of a module with code holds `module-binary`, a shell script that prints what a built
//! module binary prints for `--sekoia-registrations`: the checks read the registrations from it
//! (`--binary`) instead of building, which keeps these tests fast. `module_unbuildable` (a compile error) and the
//! examples build for real.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// `cargo sekoia check <dir>`, with `--binary <dir>/module-binary` when the fixture has one.
fn check(dir: &Path) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"));
    command
        .args(["sekoia", "check"])
        .arg(dir)
        .env("CARGO", env!("CARGO"));
    let fake = dir.join("module-binary");
    if fake.exists() {
        command.arg("--binary").arg(fake);
    }
    if dir.starts_with(fixtures()) {
        // a fixture that builds does so outside the source tree
        command.env("CARGO_TARGET_DIR", target_dir().join("check-fixtures"));
    }
    command.output().unwrap()
}

/// The whole report of a check of `modules` modules that found `lines`.
fn report(modules: usize, lines: &[&str]) -> String {
    let verdict = if lines.is_empty() {
        "✅  No errors found!"
    } else {
        "❌  Found errors"
    };
    let lines: String = lines.iter().map(|line| format!("{line}\n")).collect();
    format!("🔎 {modules} module(s) found\n{lines}{verdict}\n")
}

fn assert_report(dir: &Path, modules: usize, lines: &[&str], status: i32) {
    let output = check(dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stdout, report(modules, lines), "standard error:\n{stderr}");
    assert_eq!(
        output.status.code(),
        Some(status),
        "standard error:\n{stderr}"
    );
}

/// The fixture of one module reports exactly `lines` and fails.
fn fails(rule: &str, lines: &[&str]) {
    assert_report(&fixtures().join(rule), 1, lines, 1);
}

/// The fixture holding `modules` modules reports exactly `lines` and fails.
fn fails_across(rule: &str, modules: usize, lines: &[&str]) {
    assert_report(&fixtures().join(rule), modules, lines, 1);
}

// --- manifest.json

#[test]
fn manifest_categories_missing() {
    fails(
        "manifest_categories_missing",
        &[
            "manifest_categories_missing:manifest.json:`category` is non-existent or doesn't contain any category",
        ],
    );
}

#[test]
fn manifest_category_invalid() {
    fails(
        "manifest_category_invalid",
        &["manifest_category_invalid:manifest.json:`category` could not contain value 'Security'"],
    );
}

#[test]
fn manifest_configuration_invalid() {
    fails(
        "manifest_configuration_invalid",
        &["manifest_configuration_invalid:manifest.json:`configuration` is not valid JSON schema"],
    );
}

#[test]
fn manifest_configuration_missing() {
    fails(
        "manifest_configuration_missing",
        &[
            "manifest_configuration_missing:manifest.json:`configuration` is not present in manifest.json",
            "manifest_configuration_missing:manifest.json:`configuration` is not valid JSON schema",
        ],
    );
}

#[test]
fn manifest_missing() {
    fails(
        "manifest_missing",
        &["manifest_missing:manifest.json:manifest.json is missing"],
    );
}

#[test]
fn manifest_name_missing() {
    fails(
        "manifest_name_missing",
        &["manifest_name_missing:manifest.json:`name` is not present in manifest.json"],
    );
}

#[test]
fn manifest_slug_invalid() {
    fails(
        "manifest_slug_invalid",
        &["manifest_slug_invalid:manifest.json:`slug` is not correct in manifest.json"],
    );
}

#[test]
fn manifest_slug_missing() {
    fails(
        "manifest_slug_missing",
        &["manifest_slug_missing:manifest.json:`slug` is not present in manifest.json"],
    );
}

#[test]
fn manifest_unreadable() {
    fails(
        "manifest_unreadable",
        &[
            "manifest_unreadable:manifest.json:manifest.json is not readable: EOF while parsing a value at line 3 column 0",
        ],
    );
}

#[test]
fn manifest_uuid_missing() {
    fails(
        "manifest_uuid_missing",
        &["manifest_uuid_missing:manifest.json:`uuid` is not present in manifest.json"],
    );
}

#[test]
fn manifest_version_invalid() {
    fails(
        "manifest_version_invalid",
        &[
            "manifest_version_invalid:manifest.json:'1.0' is not valid semantic version. Read more: https://semver.org/",
        ],
    );
}

#[test]
fn manifest_version_missing() {
    fails(
        "manifest_version_missing",
        &["manifest_version_missing:manifest.json:`version` is not present in manifest.json"],
    );
}

#[test]
fn manifest_version_not_newest() {
    fails(
        "manifest_version_not_newest",
        &[
            "manifest_version_not_newest:manifest.json:`version` '0.2.0' is not the newest version of CHANGELOG.md, '0.1.0': bump both together",
        ],
    );
}

#[test]
fn manifest_version_unreleased() {
    fails(
        "manifest_version_unreleased",
        &[
            "manifest_version_unreleased:manifest.json:`version` '0.1.0' has no entry in CHANGELOG.md: add `## YYYY-MM-DD - 0.1.0` under `## Unreleased`",
        ],
    );
}

// --- CHANGELOG.md

#[test]
fn changelog_bad_date() {
    fails(
        "changelog_bad_date",
        &["changelog_bad_date:CHANGELOG.md:Date does not match format 'YYYY-MM-DD'"],
    );
}

#[test]
fn changelog_content_outside_section() {
    fails(
        "changelog_content_outside_section",
        &[
            "changelog_content_outside_section:CHANGELOG.md:Version has content outside of a section.",
        ],
    );
}

#[test]
fn changelog_default_content() {
    fails(
        "changelog_default_content",
        &[
            "changelog_default_content:CHANGELOG.md:Missing default content 'All notable changes to this project will be documented in this file.'",
        ],
    );
}

#[test]
fn changelog_extra_header() {
    fails(
        "changelog_extra_header",
        &["changelog_extra_header:CHANGELOG.md:Unexpected additional top-level heading found."],
    );
}

#[test]
fn changelog_header_title() {
    fails(
        "changelog_header_title",
        &[
            "changelog_header_title:CHANGELOG.md:Header title not valid. Options are [Changelog,Change log]",
        ],
    );
}

#[test]
fn changelog_invalid_section() {
    fails(
        "changelog_invalid_section",
        &[
            "changelog_invalid_section:CHANGELOG.md:\"New\" is not a valid section for a version. Options are [Added,Changed,Deprecated,Removed,Fixed,Security]",
        ],
    );
}

#[test]
fn changelog_invalid_version() {
    fails(
        "changelog_invalid_version",
        &[
            "changelog_invalid_version:CHANGELOG.md:Line '2025-12-01 - first' has invalid semantic version.",
        ],
    );
}

#[test]
fn changelog_missing() {
    fails(
        "changelog_missing",
        &["changelog_missing:CHANGELOG.md:changelog is missing"],
    );
}

#[test]
fn changelog_missing_date() {
    fails(
        "changelog_missing_date",
        &[
            "changelog_missing_date:CHANGELOG.md:Versions need to be decorated with a release date in the following format 'YYYY-MM-DD'",
        ],
    );
}

#[test]
fn changelog_no_entries() {
    fails(
        "changelog_no_entries",
        &["changelog_no_entries:CHANGELOG.md:No entries in changelog"],
    );
}

#[test]
fn changelog_no_header() {
    fails(
        "changelog_no_header",
        &["changelog_no_header:CHANGELOG.md:No 'Changelog' header found."],
    );
}

#[test]
fn changelog_not_descending() {
    fails(
        "changelog_not_descending",
        &["changelog_not_descending:CHANGELOG.md:Versions are not in descending order."],
    );
}

// --- the logo

#[test]
fn logo_missing() {
    fails("logo_missing", &["logo_missing:logo.png:Logo is missing"]);
}

#[test]
fn logo_not_png() {
    fails(
        "logo_not_png",
        &["logo_not_png:logo.png:Logo is not in PNG format"],
    );
}

#[test]
fn logo_not_square() {
    fails(
        "logo_not_square",
        &["logo_not_square:logo.png:Logo is not square - 2x1px"],
    );
}

#[test]
fn logo_too_heavy() {
    fails(
        "logo_too_heavy",
        &["logo_too_heavy:logo.png:Logo file weights more than 50 KiB"],
    );
}

// --- the JSON byte format

#[test]
fn json_invalid() {
    fails(
        "json_invalid",
        &[
            "json_invalid:sample.json:File json_invalid/data/sample.json is not valid JSON: EOF while parsing a list at line 2 column 0",
        ],
    );
}

#[test]
fn json_not_formatted() {
    fails(
        "json_not_formatted",
        &[
            "json_not_formatted:manifest.json:File json_not_formatted/manifest.json is not formatted correctly",
        ],
    );
}

// --- the files of a module with code

#[test]
fn cargo_lock_missing() {
    fails(
        "cargo_lock_missing",
        &["cargo_lock_missing:Cargo.toml:Cargo.lock is missing"],
    );
}

#[test]
fn cargo_toml_missing() {
    fails(
        "cargo_toml_missing",
        &["cargo_toml_missing:Cargo.toml:Cargo.toml is missing"],
    );
}

#[test]
fn dockerfile_missing() {
    fails(
        "dockerfile_missing",
        &["dockerfile_missing:Dockerfile:Dockerfile is missing"],
    );
}

#[test]
fn python_dockerfile_missing() {
    fails(
        "python_dockerfile_missing",
        &["python_dockerfile_missing:Dockerfile:Dockerfile is missing"],
    );
}

#[test]
fn tests_folder_empty() {
    fails(
        "tests_folder_empty",
        &["tests_folder_empty:tests:There are no tests in tests folder"],
    );
}

#[test]
fn tests_missing() {
    fails(
        "tests_missing",
        &[
            "tests_missing:tests:Tests are missing: add a tests/ folder or #[test] functions to the module",
        ],
    );
}

// --- component JSON files

#[test]
fn component_arguments_invalid() {
    fails(
        "component_arguments_invalid",
        &["component_arguments_invalid:action_ping.json:`arguments` is not valid JSON schema"],
    );
}

#[test]
fn component_arguments_missing() {
    fails(
        "component_arguments_missing",
        &["component_arguments_missing:action_ping.json:`arguments` is not present"],
    );
}

#[test]
fn component_description_missing() {
    fails(
        "component_description_missing",
        &["component_description_missing:action_ping.json:`description` is not present"],
    );
}

#[test]
fn component_docker_parameters_missing() {
    fails(
        "component_docker_parameters_missing",
        &[
            "component_docker_parameters_missing:action_ping.json:`docker_parameters` is not present",
        ],
    );
}

#[test]
fn component_name_missing() {
    fails(
        "component_name_missing",
        &["component_name_missing:action_ping.json:`name` is not present"],
    );
}

#[test]
fn component_results_invalid() {
    fails(
        "component_results_invalid",
        &["component_results_invalid:action_ping.json:`results` is not valid JSON schema"],
    );
}

#[test]
fn component_results_missing() {
    fails(
        "component_results_missing",
        &["component_results_missing:action_ping.json:`results` is not present"],
    );
}

#[test]
fn component_unreadable() {
    fails(
        "component_unreadable",
        &["component_unreadable:action_ping.json:can't load JSON"],
    );
}

#[test]
fn component_uuid_missing() {
    fails(
        "component_uuid_missing",
        &["component_uuid_missing:action_ping.json:`uuid` is not present"],
    );
}

#[test]
fn component_uuid_not_unique() {
    fails_across(
        "component_uuid_not_unique",
        2,
        &[
            "one:action_ping.json:UUID is not unique",
            "two:action_ping.json:UUID is not unique",
        ],
    );
}

// --- across files and modules

#[test]
fn docker_parameters_not_consistent() {
    fails(
        "docker_parameters_not_consistent",
        &[
            "docker_parameters_not_consistent:connector_alerts.json:`docker_parameters` is not consistent with trigger_alerts.json",
        ],
    );
}

#[test]
fn docker_parameters_not_unique() {
    fails(
        "docker_parameters_not_unique",
        &[
            "docker_parameters_not_unique:action_ping.json:`docker_parameters` is not unique",
            "docker_parameters_not_unique:action_pong.json:`docker_parameters` is not unique",
        ],
    );
}

#[test]
fn module_uuid_not_unique() {
    fails_across(
        "module_uuid_not_unique",
        2,
        &[
            "one:manifest.json:UUID is not unique",
            "two:manifest.json:UUID is not unique",
        ],
    );
}

#[test]
fn slug_not_unique() {
    fails_across(
        "slug_not_unique",
        2,
        &[
            "one:manifest.json:slug is not unique",
            "two:manifest.json:slug is not unique",
        ],
    );
}

#[test]
fn uuid_not_consistent() {
    fails(
        "uuid_not_consistent",
        &[
            "uuid_not_consistent:connector_alerts.json:UUID is not consistent with trigger_alerts.json",
        ],
    );
}

// --- the registrations of the module binary

#[test]
fn module_unbuildable() {
    fails(
        "module_unbuildable",
        &[
            "module_unbuildable:Cargo.toml:the module cannot be built: error[E0308]: mismatched types",
        ],
    );
}

#[test]
fn module_has_no_package() {
    fails(
        "module_has_no_package",
        &[
            "module_has_no_package:Cargo.toml:Cargo.toml has no [package]: a module directory is the package of the module binary (src/main.rs)",
        ],
    );
}

#[test]
fn registration_absent_in_json() {
    fails(
        "registration_absent_in_json",
        &[
            "registration_absent_in_json:main.rs:Docker parameter `pong` is registered in the module binary, but absent in any JSON",
        ],
    );
}

#[test]
fn registration_missing() {
    fails(
        "registration_missing",
        &[
            "registration_missing:main.rs:Docker parameter `pong` is not registered in the module binary",
        ],
    );
}

#[test]
fn registration_wrong_kind() {
    fails(
        "registration_wrong_kind",
        &[
            "registration_wrong_kind:main.rs:Docker parameter `ping` is registered in the module binary as a trigger, not as an action",
        ],
    );
}

#[test]
fn registrations_unreadable() {
    let binary = fixtures()
        .join("registrations_unreadable/module-binary")
        .canonicalize()
        .unwrap();
    let line = format!(
        "registrations_unreadable:main.rs:cannot read the registrations listed by the module binary {}: it printed \"Hello, world!\" instead of its registrations as JSON: is it a sekoia-rs module binary, built with this version of sekoia-runtime?",
        binary.display()
    );
    fails("registrations_unreadable", &[&line]);
}

// --- what passes

#[test]
fn complianceignore_drops_the_errors_of_the_files_it_lists() {
    assert_report(&fixtures().join("complianceignore"), 1, &[], 0);
}

#[test]
fn the_testhttp_example_passes() {
    assert_report(&repo_root().join("examples/testhttp"), 1, &[], 0);
}

#[test]
fn the_sample_example_passes() {
    assert_report(&repo_root().join("examples/sample"), 1, &[], 0);
}

#[test]
fn the_conformance_example_passes() {
    assert_report(&repo_root().join("examples/conformance"), 1, &[], 0);
}

// --- a real module, built by the check

/// The repository's target directory: a module made by `cargo sekoia new` reuses its artifacts.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

#[test]
fn a_component_json_out_of_date_is_rewritten_by_the_build_and_reported() {
    let parent = tempfile::tempdir().unwrap();
    let root = repo_root();
    let created = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args([
            "sekoia",
            "new",
            "acme",
            "--name",
            "Acme Cloud",
            "--description",
            "Talks to Acme",
        ])
        .arg("--sekoia-path")
        .arg(&root)
        .current_dir(parent.path())
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let module = parent.path().join("acme");
    let check = || {
        Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
            .args(["sekoia", "check"])
            .arg(&module)
            .env("CARGO", env!("CARGO"))
            .env("CARGO_TARGET_DIR", target_dir())
            .output()
            .unwrap()
    };
    // one check is enough: it builds the module first, which writes its JSON files
    let passed = check();
    assert_eq!(
        String::from_utf8_lossy(&passed.stdout),
        report(1, &[]),
        "{}",
        String::from_utf8_lossy(&passed.stderr)
    );

    let action = std::fs::read_dir(&module)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .find(|name| name.starts_with("action_"))
        .expect("the new module has an action");
    let path = module.join(&action);
    let committed = std::fs::read_to_string(&path).unwrap();
    let mut stale: serde_json::Value = serde_json::from_str(&committed).unwrap();
    stale["description"] = "An old description".into();
    std::fs::write(&path, sekoia_manifest::pyjson::dumps(&stale)).unwrap();

    let line = format!(
        "acme:{action}:`cargo build` rewrote this file: the checked version was out of date, commit the new one"
    );
    let stale_check = check();
    assert_eq!(
        String::from_utf8_lossy(&stale_check.stdout),
        report(1, &[&line])
    );
    assert_eq!(stale_check.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        committed,
        "the build wrote the current file back"
    );
    assert_eq!(check().status.code(), Some(0));

    // a version bumped in Cargo.toml: one check says what the CHANGELOG lacks
    let cargo_toml = module.join("Cargo.toml");
    let text = std::fs::read_to_string(&cargo_toml).unwrap();
    std::fs::write(
        &cargo_toml,
        text.replacen("version = \"0.1.0\"", "version = \"0.2.0\"", 1),
    )
    .unwrap();
    let bumped = check();
    let today = chrono_free_today();
    assert_eq!(
        String::from_utf8_lossy(&bumped.stdout),
        report(
            1,
            &[
                "acme:manifest.json:`cargo build` rewrote this file: the checked version was out of date, commit the new one",
                &format!(
                    "acme:manifest.json:`version` '0.2.0' is not the newest version of CHANGELOG.md, '0.1.0': add `## {today} - 0.2.0` under `## Unreleased` in CHANGELOG.md, with what changed (`cargo sekoia update` bumps both)"
                ),
            ]
        ),
        "{}",
        String::from_utf8_lossy(&bumped.stderr)
    );
}

/// Today's date as the CHANGELOG of a new module has it (its first entry).
fn chrono_free_today() -> String {
    let output = Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn a_check_inside_the_components_crate_points_at_the_module() {
    let components = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("examples/testhttp/testhttp_modules");
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args(["sekoia", "check"])
        .current_dir(&components)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no report of missing files");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is inside the module") && stderr.contains("run `cargo sekoia check ..`"),
        "{stderr}"
    );
}

// --- `--as-sekoia`: what Sekoia's own checker says

/// Option lists (`[Added,Changed,...]`) in one order: Python prints a set, whose order changes.
fn sorted_options(text: &str) -> String {
    let list = regex::Regex::new(r"\[([A-Za-z ,]+)\]").unwrap();
    list.replace_all(text, |c: &regex::Captures<'_>| {
        let mut items: Vec<&str> = c[1].split(',').collect();
        items.sort_unstable();
        format!("[{}]", items.join(","))
    })
    .into_owned()
}

/// Every fixture, checked with `--as-sekoia`, prints what Sekoia's checker (`_utils/compliance`
/// of the automation-library) printed on it and exits as it did: recorded by
/// `tools/compliance/record.py` in `fixtures/check/sekoia-checker.json`. On a module without
/// `pyproject.toml`, a Rust one, it checks the CHANGELOG, the manifest, the logo and the
/// uniqueness of slugs and module uuids, nothing else.
#[test]
fn as_sekoia_reports_what_sekoias_checker_reports() {
    let recorded: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("sekoia-checker.json")).unwrap(),
    )
    .unwrap();
    let mut compared = 0;
    for (fixture, theirs) in recorded["fixtures"].as_object().unwrap() {
        if theirs["crashed"] == true {
            // Python's checker crashed there (a missing `version`): no outcome to compare
            continue;
        }
        let output = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
            .args(["sekoia", "check", "--as-sekoia"])
            .arg(fixtures().join(fixture))
            .output()
            .unwrap();
        assert_eq!(
            sorted_options(&String::from_utf8_lossy(&output.stdout)),
            sorted_options(theirs["stdout"].as_str().unwrap()),
            "{fixture}"
        );
        assert_eq!(
            output.status.code(),
            theirs["status"].as_i64().map(|s| s as i32),
            "{fixture}"
        );
        compared += 1;
    }
    assert!(compared > 50, "only {compared} fixtures compared");
    // the modules that pass Sekoia's checker but not ours: the Rust counterparts
    let tests_missing = &recorded["fixtures"]["tests_missing"];
    assert_eq!(
        tests_missing["status"], 0,
        "a Rust module without tests passes Sekoia's checker"
    );
}
