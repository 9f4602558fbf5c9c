//! `cargo sekoia doc` against what the Python SDK's `generate-documentation` wrote for the same
//! modules (recorded in tests/fixtures/doc, see its README).

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/doc")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn doc(args: &[&Path], docs: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args(["sekoia", "doc"])
        .args(args)
        .arg("--docs")
        .arg(docs)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The `nav:` block of a mkdocs.yml: PyYAML writes the keys sorted, `cargo sekoia doc` keeps
/// the file's order and rewrites the nav alone.
fn nav_block(text: &str) -> String {
    let start = text.find("\nnav:\n").map_or(0, |i| i + 1);
    text[start..]
        .lines()
        .take_while(|l| l.starts_with(['-', ' ']) || l.starts_with("nav:"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_directory_of_modules_gives_the_pages_and_menus_python_writes() {
    let docs = tempfile::tempdir().unwrap();
    let before = read(&fixtures().join("python/full/mkdocs.before.yml"));
    std::fs::write(docs.path().join("mkdocs.yml"), &before).unwrap();
    let stdout = doc(&[&fixtures().join("modules")], docs.path());
    assert_eq!(
        stdout,
        "Generating documentation for modules:\n[+] HTTP: Success\n[+] RSS: Success\n\
         [+] StormshieldSES: Success\nUpdating documentation menus:\n\
         [+] Sekoia.io TIP/Features/Automate/Actions Library updated\n\
         [+] Integrations/List of Playbooks Actions updated\n"
    );
    for page in ["http.md", "rss.md", "stormshield-ses.md"] {
        let written = read(
            &docs
                .path()
                .join("_shared_content/automate/library")
                .join(page),
        );
        let python = read(&fixtures().join("python").join(page));
        assert!(
            written == python,
            "{page} differs from Python's:\n{written}"
        );
    }
    let after = read(&docs.path().join("mkdocs.yml"));
    let python = read(&fixtures().join("python/full/mkdocs.after.yml"));
    assert_eq!(nav_block(&after), nav_block(&python));
    assert!(
        after.starts_with("site_name: Scratch docs\nnav:\n"),
        "{after}"
    );

    let assets = docs.path().join("docs/assets/playbooks/library");
    for (copy, source) in [
        ("http.png", "HTTP/logo.png"),
        ("rss.png", "RSS/logo.png"),
        ("stormshield-ses.png", "StormshieldSES/logo.png"),
        (
            "setup/stormshield-ses/Step01.png",
            "StormshieldSES/docs/assets/Step01.png",
        ),
        (
            "setup/stormshield-ses/Step07.png",
            "StormshieldSES/docs/assets/Step07.png",
        ),
    ] {
        assert_eq!(
            std::fs::read(assets.join(copy)).unwrap(),
            std::fs::read(fixtures().join("modules").join(source)).unwrap(),
            "{copy}"
        );
    }
}

#[test]
fn one_module_is_merged_into_the_menus_once() {
    let docs = tempfile::tempdir().unwrap();
    let before = read(&fixtures().join("python/append/mkdocs.before.yml"));
    std::fs::write(docs.path().join("mkdocs.yml"), &before).unwrap();
    let http = fixtures().join("modules/HTTP");
    doc(&[&http], docs.path());
    let page = read(&docs.path().join("_shared_content/automate/library/http.md"));
    assert!(page == read(&fixtures().join("python/http.md")));

    // Python's --module run sorts `Overview` among the categories; here it stays first
    let python = nav_block(&read(&fixtures().join("python/append/mkdocs.after.yml")));
    let mut expected: Vec<&str> = python.lines().collect();
    for overview in [
        "        - Overview: tip/features/automate/library/overview.md",
        "    - Overview: integration/action_library/overview.md",
    ] {
        let at = expected.iter().position(|l| *l == overview).unwrap();
        let line = expected.remove(at);
        let parent = line.len() - line.trim_start().len() - 2;
        let menu = expected[..at]
            .iter()
            .rposition(|l| l.len() - l.trim_start().len() == parent)
            .unwrap();
        expected.insert(menu + 1, line);
    }
    let after = read(&docs.path().join("mkdocs.yml"));
    assert_eq!(nav_block(&after), expected.join("\n"));

    // Python lists the module a second time on a second run; here it is listed once
    doc(&[&http], docs.path());
    assert_eq!(read(&docs.path().join("mkdocs.yml")), after);
}

#[test]
fn a_missing_documentation_repository_is_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-sekoia"))
        .args(["sekoia", "doc", "--docs", "/nonexistent/docs"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("has no mkdocs.yml"), "{stderr}");
}
