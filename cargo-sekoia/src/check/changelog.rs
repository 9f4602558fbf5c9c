//! `CHANGELOG.md`: Sekoia's `ChangelogValidator`, a Keep-a-Changelog parser adapted from
//! python-kacl. It runs the Python checker's own regular expressions with the same matching
//! rules, so its quirks carry over (a heading needs a line end after it; a heading right under
//! another one is not seen as an entry).

use std::cmp::Ordering;
use std::sync::LazyLock;

use regex::Regex;

use super::format::read_text;
use super::module::{Module, Release as NewestRelease};

const FILE: &str = "CHANGELOG.md";

/// The lines the top-level section must hold (its line breaks read as spaces).
const DEFAULT_CONTENT: [&str; 2] = [
    "All notable changes to this project will be documented in this file.",
    "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.0.0/), and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).",
];

/// The section titles a version may have.
const SECTIONS: [&str; 6] = [
    "Added",
    "Changed",
    "Deprecated",
    "Removed",
    "Fixed",
    "Security",
];

/// The SemVer searched anywhere in a version title (the Python checker's `SEMVER_REGEX`).
static SEMVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)",
        r"(?:-(?P<prerelease>(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?",
        r"(?:\+(?P<buildmetadata>[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?",
    ))
    .expect("the SemVer pattern compiles")
});
static DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d\d\d\d-\d\d-\d\d").expect("the date pattern compiles"));
static STRICT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d\d\d\d-[0-1][\d]-[0-3][\d]").expect("the date pattern compiles")
});
static HEADINGS: LazyLock<[Regex; 3]> = LazyLock::new(|| [heading(1), heading(2), heading(3)]);

/// `(\n#{depth}|^#{depth})\s+?(.*)\n`: a heading of that depth, `^` being the start of the text.
fn heading(depth: usize) -> Regex {
    let hashes = "#".repeat(depth);
    Regex::new(&format!(r"(\n{hashes}|^{hashes})\s+?(.*)\n")).expect("the heading pattern compiles")
}

/// A heading and the text under it.
#[derive(Debug, PartialEq, Eq)]
struct Element<'a> {
    title: &'a str,
    body: &'a str,
}

/// The headings of depth `start_depth` in `text`, each with the text up to the next heading of
/// depth `end_depth` (python-kacl's `parse_changelog_header`).
fn elements(text: &str, start_depth: usize, end_depth: usize) -> Vec<Element<'_>> {
    let (start, end) = (&HEADINGS[start_depth - 1], &HEADINGS[end_depth - 1]);
    start
        .captures_iter(text)
        .map(|captures| {
            let whole = captures.get(0).expect("group 0 is the match");
            let title = captures.get(2).map_or("", |m| m.as_str()).trim();
            let rest = &text[whole.end()..];
            let body = end.find(rest).map_or(rest, |next| &rest[..next.start()]);
            Element { title, body }
        })
        .collect()
}

/// What a version title names.
#[derive(Debug, PartialEq, Eq)]
enum Release<'a> {
    Version(&'a str),
    Unreleased,
    Invalid,
}

fn release(title: &str) -> Release<'_> {
    match SEMVER.find(title) {
        Some(m) => Release::Version(m.as_str().trim()),
        None if title.to_lowercase().contains("unreleased") => Release::Unreleased,
        None => Release::Invalid,
    }
}

/// Checks `CHANGELOG.md` and records its newest released version.
pub fn check(module: &mut Module) {
    let path = module.path(FILE);
    if !path.is_file() {
        module.problem(FILE, "changelog is missing");
        return;
    }
    let text = match read_text(&path) {
        Ok(text) => text,
        Err(error) => {
            module.problem(FILE, format!("changelog is not readable: {error}"));
            return;
        }
    };
    for message in problems(&text) {
        module.problem(FILE, message);
    }
    module.changelog_release = Some(match newest_version(&text) {
        Some(version) => NewestRelease::Version(version),
        None => NewestRelease::Unreleased,
    });
}

/// The newest released version: the first version title that holds a SemVer.
pub fn newest_version(text: &str) -> Option<String> {
    elements(text, 2, 2)
        .iter()
        .find_map(|element| match release(element.title) {
            Release::Version(version) => Some(version.to_owned()),
            _ => None,
        })
}

/// Every problem of a changelog, in the order the Python checker reports them.
pub fn problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let headers = elements(text, 1, 2);
    let Some(header) = headers.first() else {
        return vec!["No 'Changelog' header found.".to_owned()];
    };
    for _ in &headers[1..] {
        problems.push("Unexpected additional top-level heading found.".to_owned());
    }
    if !matches!(header.title, "Changelog" | "Change log") {
        problems.push("Header title not valid. Options are [Changelog,Change log]".to_owned());
    }
    let header_body = header.body.replace('\n', " ");
    for line in DEFAULT_CONTENT {
        if !header_body.contains(line) {
            problems.push(format!("Missing default content '{line}'"));
        }
    }

    let versions = elements(text, 2, 2);
    if versions.is_empty() {
        problems.push("No entries in changelog".to_owned());
    }
    for version in &versions {
        version_problems(version, &mut problems);
    }
    for pair in versions.windows(2) {
        let parsed = |e: &Element| match release(e.title) {
            Release::Version(v) => semver::Version::parse(v).ok(),
            _ => None,
        };
        // Python skips the pairs it cannot compare (an `Unreleased` entry)
        if let (Some(newer), Some(older)) = (parsed(&pair[0]), parsed(&pair[1]))
            && newer.cmp_precedence(&older) != Ordering::Greater
        {
            problems.push("Versions are not in descending order.".to_owned());
        }
    }
    problems
}

