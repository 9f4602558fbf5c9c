//! The rules Sekoia's checker applies to a module with a `pyproject.toml` only, applied by
//! `--as-sekoia`: `TestsValidator` (`tests/test_*.py`), `DependenciesValidator` (`poetry.lock`)
//! and `MainPYValidator` (the `module.register(...)` calls of `main.py`).

use regex::Regex;

use super::module::{Module, files_under};

/// `tests/` holds a `test_*.py`, and `poetry.lock` is beside `pyproject.toml`.
pub fn tests_and_lock(module: &mut Module) {
    let tests = module.path("tests");
    if !tests.is_dir() {
        module.problem("tests", "Tests folder is missing");
    } else {
        let has_test = files_under(&tests, ".py").iter().any(|file| {
            file.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("test_"))
        });
        if !has_test {
            module.problem("tests", "There are no tests in tests folder");
        }
    }
    if !module.path("poetry.lock").is_file() {
        module.problem("pyproject.toml", "poetry.lock is missing");
    }
}

/// The docker_parameters `main.py` registers are those of the component JSON files.
pub fn main_py(module: &mut Module) {
    let Ok(main) = std::fs::read_to_string(module.path("main.py")) else {
        module.problem("main.py", "main.py is missing");
        return;
    };
    let register = Regex::new(
        r#"\bmodule\.register\(\s*[A-Za-z_][A-Za-z0-9_.]*\s*,\s*(?:name\s*=\s*)?(?:"([^"]*)"|'([^']*)')"#,
    )
    .expect("a valid regular expression");
    let registered: Vec<String> = register
        .captures_iter(&main)
        .filter_map(|c| c.get(1).or_else(|| c.get(2)).map(|m| m.as_str().to_owned()))
        .collect();
    let mut seen = Vec::new();
    for name in &registered {
        if seen.contains(name) {
            module.problem(
                "main.py",
                format!("Docker parameter `{name}` used multiple times in main.py"),
            );
        } else {
            seen.push(name.clone());
        }
    }
    if module.docker_parameters.is_empty() {
        // Python crashes here (its JSON docker_parameters are None): nothing to compare
        return;
    }
    let mut in_json: Vec<String> = module
        .docker_parameters
        .iter()
        .map(|(_, d)| d.clone())
        .collect();
    in_json.sort();
    in_json.dedup();
    for name in &in_json {
        if !seen.contains(name) {
            module.problem(
                "main.py",
                format!("Docker parameter `{name}` is not registered in main.py"),
            );
        }
    }
    seen.sort();
    for name in &seen {
        if !in_json.contains(name) {
            module.problem(
                "main.py",
                format!(
                    "`Docker parameter {name}` is registered in main.py, but absent in any JSON"
                ),
            );
        }
    }
}
