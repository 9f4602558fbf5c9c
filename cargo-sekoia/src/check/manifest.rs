//! The module manifest, `manifest.json`: Sekoia's `ManifestValidator`.
//!
//! Where the Python checker crashes (a missing `version`, a `slug` or `categories` of the wrong
//! type) this reports the error it meant to; where a bug keeps a rule from firing (a missing
//! `configuration`) the rule fires.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::format;
use super::module::{Module, display, truthy};
use super::schema::is_valid_draft7;

pub use sekoia_manifest::CATEGORIES;

/// Python's `re.match(r"^[a-z]([a-z_.\-]|\d)*$", slug)` (`$` also matches before a final `\n`).
static SLUG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z]([a-z_.\-]|\d)*\n?\z").expect("the slug pattern compiles"));

const FILE: &str = "manifest.json";

/// Checks `manifest.json` and records its uuid, slug and version. `as_sekoia` keeps the bug of
/// Sekoia's checker: its "`configuration` is not present" tests the version, not the
/// configuration; and its words exactly (without where a broken manifest breaks).
pub fn check(module: &mut Module, as_sekoia: bool) {
    let path = module.path(FILE);
    if !path.is_file() {
        module.problem(FILE, "manifest.json is missing");
        return;
    }
    let manifest = match format::load(&path) {
        Ok(Value::Object(manifest)) => manifest,
        // Sekoia's words, then where and why (serde_json says "at line L column C")
        Ok(_) if as_sekoia => {
            module.problem(FILE, "manifest.json is not readable");
            module.unreadable.push(path);
            return;
        }
        Ok(_) => {
            module.problem(
                FILE,
                "manifest.json is not readable: it is not a JSON object",
            );
            module.unreadable.push(path);
            return;
        }
        Err(_) if as_sekoia => {
            module.problem(FILE, "manifest.json is not readable");
            module.unreadable.push(path);
            return;
        }
        Err(error) => {
            module.problem(FILE, format!("manifest.json is not readable: {error}"));
            module.unreadable.push(path);
            return;
        }
    };

    let uuid = manifest.get("uuid");
    if truthy(uuid) {
        module.uuid = uuid.map(display);
    } else {
        module.problem(FILE, "`uuid` is not present in manifest.json");
    }

    if !truthy(manifest.get("name")) {
        module.problem(FILE, "`name` is not present in manifest.json");
    }

    let slug = manifest.get("slug");
    if !truthy(slug) {
        module.problem(FILE, "`slug` is not present in manifest.json");
    } else if !slug
        .and_then(Value::as_str)
        .is_some_and(|s| SLUG.is_match(s))
    {
        module.problem(FILE, "`slug` is not correct in manifest.json");
    }
    if truthy(slug) {
        module.slug = slug.map(display);
    }

    let version = manifest.get("version");
    if !truthy(version) {
        module.problem(FILE, "`version` is not present in manifest.json");
    }
    match version {
        None | Some(Value::Null) => {}
        Some(Value::String(v)) if is_semver(v) => module.version = Some(v.clone()),
        Some(v) => module.problem(
            FILE,
            format!(
                "'{}' is not valid semantic version. Read more: https://semver.org/",
                display(v)
            ),
        ),
    }

    let configuration = manifest.get("configuration").unwrap_or(&Value::Null);
    let not_present = if as_sekoia {
        !truthy(version)
    } else {
        configuration.is_null()
    };
    if not_present {
        module.problem(FILE, "`configuration` is not present in manifest.json");
    }
    if !is_valid_draft7(configuration) {
        module.problem(FILE, "`configuration` is not valid JSON schema");
    }

    let categories: Vec<String> = match manifest.get("categories") {
        Some(Value::Array(items)) => items.iter().map(display).collect(),
        // Python iterates what it is given: the characters of a string, the keys of an object
        Some(Value::String(s)) => s.chars().map(String::from).collect(),
        Some(Value::Object(o)) => o.keys().cloned().collect(),
        _ => Vec::new(),
    };
    if categories.is_empty() {
        module.problem(
            FILE,
            "`category` is non-existent or doesn't contain any category",
        );
    }
    for category in categories {
        if !CATEGORIES.contains(&category.as_str()) {
            module.problem(
                FILE,
                format!("`category` could not contain value '{category}'"),
            );
        }
    }
}

/// Python's `semver.Version.is_valid`: strict SemVer 2.0 (`$` also matches before a final `\n`).
pub fn is_semver(version: &str) -> bool {
    semver::Version::parse(version.strip_suffix('\n').unwrap_or(version)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_versions_follow_the_python_patterns() {
        for good in [
            "sekoia.io",
            "ipinfo.io",
            "paloalto_cortex_xdr",
            "f5-networks",
            "one-password",
            "a",
        ] {
            assert!(SLUG.is_match(good), "{good}");
        }
        for bad in ["1password", "Foo", "-a", "a b", "", "a\n\n"] {
            assert!(!SLUG.is_match(bad), "{bad:?}");
        }
        for good in ["1.0.0", "1.0.0-rc.1", "0.1.0+build.5", "10.20.30"] {
            assert!(is_semver(good), "{good}");
        }
        for bad in ["1.0", "v1.0.0", "01.0.0", "1.0.0-01", "", "1.0.0 "] {
            assert!(!is_semver(bad), "{bad:?}");
        }
    }
}