/// The title, date and sections of one version.
fn version_problems(version: &Element, problems: &mut Vec<String>) {
    let release = release(version.title);
    if release == Release::Invalid {
        problems.push(format!(
            "Line '{}' has invalid semantic version.",
            version.title
        ));
    }
    if release != Release::Unreleased {
        match DATE.find(version.title) {
            None => problems.push(
                "Versions need to be decorated with a release date in the following format 'YYYY-MM-DD'".to_owned(),
            ),
            Some(date) if !STRICT_DATE.is_match(date.as_str()) => {
                problems.push("Date does not match format 'YYYY-MM-DD'".to_owned());
            }
            Some(_) => {}
        }
    }
    let body = version.body.replace('\n', "");
    let body = body.trim();
    if !body.is_empty() && !body.starts_with("###") {
        problems.push("Version has content outside of a section.".to_owned());
    }
    let mut titles: Vec<&str> = Vec::new();
    for section in elements(version.body, 3, 3) {
        if !titles.contains(&section.title) {
            titles.push(section.title);
        }
    }
    for title in titles {
        if !SECTIONS.contains(&title) {
            problems.push(format!(
                "\"{title}\" is not a valid section for a version. Options are [{}]",
                SECTIONS.join(",")
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "# Changelog\n\nAll notable changes to this project will be documented in this file.\n\nThe format is based on [Keep a Changelog](https://keepachangelog.com/en/1.0.0/),\nand this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n\n";

    #[test]
    fn a_keep_a_changelog_file_passes_and_gives_its_newest_version() {
        let text = format!(
            "{HEADER}## Unreleased\n\n## 2024-05-02 - 1.1.0\n\n### Added\n\n- more\n\n## [1.0.0] - 2024-01-31\n\n### Fixed\n\n- a bug\n"
        );
        assert_eq!(problems(&text), Vec::<String>::new());
        assert_eq!(newest_version(&text).as_deref(), Some("1.1.0"));
        let only_unreleased = format!("{HEADER}## Unreleased\n");
        assert_eq!(problems(&only_unreleased), Vec::<String>::new());
        assert_eq!(newest_version(&only_unreleased), None);
    }

    #[test]
    fn the_python_parser_quirks_carry_over() {
        // no line end after the last heading: it is not a heading
        assert_eq!(
            problems(&format!("{HEADER}## Unreleased")),
            ["No entries in changelog"]
        );
        // a heading right under another one is not seen as an entry
        assert_eq!(elements("## A\n## B\n", 2, 2).len(), 1);
        assert_eq!(elements("## A\n\n## B\n", 2, 2).len(), 2);
        // ...but it ends the body of the one above
        assert_eq!(elements("## A\n## B\n", 2, 2)[0].body, "");
        // a title is searched for its SemVer anywhere
        assert_eq!(release("01.2.3 - 2024-01-01"), Release::Version("1.2.3"));
        assert_eq!(release("[Unreleased]"), Release::Unreleased);
        assert_eq!(release("Next"), Release::Invalid);
    }

    #[test]
    fn each_rule_has_its_message() {
        let entry = |title: &str, body: &str| format!("{HEADER}## {title}\n\n{body}");
        assert_eq!(problems("Hello\n"), ["No 'Changelog' header found."]);
        assert_eq!(
            problems(&entry("2024-21-01 - 1.0.0", "")),
            ["Date does not match format 'YYYY-MM-DD'"]
        );
        assert_eq!(
            problems(&entry("Next", "")),
            [
                "Line 'Next' has invalid semantic version.",
                "Versions need to be decorated with a release date in the following format 'YYYY-MM-DD'"
            ]
        );
        assert_eq!(
            problems(&entry("Unreleased", "- loose item\n")),
            ["Version has content outside of a section."]
        );
        assert_eq!(
            problems(&entry(
                "Unreleased",
                "### Notes\n\n- x\n\n### Notes\n\n- y\n"
            )),
            [
                "\"Notes\" is not a valid section for a version. Options are [Added,Changed,Deprecated,Removed,Fixed,Security]"
            ]
        );
        assert_eq!(
            problems(&format!(
                "{HEADER}## 2024-01-01 - 1.0.0\n\n## 2024-02-01 - 1.0.0\n\n## 2023-01-01 - 1.1.0\n"
            )),
            [
                "Versions are not in descending order.",
                "Versions are not in descending order."
            ]
        );
        assert_eq!(
            problems(
                "# Changes\n\nAll notable changes to this project will be documented in this file.\n\n## Unreleased\n"
            ),
            [
                "Header title not valid. Options are [Changelog,Change log]",
                "Missing default content 'The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.0.0/), and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).'"
            ]
        );
        assert_eq!(
            problems(&format!("{HEADER}## Unreleased\n\n# Changelog\n\n")),
            [
                "Unexpected additional top-level heading found.",
                "Version has content outside of a section."
            ]
        );
    }
}
